// A CCTV-like degraded set, generated at bench time (never stored): each subject's face is cut from its
// photo, scaled to a target width, blurred (Gaussian sigma 0.4-1.0), placed at a random spot on a noisy
// 640x360 frame, darkened (gain 0.55-1.0), given sensor noise (sigma 5) and JPEG-compressed at quality 35.
// Each probe is verified against an untouched photo of the same person, with three other people as
// negatives. Subjects: the single-face images of ../shared/datasets/faces-dev (enrolled from another photo
// of the same identity) and the annotated faces of the face-api sample photos (enrolled from the original).
// Seeded: the same seed gives the same set.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { background } from './compose.ts';
import { SAMPLE_FACES, samplePath } from './face-samples.ts';

export interface Subject {
  person: string;
  /** the photo the probe is cut from, and its face box (x, y, w, h) */
  probeFile: string;
  probeBox: [number, number, number, number];
  /** an untouched photo of the same person and its face box */
  enrolFile: string;
  enrolBox: [number, number, number, number];
}

export interface Probe {
  jpeg: Buffer;
  /** where the face box landed in the 640x360 frame */
  box: [number, number, number, number];
  size: number;
  blur: number;
  gain: number;
}

export const FRAME_W = 640;
export const FRAME_H = 360;
export const DEGRADED_SIZES = [20, 28, 40, 56, 80];

/** mulberry32: small seeded generator (uniform in [0, 1)). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const gauss = (r: () => number): number => Math.sqrt(-2 * Math.log(r() + 1e-12)) * Math.cos(2 * Math.PI * r());

interface Labels {
  images: Record<string, { identity?: string | null; faces: { box: [number, number, number, number] }[] }>;
}

/** Subjects from faces-dev (when present) and the sample photos. */
export async function subjects(datasetDir: string | null): Promise<Subject[]> {
  const out: Subject[] = [];
  if (datasetDir) {
    const labels = JSON.parse(await readFile(path.join(datasetDir, 'labels.json'), 'utf8')) as Labels;
    const byId = new Map<string, [string, [number, number, number, number]][]>();
    for (const [name, l] of Object.entries(labels.images)) {
      if (!l.identity || l.faces.length !== 1) continue;
      const list = byId.get(l.identity) ?? [];
      list.push([path.join(datasetDir, name), l.faces[0].box]);
      byId.set(l.identity, list);
    }
    for (const [person, list] of byId) {
      if (list.length < 2) continue;
      // Enrolled from the next photo of the same person (a different photo, as in real use).
      list.forEach(([file, box], i) => {
        const [enrolFile, enrolBox] = list[(i + 1) % list.length];
        out.push({ person, probeFile: file, probeBox: box, enrolFile, enrolBox });
      });
    }
  }
  for (const f of SAMPLE_FACES) out.push({ person: `sample-${f.person}`, probeFile: samplePath(f.file), probeBox: f.box, enrolFile: samplePath(f.file), enrolBox: f.box });
  return out;
}

let bg: Buffer | null = null;

/** One degraded probe of a subject at a face width of `size` px. */
export async function degrade(s: Subject, size: number, r: () => number): Promise<Probe> {
  bg ??= await background(FRAME_W, FRAME_H);
  const [bx, by, bw, bh] = s.probeBox;
  const img = sharp(s.probeFile);
  const meta = await img.metadata();
  const m = 0.6 * Math.max(bw, bh);
  const left = Math.max(0, Math.round(bx - m));
  const top = Math.max(0, Math.round(by - m));
  const right = Math.min(meta.width ?? 0, Math.round(bx + bw + m));
  const bottom = Math.min(meta.height ?? 0, Math.round(by + bh + m));
  const k = size / bw;
  const cw = Math.max(1, Math.round((right - left) * k));
  const ch = Math.max(1, Math.round((bottom - top) * k));
  const blur = 0.4 + 0.6 * r();
  const gain = 0.55 + 0.45 * r();
  let piece = await sharp(s.probeFile).extract({ left, top, width: right - left, height: bottom - top }).resize(cw, ch, { fit: 'fill' }).removeAlpha().blur(blur).raw().toBuffer();
  // Keep the crop inside the frame.
  const pw = Math.min(cw, FRAME_W);
  const ph = Math.min(ch, FRAME_H);
  if (pw !== cw || ph !== ch) piece = await sharp(piece, { raw: { width: cw, height: ch, channels: 3 } }).extract({ left: 0, top: 0, width: pw, height: ph }).raw().toBuffer();
  const px = Math.floor(r() * (FRAME_W - pw + 1));
  const py = Math.floor(r() * (FRAME_H - ph + 1));
  const frame = Buffer.from(bg);
  for (let y = 0; y < ph; y++) piece.copy(frame, ((py + y) * FRAME_W + px) * 3, y * pw * 3, (y + 1) * pw * 3);
  for (let i = 0; i < frame.length; i++) frame[i] = Math.max(0, Math.min(255, Math.round(frame[i] * gain + 5 * gauss(r))));
  const jpeg = await sharp(frame, { raw: { width: FRAME_W, height: FRAME_H, channels: 3 } }).jpeg({ quality: 35 }).toBuffer();
  const box: [number, number, number, number] = [px + (bx - left) * k, py + (by - top) * k, bw * k, bh * k];
  return { jpeg, box, size, blur, gain };
}

/** A detection is the probe face when its centre lies within half a face of the truth's and its width is 0.5-2x. */
export function isProbeFace(found: readonly number[], truth: readonly number[]): boolean {
  const [fx, fy, fw, fh] = found;
  const [tx, ty, tw, th] = truth;
  const dx = fx + fw / 2 - (tx + tw / 2);
  const dy = fy + fh / 2 - (ty + th / 2);
  return Math.hypot(dx, dy) <= 0.5 * tw && fw >= 0.5 * tw && fw <= 2 * tw;
}
