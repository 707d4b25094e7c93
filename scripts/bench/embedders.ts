// Embedder comparison in one run: every embedder in the manifest (or --embedders a,b) embeds the SAME
// detected faces (the default detector's 5 points, each embedder's own alignment), so only the embedder
// differs. Sets:
//   - faces-dev pairs.csv (AUC, TAR @ FAR 1e-2 / 1e-3) and all pairs among its labelled faces;
//   - the seeded degraded CCTV-like set (src-engine/testing/degraded.ts, the one bench:degraded uses) at
//     28 / 40 / 56 px face width, probe vs untouched
//     enrolment photo, every other enrolled identity as an impostor; faces embedded whatever the quality
//     gate says (the comparison is about the embedder);
//   - ms per face (alignment + inference, batch 1, one intra-op thread).
// Writes bench-results/embedders.json and prints markdown tables.
//
//   node --import tsx scripts/bench/embedders.ts [--dataset DIR] [--embedders id,id] [--widths 28,40,56] [--variants 3] [--detector ID] [--timing-only]
import { existsSync } from 'node:fs';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ort from 'onnxruntime-node';
import { Engine } from '../../src-engine/engine.ts';
import { alignedChip, l2normalise } from '../../src-engine/embed/embedder.ts';
import { decodeImage } from '../../src-engine/image/decode.ts';
import { Pyramid } from '../../src-engine/image/pyramid.ts';
import { rgbToTensor, tensorSize } from '../../src-engine/image/tensor.ts';
import { calibrateFromImpostors } from '../../src-engine/match/threshold.ts';
import { loadManifest, type EmbedderEntry } from '../../src-engine/registry/manifest.ts';
import { degrade, rng } from '../../src-engine/testing/degraded.ts';
import { SAMPLE_FACES, samplePath } from '../../src-engine/testing/face-samples.ts';
import { auc, iou, percentile, tarAtFar, type Box } from './metrics.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const args = process.argv.slice(2);
const arg = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const DATASET = path.resolve(ROOT, arg('--dataset') ?? '../shared/datasets/faces-dev');
const WIDTHS = (arg('--widths') ?? '28,40,56').split(',').map(Number);
/** degraded copies per probe and width (different blur, gain, noise, place) */
const VARIANTS = Number(arg('--variants') ?? 3);
const SEED = 20261202;
const round = (v: number, k = 10000): number => Math.round(v * k) / k;

interface Model {
  entry: EmbedderEntry;
  session: ort.InferenceSession;
  input: Float32Array;
  /** alignment (warp into the input; the first face of an image also builds its pyramid levels) */
  alignMs: number[];
  /** tensor fill + inference */
  inferMs: number[];
}

type Face = { box: number[]; five: number[]; passed: boolean };

const manifest = await loadManifest();
const wanted = arg('--embedders')?.split(',');
// Manifest embedders whose file is not installed (sface is listed but not shipped) are left out unless asked for.
const entries = manifest.models.filter((m): m is EmbedderEntry => m.format === 'aligned-embedding' && (wanted ? wanted.includes(m.id) : existsSync(path.join(ROOT, 'models', m.file))));
const models: Model[] = [];
for (const entry of entries) {
  const session = await ort.InferenceSession.create(path.join(ROOT, 'models', entry.file), { intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential' });
  models.push({ entry, session, input: new Float32Array(tensorSize(entry.input)), alignMs: [], inferMs: [] });
}
// --detector pins the detector (default: the manifest's), so both runs of a comparison see the same points
const detector = arg('--detector');
const engine = await Engine.create({ threads: 1, models: detector ? { detector } : {} });

async function embed(m: Model, pyramid: Pyramid, five: number[]): Promise<Float32Array> {
  const t0 = performance.now();
  const chip = alignedChip(m.entry, pyramid, five);
  const t1 = performance.now();
  rgbToTensor(chip, m.entry.input, m.input);
  const s = m.entry.input;
  const dims = s.layout === 'NCHW' ? [1, 3, s.height, s.width] : [1, s.height, s.width, 3];
  const out = await m.session.run({ [s.name]: new ort.Tensor('float32', m.input, dims) });
  const v = l2normalise(out[m.entry.outputs.embedding].data as Float32Array);
  m.alignMs.push(t1 - t0);
  m.inferMs.push(performance.now() - t1);
  return v;
}

async function analyse(bytes: Buffer, minFaceSize?: number): Promise<{ faces: Face[]; pyramid: Pyramid }> {
  const decoded = await decodeImage(bytes);
  const r = await engine.analyzeFrame(decoded.frame, { embeddings: false, match: false, ...(minFaceSize ? { detection: { minFaceSize } } : {}) });
  return { pyramid: new Pyramid(decoded.frame), faces: r.faces.map((f) => ({ box: f.box, five: f.landmarks5.flat(), passed: f.quality.passed })) };
}

const cos = (a: Float32Array, b: Float32Array): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};

function verification(gen: number[], imp: number[]) {
  return { genuine: gen.length, impostor: imp.length, auc: round(auc(gen, imp)), tar_at_far_1e2: round(tarAtFar(gen, imp, 1e-2).tar), tar_at_far_1e3: round(tarAtFar(gen, imp, 1e-3).tar), threshold_at_far_1e2: round(tarAtFar(gen, imp, 1e-2).threshold, 1000) };
}

const report: Record<string, unknown> = {
  engine: engine.name,
  roles: engine.roles,
  machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, loadavg_at_start: os.loadavg().map((v) => round(v, 100)) },
  embedders: models.map((m) => m.entry.id),
};

