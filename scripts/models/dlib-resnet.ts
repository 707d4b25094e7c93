// Builds dlib's face descriptor ResNet (dlib_face_recognition_resnet_model_v1, Davis King, public domain) as
// an ONNX graph from the TensorFlow.js weights that @vladmandic/face-api ships. The layer structure follows
// face-api's src/faceRecognitionNet/ exactly (FaceRecognitionNet.ts, convLayer.ts, residualLayer.ts,
// scaleLayer.ts):
//   conv 7x7/2 valid + bias, per-channel scale + shift, relu; max pool 3/2 valid;
//   residual blocks (conv3x3 same, scale, relu, conv3x3 same, scale, + identity, relu);
//   "down" blocks (first conv 3x3/2 valid; the shortcut is a 2x2/2 average pool, zero-padded in channels when
//   the width doubles and the main path zero-padded by one row and column at the end when its map is smaller);
//   global average pool; a 256x128 fully connected layer without bias.
// The input is NCHW RGB, already normalised as (pixel - mean RGB [122.782, 117.001, 104.298]) / 255 (the
// manifest's input spec; face-api's normalize(..).div(255)). Weights are dequantized the way tfjs does
// (value = q * scale + min, stored as float32).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { encodeModel, type OnnxModel, type OnnxNode, type OnnxTensor } from './onnx-writer.ts';

export const DLIB_MODEL_ID = 'dlib-resnet-v1-150';
export const FACE_API_DIR = path.resolve(import.meta.dirname, '../../node_modules/@vladmandic/face-api');
export const WEIGHTS_MANIFEST = 'model/face_recognition_model-weights_manifest.json';
export const WEIGHTS_BIN = 'model/face_recognition_model.bin';
export const MEAN_RGB = [122.782, 117.001, 104.298] as const;

interface WeightSpec {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: { dtype: string; scale: number; min: number };
}

export interface Weights {
  get(name: string): { shape: number[]; data: Float32Array };
  names: string[];
}

/** Reads and dequantizes the tfjs weight groups (concatenated in manifest order, like tfjs' io.decodeWeights). */
export function readTfjsWeights(manifestJson: string, bins: (file: string) => Uint8Array): Weights {
  const groups = JSON.parse(manifestJson) as { paths: string[]; weights: WeightSpec[] }[];
  const map = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const g of groups) {
    const parts = g.paths.map(bins);
    const buf = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
    let o = 0;
    for (const p of parts) {
      buf.set(p, o);
      o += p.length;
    }
    let off = 0;
    for (const w of g.weights) {
      if (w.dtype !== 'float32') throw new Error(`weight ${w.name}: unsupported dtype ${w.dtype}`);
      const n = w.shape.reduce((a, b) => a * b, 1);
      const data = new Float32Array(n);
      const q = w.quantization;
      if (q) {
        if (q.dtype !== 'uint8') throw new Error(`weight ${w.name}: unsupported quantization ${q.dtype}`);
        for (let i = 0; i < n; i++) data[i] = buf[off + i] * q.scale + q.min;
        off += n;
      } else {
        const view = new DataView(buf.buffer, buf.byteOffset + off, 4 * n);
        for (let i = 0; i < n; i++) data[i] = view.getFloat32(4 * i, true);
        off += 4 * n;
      }
      map.set(w.name, { shape: w.shape, data });
    }
    if (off !== buf.length) throw new Error(`weight group ${g.paths.join(',')}: ${buf.length - off} bytes left over`);
  }
  return {
    names: [...map.keys()],
    get(name) {
      const w = map.get(name);
      if (!w) throw new Error(`weight ${name} missing`);
      return w;
    },
  };
}

/** HWIO (tfjs conv2d filters) -> OIHW (ONNX Conv). */
function hwioToOihw(data: Float32Array, [kh, kw, ci, co]: number[]): Float32Array {
  const out = new Float32Array(data.length);
  for (let y = 0; y < kh; y++)
    for (let x = 0; x < kw; x++)
      for (let i = 0; i < ci; i++)
        for (let o = 0; o < co; o++) out[((o * ci + i) * kh + y) * kw + x] = data[((y * kw + x) * ci + i) * co + o];
  return out;
}

