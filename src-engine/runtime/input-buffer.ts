// Preallocated input for one model: the RGB staging buffer a crop is warped into and the float tensor it
// is normalised into, reused for every call (no per-frame allocation on the hot path).
import ort from 'onnxruntime-node';
import type { InputSpec } from '../registry/manifest.ts';
import { rgbToTensor, tensorSize } from '../image/tensor.ts';

export class InputBuffer {
  readonly spec: InputSpec;
  readonly rgb: Uint8Array;
  private readonly data: Float32Array;
  private readonly per: number;
  private readonly tensors = new Map<number, ort.Tensor>();

  constructor(spec: InputSpec) {
    this.spec = spec;
    this.per = tensorSize(spec);
    this.rgb = new Uint8Array(spec.width * spec.height * 3);
    this.data = new Float32Array(this.per * spec.maxBatch);
  }

  /** Normalises the staging buffer (or `rgb`) into batch slot `slot`. */
  fill(slot: number, rgb: Uint8Array = this.rgb): void {
    rgbToTensor(rgb, this.spec, this.data, slot * this.per);
  }

  /** Feeds for a batch of `n` filled slots. */
  feeds(n = 1): Record<string, ort.Tensor> {
    let t = this.tensors.get(n);
    if (!t) {
      const s = this.spec;
      const c = s.colorOrder === 'GRAY' ? 1 : 3;
      const dims = s.layout === 'NCHW' ? [n, c, s.height, s.width] : [n, s.height, s.width, c];
      t = new ort.Tensor('float32', this.data.subarray(0, n * this.per), dims);
      this.tensors.set(n, t);
    }
    return { [this.spec.name]: t };
  }
}