// --- faces-dev --------------------------------------------------------------------------------------
const TIMING_ONLY = args.includes('--timing-only');
const hasDev = !TIMING_ONLY && (await stat(path.join(DATASET, 'labels.json')).then(() => true, () => false));
const enrol = new Map<string, { identity: string; vec: Float32Array[] }>(); // degraded-set enrolment
const probes: { identity: string; file: string; box: Box; name: string }[] = [];
if (hasDev) {
  const labels = JSON.parse(await readFile(path.join(DATASET, 'labels.json'), 'utf8')) as { images: Record<string, { identity?: string | null; faces: { box: Box; identity: string | null }[] }> };
  const subject = new Map<string, Float32Array[] | null>();
  const t0 = performance.now();
  for (const name of Object.keys(labels.images)) {
    if (process.env.BENCH_TRACE) console.error(`dev ${name}`);
    const { faces, pyramid } = await analyse(await readFile(path.join(DATASET, name)));
    const best = faces.filter((f) => f.passed).sort((a, b) => b.box[2] * b.box[3] - a.box[2] * a.box[3])[0];
    subject.set(name, best ? await Promise.all(models.map((m) => embed(m, pyramid, best.five))) : null);
  }
  const pairs = (await readFile(path.join(DATASET, 'pairs.csv'), 'utf8')).trim().split(/\r?\n/).slice(1).map((l) => l.trim().split(','));
  const dev: Record<string, unknown> = {};
  const all: Record<string, unknown> = {};
  const labelled = Object.entries(labels.images).filter(([, l]) => l.identity);
  models.forEach((m, k) => {
    const gen: number[] = [];
    const imp: number[] = [];
    let lost = 0;
    for (const [a, b, same] of pairs) {
      const ea = subject.get(a);
      const eb = subject.get(b);
      if (!(ea && eb)) lost++;
      (same === '1' ? gen : imp).push(ea && eb ? cos(ea[k], eb[k]) : -2);
    }
    dev[m.entry.id] = { pairs: pairs.length, lost, ...verification(gen, imp) };
    const g2: number[] = [];
    const i2: number[] = [];
    for (let i = 0; i < labelled.length; i++) {
      for (let j = i + 1; j < labelled.length; j++) {
        const ea = subject.get(labelled[i][0]);
        const eb = subject.get(labelled[j][0]);
        if (!(ea && eb)) continue;
        (labelled[i][1].identity === labelled[j][1].identity ? g2 : i2).push(cos(ea[k], eb[k]));
      }
    }
    all[m.entry.id] = verification(g2, i2);
  });
  report.dev = { images: Object.keys(labels.images).length, seconds: round((performance.now() - t0) / 1000, 10), pairs_csv: dev, all_labelled_pairs: all };
  // degraded set: first photo of each identity with 2+ photos enrols it, the others are probes
  const byId = new Map<string, string[]>();
  for (const [name, l] of labelled) byId.set(l.identity!, [...(byId.get(l.identity!) ?? []), name]);
  for (const [id, names] of byId) {
    if (names.length < 2) continue;
    names.sort();
    const vec = subject.get(names[0]);
    if (!vec) continue;
    enrol.set(`dev:${id}`, { identity: `dev:${id}`, vec });
    for (const name of names.slice(1)) {
      const face = labels.images[name].faces.find((f) => f.identity === id) ?? labels.images[name].faces[0];
      probes.push({ identity: `dev:${id}`, file: path.join(DATASET, name), box: face.box, name });
    }
  }
} else {
  console.log(`faces-dev not found at ${DATASET}: DEV verification skipped, degraded set from the sample photos only`);
}

