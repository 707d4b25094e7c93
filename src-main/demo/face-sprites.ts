// Turns a face found in a group photo into (a) a head-and-shoulders sprite for the walking video and (b) an
// enrolment photo of the same person taken from a different crop and transform (tighter, mirrored, slightly
// rotated, other exposure), so recognising the person in the video is not matching an image against itself.
// Boxes are in pixels of the photo as stored (the engine's convention), so no EXIF rotation is applied.
import sharp from 'sharp';
import type { Sprite } from './walk-video.ts';

export type Box = [number, number, number, number]; // x, y, w, h in source pixels

/** Crop rectangle clipped to the image. */
function clipRect(x: number, y: number, w: number, h: number, iw: number, ih: number) {
  const left = Math.max(0, Math.round(x));
  const top = Math.max(0, Math.round(y));
  const right = Math.min(iw, Math.round(x + w));
  const bottom = Math.min(ih, Math.round(y + h));
  return { left, top, width: Math.max(1, right - left), height: Math.max(1, bottom - top) };
}

/**
 * Head-and-shoulders sprite with a feathered oval alpha, scaled so the face is about `faceHeight` pixels tall.
 */
export async function makeSprite(image: string | Buffer, face: Box, faceHeight: number): Promise<Sprite> {
  const img = sharp(image);
  const meta = await img.metadata();
  const iw = meta.width!;
  const ih = meta.height!;
  const [fx, fy, fw, fh] = face;
  const rect = clipRect(fx - fw * 0.55, fy - fh * 0.45, fw * 2.1, fh * 2.3, iw, ih);
  const scale = faceHeight / fh;
  const width = Math.max(2, Math.round(rect.width * scale));
  const height = Math.max(2, Math.round(rect.height * scale));
  const feather = Math.max(2, Math.round(Math.min(width, height) * 0.06));
  const mask = Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">` +
    `<defs><filter id="f"><feGaussianBlur stdDeviation="${feather}"/></filter></defs>` +
    `<ellipse cx="${width / 2}" cy="${height / 2}" rx="${width / 2 - feather * 1.5}" ry="${height / 2 - feather * 1.5}" fill="#fff" filter="url(#f)"/></svg>`,
  );
  const { data, info } = await sharp(image).extract(rect).resize(width, height, { kernel: 'lanczos3' })
    .ensureAlpha().composite([{ input: mask, blend: 'dest-in' }]).raw().toBuffer({ resolveWithObject: true });
  if (info.channels !== 4) throw new Error('sprite render lost its alpha channel');
  return { width: info.width, height: info.height, rgba: new Uint8Array(data.buffer, data.byteOffset, data.length) };
}

/**
 * An enrolment photo (JPEG) of the face: a tighter, mirrored crop, rotated a few degrees and re-exposed, at a
 * different scale than the video sprite. `variant` picks one of a few such transforms.
 */
export async function makeEnrolmentPhoto(image: string | Buffer, face: Box, variant = 0): Promise<Buffer> {
  const meta = await sharp(image).metadata();
  const iw = meta.width!;
  const ih = meta.height!;
  const [fx, fy, fw, fh] = face;
  const pad = [0.35, 0.5, 0.25][variant % 3];
  const rect = clipRect(fx - fw * pad, fy - fh * pad, fw * (1 + 2 * pad), fh * (1 + 2 * pad), iw, ih);
  const angle = [4, -5, 2][variant % 3];
  const brightness = [1.12, 0.9, 1.05][variant % 3];
  const size = [360, 300, 420][variant % 3];
  // Two pipelines: sharp applies flop/rotate before extract within one pipeline, whatever the call order.
  const crop = await sharp(image).extract(rect).png().toBuffer();
  return sharp(crop).flop().rotate(angle, { background: '#808080' })
    .modulate({ brightness, saturation: 0.9 }).resize(size, size, { fit: 'cover' }).jpeg({ quality: 88 }).toBuffer();
}
