// Splits ffmpeg's fragmented-MP4 output (`-movflags +frag_keyframe+empty_moov+default_base_moof`)
// into what Media Source Extensions consume: one init segment (ftyp+moov) and media segments
// (moof+mdat). For each segment it reports whether it starts on a keyframe (a late viewer must start
// there) and how many samples (video frames) it carries; from the init segment it derives the RFC 6381
// codec string (`avc1.64001f`) the browser needs for `MediaSource.addSourceBuffer`.
import { ByteAccumulator } from './byte-accumulator.ts';

export type Mp4Chunk =
  | { kind: 'init'; data: Buffer; codec: string | null; mime: string }
  | { kind: 'segment'; data: Buffer; keyframe: boolean; samples: number; startS?: number | null };

const MAX_BOX = 256 * 1024 * 1024;

interface Box {
  type: string;
  start: number; // payload start
  end: number; // payload end
}

function* boxes(buf: Buffer, from: number, to: number): Generator<Box> {
  let p = from;
  while (p + 8 <= to) {
    let size = buf.readUInt32BE(p);
    const type = buf.toString('latin1', p + 4, p + 8);
    let header = 8;
    if (size === 1) {
      if (p + 16 > to) return;
      size = Number(buf.readBigUInt64BE(p + 8));
      header = 16;
    } else if (size === 0) {
      size = to - p;
    }
    if (size < header || p + size > to) return;
    yield { type, start: p + header, end: p + size };
    p += size;
  }
}

function find(buf: Buffer, from: number, to: number, path: string[]): Box | null {
  let range: Box = { type: '', start: from, end: to };
  for (const name of path) {
    let hit: Box | null = null;
    for (const b of boxes(buf, range.start, range.end)) {
      if (b.type === name) {
        hit = b;
        break;
      }
    }
    if (!hit) return null;
    range = hit;
  }
  return range;
}

const hex2 = (n: number) => n.toString(16).padStart(2, '0');

function reverseBits32(n: number): number {
  let r = 0;
  for (let i = 0; i < 32; i++) r = (r << 1) | ((n >>> i) & 1);
  return r >>> 0;
}

/** RFC 6381 codec string from the first video sample entry of an init segment. */
export function codecFromInit(init: Buffer): string | null {
  const stsd = find(init, 0, init.length, ['moov', 'trak', 'mdia', 'minf', 'stbl', 'stsd']);
  if (!stsd || stsd.end - stsd.start < 8) return null;
  for (const entry of boxes(init, stsd.start + 8, stsd.end)) {
    // VisualSampleEntry: 78 bytes of fields before its child boxes.
    const children = entry.start + 78;
    if (children > entry.end) continue;
    if (entry.type === 'avc1' || entry.type === 'avc3') {
      const avcC = find(init, children, entry.end, ['avcC']);
      if (!avcC || avcC.end - avcC.start < 4) return entry.type;
      return `${entry.type}.${hex2(init[avcC.start + 1])}${hex2(init[avcC.start + 2])}${hex2(init[avcC.start + 3])}`;
    }
    if (entry.type === 'hvc1' || entry.type === 'hev1') {
      const c = find(init, children, entry.end, ['hvcC']);
      if (!c || c.end - c.start < 13) return entry.type;
      const b = init[c.start + 1];
      const space = ['', 'A', 'B', 'C'][b >> 6];
      const tier = (b >> 5) & 1 ? 'H' : 'L';
      const profile = b & 0x1f;
      const compat = reverseBits32(init.readUInt32BE(c.start + 2)).toString(16);
      const constraints = [...init.subarray(c.start + 6, c.start + 12)];
      while (constraints.length && constraints[constraints.length - 1] === 0) constraints.pop();
      const level = init[c.start + 12];
      return [`${entry.type}`, `${space}${profile}`, compat, `${tier}${level}`, ...constraints.map((x) => x.toString(16).toUpperCase())].join('.');
    }
    return entry.type;
  }
  return null;
}

/** trex default_sample_flags from the init segment (used when a fragment does not say). */
function trexDefaultFlags(init: Buffer): number | null {
  const trex = find(init, 0, init.length, ['moov', 'mvex', 'trex']);
  return trex && trex.end - trex.start >= 24 ? init.readUInt32BE(trex.start + 20) : null;
}

/** Media timescale of the (first) track, from moov/trak/mdia/mdhd. */
function mdhdTimescale(init: Buffer): number | null {
  const mdhd = find(init, 0, init.length, ['moov', 'trak', 'mdia', 'mdhd']);
  if (!mdhd) return null;
  const off = init[mdhd.start] === 1 ? 20 : 12;
  return mdhd.start + off + 4 <= mdhd.end ? init.readUInt32BE(mdhd.start + off) || null : null;
}

/**
 * Keyframe flag, sample count and earliest presentation time (seconds: tfdt + the smallest composition offset,
 * which is what an MSE <video> reports as currentTime for the fragment's first frame) of a moof box (payload range).
 */