// sample photos: each annotated face enrols its person; the degraded probe is cut from the same photo
for (const f of TIMING_ONLY ? [] : SAMPLE_FACES) {
  const photo = await readFile(samplePath(f.file));
  const { faces, pyramid } = await analyse(photo);
  const mine = faces.sort((a, b) => iou(b.box as unknown as Box, f.box) - iou(a.box as unknown as Box, f.box))[0];
  if (!mine || iou(mine.box as unknown as Box, f.box) < 0.4) continue;
  const id = `sample:${f.person}`;
  const vec = await Promise.all(models.map((m) => embed(m, pyramid, mine.five)));
  if (!enrol.has(id)) enrol.set(id, { identity: id, vec });
  probes.push({ identity: id, file: samplePath(f.file), box: f.box, name: `${f.file}#${f.person}` });
}

// --- degraded CCTV-like set ---------------------------------------------------------------------------
const degraded: Record<string, Record<string, unknown>> = {};
/** impostor scores of all degraded probes, per embedder: the low-quality band's calibration */
const lowImpostors: number[][] = models.map(() => []);
for (const width of TIMING_ONLY ? [] : WIDTHS) {
  const gen: number[][] = models.map(() => []);
  const imp: number[][] = models.map(() => []);
  let found = 0;
  for (let q = 0; q < probes.length * VARIANTS; q++) {
    const probe = probes[q % probes.length];
    // The enrolment side is this bench's own (embedded above), so only the probe fields of the subject matter.
    const box: [number, number, number, number] = [...probe.box];
    const subject = { person: probe.identity, probeFile: probe.file, probeBox: box, enrolFile: probe.file, enrolBox: box };
    const frame = await degrade(subject, width, rng(SEED + 10000 * width + q));
    if (process.env.BENCH_TRACE) console.error(`degraded ${width} px #${q} ${probe.name}`);
    const { faces, pyramid } = await analyse(frame.jpeg, 16);
    const hit = faces.map((f) => ({ f, o: iou(f.box as unknown as Box, frame.box) })).sort((a, b) => b.o - a.o)[0];
    const ok = hit && hit.o > 0.3;
    if (ok) found++;
    const vecs = ok ? await Promise.all(models.map((m) => embed(m, pyramid, hit.f.five))) : null;
    for (const e of enrol.values()) {
      models.forEach((_, k) => {
        const s = vecs ? cos(vecs[k], e.vec[k]) : -2;
        if (e.identity === probe.identity) gen[k].push(s);
        else if (vecs) imp[k].push(s);
      });
    }
  }
  imp.forEach((v, k) => lowImpostors[k].push(...v));
  degraded[`${width} px`] = { probes: probes.length * VARIANTS, detected: found, recall: round(found / (probes.length * VARIANTS), 1000), ...Object.fromEntries(models.map((m, k) => [m.entry.id, verification(gen[k], imp[k])])) };
}
report.degraded = {
  seed: SEED, enrolled: enrol.size, probe_faces: probes.length, variants: VARIANTS, by_width: degraded,
  // FAR -> cosine for degraded probes (all widths pooled), as scripts/calibrate-embedder.ts does for clean faces
  calibration_low: Object.fromEntries(models.map((m, k) => [m.entry.id, lowImpostors[k].length ? { impostors: lowImpostors[k].length, calibration: calibrateFromImpostors(lowImpostors[k]) } : null])),
};
const ms = (v: number[]) => ({ p50: round(percentile(v, 50), 100), p95: round(percentile(v, 95), 100) });
report.ms_per_face = Object.fromEntries(models.map((m) => [m.entry.id, { faces: m.inferMs.length, align: ms(m.alignMs), infer: ms(m.inferMs) }]));

