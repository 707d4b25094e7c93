// vigil models [--json]
// The model registry (models/manifest.json) with what loading it here gives: sha256 check, the execution
// provider each model actually runs on (after fallbacks), warm-up time and latency.
import { Engine } from '../../../src-engine/in-process.ts';
import { toEngineError, loadManifest, readVerifiedModel } from '../../../src-engine/public.ts';

export async function run(argv: string[]): Promise<number> {
  const json = argv.includes('--json');
  const manifest = await loadManifest();
  const integrity: Record<string, string> = {};
  for (const m of manifest.models) {
    integrity[m.id] = await readVerifiedModel(m).then(
      () => 'ok',
      (err: unknown) => `${toEngineError(err).code}: ${toEngineError(err).message}`,
    );
  }
  let health: ReturnType<Engine['health']> | null = null;
  let loadError: string | null = null;
  try {
    const engine = await Engine.create();
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
      sha256: integrity[m.id],
      input: `${m.input.width}x${m.input.height} ${m.input.layout} ${m.input.colorOrder}`,
      provider: h?.provider ?? null,
      providers_tried: h?.providers_tried.map((a) => `${a.provider}:${a.ok ? 'ok' : 'failed'}`).join(' ') ?? null,
      warmup_ms: h?.warmup_ms ?? null,
      p50_ms: h?.p50_ms ?? null,
      status: h?.status ?? (roles.length ? 'failed' : 'not loaded (no role)'),
      license: m.license,
      source: `${m.source.registry}:${m.source.package}@${m.source.version} ${m.source.path}`,
    };
  });
  if (json) {
    process.stdout.write(JSON.stringify({ engine: health?.engine ?? null, providers: health?.providers ?? null, load_error: loadError, models: rows }, null, 1) + '\n');
  } else {
    const out: string[] = [];
    out.push(`${health?.engine ?? 'engine failed to load'}${health ? `; provider preference: ${health.providers.join(' > ')}` : ''}`);
    if (loadError) out.push(`load error: ${loadError}`);
    for (const r of rows) {
      out.push('');
      out.push(`${r.id}  [${r.family}/${r.format}]${r.roles.length ? `  role: ${r.roles.join(', ')}` : ''}`);
      out.push(`  file ${r.file}  sha256 ${r.sha256}  input ${r.input}`);
      out.push(`  provider ${r.provider ?? '-'} (${r.providers_tried ?? 'not loaded'})  warm-up ${r.warmup_ms ?? '-'} ms  p50 ${r.p50_ms ?? '-'} ms  status ${r.status}`);
      out.push(`  ${r.license}; ${r.source}`);
    }
    process.stdout.write(out.join('\n') + '\n');
  }
  return loadError || Object.values(integrity).some((v) => v !== 'ok') ? 1 : 0;
}
