// Measures the embedder's impostor (different-person) similarity distribution and prints the FAR ->
// cosine-threshold calibration stored in models/manifest.json (`--write` updates the manifest).
// Faces: the 21 people of the sample photos, plus faces-dev's labelled subjects when ../shared is present.
//
//   node --import tsx scripts/calibrate-embedder.ts [--dataset DIR] [--embedder ID] [--write]
import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Engine } from '../src-engine/engine.ts';
import { calibrateFromImpostors } from '../src-engine/match/threshold.ts';
import { SAMPLE_FACES, samplePath } from '../src-engine/testing/face-samples.ts';
import { iou, type Box } from './bench/metrics.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const datasetArg = args.indexOf('--dataset');
const DATASET = path.resolve(ROOT, datasetArg >= 0 ? args[datasetArg + 1] : '../shared/datasets/faces-dev');

const embedderArg = args.indexOf('--embedder');
const engine = await Engine.create({ threads: 1, models: embedderArg >= 0 ? { embedder: args[embedderArg + 1] } : {} });
const faces: { person: string; embedding: Float32Array }[] = [];

for (const f of SAMPLE_FACES) {
  const r = await engine.analyzeImage(await readFile(samplePath(f.file)));
  const mine = r.faces.filter((x) => x.embedding && iou(x.box as Box, f.box) > 0.5)[0];
  if (mine?.embedding) faces.push({ person: `sample:${f.person}`, embedding: mine.embedding });
}
let sources = `${faces.length} faces of the @vladmandic/face-api sample photos`;
if (await stat(path.join(DATASET, 'labels.json')).then(() => true, () => false)) {
  const labels = JSON.parse(await readFile(path.join(DATASET, 'labels.json'), 'utf8')) as { images: Record<string, { identity?: string | null }> };
  let n = 0;
  for (const [name, label] of Object.entries(labels.images)) {
    if (!label.identity) continue;
    const r = await engine.analyzeImage(await readFile(path.join(DATASET, name)));
    const subject = r.faces.filter((x) => x.embedding).sort((a, b) => b.box[2] - a.box[2])[0];
    if (subject?.embedding) {
      faces.push({ person: `dev:${label.identity}`, embedding: subject.embedding });
      n++;
    }
  }
  sources += ` and ${n} labelled faces of faces-dev`;
}
const impostor: number[] = [];
const genuine: number[] = [];
for (let i = 0; i < faces.length; i++) {
  for (let j = i + 1; j < faces.length; j++) {
    const s = engine.compare(faces[i].embedding, faces[j].embedding).similarity;
    (faces[i].person === faces[j].person ? genuine : impostor).push(s);
  }
}
const calibration = calibrateFromImpostors(impostor);
const mean = impostor.reduce((a, b) => a + b, 0) / impostor.length;
const source = `${impostor.length} impostor pairs among ${sources} (${new Set(faces.map((f) => f.person)).size} people); empirical quantiles down to FAR ${(5 / impostor.length).toExponential(1)}, normal tail below (scripts/calibrate-embedder.ts)`;
process.stdout.write(JSON.stringify({ calibration, calibrationSource: source, impostor_mean: mean, impostor_max: Math.max(...impostor), genuine_pairs: genuine.length, genuine_min: genuine.length ? Math.min(...genuine) : null }, null, 2) + '\n');

if (args.includes('--write')) {
  const file = path.join(ROOT, 'models', 'manifest.json');
  const manifest = JSON.parse(await readFile(file, 'utf8'));
  const entry = manifest.models.find((m: { id: string }) => m.id === engine.roles.embedder);
  entry.params.calibration = calibration;
  entry.params.calibrationSource = source;
  await writeFile(file, JSON.stringify(manifest, null, 2) + '\n');
  process.stdout.write(`updated ${path.relative(process.cwd(), file)} (${entry.id})\n`);
}
await engine.dispose();
