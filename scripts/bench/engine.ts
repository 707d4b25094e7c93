// Engine benchmark: per-stage latency on composed 1280x720 frames (0, 1 and 5 faces) at several
// smallest-face settings, gallery search at 1k / 10k templates, and accuracy on ../shared/datasets/faces-dev
// (detection recall / precision at IoU 0.5, verification AUC and TAR at FAR 1e-2 over its pairs).
// Writes bench-results/engine.json and prints a markdown table. One intra-op thread per model.
//
//   npm run bench:engine [-- --runs N] [--dataset DIR] [--no-dataset] [--no-latency] [--speed-only | --accuracy-only] [--landmarks ID|none] [--prev DIR | --no-prev] [--base DIR]
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { Engine, type AnalyzeResult } from '../../src-engine/engine.ts';
import { decodeImage } from '../../src-engine/image/decode.ts';
import { Gallery } from '../../src-engine/match/gallery.ts';
import { composeFrame, faceCrop, type Placement } from '../../src-engine/testing/compose.ts';
import { SAMPLE_FACES, samplePath } from '../../src-engine/testing/face-samples.ts';
import { auc, iou, matchBoxes, percentile, tarAtFar, type Box } from './metrics.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const args = process.argv.slice(2);
const arg = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const RUNS = Number(arg('--runs') ?? 30);
const DATASET = path.resolve(ROOT, arg('--dataset') ?? '../shared/datasets/faces-dev');
const MIN_FACE_SETTINGS = [20, 40, 80];

type Stat = { p50: number; p95: number };
const stat2 = (v: number[]): Stat => ({ p50: round(percentile(v, 50)), p95: round(percentile(v, 95)) });
const round = (v: number, k = 100): number => Math.round(v * k) / k;