const ints = (v: readonly number[]) => ({ kind: 'ints', v }) as const;

class GraphBuilder {
  readonly nodes: OnnxNode[] = [];
  readonly inits: OnnxTensor[] = [];
  private n = 0;

  constructor(private readonly w: Weights) {}

  private node(op: string, inputs: string[], attrs?: OnnxNode['attrs']): string {
    const out = `${op.toLowerCase()}_${this.n++}`;
    this.nodes.push({ op, name: out, inputs, outputs: [out], attrs });
    return out;
  }

  private init(name: string, dims: number[], data: Float32Array | BigInt64Array): string {
    this.inits.push({ name, dims, data });
    return name;
  }

  /** conv + bias, then face-api's scale layer (x * weights + biases), then optional relu */
  convLayer(x: string, prefix: string, stride: 1 | 2, relu: boolean, same: boolean): string {
    const f = this.w.get(`${prefix}/conv/filters`);
    const [kh, kw, , co] = f.shape;
    const W = this.init(`${prefix}/conv/filters`, [co, f.shape[2], kh, kw], hwioToOihw(f.data, f.shape));
    const B = this.init(`${prefix}/conv/bias`, [co], this.w.get(`${prefix}/conv/bias`).data);
    const pad = same ? (kh - 1) / 2 : 0; // stride-1 'same' with odd kernels: symmetric
    let out = this.node('Conv', [x, W, B], { kernel_shape: ints([kh, kw]), strides: ints([stride, stride]), pads: ints([pad, pad, pad, pad]) });
    const s = this.init(`${prefix}/scale/weights`, [1, co, 1, 1], this.w.get(`${prefix}/scale/weights`).data);
    const b = this.init(`${prefix}/scale/biases`, [1, co, 1, 1], this.w.get(`${prefix}/scale/biases`).data);
    out = this.node('Add', [this.node('Mul', [out, s]), b]);
    return relu ? this.node('Relu', [out]) : out;
  }

  residual(x: string, prefix: string): string {
    const a = this.convLayer(x, `${prefix}/conv1`, 1, true, true);
    const b = this.convLayer(a, `${prefix}/conv2`, 1, false, true);
    return this.node('Relu', [this.node('Add', [b, x])]);
  }

  /** shapes: input map side and channels, to decide the zero padding face-api applies */
  residualDown(x: string, prefix: string, side: number, channels: number): { out: string; side: number; channels: number } {
    const a = this.convLayer(x, `${prefix}/conv1`, 2, true, false);
    let b = this.convLayer(a, `${prefix}/conv2`, 1, false, true);
    const co = this.w.get(`${prefix}/conv2/conv/filters`).shape[3];
    const convSide = Math.floor((side - 3) / 2) + 1;
    const poolSide = Math.floor((side - 2) / 2) + 1;
    let pooled = this.node('AveragePool', [x], { kernel_shape: ints([2, 2]), strides: ints([2, 2]) });
    if (poolSide !== convSide) {
      // face-api concatenates one zero row and one zero column at the end of the main path
      if (poolSide !== convSide + 1) throw new Error(`${prefix}: unexpected shapes ${poolSide} vs ${convSide}`);
      const pads = this.init(`${prefix}/pad_hw`, [8], BigInt64Array.from([0n, 0n, 0n, 0n, 0n, 0n, 1n, 1n]));
      b = this.node('Pad', [b, pads]);
    }
    if (co !== channels) {
      // the shortcut gets zero channels appended (concat with zeros of its own shape: co = 2 * channels)
      if (co !== 2 * channels) throw new Error(`${prefix}: unexpected channels ${channels} -> ${co}`);
      const pads = this.init(`${prefix}/pad_c`, [8], BigInt64Array.from([0n, 0n, 0n, 0n, 0n, BigInt(channels), 0n, 0n]));
      pooled = this.node('Pad', [pooled, pads]);
    }
    return { out: this.node('Relu', [this.node('Add', [pooled, b])]), side: poolSide, channels: co };
  }

