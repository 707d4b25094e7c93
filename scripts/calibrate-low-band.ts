// Calibration of the low-quality band: impostor similarities of low-quality probes (faces the quality gate puts
// in band 'low': small, soft, dark) against other people's untouched enrolment photos, turned into FAR ->
// cosine thresholds exactly like the main calibration (calibrateFromImpostors). Probes are degraded copies of
// the subjects (src-engine/testing/degraded.ts) with a seed of their own (not the benchmark's), only impostor
// pairs are used, so the thresholds do not look at the genuine scores the benchmark reports.
//
//   node --import tsx scripts/calibrate-low-band.ts [--dataset DIR] [--embedder ID] [--seed N]
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Engine } from '../src-engine/engine.ts';
import { calibrateFromImpostors } from '../src-engine/match/threshold.ts';
import { degrade, isProbeFace, rng, subjects } from '../src-engine/testing/degraded.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const arg = (n: string): string | undefined => (args.indexOf(n) >= 0 ? args[args.indexOf(n) + 1] : undefined);
const DATASET = path.resolve(ROOT, arg('--dataset') ?? '../shared/datasets/faces-dev');
const SEED = Number(arg('--seed') ?? 1013);
const SIZES = [16, 18, 20, 22, 26, 32];

const embedder = arg('--embedder');
const engine = await Engine.create({ threads: 1, detection: { minFaceSize: 12 }, ...(embedder ? { models: { embedder } } : {}) });
const present = await stat(path.join(DATASET, 'labels.json')).then(() => true, () => false);
const list = await subjects(present ? DATASET : null);
const enrolled = new Map<string, Float32Array>();
for (const s of list) {
  if (enrolled.has(s.person)) continue;
  const r = await engine.analyzeImage(await readFile(s.enrolFile));
  const f = r.faces.find((x) => x.embedding && isProbeFace(x.box, s.enrolBox));
  if (f?.embedding) enrolled.set(s.person, f.embedding);
}
const impostor: number[] = [];
let probes = 0;
const r = rng(SEED);
for (const size of SIZES) {
  for (const s of list) {
    const p = await degrade(s, size, r);
    const res = await engine.analyzeImage(p.jpeg);
    const f = res.faces.find((x) => isProbeFace(x.box, p.box));
    if (!f?.embedding || !f.low_quality) continue;
    probes++;
    for (const [person, e] of enrolled) if (person !== s.person) impostor.push(engine.compare(f.embedding, e).similarity);
  }
}
await engine.dispose();
const calibration = calibrateFromImpostors(impostor);
process.stdout.write(JSON.stringify({ embedder: engine.roles.embedder, probes, impostor_pairs: impostor.length, enrolled: enrolled.size, calibrationLow: calibration, calibrationLowSource: `${impostor.length} impostor pairs: ${probes} low-band degraded probes (faces ${SIZES.join('/')} px, blur, gain, noise, JPEG q35; seed ${SEED}) of ${list.length} subjects vs ${enrolled.size} untouched enrolment photos (faces-dev + sample photos); empirical quantiles down to FAR ${(5 / impostor.length).toExponential(1)}, normal tail below (scripts/calibrate-low-band.ts)` }, null, 1) + '\n');