async function main(): Promise<void> {
  // --landmarks none: YuNet's own mouth corners instead of the 68-point model's (the comparison in docs/engine.md).
  const lmArg = arg('--landmarks');
  const engine = await Engine.create({ threads: 1, ...(lmArg ? { models: { landmarks: lmArg === 'none' ? null : lmArg } } : {}) });
  const report: Record<string, unknown> = {
    engine: engine.name,
    machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, loadavg_at_start: os.loadavg().map((v) => round(v)) },
    threads: 1,
    providers: [...new Set(Object.values(engine.health().models).map((m) => m.provider))],
  };

  // --- latency on composed frames ---------------------------------------------------------------
  const layouts: Record<string, Placement[]> = {
    '0 faces': [],
    '1 face': [{ face: 9, size: 110, x: 585, y: 220 }],
    '5 faces': [0, 5, 8, 13, 19].map((face, i) => ({ face, size: 90 + (i % 3) * 15, x: 70 + i * 245, y: 180 + (i % 2) * 230 })),
  };
  // A real gallery for the match stage: 1,000 templates (random unit vectors stand in for other people).
  const gallery = randomGallery(engine.embeddingDim, 1000, 3);
  const latency: Record<string, Record<string, unknown>> = {};
  // --speed-only: just the comparison with the previous engine (the issue-11 speed targets).
  const speedOnly = args.includes('--speed-only');
  // --accuracy-only: just faces-dev (detection and verification), nothing timed.
  const accuracyOnly = args.includes('--accuracy-only');
  for (const [name, placements] of Object.entries(args.includes('--no-latency') || speedOnly || accuracyOnly ? {} : layouts)) {
    const composed = await composeFrame(1280, 720, placements);
    const jpeg = await sharp(composed.frame.data, { raw: { width: 1280, height: 720, channels: 3 } }).jpeg({ quality: 90 }).toBuffer();
    for (const minFaceSize of MIN_FACE_SETTINGS) {
      const samples: AnalyzeResult[] = [];
      const decode: number[] = [];
      const match: number[] = [];
      for (let i = 0; i < RUNS + 3; i++) {
        const t0 = performance.now();
        const decoded = await decodeImage(jpeg);
        const decodeMs = performance.now() - t0;
        const r = await engine.analyzeFrame(decoded.frame, { detection: { minFaceSize } });
        const t1 = performance.now();
        for (const f of r.faces) if (f.embedding) gallery.search(f.embedding, 5, 0.5);
        const matchMs = performance.now() - t1;
        if (i < 3) continue; // warm-up
        samples.push(r);
        decode.push(decodeMs);
        match.push(matchMs);
      }
      const s = (k: keyof AnalyzeResult['stages']): Stat => stat2(samples.map((r) => r.stages[k]));
      latency[`${name} @ minFace ${minFaceSize}`] = {
        faces_found: samples[0].faces.length,
        faces_placed: placements.length,
        views: samples[0].stages.views,
        decode: stat2(decode),
        detect: s('detect_ms'),
        keypoints: s('keypoints_ms'),
        landmarks: s('landmarks_ms'),
        align: s('align_ms'),
        embed: s('embed_ms'),
        match: stat2(match),
        total_after_decode: stat2(samples.map((r) => r.ms + 0)),
      };
      process.stderr.write(`latency ${name} minFace ${minFaceSize}: ${JSON.stringify(latency[`${name} @ minFace ${minFaceSize}`])}\n`);
    }
  }
  report.latency_1280x720 = latency;

  // --- this engine beside the previous one (same run, interleaved) --------------------------------
  const prevDir = path.resolve(arg('--prev') ?? '/work/prev');
  if (!args.includes('--no-prev') && !accuracyOnly && (await stat(path.join(prevDir, 'src-engine/engine.ts')).then(() => true, () => false))) {
    report.vs_previous = await versusPrevious(engine, prevDir, layouts);
    process.stderr.write(`vs previous: ${JSON.stringify(report.vs_previous)}\n`);
  } else report.vs_previous = { skipped: `no previous engine at ${prevDir}` };

  // --- gallery search ---------------------------------------------------------------------------
  const search: Record<string, Stat & { persons: number }> = {};
  for (const templates of speedOnly || accuracyOnly ? [] : [1000, 10000]) {
    const g = randomGallery(engine.embeddingDim, templates, 3);
    const q = randomUnit(engine.embeddingDim, 123);
    for (let i = 0; i < 20; i++) g.search(q, 5, 0.5);
    const times: number[] = [];
    for (let i = 0; i < 200; i++) {
      const query = randomUnit(engine.embeddingDim, i);
      const t0 = performance.now();
      g.search(query, 5, 0.5);
      times.push(performance.now() - t0);
    }
    search[`${templates} templates`] = { ...stat2(times), persons: g.persons };
  }
  report.gallery_search_ms = search;

  // --- sample-photo stress set (always available) -------------------------------------------------
  report.stress = speedOnly || accuracyOnly ? { detection: {}, verification: {} } : await stressSet(engine);
  process.stderr.write(`stress: ${JSON.stringify(report.stress)}\n`);

  // --- accuracy on faces-dev ---------------------------------------------------------------------
  const present = await stat(path.join(DATASET, 'labels.json')).then(() => true, () => false);
  if (args.includes('--no-dataset') || speedOnly || !present) {
    const why = present ? 'skipped (--no-dataset / --speed-only)' : `skipped: ${DATASET} not found (the shared dataset is not part of the repository)`;
    report.accuracy = { skipped: why };
    process.stderr.write(`accuracy: ${why}\n`);
  } else {
    report.accuracy = await accuracy(engine, DATASET);
  }

  await engine.dispose();
  report.loadavg_at_end = os.loadavg().map((v) => round(v));
  const out = path.join(ROOT, 'bench-results', 'engine.json');
  await mkdir(path.dirname(out), { recursive: true });
  await writeFile(out, JSON.stringify(report, null, 2));
  process.stdout.write(markdown(report) + `\n(written to ${path.relative(process.cwd(), out)})\n`);
}

interface Labels {
  images: Record<string, { identity?: string | null; faces: { box: Box; identity?: string | null }[]; boxes_complete?: boolean }>;
}

