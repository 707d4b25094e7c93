// Builds test and benchmark frames from the sample photos with sharp: a face-free background (legs and
// furniture from sample4) with annotated faces cut out (with their head and shoulders), scaled to a
// chosen size and pasted at chosen places. Ground truth comes with the frame.
import sharp, { type OverlayOptions } from 'sharp';
import type { RgbFrame } from '../frame.ts';
import { SAMPLE_FACES, samplePath } from './face-samples.ts';

export interface Placement {
  /** index into SAMPLE_FACES */
  face: number;
  /** face box side in the frame, pixels */
  size: number;
  /** top-left of the face box in the frame */
  x: number;
  y: number;
}

export interface Composed {
  frame: RgbFrame;
  /** x, y, w, h of each placed face box */
  boxes: [number, number, number, number][];
}

/** A face-free region of sample4 (below everyone's shoulders), resized to the frame size. */
export async function background(width: number, height: number): Promise<Buffer> {
  return sharp(samplePath('sample4.jpg')).extract({ left: 0, top: 820, width: 1920, height: 628 }).resize(width, height, { fit: 'cover' }).removeAlpha().raw().toBuffer();
}

/** The face with `margin` x its box side of context on every side, scaled so the box side is `size`. */
export async function faceCrop(face: number, size: number, margin = 0.5): Promise<{ data: Buffer; width: number; height: number; offsetX: number; offsetY: number }> {
  const f = SAMPLE_FACES[face];
  const [bx, by, bw] = f.box;
  const meta = await sharp(samplePath(f.file)).metadata();
  const m = Math.round(bw * margin);
  const left = Math.max(0, bx - m);
  const top = Math.max(0, by - m);
  const right = Math.min(meta.width ?? 0, bx + bw + m);
  const bottom = Math.min(meta.height ?? 0, by + bw + m);
  const k = size / bw;
  const width = Math.max(1, Math.round((right - left) * k));
  const height = Math.max(1, Math.round((bottom - top) * k));
  const data = await sharp(samplePath(f.file))
    .extract({ left, top, width: right - left, height: bottom - top })
    .resize(width, height, { fit: 'fill' })
    .removeAlpha()
    .raw()
    .toBuffer();
  return { data, width, height, offsetX: (bx - left) * k, offsetY: (by - top) * k };
}

export async function composeFrame(width: number, height: number, placements: Placement[], margin = 0.5): Promise<Composed> {
  const layers: OverlayOptions[] = [];
  const boxes: [number, number, number, number][] = [];
  for (const p of placements) {
    const crop = await faceCrop(p.face, p.size, margin);
    const left = Math.round(p.x - crop.offsetX);
    const top = Math.round(p.y - crop.offsetY);
    // Clip to the frame: sharp refuses overlays that extend past the base image.
    const cl = Math.max(0, -left);
    const ct = Math.max(0, -top);
    const cw = Math.min(crop.width - cl, width - Math.max(0, left));
    const ch = Math.min(crop.height - ct, height - Math.max(0, top));
    if (cw <= 0 || ch <= 0) continue;
    const piece = await sharp(crop.data, { raw: { width: crop.width, height: crop.height, channels: 3 } }).extract({ left: cl, top: ct, width: cw, height: ch }).png().toBuffer();
    layers.push({ input: piece, left: Math.max(0, left), top: Math.max(0, top) });
    boxes.push([p.x, p.y, p.size, p.size]);
  }
  const bg = await background(width, height);
  const data = await sharp(bg, { raw: { width, height, channels: 3 } }).composite(layers).removeAlpha().raw().toBuffer();
  return { frame: { width, height, channels: 3, data: new Uint8Array(data.buffer, data.byteOffset, data.length) }, boxes };
}
