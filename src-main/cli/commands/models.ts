// vigil models [--json] [--data DIR]
// vigil models add <file.onnx> [--data DIR] [--id ID --kind embedder --input NAME --size WxH --color RGB|BGR
//                  --mean M --std S --output NAME --dim N --calibration FAR:COS,... --license TEXT --source TEXT]
// The model registry (models/manifest.json plus the user's <data dir>/models/manifest.json) with what loading it
// here gives: sha256 check, where each file is, the execution provider each model actually runs on (after
// fallbacks), warm-up time and latency, and whether the origin of its weights is documented.
// `add` installs a user-supplied ONNX file into <data dir>/models: accepted when its sha256 matches a manifest
// entry (e.g. OpenCV Zoo SFace) or, with --id and the I/O facts, registered as a new entry after its graph is
// checked against them. Unknown or altered files are refused with a typed error (exit 1).
import { resolve } from 'node:path';
import { addUserModel, Engine, loadUserManifest, locateModel, mergeManifests, userModelsDir, type InstallFacts } from '../../../src-engine/in-process.ts';
import { DEFAULT_MODELS_DIR, toEngineError, loadManifest, readVerifiedModel } from '../../../src-engine/public.ts';

const ADD_USAGE = 'usage: vigil models add <file.onnx> [--data DIR] [--id ID --kind embedder --input NAME --size WxH --color RGB|BGR --mean M --std S --output NAME --dim N --calibration FAR:COS,... --license TEXT --source TEXT]\n';

/** Same default as `vigil serve` and `vigil audit`. */
function dataDir(argv: string[]): string {
  const i = argv.indexOf('--data');
  return resolve(i >= 0 && argv[i + 1] ? argv[i + 1] : process.env.VIGIL_DATA_DIR ?? '.vigil-data');
}

function option(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}

/** The I/O facts of a new entry, or an error message; undefined when no --id was given. */
export function parseFacts(argv: string[]): InstallFacts | string | undefined {
  const id = option(argv, '--id');
  if (id === undefined) return undefined;
  const kind = option(argv, '--kind') ?? 'embedder';
  if (kind !== 'embedder') return `--kind ${kind}: only embedders can be registered from facts (detectors need a decoder of a known format)`;
  const size = /^(\d+)x(\d+)$/.exec(option(argv, '--size') ?? '112x112');
  const color = option(argv, '--color') ?? 'BGR';
  const calibration = (option(argv, '--calibration') ?? '').split(',').filter(Boolean).map((p) => {
    const [far, threshold] = p.split(':').map(Number);
    return { far, threshold };
  });
  const need = ['--input', '--output', '--dim', '--license', '--source'].filter((n) => option(argv, n) === undefined);
  if (need.length) return `a new entry needs ${need.join(', ')}`;
  if (!size) return '--size must be WxH, e.g. 112x112';
  if (color !== 'RGB' && color !== 'BGR') return '--color must be RGB or BGR';
  if (!calibration.length || calibration.some((c) => !(c.far > 0 && c.far < 1) || !(c.threshold > -1 && c.threshold < 1))) {
    return '--calibration FAR:COSINE[,...] is required (e.g. 1e-3:0.42): without it a false-accept target cannot become a threshold';
  }
  return {
    id,
    kind: 'embedder',
    input: option(argv, '--input') as string,
    width: Number(size[1]),
    height: Number(size[2]),
    colorOrder: color,
    mean: Number(option(argv, '--mean') ?? 127.5),
    std: Number(option(argv, '--std') ?? 127.5),
    output: option(argv, '--output') as string,
    dim: Number(option(argv, '--dim')),
    calibration,
    license: option(argv, '--license') as string,
    source: option(argv, '--source') as string,
  };
}

async function add(argv: string[]): Promise<number> {
  const file = argv.find((a, i) => !a.startsWith('--') && (i === 0 || !argv[i - 1].startsWith('--')));
  const json = argv.includes('--json');
  if (!file) {
    process.stderr.write(ADD_USAGE);
    return 2;
  }
  const facts = parseFacts(argv);
  if (typeof facts === 'string') {
    process.stderr.write(`vigil models add: ${facts}\n${ADD_USAGE}`);
    return 2;
  }
  const dir = userModelsDir(dataDir(argv));
  try {
    const verdict = await addUserModel(file, dir, facts);
    process.stdout.write(json ? JSON.stringify({ ok: true, ...verdict }, null, 1) + '\n' : `${verdict.message}\n  id ${verdict.id}  file ${verdict.dir}/${verdict.file}  sha256 ${verdict.sha256}\n`);
    return 0;
  } catch (err) {
    const e = toEngineError(err);
    if (json) process.stdout.write(JSON.stringify({ ok: false, error: { code: e.code, message: e.message } }, null, 1) + '\n');
    process.stderr.write(`vigil models add: refused (${e.code}): ${e.message}\n`);
    return 1;
  }
}

