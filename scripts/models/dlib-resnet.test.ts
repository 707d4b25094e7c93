// The ONNX build of dlib's face descriptor: reproducible bytes, recorded provenance, and numerically the
// same network as face-api's own TensorFlow.js implementation on real face chips.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import ort from 'onnxruntime-node';
import { Engine } from '../../src-engine/engine.ts';
import { alignedChip } from '../../src-engine/embed/embedder.ts';
import { decodeImage } from '../../src-engine/image/decode.ts';
import { Pyramid } from '../../src-engine/image/pyramid.ts';
import { rgbToTensor } from '../../src-engine/image/tensor.ts';
import type { EmbedderEntry } from '../../src-engine/registry/manifest.ts';
import { SAMPLE_FACES, samplePath } from '../../src-engine/testing/face-samples.ts';
import { DLIB_MODEL_ID, FACE_API_DIR, WEIGHTS_BIN, WEIGHTS_MANIFEST, buildDlibOnnx, readFaceApiInputs } from './dlib-resnet.ts';

const MODELS = path.resolve(import.meta.dirname, '../../models');
const manifest = JSON.parse(readFileSync(path.join(MODELS, 'manifest.json'), 'utf8')) as { models: (EmbedderEntry & { build: { inputs: Record<string, string> } })[] };
const entry = manifest.models.find((m) => m.id === DLIB_MODEL_ID)!;

test('the build is reproducible and matches the committed model and its manifest entry', () => {
  const inputs = readFaceApiInputs();
  const a = buildDlibOnnx(inputs);
  const b = buildDlibOnnx(inputs);
  assert.equal(a.sha256, b.sha256);
  assert.ok(entry, 'manifest has the dlib entry');
  assert.equal(a.sha256, entry.sha256, 'manifest sha256 = rebuilt model');
  assert.equal(a.bytes.length, entry.bytes);
  assert.equal(Buffer.compare(readFileSync(path.join(MODELS, entry.file)), a.bytes), 0, 'committed file = rebuilt bytes');
  assert.equal(entry.source.version, inputs.faceApiVersion);
  assert.equal(entry.build.inputs['face_recognition_model.bin'], a.inputs.bin);
  assert.equal(entry.build.inputs['face_recognition_model-weights_manifest.json'], a.inputs.manifest);
  const notice = readFileSync(path.join(MODELS, 'LICENSE.dlib_resnet_v1_150.txt'), 'utf8');
  assert.match(notice, /public domain/);
  assert.match(notice, /Permission is hereby granted/); // face-api's MIT text travels with the model
});

test('a changed weight gives a different model (the check can fail)', () => {
  const inputs = readFaceApiInputs();
  const bin = new Uint8Array(inputs.bin);
  bin[1000] ^= 1;
  assert.notEqual(buildDlibOnnx({ ...inputs, bin }).sha256, entry.sha256);
});

/** face-api's FaceRecognitionNet on TensorFlow.js' CPU backend (bundled in face-api.esm.js), weights decoded by tfjs itself. */
async function faceApiNet() {
  // The bundle picks tfjs' Node platform when it sees process.versions.node, but its Node `util` is stubbed
  // out in the browser bundle; hide the Node version while it initialises (the CPU backend is pure JS).
  const saved = Object.getOwnPropertyDescriptor(process, 'versions')!;
  Object.defineProperty(process, 'versions', { value: { ...process.versions, node: undefined }, configurable: true });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the bundle's own typings pull in DOM types; only a few calls are used
  let faceapi: { tf: any; FaceRecognitionNet: new () => any };
  try {
    faceapi = (await import('@vladmandic/face-api/dist/face-api.esm.js')) as typeof faceapi;
  } finally {
    Object.defineProperty(process, 'versions', saved);
  }
  const { tf } = faceapi;
  // ...so give tfjs the few platform services it uses, from Node's own globals
  tf.setPlatform('vigil-test', {
    fetch: globalThis.fetch,
    now: () => performance.now(),
    encode: (s: string) => new TextEncoder().encode(s),
    decode: (b: Uint8Array, enc: string) => new TextDecoder(enc).decode(b),
    isTypedArray: (a: unknown) => ArrayBuffer.isView(a) && !(a instanceof DataView),
    setTimeoutCustom: (fn: () => void, ms: number) => setTimeout(fn, ms),
  });
  await tf.setBackend('cpu');
  await tf.ready();
  const specs = (JSON.parse(readFileSync(path.join(FACE_API_DIR, WEIGHTS_MANIFEST), 'utf8')) as { weights: unknown[] }[]).flatMap((g) => g.weights);
  const bin = readFileSync(path.join(FACE_API_DIR, WEIGHTS_BIN));
  const net = new faceapi.FaceRecognitionNet();
  net.loadFromWeightMap(tf.io.decodeWeights(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.length), specs));
  return { tf, net };
}

test('ONNX output = face-api TensorFlow.js output on real face chips (max abs diff <= 1e-4)', { timeout: 120_000 }, async () => {
  // Real chips: the engine's dlib alignment of sample-photo faces.
  const engine = await Engine.create({ threads: 1, warmupIterations: 0, models: { embedder: DLIB_MODEL_ID } });
  const chips: Uint8Array[] = [];
  try {
    for (const file of ['sample1.jpg', 'sample4.jpg']) {
      const faces = SAMPLE_FACES.filter((f) => f.file === file).length;
      const bytes = readFileSync(samplePath(file));
      const r = await engine.analyzeImage(bytes, { embeddings: false });
      assert.ok(r.faces.length >= faces - 1, `${file}: faces found`);
      const decoded = await decodeImage(bytes);
      const pyramid = new Pyramid(decoded.frame);
      for (const f of r.faces.slice(0, 2)) chips.push(alignedChip(entry, pyramid, f.landmarks5.flatMap(([x, y]) => [x * decoded.scaleX, y * decoded.scaleY])));
    }
  } finally {
    await engine.dispose();
  }
  const { tf, net } = await faceApiNet();
  const session = await ort.InferenceSession.create(path.join(MODELS, entry.file), { intraOpNumThreads: 1 });
  let maxDiff = 0;
  for (const chip of chips) {
    const reference = tf.tidy(() => net.forwardInput({ toBatchTensor: () => tf.tensor4d(chip, [1, 150, 150, 3], 'int32') })) as { data(): Promise<Float32Array>; dispose(): void };
    const want = await reference.data();
    reference.dispose();
    const input = new Float32Array(3 * 150 * 150);
    rgbToTensor(chip, entry.input, input);
    const got = (await session.run({ input: new ort.Tensor('float32', input, [1, 3, 150, 150]) }))[entry.outputs.embedding].data as Float32Array;
    assert.equal(got.length, 128);
    for (let i = 0; i < 128; i++) maxDiff = Math.max(maxDiff, Math.abs(got[i] - want[i]));
    // a descriptor, not noise: dlib descriptors have norms near 0.4-0.5 and differ per face
    const norm = Math.hypot(...want);
    assert.ok(norm > 0.1, `descriptor norm ${norm}`);
  }
  await session.release();
  console.log(`# dlib ONNX vs face-api tfjs: ${chips.length} real face chips, max abs diff ${maxDiff.toExponential(2)}`);
  assert.ok(chips.length >= 4);
  assert.ok(maxDiff <= 1e-4, `max abs diff ${maxDiff}`);
});
