// `node --import tsx scripts/models/build-dlib-onnx.ts [--check] [--out FILE]`: writes
// models/dlib_resnet_v1_150.onnx from @vladmandic/face-api's weights (see dlib-resnet.ts) and prints the
// sha256s the manifest records. --check rebuilds in memory and fails unless the committed file and the
// manifest entry match byte for byte.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DLIB_MODEL_ID, buildDlibOnnx, readFaceApiInputs } from './dlib-resnet.ts';

const MODELS_DIR = path.resolve(import.meta.dirname, '../../models');

function main(): number {
  const args = process.argv.slice(2);
  const outIdx = args.indexOf('--out');
  const out = outIdx >= 0 ? path.resolve(args[outIdx + 1]) : path.join(MODELS_DIR, 'dlib_resnet_v1_150.onnx');
  const inputs = readFaceApiInputs();
  const r = buildDlibOnnx(inputs);
  const facts = { faceApiVersion: inputs.faceApiVersion, weightsManifestSha256: r.inputs.manifest, weightsBinSha256: r.inputs.bin, sha256: r.sha256, bytes: r.bytes.length };
  if (args.includes('--check')) {
    const manifest = JSON.parse(readFileSync(path.join(MODELS_DIR, 'manifest.json'), 'utf8')) as { models: { id: string; sha256: string }[] };
    const entry = manifest.models.find((m) => m.id === DLIB_MODEL_ID);
    const onDisk = readFileSync(out);
    const ok = entry?.sha256 === r.sha256 && Buffer.compare(onDisk, r.bytes) === 0;
    console.log(JSON.stringify({ ...facts, manifest: entry?.sha256 ?? null, file: out, ok }, null, 2));
    return ok ? 0 : 1;
  }
  writeFileSync(out, r.bytes);
  console.log(JSON.stringify({ ...facts, file: out }, null, 2));
  return 0;
}

process.exitCode = main();
