// JPEG snapshots (face crop + full frame per track) under <dataDir>/snapshots/YYYY/MM/DD/ (UTC dates).
// Rows store the path relative to the data dir. Writes are atomic: a temp file in the same directory is fsynced
// and renamed over the final name, so a crash leaves either the whole JPEG or nothing under the final name.
import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, rename, rm, unlink } from 'node:fs/promises';
import { isAbsolute, join, relative } from 'node:path';
import sharp from 'sharp';
import { resolveInDataDir } from './data-paths.ts';
import { InvalidInputError } from './errors.ts';

export interface RawImage {
  data: Uint8Array;
  width: number;
  height: number;
  channels: 1 | 3 | 4;
}

export type SnapshotKind = 'face' | 'frame';

export interface SnapshotStoreOptions {
  /** JPEG quality for full frames (faces use faceQuality). */
  frameQuality?: number;
  faceQuality?: number;
  /** Longest side of stored full frames; larger frames are scaled down. */
  maxFrameSide?: number;
  /** Extra context around a face box, as a fraction of the box size on each side. */
  faceMargin?: number;
}

const NAME = /^[A-Za-z0-9_-]{1,80}$/;

export class SnapshotStore {
  readonly root: string;
  readonly #o: Required<SnapshotStoreOptions>;

  constructor(readonly dataDir: string, options: SnapshotStoreOptions = {}) {
    this.root = join(dataDir, 'snapshots');
    this.#o = { frameQuality: 75, faceQuality: 88, maxFrameSide: 1280, faceMargin: 0.25, ...options };
  }

  /** Stores a JPEG (already encoded) and returns its data-dir-relative path. */
  async writeJpeg(id: string, kind: SnapshotKind, jpeg: Uint8Array, at: number): Promise<string> {
    if (!NAME.test(id)) throw new InvalidInputError('invalid snapshot id', [{ path: 'id', message: 'letters, digits, "_" and "-" only' }]);
    if (jpeg.length < 4 || jpeg[0] !== 0xff || jpeg[1] !== 0xd8) throw new InvalidInputError('snapshot is not a JPEG');
    const d = new Date(at);
    const dir = ['snapshots', String(d.getUTCFullYear()), pad(d.getUTCMonth() + 1), pad(d.getUTCDate())].join('/');
    const rel = `${dir}/${id}-${kind}.jpg`;
    await atomicWrite(join(this.dataDir, dir), join(this.dataDir, rel), jpeg);
    return rel;
  }

  /** Encodes and stores a full frame (scaled down to maxFrameSide). */
  async writeFrame(id: string, image: RawImage, at: number): Promise<string> {
    const scale = Math.min(1, this.#o.maxFrameSide / Math.max(image.width, image.height));
    let pipeline = sharp(image.data, { raw: { width: image.width, height: image.height, channels: image.channels } });
    if (scale < 1) pipeline = pipeline.resize(Math.round(image.width * scale), Math.round(image.height * scale));
    return this.writeJpeg(id, 'frame', await pipeline.jpeg({ quality: this.#o.frameQuality, mozjpeg: false }).toBuffer(), at);
  }

  /** Crops the face box (plus margin, clamped to the frame) and stores it. */
  async writeFaceCrop(id: string, image: RawImage, box: readonly [number, number, number, number], at: number): Promise<string> {
    const [x, y, w, h] = box;
    if (![x, y, w, h].every(Number.isFinite) || w <= 0 || h <= 0) throw new InvalidInputError('invalid face box', [{ path: 'box', message: JSON.stringify(box) }]);
    const m = this.#o.faceMargin;
    const left = clamp(Math.floor(x - w * m), 0, image.width - 1);
    const top = clamp(Math.floor(y - h * m), 0, image.height - 1);
    const right = clamp(Math.ceil(x + w * (1 + m)), left + 1, image.width);
    const bottom = clamp(Math.ceil(y + h * (1 + m)), top + 1, image.height);
    const jpeg = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: image.channels } })
      .extract({ left, top, width: right - left, height: bottom - top })
      .jpeg({ quality: this.#o.faceQuality })
      .toBuffer();
    return this.writeJpeg(id, 'face', jpeg, at);
  }

  /** Absolute path of a stored reference; refuses anything outside the snapshots folder. */
  resolve(rel: string): string {
    const abs = resolveInDataDir(this.dataDir, rel);
    const r = relative(this.root, abs);
    if (r === '' || r.startsWith('..') || isAbsolute(r)) throw new InvalidInputError(`"${rel}" is not a snapshot`);
    return abs;
  }

  /** Removes temp files a crash left mid-write; only the last two days' folders can hold any. */
  async sweepTemp(now = Date.now()): Promise<number> {
    let removed = 0;
    for (const t of [now, now - 86_400_000]) {
      const d = new Date(t);
      const dir = join(this.root, String(d.getUTCFullYear()), pad(d.getUTCMonth() + 1), pad(d.getUTCDate()));
      let names: string[];
      try {
        names = await readdir(dir);
      } catch {
        continue;
      }
      for (const n of names) {
        if (n.endsWith('.tmp')) {
          await rm(join(dir, n), { force: true });
          removed++;
        }
      }
    }
    return removed;
  }

  /** Deletes a stored file; a file already gone counts as deleted. */
  async remove(rel: string): Promise<void> {
    try {
      await unlink(this.resolve(rel));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
}

async function atomicWrite(dir: string, finalPath: string, data: Uint8Array): Promise<void> {
  await mkdir(dir, { recursive: true });
  const tmp = `${finalPath}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const fh = await open(tmp, 'wx', 0o640);
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await rename(tmp, finalPath);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

function pad(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(Math.max(v, lo), hi);
}