async function accuracy(engine: Engine, dir: string): Promise<Record<string, unknown>> {
  const labels = JSON.parse(await readFile(path.join(dir, 'labels.json'), 'utf8')) as Labels;
  const subject = new Map<string, Float32Array | null>();
  let truthFaces = 0;
  let matched = 0;
  let matchedComplete = 0;
  let falsePositives = 0;
  const missed: string[] = [];
  const fps: string[] = [];
  const subjectMissed: string[] = [];
  const times: number[] = [];
  for (const [name, label] of Object.entries(labels.images)) {
    let r: AnalyzeResult;
    try {
      r = await engine.analyzeImage(await readFile(path.join(dir, name)));
    } catch (err) {
      process.stderr.write(`${name}: ${(err as Error).message}\n`);
      subject.set(name, null);
      truthFaces += label.faces.length;
      continue;
    }
    times.push(r.ms);
    const truth = label.faces.map((f) => f.box);
    const found = r.faces.map((f) => f.box as Box);
    const m = matchBoxes(truth, found, 0.5);
    truthFaces += truth.length;
    matched += m.matched;
    for (const i of m.missed) missed.push(`${name}#${i}`);
    if (label.boxes_complete) {
      matchedComplete += found.length - m.falsePositives;
      falsePositives += m.falsePositives;
      if (m.falsePositives) fps.push(`${name} (${m.falsePositives})`);
    }
    // The pair subject: the detected face that best overlaps (IoU >= 0.5, as for recall) the labelled face of
    // the image's identity (its only labelled face when the labels name none). A false positive elsewhere in
    // the image then counts against precision only, and a subject the detector missed loses its pairs.
    const labelled = label.faces.find((f) => f.identity && f.identity === label.identity) ?? (label.faces.length === 1 ? label.faces[0] : undefined);
    const own = labelled ? r.faces.filter((f) => f.embedding && iou(f.box as Box, labelled.box) >= 0.5).sort((a, b) => iou(b.box as Box, labelled.box) - iou(a.box as Box, labelled.box))[0] : undefined;
    if (labelled && !own) subjectMissed.push(name);
    subject.set(name, own?.embedding ?? null);
  }
  const pairs = (await readFile(path.join(dir, 'pairs.csv'), 'utf8'))
    .trim()
    .split(/\r?\n/)
    .slice(1)
    .map((l) => l.trim().split(','));
  const genuine: number[] = [];
  const impostor: number[] = [];
  let lost = 0;
  const threshold = engine.verifyThreshold();
  let acceptedGenuine = 0;
  let acceptedImpostor = 0;
  for (const [a, b, same] of pairs) {
    const ea = subject.get(a);
    const eb = subject.get(b);
    // A pair with a missing face is a failure: the lowest possible score.
    const s = ea && eb ? engine.compare(ea, eb).similarity : -2;
    if (!(ea && eb)) lost++;
    if (same === '1') {
      genuine.push(s);
      if (s >= threshold) acceptedGenuine++;
    } else {
      impostor.push(s);
      if (s >= threshold) acceptedImpostor++;
    }
  }
  const at = tarAtFar(genuine, impostor, 1e-2);
  return {
    images: Object.keys(labels.images).length,
    detection: {
      faces: truthFaces,
      recall: round(matched / truthFaces, 1000),
      precision: round(matchedComplete / Math.max(1, matchedComplete + falsePositives), 1000),
      false_positives: falsePositives,
      missed,
      false_positive_images: fps,
      analyze_ms: stat2(times),
    },
    verification: {
      pairs: pairs.length,
      genuine: genuine.length,
      impostor: impostor.length,
      lost_pairs: lost,
      subject_not_found: subjectMissed,
      auc: round(auc(genuine, impostor), 10000),
      tar_at_far_1e2: round(at.tar, 10000),
      threshold_at_far_1e2: round(at.threshold, 1000),
      configured: { threshold: round(threshold, 1000), far_target: engine.config.match.far, tar: round(acceptedGenuine / genuine.length, 10000), far: round(acceptedImpostor / impostor.length, 10000) },
    },
  };
}

