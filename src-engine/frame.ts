// A frame is packed 8-bit pixels, row-major, no padding between rows. The engine works on RGB internally;
// grey (1 channel) and RGBA (4) frames are converted once on entry so every later stage sees one layout.
import { EngineError } from './errors.ts';

export interface Frame {
  width: number;
  height: number;
  channels: 1 | 3 | 4;
  data: Uint8Array;
}

export interface RgbFrame extends Frame {
  channels: 3;
}

/** Largest frame accepted over the frame path (raw pixels); decode has its own limit. */
export const MAX_FRAME_PIXELS = 64_000_000;

export function validateFrame(frame: Frame): void {
  if (!frame || typeof frame !== 'object') throw new EngineError('INVALID_FRAME', 'frame must be an object');
  const { width, height, channels, data } = frame;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new EngineError('INVALID_FRAME', `frame size must be positive integers, got ${width}x${height}`, { width, height });
  }
  if (channels !== 1 && channels !== 3 && channels !== 4) {
    throw new EngineError('INVALID_FRAME', `frame channels must be 1, 3 or 4, got ${channels}`, { channels });
  }
  if (width * height > MAX_FRAME_PIXELS) {
    throw new EngineError('IMAGE_TOO_LARGE', `frame has ${width * height} pixels, limit ${MAX_FRAME_PIXELS}`, { width, height });
  }
  if (!(data instanceof Uint8Array)) throw new EngineError('INVALID_FRAME', 'frame data must be a Uint8Array or Buffer');
  const expected = width * height * channels;
  if (data.length !== expected) {
    throw new EngineError('INVALID_FRAME', `frame data has ${data.length} bytes, expected ${expected} (${width}x${height}x${channels})`, {
      bytes: data.length,
      expected,
    });
  }
}

/** Returns an RGB view of the frame: the same object when it already is RGB, otherwise a converted copy. */
export function toRgbFrame(frame: Frame): RgbFrame {
  validateFrame(frame);
  if (frame.channels === 3) return frame as RgbFrame;
  const n = frame.width * frame.height;
  const out = new Uint8Array(n * 3);
  const src = frame.data;
  if (frame.channels === 1) {
    // Grey cameras and grey photos: replicate the channel so colour models see a neutral image.
    for (let i = 0, o = 0; i < n; i++, o += 3) {
      const v = src[i];
      out[o] = v;
      out[o + 1] = v;
      out[o + 2] = v;
    }
  } else {
    for (let i = 0, s = 0, o = 0; i < n; i++, s += 4, o += 3) {
      out[o] = src[s];
      out[o + 1] = src[s + 1];
      out[o + 2] = src[s + 2];
    }
  }
  return { width: frame.width, height: frame.height, channels: 3, data: out };
}
