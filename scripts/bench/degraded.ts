// Degraded CCTV-like set (src-engine/testing/degraded.ts, generated here from a seed, never stored):
// detection recall and TAR @ FAR 1e-2 per face width, for this engine and the previous one (a git worktree
// of the earlier commit, default /work/prev, skipped when absent), measured in the same run.
// Writes bench-results/degraded.json and prints a markdown table.
//
//   npm run bench:degraded [-- --seed N] [--reps N] [--min-face PX] [--detector ID] [--landmarks ID|none] [--flip-below PX]
//                          [--prev DIR | --no-prev] [--dataset DIR] [--sizes 20,28,40]
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Engine } from '../../src-engine/engine.ts';
import { DEGRADED_SIZES, degrade, isProbeFace, rng, subjects, type Subject } from '../../src-engine/testing/degraded.ts';
import { auc, tarAtFar } from './metrics.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const args = process.argv.slice(2);
const arg = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const SEED = Number(arg('--seed') ?? 7);
const REPS = Number(arg('--reps') ?? 1);
const MIN_FACE = Number(arg('--min-face') ?? 12);
const FLIP = arg('--flip-below') !== undefined ? Number(arg('--flip-below')) : undefined;
const PREV = path.resolve(arg('--prev') ?? '/work/prev');
const DATASET = path.resolve(ROOT, arg('--dataset') ?? '../shared/datasets/faces-dev');
const SIZES = arg('--sizes')?.split(',').map(Number) ?? DEGRADED_SIZES;

type AnyEngine = Pick<Engine, 'analyzeImage' | 'compare' | 'dispose' | 'name'>;
type Embedding = Float32Array;

interface SizeResult {
  probes: number;
  detected: number;
  recall: number;
  embedded: number;
  low_quality: number;
  tar_at_far_1e2: number;
  auc: number;
  genuine: number;
  impostor: number;
  ms_mean: number;
}

async function enrolment(engine: AnyEngine, list: Subject[]): Promise<Map<string, Embedding | null>> {
  const out = new Map<string, Embedding | null>();
  for (const s of list) {
    if (out.has(s.enrolFile + s.enrolBox.join())) continue;
    const r = await engine.analyzeImage(await readFile(s.enrolFile));
    const face = r.faces.filter((f) => f.embedding && isProbeFace(f.box, s.enrolBox)).sort((a, b) => b.score - a.score)[0];
    out.set(s.enrolFile + s.enrolBox.join(), face?.embedding ?? null);
  }
  return out;
}

async function evaluate(engine: AnyEngine, list: Subject[], label: string): Promise<Record<string, SizeResult>> {
  const enrolled = await enrolment(engine, list);
  const key = (s: Subject): string => s.enrolFile + s.enrolBox.join();
  const people = [...new Set(list.map((s) => s.person))];
  const result: Record<string, SizeResult> = {};
  for (const size of SIZES) {
    const r = rng(SEED * 1000 + size);
    const genuine: number[] = [];
    const impostor: number[] = [];
    let detected = 0;
    let embedded = 0;
    let low = 0;
    let probes = 0;
    let ms = 0;
    for (let rep = 0; rep < REPS; rep++) {
      for (const s of list) {
        const probe = await degrade(s, size, r);
        // Three other people as negatives (one enrolment photo each), drawn from the same generator.
        const others: Subject[] = [];
        while (others.length < 3) {
          const p = people[Math.floor(r() * people.length)];
          if (p === s.person || others.some((o) => o.person === p)) continue;
          others.push(list.find((x) => x.person === p) as Subject);
        }
        const res = await engine.analyzeImage(probe.jpeg, { flipBelowSize: FLIP });
        probes++;
        ms += res.ms;
        const face = res.faces.filter((f) => isProbeFace(f.box, probe.box)).sort((a, b) => b.score - a.score)[0];
        if (face) detected++;
        const e = face?.embedding ?? null;
        if (e) embedded++;
        if (face && (face as { low_quality?: boolean }).low_quality) low++;
        const sim = (t: Embedding | null | undefined): number => (e && t ? engine.compare(e, t).similarity : -2);
        const own = enrolled.get(key(s));
        if (own) genuine.push(sim(own));
        for (const o of others) {
          const t = enrolled.get(key(o));
          if (t) impostor.push(sim(t));
        }
      }
    }
    const at = tarAtFar(genuine, impostor, 1e-2);
    result[`${size} px`] = {
      probes,
      detected,
      recall: round(detected / probes, 1000),
      embedded,
      low_quality: low,
      tar_at_far_1e2: round(at.tar, 1000),
      auc: round(auc(genuine, impostor), 10000),
      genuine: genuine.length,
      impostor: impostor.length,
      ms_mean: round(ms / probes, 100),
    };
    process.stderr.write(`${label} ${size} px: ${JSON.stringify(result[`${size} px`])}\n`);
  }
  return result;
}