/**
 * Conditions the held-out set is said to contain, built from the sample photos (22 annotated faces of
 * 22 people): group photos shrunk until faces are small, grey low-resolution copies, tight crops and
 * passport-style crops. Detection recall / precision per condition, and verification of each person's
 * transformed crop against the original photo.
 */
async function stressSet(engine: Engine): Promise<Record<string, unknown>> {
  const files = [...new Set(SAMPLE_FACES.map((f) => f.file))];
  const detection: Record<string, { faces: number; recall: number; precision: number; fp: number }> = {};
  const score = async (name: string, bytes: Buffer, truth: Box[]): Promise<void> => {
    const r = await engine.analyzeImage(bytes, { embeddings: false });
    const m = matchBoxes(truth, r.faces.map((f) => f.box as Box), 0.5);
    const d = (detection[name] ??= { faces: 0, recall: 0, precision: 0, fp: 0 });
    d.faces += truth.length;
    d.recall += m.matched;
    d.precision += r.faces.length - m.falsePositives;
    d.fp += m.falsePositives;
  };
  for (const file of files) {
    const truth = SAMPLE_FACES.filter((f) => f.file === file).map((f) => f.box as Box);
    const bytes = await readFile(samplePath(file));
    const meta = await sharp(bytes).metadata();
    const faceSide = Math.min(...truth.map((b) => b[2]));
    for (const target of [24, 32, 48]) {
      const k = target / faceSide;
      const small = await sharp(bytes).resize(Math.round((meta.width ?? 0) * k)).jpeg({ quality: 85 }).toBuffer();
      await score(`group photo, smallest face ${target} px`, small, truth.map((b) => b.map((v) => v * k) as unknown as Box));
    }
    const k = 480 / (meta.width ?? 1);
    const grey = await sharp(bytes).resize(480).greyscale().jpeg({ quality: 70 }).toBuffer();
    await score('grey 480 px wide, JPEG q70', grey, truth.map((b) => b.map((v) => v * k) as unknown as Box));
  }
  const gen: number[] = [];
  const imp: number[] = [];
  const enrolled: (Float32Array | null)[] = [];
  const probes: Record<string, (Float32Array | null)[]> = { 'tight crop': [], 'grey 64 px face': [], 'passport 600 px': [] };
  for (let i = 0; i < SAMPLE_FACES.length; i++) {
    const f = SAMPLE_FACES[i];
    const photo = await readFile(samplePath(f.file));
    const full = await engine.analyzeImage(photo);
    const mine = full.faces.filter((x) => x.embedding).sort((a, b) => iou(b.box as Box, f.box) - iou(a.box as Box, f.box))[0];
    enrolled.push(mine && iou(mine.box as Box, f.box) > 0.5 ? (mine.embedding ?? null) : null);
    const crop = async (margin: number): Promise<{ bytes: Buffer; box: Box }> => {
      const c = await faceCrop(i, f.box[2], margin);
      return { bytes: await sharp(c.data, { raw: { width: c.width, height: c.height, channels: 3 } }).jpeg({ quality: 90 }).toBuffer(), box: [c.offsetX, c.offsetY, f.box[2], f.box[2]] };
    };
    const tight = await crop(0.05);
    await score('tight crop (5% margin)', tight.bytes, [tight.box]);
    const passport = await crop(0.5);
    const big = await sharp(passport.bytes).resize(600).jpeg({ quality: 90 }).toBuffer();
    const kp = 600 / ((await sharp(passport.bytes).metadata()).width ?? 600);
    await score('passport-style crop, 600 px', big, [passport.box.map((v) => v * kp) as unknown as Box]);
    const small = await sharp(passport.bytes).resize(Math.round(128)).greyscale().jpeg({ quality: 75 }).toBuffer();
    const subject = async (bytes: Buffer): Promise<Float32Array | null> =>
      (await engine.analyzeImage(bytes)).faces.filter((x) => x.embedding).sort((a, b) => b.box[2] - a.box[2])[0]?.embedding ?? null;
    probes['tight crop'].push(await subject(tight.bytes));
    probes['grey 64 px face'].push(await subject(small));
    probes['passport 600 px'].push(await subject(big));
  }
  const verification: Record<string, unknown> = {};
  for (const [name, list] of Object.entries(probes)) {
    gen.length = 0;
    imp.length = 0;
    let lost = 0;
    // Faces whose original photo fails the quality gate (a profile, a face looking down) are not enrolled.
    list.forEach((p, i) => enrolled.forEach((e, j) => {
      if (!e) return;
      const s = p ? engine.compare(p, e).similarity : -2;
      if (SAMPLE_FACES[i].person === SAMPLE_FACES[j].person) {
        gen.push(s);
        if (s === -2) lost++;
      } else imp.push(s);
    }));
    verification[name] = { enrolled: enrolled.filter(Boolean).length, genuine: gen.length, impostor: imp.length, lost, auc: round(auc(gen, imp), 10000), tar_at_far_1e2: round(tarAtFar(gen, imp, 1e-2).tar, 10000), min_genuine: round(Math.min(...gen), 1000), max_impostor: round(Math.max(...imp), 1000) };
  }
  for (const d of Object.values(detection)) {
    d.precision = round(d.precision / Math.max(1, d.precision + d.fp), 1000);
    d.recall = round(d.recall / d.faces, 1000);
  }
  return { detection, verification };
}