export async function run(argv: string[]): Promise<number> {
  if (argv[0] === 'add') return add(argv.slice(1));
  const json = argv.includes('--json');
  const userDir = userModelsDir(dataDir(argv));
  const manifest = mergeManifests(await loadManifest(), await loadUserManifest(userDir));
  const integrity: Record<string, string> = {};
  const located: Record<string, string | null> = {};
  for (const m of manifest.models) {
    const where = await locateModel(m, DEFAULT_MODELS_DIR, userDir);
    located[m.id] = where;
    integrity[m.id] = where === null && !m.shipped
      ? 'not installed (vigil models add <file>)'
      : await readVerifiedModel(m, where ?? DEFAULT_MODELS_DIR).then(
          () => 'ok',
          (err: unknown) => `${toEngineError(err).code}: ${toEngineError(err).message}`,
        );
  }
  let health: ReturnType<Engine['health']> | null = null;
  let loadError: string | null = null;
  try {
    const engine = await Engine.create({ userModelsDir: userDir });
    health = engine.health();
    await engine.dispose();
  } catch (err) {
    loadError = `${toEngineError(err).code}: ${toEngineError(err).message}`;
  }
  const rows = manifest.models.map((m) => {
    const h = health?.models[m.id];
    const roles = health ? Object.entries(health.roles).filter(([, id]) => id === m.id).map(([r]) => r) : [];
    return {
      id: m.id,
      family: m.family,
      format: m.format,
      roles,
      file: m.file,
      location: located[m.id] === null ? null : located[m.id] === DEFAULT_MODELS_DIR ? 'shipped' : 'user',
      sha256: integrity[m.id],
      input: `${m.input.width}x${m.input.height} ${m.input.layout} ${m.input.colorOrder}`,
      provider: h?.provider ?? null,
      providers_tried: h?.providers_tried.map((a) => `${a.provider}:${a.ok ? 'ok' : 'failed'}`).join(' ') ?? null,
      warmup_ms: h?.warmup_ms ?? null,
      p50_ms: h?.p50_ms ?? null,
      status: h?.status ?? (roles.length ? 'failed' : 'not loaded (no role)'),
      license: m.license,
      origin: m.origin ?? null,
      provenance: m.provenance,
      source: `${m.source.registry}:${m.source.package}@${m.source.version} ${m.source.path}`,
    };
  });
  if (json) {
    process.stdout.write(JSON.stringify({ engine: health?.engine ?? null, providers: health?.providers ?? null, load_error: loadError, user_models_dir: userDir, models: rows }, null, 1) + '\n');
  } else {
    const out: string[] = [];
    out.push(`${health?.engine ?? 'engine failed to load'}${health ? `; provider preference: ${health.providers.join(' > ')}` : ''}`);
    if (loadError) out.push(`load error: ${loadError}`);
    for (const r of rows) {
      out.push('');
      out.push(`${r.id}  [${r.family}/${r.format}]${r.roles.length ? `  role: ${r.roles.join(', ')}` : ''}`);
      out.push(`  file ${r.file}${r.location === 'user' ? ` (user models: ${userDir})` : ''}  sha256 ${r.sha256}  input ${r.input}`);
      out.push(`  provider ${r.provider ?? '-'} (${r.providers_tried ?? 'not loaded'})  warm-up ${r.warmup_ms ?? '-'} ms  p50 ${r.p50_ms ?? '-'} ms  status ${r.status}`);
      out.push(`  ${r.license}; ${r.source}`);
      if (r.origin === 'not_stated') out.push('  WARNING: origin of the weights not stated by its publisher (author, training data unknown): confirm before a commercial release, or bring your own embedder (vigil models add)');
    }
    process.stdout.write(out.join('\n') + '\n');
  }
  const broken = rows.some((r) => r.sha256 !== 'ok' && !r.sha256.startsWith('not installed'));
  return loadError || broken ? 1 : 0;
}