export function describeMoof(buf: Buffer, moof: Box, trexFlags: number | null, timescale: number | null = null): { keyframe: boolean; samples: number; startS: number | null } {
  let samples = 0;
  let firstFlags: number | null = null;
  let startTicks: number | null = null;
  for (const traf of boxes(buf, moof.start, moof.end)) {
    if (traf.type !== 'traf') continue;
    let defaultFlags = trexFlags;
    let defaultDuration = 0;
    let dts: number | null = null;
    for (const b of boxes(buf, traf.start, traf.end)) {
      if (b.type === 'tfdt') {
        dts = buf[b.start] === 1 ? Number(buf.readBigUInt64BE(b.start + 4)) : buf.readUInt32BE(b.start + 4);
      } else if (b.type === 'tfhd') {
        const flags = buf.readUInt32BE(b.start) & 0xffffff;
        let p = b.start + 8; // version/flags + track_ID
        if (flags & 0x1) p += 8;
        if (flags & 0x2) p += 4;
        if (flags & 0x8) {
          if (p + 4 <= b.end) defaultDuration = buf.readUInt32BE(p);
          p += 4;
        }
        if (flags & 0x10) p += 4;
        if (flags & 0x20 && p + 4 <= b.end) defaultFlags = buf.readUInt32BE(p);
      } else if (b.type === 'trun') {
        const flags = buf.readUInt32BE(b.start) & 0xffffff;
        const count = buf.readUInt32BE(b.start + 4);
        let p = b.start + 8;
        if (flags & 0x1) p += 4;
        let first: number | null = null;
        if (flags & 0x4) {
          first = buf.readUInt32BE(p);
          p += 4;
        }
        if (firstFlags === null && count > 0) {
          if (first === null && flags & 0x400) {
            const off = (flags & 0x100 ? 4 : 0) + (flags & 0x200 ? 4 : 0);
            if (p + off + 4 <= b.end) first = buf.readUInt32BE(p + off);
          }
          firstFlags = first ?? defaultFlags;
        }
        if (dts !== null && timescale !== null) {
          // Per-sample fields in order: duration, size, flags, composition offset (signed in version 1).
          const version = buf[b.start];
          let q = p;
          let t: number = dts;
          for (let i = 0; i < count && i < 1024; i++) {
            let dur = defaultDuration;
            if (flags & 0x100) { dur = buf.readUInt32BE(q); q += 4; }
            if (flags & 0x200) q += 4;
            if (flags & 0x400) q += 4;
            let cts = 0;
            if (flags & 0x800) { cts = version === 1 ? buf.readInt32BE(q) : buf.readUInt32BE(q); q += 4; }
            if (q > b.end) break;
            if (startTicks === null || t + cts < startTicks) startTicks = t + cts;
            t += dur;
          }
          dts = t;
        }
        samples += count;
      }
    }
  }
  // sample_is_non_sync_sample is bit 16 of the sample flags.
  const keyframe = firstFlags !== null && ((firstFlags >>> 16) & 1) === 0;
  return { keyframe, samples, startS: startTicks !== null && timescale ? startTicks / timescale : null };
}

export class Mp4FragmentParser {
  private readonly acc = new ByteAccumulator(256 * 1024);
  private initParts: Buffer[] = [];
  private trexFlags: number | null = null;
  private timescale: number | null = null;
  private pendingMoof: { data: Buffer; keyframe: boolean; samples: number; startS: number | null } | null = null;
  initSeen = false;

  push(chunk: Uint8Array): Mp4Chunk[] {
    this.acc.append(chunk);
    const out: Mp4Chunk[] = [];
    for (;;) {
      const v = this.acc.view();
      if (v.length < 8) return out;
      let size = v.readUInt32BE(0);
      let header = 8;
      if (size === 1) {
        if (v.length < 16) return out;
        size = Number(v.readBigUInt64BE(8));
        header = 16;
      }
      if (size < header || size > MAX_BOX) throw new Error(`fMP4 stream out of sync (box size ${size})`);
      if (v.length < size) return out;
      const type = v.toString('latin1', 4, 8);
      const box = Buffer.from(v.subarray(0, size));
      this.acc.consume(size);
      if (type === 'ftyp') {
        this.initParts = [box];
      } else if (type === 'moov') {
        const init = Buffer.concat([...this.initParts, box]);
        this.initParts = [];
        this.trexFlags = trexDefaultFlags(init);
        this.timescale = mdhdTimescale(init);
        this.initSeen = true;
        const codec = codecFromInit(init);
        out.push({ kind: 'init', data: init, codec, mime: codec ? `video/mp4; codecs="${codec}"` : 'video/mp4' });
      } else if (type === 'moof') {
        this.pendingMoof = { data: box, ...describeMoof(box, { type, start: header, end: size }, this.trexFlags, this.timescale) };
      } else if (type === 'mdat' && this.pendingMoof) {
        const m = this.pendingMoof;
        this.pendingMoof = null;
        out.push({ kind: 'segment', data: Buffer.concat([m.data, box]), keyframe: m.keyframe, samples: m.samples, startS: m.startS });
      }
      // styp/sidx/mfra/free: nothing a live viewer needs.
    }
  }
}