async function main(): Promise<void> {
  const present = await stat(path.join(DATASET, 'labels.json')).then(() => true, () => false);
  if (!present) process.stderr.write(`degraded: ${DATASET} not found, using the sample photos only\n`);
  const list = await subjects(present ? DATASET : null);
  const report: Record<string, unknown> = { seed: SEED, reps: REPS, min_face: MIN_FACE, flip_below: FLIP ?? null, subjects: list.length, people: new Set(list.map((s) => s.person)).size };
  const detector = arg('--detector');
  // --landmarks none: YuNet's own mouth corners instead of the 68-point model's.
  const lm = arg('--landmarks');
  const models = { ...(detector ? { detector } : {}), ...(lm ? { landmarks: lm === 'none' ? null : lm } : {}) };
  const engine = await Engine.create({ threads: 1, detection: { minFaceSize: MIN_FACE }, models });
  report.new = { engine: engine.name, roles: engine.roles, landmarks: lm ?? 'default', sizes: await evaluate(engine, list, 'new') };
  await engine.dispose();
  const prevEngine = path.join(PREV, 'src-engine/engine.ts');
  if (!args.includes('--no-prev') && (await stat(prevEngine).then(() => true, () => false))) {
    const mod = (await import(prevEngine)) as { Engine: { create(o: unknown): Promise<AnyEngine> } };
    const old = await mod.Engine.create({ threads: 1, detection: { minFaceSize: MIN_FACE } });
    report.prev = { engine: old.name, dir: PREV, sizes: await evaluate(old, list, 'prev') };
    await old.dispose();
  } else report.prev = { skipped: `no previous engine at ${PREV}` };
  const out = path.join(ROOT, 'bench-results', 'degraded.json');
  await mkdir(path.dirname(out), { recursive: true });
  await writeFile(out, JSON.stringify(report, null, 2));
  process.stdout.write(markdown(report) + `\n(written to ${path.relative(process.cwd(), out)})\n`);
}

function markdown(r: Record<string, unknown>): string {
  const n = (r.new as { sizes: Record<string, SizeResult> }).sizes;
  const p = (r.prev as { sizes?: Record<string, SizeResult> }).sizes;
  const targets: Record<string, [string, string]> = { '20 px': ['>= 0.90', ''], '28 px': ['>= 0.97', '>= 0.60'], '40 px': ['>= 0.99', '>= 0.95'] };
  const lines = [
    `### Degraded CCTV-like set (seed ${r.seed}, ${r.subjects} subjects of ${r.people} people x ${r.reps}, min face ${r.min_face} px, flip below ${r.flip_below ?? 'default'})`,
    '',
    '| face width | recall new | recall prev | recall target | TAR@FAR1e-2 new | TAR prev | TAR target | AUC new | AUC prev | low-quality (new) | ms/frame new | ms/frame prev |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const [k, v] of Object.entries(n)) {
    const o = p?.[k];
    lines.push(`| ${k} | ${v.recall} | ${o?.recall ?? '-'} | ${targets[k]?.[0] ?? ''} | ${v.tar_at_far_1e2} | ${o?.tar_at_far_1e2 ?? '-'} | ${targets[k]?.[1] ?? ''} | ${v.auc} | ${o?.auc ?? '-'} | ${v.low_quality}/${v.embedded} | ${v.ms_mean} | ${o?.ms_mean ?? '-'} |`);
  }
  return lines.join('\n');
}

const round = (v: number, k = 100): number => Math.round(v * k) / k;

main().catch((err: unknown) => {
  process.stderr.write(`bench:degraded failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