// Steady-state inference on one chip, the embedders interleaved so machine noise hits both alike.
{
  const decoded = await decodeImage(await readFile(samplePath(SAMPLE_FACES[0].file)));
  const { faces } = await analyse(await readFile(samplePath(SAMPLE_FACES[0].file)));
  const pyramid = new Pyramid(decoded.frame);
  const five = faces.sort((a, b) => b.box[2] * b.box[3] - a.box[2] * a.box[3])[0].five;
  const runs: number[][] = models.map(() => []);
  for (let i = 0; i < 60; i++) {
    for (const [k, m] of models.entries()) {
      const before = m.inferMs.length;
      await embed(m, pyramid, five);
      if (i >= 5) runs[k].push(m.inferMs[before]);
    }
  }
  report.steady_inference_ms = Object.fromEntries(models.map((m, k) => [m.entry.id, ms(runs[k])]));
}

await mkdir(path.join(ROOT, 'bench-results'), { recursive: true });
await writeFile(path.join(ROOT, 'bench-results', 'embedders.json'), JSON.stringify(report, null, 2) + '\n');

const ids = models.map((m) => m.entry.id);
const lines: string[] = [];
if (report.dev) {
  const d = report.dev as { pairs_csv: Record<string, ReturnType<typeof verification> & { lost: number }>; all_labelled_pairs: Record<string, ReturnType<typeof verification>> };
  lines.push('| faces-dev | ' + ids.join(' | ') + ' |', '|---|' + ids.map(() => '---').join('|') + '|');
  for (const [label, k] of [['AUC', 'auc'], ['TAR @ FAR 1e-2', 'tar_at_far_1e2'], ['TAR @ FAR 1e-3', 'tar_at_far_1e3']] as const) {
    lines.push(`| pairs.csv ${label} | ${ids.map((id) => d.pairs_csv[id][k]).join(' | ')} |`);
  }
  lines.push(`| pairs.csv genuine / impostor / lost | ${ids.map((id) => `${d.pairs_csv[id].genuine} / ${d.pairs_csv[id].impostor} / ${d.pairs_csv[id].lost}`).join(' | ')} |`);
  for (const [label, k] of [['AUC', 'auc'], ['TAR @ FAR 1e-2', 'tar_at_far_1e2'], ['TAR @ FAR 1e-3', 'tar_at_far_1e3']] as const) {
    lines.push(`| all labelled pairs ${label} | ${ids.map((id) => d.all_labelled_pairs[id][k]).join(' | ')} |`);
  }
  lines.push(`| all labelled pairs genuine / impostor | ${ids.map((id) => `${d.all_labelled_pairs[id].genuine} / ${d.all_labelled_pairs[id].impostor}`).join(' | ')} |`);
  lines.push('');
}
lines.push('| degraded set (face width) | detected | ' + ids.flatMap((id) => [`${id} AUC`, `${id} TAR@1e-2`, `${id} thr@1e-2`]).join(' | ') + ' |');
lines.push('|---|---|' + ids.flatMap(() => ['---', '---', '---']).join('|') + '|');
for (const [w, v] of Object.entries(degraded)) {
  const row = ids.flatMap((id) => {
    const x = v[id] as ReturnType<typeof verification>;
    return [x.auc, x.tar_at_far_1e2, x.threshold_at_far_1e2];
  });
  lines.push(`| ${w} | ${v.detected}/${v.probes} | ${row.join(' | ')} |`);
}
lines.push('');
lines.push('| ms per face (1 thread) | ' + ids.join(' | ') + ' |', '|---|' + ids.map(() => '---').join('|') + '|');
const per = report.ms_per_face as Record<string, { faces: number; align: { p50: number; p95: number }; infer: { p50: number; p95: number } }>;
lines.push(`| inference p50 / p95 | ${ids.map((id) => `${per[id].infer.p50} / ${per[id].infer.p95}`).join(' | ')} |`);
lines.push(`| alignment p50 / p95 | ${ids.map((id) => `${per[id].align.p50} / ${per[id].align.p95}`).join(' | ')} |`);
lines.push(`| faces | ${ids.map((id) => per[id].faces).join(' | ')} |`);
const steady = report.steady_inference_ms as Record<string, { p50: number; p95: number }>;
lines.push(`| steady inference p50 / p95 (55 interleaved runs, one chip) | ${ids.map((id) => `${steady[id].p50} / ${steady[id].p95}`).join(' | ')} |`);
console.log(lines.join('\n'));
for (const m of models) await m.session.release();
await engine.dispose();
