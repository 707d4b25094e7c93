// A seeded CCTV-like degraded set (issue 11's recipe, minimal): a face cut from a photo with context, scaled
// so the face is W px wide, Gaussian blur sigma 0.4-1.0, gain 0.55-1.0, sensor noise sigma 5, placed at a
// random spot on a 640x360 noisy frame, the whole frame JPEG q35. Same seed -> same frames.
import sharp from 'sharp';
import type { Box } from './metrics.ts';

export const FRAME_W = 640;
export const FRAME_H = 360;

/** mulberry32: small, fast, seeded */
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

function gaussian(r: () => number): number {
  const u = Math.max(1e-12, r());
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r());
}

export interface DegradedFrame {
  jpeg: Buffer;
  /** where the face box landed, frame pixels */
  box: Box;
  blur: number;
  gain: number;
}

/**
 * photo: encoded image; box: the face (x, y, w, h) in it; width: target face width in px.
 * The crop keeps 60 % of the box side as context on each side (clipped at the photo edge).
 */
export async function degradedFrame(photo: Buffer, box: Box, width: number, seed: number): Promise<DegradedFrame> {
  const r = rng(seed);
  const meta = await sharp(photo).metadata();
  const pw = meta.width ?? 0;
  const ph = meta.height ?? 0;
  const m = 0.6 * Math.max(box[2], box[3]);
  const left = Math.max(0, Math.floor(box[0] - m));
  const top = Math.max(0, Math.floor(box[1] - m));
  const right = Math.min(pw, Math.ceil(box[0] + box[2] + m));
  const bottom = Math.min(ph, Math.ceil(box[1] + box[3] + m));
  const k = width / box[2];
  const cw = Math.max(1, Math.round((right - left) * k));
  const ch = Math.max(1, Math.round((bottom - top) * k));
  const blur = 0.4 + 0.6 * r();
  const gain = 0.55 + 0.45 * r();
  const face = await sharp(photo)
    .rotate()
    .extract({ left, top, width: right - left, height: bottom - top })
    .resize(cw, ch, { kernel: 'linear' })
    .blur(blur)
    .linear(gain, 0)
    .removeAlpha()
    .raw()
    .toBuffer();
  const ox = Math.floor(r() * Math.max(1, FRAME_W - cw));
  const oy = Math.floor(r() * Math.max(1, FRAME_H - ch));
  const frame = Buffer.alloc(FRAME_W * FRAME_H * 3);
  for (let i = 0; i < frame.length; i++) frame[i] = 70; // a dim scene
  for (let y = 0; y < ch && oy + y < FRAME_H; y++) {
    for (let x = 0; x < cw && ox + x < FRAME_W; x++) {
      const s = (y * cw + x) * 3;
      const d = ((oy + y) * FRAME_W + ox + x) * 3;
      frame[d] = face[s];
      frame[d + 1] = face[s + 1];
      frame[d + 2] = face[s + 2];
    }
  }
  for (let i = 0; i < frame.length; i++) frame[i] = Math.max(0, Math.min(255, Math.round(frame[i] + 5 * gaussian(r))));
  const jpeg = await sharp(frame, { raw: { width: FRAME_W, height: FRAME_H, channels: 3 } }).jpeg({ quality: 35 }).toBuffer();
  return { jpeg, box: [ox + (box[0] - left) * k, oy + (box[1] - top) * k, box[2] * k, box[3] * k], blur, gain };
}
