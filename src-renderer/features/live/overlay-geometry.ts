// Geometry for drawing detection boxes over a live picture shown with `object-fit: contain`.
import type { LiveFrame } from '../../../src-contract/schemas.ts';

export type Box = LiveFrame['faces'][number]['box']; // [x, y, w, h] in frame pixels
export interface Rect { x: number; y: number; w: number; h: number }

/** Where media of size mediaW×mediaH lands inside a container with `object-fit: contain` (letter/pillar-boxed). */
export function containRect(containerW: number, containerH: number, mediaW: number, mediaH: number): Rect {
  if (containerW <= 0 || containerH <= 0 || mediaW <= 0 || mediaH <= 0) return { x: 0, y: 0, w: 0, h: 0 };
  const scale = Math.min(containerW / mediaW, containerH / mediaH);
  const w = mediaW * scale;
  const h = mediaH * scale;
  return { x: (containerW - w) / 2, y: (containerH - h) / 2, w, h };
}

/** A box in analysed-frame pixels mapped onto the displayed picture. */
export function mapBox(box: Box, frameW: number, frameH: number, shown: Rect): Rect {
  const sx = shown.w / frameW;
  const sy = shown.h / frameH;
  return { x: shown.x + box[0] * sx, y: shown.y + box[1] * sy, w: box[2] * sx, h: box[3] * sy };
}

export function lerpBox(a: Box, b: Box, t: number): Box {
  const k = Math.min(1, Math.max(0, t));
  return [a[0] + (b[0] - a[0]) * k, a[1] + (b[1] - a[1]) * k, a[2] + (b[2] - a[2]) * k, a[3] + (b[3] - a[3]) * k];
}