type Analyzer = Pick<Engine, 'analyzeFrame' | 'analyzeImage' | 'dispose' | 'name'>;

/**
 * Speed targets of issue 11 beside the previous engine (a worktree of the earlier commit), one thread each,
 * runs interleaved so both see the same machine load: 1280x720 frames with 0 / 1 / 5 faces at min face 40
 * (ms after decode, p50) and the mean per photo over a mixed photo set (faces-dev + the sample photos,
 * default settings, ms after decode).
 */
async function versusPrevious(engine: Engine, prevDir: string, layouts: Record<string, Placement[]>): Promise<Record<string, unknown>> {
  const load = async (dir: string): Promise<Analyzer> => ((await import(path.join(dir, 'src-engine/engine.ts'))) as { Engine: { create(o: unknown): Promise<Analyzer> } }).Engine.create({ threads: 1 });
  const prev = await load(prevDir);
  // --base DIR: a third engine in the same interleaved loop (e.g. this branch before a speed change).
  const baseDir = arg('--base') ? path.resolve(arg('--base') as string) : null;
  const base = baseDir ? await load(baseDir) : null;
  const engines: Analyzer[] = base ? [engine, prev, base] : [engine, prev];
  const runs = Math.max(5, Math.round(RUNS / 2));
  const frames: Record<string, { new_p50: number; prev_p50: number; ratio: number; found_new: number; found_prev: number; base_p50?: number; ratio_to_base?: number }> = {};
  for (const [name, placements] of Object.entries(layouts)) {
    const composed = await composeFrame(1280, 720, placements);
    const times: number[][] = engines.map(() => []);
    const found = engines.map(() => 0);
    for (let i = 0; i < runs + 2; i++) {
      for (const [k, e] of engines.entries()) {
        const r = await e.analyzeFrame(composed.frame, { detection: { minFaceSize: 40 } });
        if (i >= 2) times[k].push(r.ms);
        found[k] = r.faces.length;
      }
    }
    const a = percentile(times[0], 50);
    const b = percentile(times[1], 50);
    frames[`${name} @ minFace 40`] = { new_p50: round(a), prev_p50: round(b), ratio: round(a / b, 1000), found_new: found[0], found_prev: found[1] };
    if (base) Object.assign(frames[`${name} @ minFace 40`], { base_p50: round(percentile(times[2], 50)), ratio_to_base: round(a / percentile(times[2], 50), 1000) });
  }
  const per = (k: 'new_p50' | 'prev_p50' | 'base_p50'): number => ((frames['5 faces @ minFace 40'][k] ?? NaN) - (frames['0 faces @ minFace 40'][k] ?? NaN)) / 5;
  const photos: string[] = [...new Set(SAMPLE_FACES.map((f) => samplePath(f.file)))];
  const labels = path.join(DATASET, 'labels.json');
  if (await stat(labels).then(() => true, () => false)) photos.push(...Object.keys((JSON.parse(await readFile(labels, 'utf8')) as Labels).images).map((n) => path.join(DATASET, n)));
  const sum = engines.map(() => 0);
  for (const file of photos) {
    const bytes = await readFile(file);
    for (const [k, e] of engines.entries()) sum[k] += (await e.analyzeImage(bytes)).ms;
  }
  await prev.dispose();
  await base?.dispose();
  return {
    previous: { engine: prev.name, dir: prevDir },
    ...(base ? { base: { engine: base.name, dir: baseDir } } : {}),
    frames_1280x720: frames,
    per_additional_face_ms: { new: round(per('new_p50')), prev: round(per('prev_p50')), ...(base ? { base: round(per('base_p50')) } : {}) },
    photos: {
      count: photos.length,
      mean_ms_new: round(sum[0] / photos.length),
      mean_ms_prev: round(sum[1] / photos.length),
      ratio: round(sum[0] / sum[1], 1000),
      ...(base ? { mean_ms_base: round(sum[2] / photos.length), ratio_to_base: round(sum[0] / sum[2], 1000) } : {}),
    },
  };
}