  build(input: string): string {
    let x = this.convLayer(input, 'conv32_down', 2, true, false);
    x = this.node('MaxPool', [x], { kernel_shape: ints([3, 3]), strides: ints([2, 2]) });
    let side = Math.floor((Math.floor((150 - 7) / 2) + 1 - 3) / 2) + 1; // 72 -> 35
    let channels = 32;
    for (const p of ['conv32_1', 'conv32_2', 'conv32_3']) x = this.residual(x, p);
    const stage = (down: string, rest: string[]) => {
      const r = this.residualDown(x, down, side, channels);
      x = r.out;
      side = r.side;
      channels = r.channels;
      for (const p of rest) x = this.residual(x, p);
    };
    stage('conv64_down', ['conv64_1', 'conv64_2', 'conv64_3']);
    stage('conv128_down', ['conv128_1', 'conv128_2']);
    stage('conv256_down', ['conv256_1', 'conv256_2']);
    stage('conv256_down_out', []);
    const pooled = this.node('ReduceMean', [x], { axes: ints([2, 3]), keepdims: { kind: 'int', v: 0 } });
    const fc = this.w.get('fc');
    const F = this.init('fc', fc.shape, fc.data);
    const out = 'descriptor';
    this.nodes.push({ op: 'MatMul', name: 'fc', inputs: [pooled, F], outputs: [out] });
    return out;
  }
}

export interface BuildInputs {
  manifestJson: string;
  bin: Uint8Array;
  faceApiVersion: string;
}

export interface BuildResult {
  bytes: Uint8Array;
  sha256: string;
  inputs: { manifest: string; bin: string };
}

const sha = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');

/** Pure: same inputs -> same bytes. */
export function buildDlibOnnx(inp: BuildInputs): BuildResult {
  const w = readTfjsWeights(inp.manifestJson, () => inp.bin);
  const g = new GraphBuilder(w);
  const output = g.build('input');
  const inputs = { manifest: sha(inp.manifestJson), bin: sha(inp.bin) };
  const model: OnnxModel = {
    irVersion: 7,
    opset: 13,
    producerName: 'vigil scripts/models/build-dlib-onnx.ts',
    producerVersion: '1',
    docString:
      "dlib_face_recognition_resnet_model_v1 (Davis E. King; released into the public domain by its author, dlib-models README). Weights from @vladmandic/face-api (MIT) model/face_recognition_model.bin, dequantized from 8-bit. Input: NCHW RGB 150x150 dlib face chip (5-point alignment, padding 0.25), (pixel - [122.782, 117.001, 104.298]) / 255. Output: 128-d descriptor (not normalised; dlib's same-person distance threshold is 0.6 in Euclidean terms).",
    graphName: 'dlib_face_recognition_resnet_model_v1',
    nodes: g.nodes,
    initializers: g.inits,
    inputs: [{ name: 'input', shape: ['N', 3, 150, 150] }],
    outputs: [{ name: output, shape: ['N', 128] }],
    metadata: [
      ['source.package', `npm:@vladmandic/face-api@${inp.faceApiVersion}`],
      ['source.weights_manifest.sha256', inputs.manifest],
      ['source.weights_bin.sha256', inputs.bin],
      ['license.weights', 'Public domain (dlib_face_recognition_resnet_model_v1, statement by Davis E. King in the dlib-models README)'],
      ['license.conversion', 'face-api (MIT, Vladimir Mandic; based on face-api.js by Vincent Muehler, MIT) for the tfjs weight files'],
    ],
  };
  const bytes = encodeModel(model);
  return { bytes, sha256: sha(bytes), inputs };
}

export function readFaceApiInputs(dir = FACE_API_DIR): BuildInputs {
  const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version: string };
  return {
    manifestJson: readFileSync(path.join(dir, WEIGHTS_MANIFEST), 'utf8'),
    bin: readFileSync(path.join(dir, WEIGHTS_BIN)),
    faceApiVersion: pkg.version,
  };
}
