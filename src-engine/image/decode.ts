// Image bytes -> RGB frame through sharp (libvips). Every way an input can be bad ends in a typed error:
// empty buffers, unknown or disallowed formats, truncated files, absurd dimensions (checked from the
// header before any pixel is decoded). Very large photos are decoded at a reduced working size; the
// caller maps results back to stored pixels with `scale`.
import sharp, { type Metadata, type OutputInfo } from 'sharp';
import { EngineError } from '../errors.ts';
import type { RgbFrame } from '../frame.ts';

export interface DecodeLimits {
  /** Refuse images with more pixels than this (header check, before decoding). */
  maxInputPixels: number;
  /** Larger images are downscaled to about this many pixels while decoding. */
  maxWorkingPixels: number;
}

export const DEFAULT_DECODE_LIMITS: DecodeLimits = { maxInputPixels: 120_000_000, maxWorkingPixels: 16_000_000 };

// SVG/PDF and friends are excluded on purpose: they are programs, not photos.
const ALLOWED_FORMATS = new Set(['jpeg', 'png', 'webp', 'tiff', 'gif', 'heif', 'avif']);

export interface DecodedImage {
  frame: RgbFrame;
  /** Size of the image as stored. */
  width: number;
  height: number;
  /** Frame pixels per stored pixel on each axis (1 unless the image was reduced to the working size). */
  scaleX: number;
  scaleY: number;
  format: string;
  decodeMs: number;
}

export async function decodeImage(bytes: Uint8Array, limits: DecodeLimits = DEFAULT_DECODE_LIMITS): Promise<DecodedImage> {
  const t0 = performance.now();
  if (!(bytes instanceof Uint8Array)) throw new EngineError('INVALID_IMAGE', 'image must be a Buffer or Uint8Array');
  if (bytes.length === 0) throw new EngineError('INVALID_IMAGE', 'image is empty (0 bytes)');
  const input = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

  let meta: Metadata;
  try {
    meta = await sharp(input, { limitInputPixels: false }).metadata();
  } catch (err) {
    throw new EngineError('INVALID_IMAGE', `not a readable image: ${(err as Error).message}`, {}, { cause: err });
  }
  const format = meta.format ?? 'unknown';
  if (!ALLOWED_FORMATS.has(format)) {
    throw new EngineError('INVALID_IMAGE', `unsupported image format: ${format}`, { format });
  }
  const width = meta.width ?? 0;
  const height = meta.height ?? 0;
  if (width <= 0 || height <= 0) throw new EngineError('INVALID_IMAGE', `image has zero size (${width}x${height})`, { width, height });
  const pixels = width * height;
  if (pixels > limits.maxInputPixels) {
    throw new EngineError('IMAGE_TOO_LARGE', `image is ${width}x${height} (${(pixels / 1e6).toFixed(1)} MP), limit ${(limits.maxInputPixels / 1e6).toFixed(1)} MP`, {
      width,
      height,
      limit_pixels: limits.maxInputPixels,
    });
  }

  let pipeline = sharp(input, { limitInputPixels: limits.maxInputPixels, failOn: 'error', sequentialRead: true, pages: 1 });
  let scale = 1;
  if (pixels > limits.maxWorkingPixels) {
    scale = Math.sqrt(limits.maxWorkingPixels / pixels);
    pipeline = pipeline.resize(Math.max(1, Math.round(width * scale)), Math.max(1, Math.round(height * scale)), { fit: 'fill' });
  }
  // Grey and CMYK photos become 3-channel sRGB here; transparency is flattened onto mid grey.
  pipeline = pipeline.flatten({ background: { r: 128, g: 128, b: 128 } }).toColourspace('srgb').raw({ depth: 'uchar' });

  let data: Buffer;
  let info: OutputInfo;
  try {
    ({ data, info } = await pipeline.toBuffer({ resolveWithObject: true }));
  } catch (err) {
    throw new EngineError('INVALID_IMAGE', `image could not be decoded: ${(err as Error).message}`, { format }, { cause: err });
  }
  if (info.channels !== 3) {
    throw new EngineError('INVALID_IMAGE', `decoded image has ${info.channels} channels, expected 3`, { format });
  }
  const frame: RgbFrame = { width: info.width, height: info.height, channels: 3, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
  return { frame, width, height, scaleX: info.width / width, scaleY: info.height / height, format, decodeMs: performance.now() - t0 };
}