function randomUnit(dim: number, seed: number): Float32Array {
  // Deterministic Gaussian vectors (Box-Muller on a small LCG) so runs are comparable.
  let x = (seed * 2654435761 + 1) >>> 0;
  const next = (): number => ((x = (x * 1664525 + 1013904223) >>> 0) + 0.5) / 4294967296;
  const v = new Float32Array(dim);
  for (let i = 0; i < dim; i++) v[i] = Math.sqrt(-2 * Math.log(next())) * Math.cos(2 * Math.PI * next());
  return v;
}

function randomGallery(dim: number, templates: number, perPerson: number): Gallery {
  const g = new Gallery(dim, templates);
  for (let i = 0; i < templates; i++) g.add(`p${Math.floor(i / perPerson)}`, randomUnit(dim, 1000 + i));
  return g;
}

function markdown(r: Record<string, unknown>): string {
  const lines: string[] = [];
  lines.push(`### Engine benchmark (${r.engine}; ${(r.machine as { cpus: number }).cpus} cores, 1 intra-op thread, provider ${(r.providers as string[]).join('/')})`);
  lines.push('');
  lines.push('| 1280x720 frame | views | found | decode | detect | keypoints | landmarks | align+quality | embed | match (1k) | total after decode |');
  lines.push('|---|---|---|---|---|---|---|---|---|---|---|');
  const fmt = (s: Stat): string => `${s.p50} / ${s.p95}`;
  for (const [name, v] of Object.entries(r.latency_1280x720 as Record<string, Record<string, Stat & number>>)) {
    lines.push(`| ${name} | ${v.views} | ${v.faces_found}/${v.faces_placed} | ${fmt(v.decode)} | ${fmt(v.detect)} | ${fmt(v.keypoints)} | ${fmt(v.landmarks)} | ${fmt(v.align)} | ${fmt(v.embed)} | ${fmt(v.match)} | ${fmt(v.total_after_decode)} |`);
  }
  lines.push('');
  lines.push('Times in ms, p50 / p95.');
  lines.push('');
  lines.push('| gallery search (top-5, 512-d) | p50 ms | p95 ms |');
  lines.push('|---|---|---|');
  for (const [name, v] of Object.entries(r.gallery_search_ms as Record<string, Stat>)) lines.push(`| ${name} | ${v.p50} | ${v.p95} |`);
  lines.push('');
  const st = r.stress as { detection: Record<string, { faces: number; recall: number; precision: number; fp: number }>; verification: Record<string, { auc: number; tar_at_far_1e2: number; lost: number; min_genuine: number; max_impostor: number }> };
  lines.push('| sample-photo stress set | faces | recall | precision |');
  lines.push('|---|---|---|---|');
  for (const [name, d] of Object.entries(st.detection)) lines.push(`| ${name} | ${d.faces} | ${d.recall} | ${d.precision} (${d.fp} FP) |`);
  lines.push('');
  lines.push('| verification: probe vs original photo (enrolled faces of 21 people) | AUC | TAR @ FAR 1e-2 | lost | min genuine | max impostor |');
  lines.push('|---|---|---|---|---|---|');
  for (const [name, v] of Object.entries(st.verification)) lines.push(`| ${name} | ${v.auc} | ${v.tar_at_far_1e2} | ${v.lost} | ${v.min_genuine} | ${v.max_impostor} |`);
  lines.push('');
  type Row = { new_p50: number; prev_p50: number; ratio: number; found_new: number; found_prev: number; base_p50?: number; ratio_to_base?: number };
  const vs = r.vs_previous as {
    skipped?: string;
    base?: { dir: string };
    frames_1280x720?: Record<string, Row>;
    per_additional_face_ms?: { new: number; prev: number; base?: number };
    photos?: { count: number; mean_ms_new: number; mean_ms_prev: number; ratio: number; mean_ms_base?: number; ratio_to_base?: number };
  };
  if (vs.skipped) lines.push(`Previous engine: ${vs.skipped}`);
  else if (vs.frames_1280x720 && vs.per_additional_face_ms && vs.photos) {
    // With --base: two more columns, the base engine (e.g. this branch before a change) and the ratio to it.
    const b = vs.base ? (p50?: number, ratio?: number): string => ` ${p50 ?? ''} | ${ratio ?? ''} |` : (): string => '';
    lines.push(`| speed, same run, 1 thread (ms after decode) | this engine | previous | ratio |${vs.base ? ` base (${vs.base.dir}) | ratio to base |` : ''} target |`);
    lines.push(`|---|---|---|---|${vs.base ? '---|---|' : ''}---|`);
    for (const [name, v] of Object.entries(vs.frames_1280x720)) lines.push(`| 1280x720, ${name} (found ${v.found_new} / ${v.found_prev}) | ${v.new_p50} | ${v.prev_p50} | ${v.ratio} |${b(v.base_p50, v.ratio_to_base)} ${name.startsWith('0 faces') ? '<= 10' : ''} |`);
    const pf = vs.per_additional_face_ms;
    lines.push(`| each additional face | ${pf.new} | ${pf.prev} | ${Math.round((pf.new / pf.prev) * 1000) / 1000} |${b(pf.base, pf.base ? Math.round((pf.new / pf.base) * 1000) / 1000 : undefined)} <= 12 |`);
    lines.push(`| mean per photo (${vs.photos.count} photos) | ${vs.photos.mean_ms_new} | ${vs.photos.mean_ms_prev} | ${vs.photos.ratio} |${b(vs.photos.mean_ms_base, vs.photos.ratio_to_base)} <= previous |`);
  }
  lines.push('');
  const acc = r.accuracy as Record<string, Record<string, unknown>> & { skipped?: string };
  if (acc.skipped) {
    lines.push(`Accuracy: ${acc.skipped}`);
  } else {
    const d = acc.detection;
    const v = acc.verification as Record<string, unknown> & { configured: Record<string, number> };
    lines.push('| faces-dev | value | target |');
    lines.push('|---|---|---|');
    lines.push(`| detection recall @ IoU 0.5 | ${d.recall} (${d.faces} faces; missed ${(d.missed as string[]).length}) | >= 0.98 |`);
    lines.push(`| detection precision (boxes_complete images) | ${d.precision} (${d.false_positives} FP) | >= 0.97 |`);
    lines.push(`| verification AUC (${v.pairs} pairs) | ${v.auc} | >= 0.995 |`);
    lines.push(`| TAR @ FAR 1e-2 | ${v.tar_at_far_1e2} (threshold ${v.threshold_at_far_1e2}) | >= 0.98 |`);
    lines.push(`| pairs lost to a missing face | ${v.lost_pairs} | 0 |`);
    lines.push(`| at the configured threshold ${v.configured.threshold} (FAR target ${v.configured.far_target}) | TAR ${v.configured.tar}, FAR ${v.configured.far} | |`);
  }
  return lines.join('\n');
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:engine failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
