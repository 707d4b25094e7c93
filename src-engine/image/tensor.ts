// RGB bytes -> a model's input tensor, following its manifest input spec (layout, channel order,
// mean/std). This is the one place colour order is decided: a BGR model gets its planes swapped here.
import type { InputSpec } from '../registry/manifest.ts';

export function tensorSize(spec: InputSpec): number {
  return spec.width * spec.height * (spec.colorOrder === 'GRAY' ? 1 : 3);
}

/**
 * Writes one image (rgb: spec.width * spec.height * 3 bytes) into `out` at element `offset`
 * (offset = batchIndex * tensorSize(spec)).
 */
export function rgbToTensor(rgb: Uint8Array, spec: InputSpec, out: Float32Array, offset = 0): void {
  const n = spec.width * spec.height;
  if (spec.colorOrder === 'GRAY') {
    const k = 1 / spec.std[0];
    const bias = -spec.mean[0] / spec.std[0];
    for (let i = 0, s = 0; i < n; i++, s += 3) {
      out[offset + i] = (0.299 * rgb[s] + 0.587 * rgb[s + 1] + 0.114 * rgb[s + 2]) * k + bias;
    }
    return;
  }
  // Source byte offset feeding model channel 0/1/2.
  const [c0, c1, c2] = spec.colorOrder === 'RGB' ? [0, 1, 2] : [2, 1, 0];
  const k0 = 1 / spec.std[0];
  const k1 = 1 / spec.std[1];
  const k2 = 1 / spec.std[2];
  const b0 = -spec.mean[0] * k0;
  const b1 = -spec.mean[1] * k1;
  const b2 = -spec.mean[2] * k2;
  if (spec.layout === 'NCHW') {
    for (let i = 0, s = 0; i < n; i++, s += 3) {
      out[offset + i] = rgb[s + c0] * k0 + b0;
      out[offset + n + i] = rgb[s + c1] * k1 + b1;
      out[offset + 2 * n + i] = rgb[s + c2] * k2 + b2;
    }
  } else {
    for (let i = 0, s = 0, o = offset; i < n; i++, s += 3, o += 3) {
      out[o] = rgb[s + c0] * k0 + b0;
      out[o + 1] = rgb[s + c1] * k1 + b1;
      out[o + 2] = rgb[s + c2] * k2 + b2;
    }
  }
}
