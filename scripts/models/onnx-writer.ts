// A minimal ONNX (protobuf) writer: just the messages a plain feed-forward graph needs (ModelProto,
// GraphProto, NodeProto, AttributeProto, TensorProto, ValueInfoProto). Field numbers are those of onnx.proto
// (onnx/onnx, proto2 syntax). Output is a pure function of the input: same graph -> same bytes, which is what
// makes the built model reproducible and checkable by sha256.

/** Appends protobuf wire-format fields into growable chunks. */
class Proto {
  private readonly parts: Uint8Array[] = [];
  private size = 0;

  private push(b: Uint8Array): void {
    this.parts.push(b);
    this.size += b.length;
  }

  private varint(v: bigint | number): void {
    let n = BigInt.asUintN(64, BigInt(v));
    const out: number[] = [];
    do {
      let byte = Number(n & 0x7fn);
      n >>= 7n;
      if (n > 0n) byte |= 0x80;
      out.push(byte);
    } while (n > 0n);
    this.push(Uint8Array.from(out));
  }

  private tag(field: number, wire: number): void {
    this.varint((field << 3) | wire);
  }

  int(field: number, v: number | bigint): this {
    this.tag(field, 0);
    this.varint(v);
    return this;
  }

  float(field: number, v: number): this {
    this.tag(field, 5);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, v, true);
    this.push(b);
    return this;
  }

  bytes(field: number, b: Uint8Array): this {
    this.tag(field, 2);
    this.varint(b.length);
    this.push(b);
    return this;
  }

  string(field: number, s: string): this {
    return this.bytes(field, new TextEncoder().encode(s));
  }

  message(field: number, m: Proto): this {
    return this.bytes(field, m.finish());
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.size);
    let o = 0;
    for (const p of this.parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  }
}

export const DataType = { FLOAT: 1, INT64: 7 } as const;

export type AttrValue = { kind: 'int'; v: number } | { kind: 'ints'; v: readonly number[] } | { kind: 'float'; v: number } | { kind: 'string'; v: string };

export interface OnnxNode {
  op: string;
  name: string;
  inputs: readonly string[];
  outputs: readonly string[];
  attrs?: Readonly<Record<string, AttrValue>>;
}

export interface OnnxTensor {
  name: string;
  dims: readonly number[];
  data: Float32Array | BigInt64Array;
}

export interface OnnxValueInfo {
  name: string;
  /** a number for a fixed dimension, a string for a named dynamic one */
  shape: readonly (number | string)[];
}

export interface OnnxModel {
  irVersion: number;
  opset: number;
  producerName: string;
  producerVersion: string;
  docString: string;
  graphName: string;
  nodes: readonly OnnxNode[];
  initializers: readonly OnnxTensor[];
  inputs: readonly OnnxValueInfo[];
  outputs: readonly OnnxValueInfo[];
  metadata: readonly (readonly [string, string])[];
}

// AttributeProto.AttributeType
const ATTR = { FLOAT: 1, INT: 2, STRING: 3, INTS: 7 } as const;

function attribute(name: string, a: AttrValue): Proto {
  const p = new Proto().string(1, name);
  switch (a.kind) {
    case 'float':
      return p.float(2, a.v).int(20, ATTR.FLOAT);
    case 'int':
      return p.int(3, a.v).int(20, ATTR.INT);
    case 'string':
      return p.string(4, a.v).int(20, ATTR.STRING);
    case 'ints':
      for (const v of a.v) p.int(8, v);
      return p.int(20, ATTR.INTS);
  }
}

function tensor(t: OnnxTensor): Proto {
  const p = new Proto();
  for (const d of t.dims) p.int(1, d);
  p.int(2, t.data instanceof Float32Array ? DataType.FLOAT : DataType.INT64);
  p.string(8, t.name);
  // raw_data is little-endian; copy so a subarray view never leaks neighbouring bytes
  const raw = new Uint8Array(t.data.byteLength);
  const view = new DataView(raw.buffer);
  if (t.data instanceof Float32Array) t.data.forEach((v, i) => view.setFloat32(4 * i, v, true));
  else t.data.forEach((v, i) => view.setBigInt64(8 * i, v, true));
  p.bytes(9, raw);
  return p;
}

function valueInfo(v: OnnxValueInfo): Proto {
  const shape = new Proto();
  for (const d of v.shape) shape.message(1, typeof d === 'number' ? new Proto().int(1, d) : new Proto().string(2, d));
  const tensorType = new Proto().int(1, DataType.FLOAT).message(2, shape);
  return new Proto().string(1, v.name).message(2, new Proto().message(1, tensorType));
}

function node(n: OnnxNode): Proto {
  const p = new Proto();
  for (const i of n.inputs) p.string(1, i);
  for (const o of n.outputs) p.string(2, o);
  p.string(3, n.name).string(4, n.op);
  for (const [k, a] of Object.entries(n.attrs ?? {})) p.message(5, attribute(k, a));
  return p;
}

/** Serialises a model to ONNX protobuf bytes. */
export function encodeModel(m: OnnxModel): Uint8Array {
  const g = new Proto();
  for (const n of m.nodes) g.message(1, node(n));
  g.string(2, m.graphName);
  for (const t of m.initializers) g.message(5, tensor(t));
  for (const i of m.inputs) g.message(11, valueInfo(i));
  for (const o of m.outputs) g.message(12, valueInfo(o));
  const model = new Proto()
    .int(1, m.irVersion)
    .string(2, m.producerName)
    .string(3, m.producerVersion)
    .string(6, m.docString)
    .message(7, g)
    .message(8, new Proto().string(1, '').int(2, m.opset));
  for (const [k, v] of m.metadata) model.message(14, new Proto().string(1, k).string(2, v));
  return model.finish();
}
