// Execution-provider fallback: a provider that cannot load here falls back to the CPU and says so; a
// session that fails or hangs at run time moves to the next provider; health reports all of it.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { EngineError } from '../errors.ts';
import { loadManifest, readVerifiedModel, type ModelEntry } from '../registry/manifest.ts';
import { ModelSession, ortSessionFactory, type SessionFactory } from './model-session.ts';
import type { ProviderName } from './providers.ts';
import { providerChain } from './providers.ts';

let entry: ModelEntry;
let bytes: Uint8Array;
before(async () => {
  const m = await loadManifest();
  entry = m.models.find((e) => e.id === m.defaults.landmarks)!; // the smallest, fastest model
  bytes = await readVerifiedModel(entry);
});

// A provider that really does not exist on this platform: onnxruntime refuses to create it.
const ABSENT: ProviderName = process.platform === 'win32' ? 'coreml' : 'dml';

test('a provider that fails to load falls back to the CPU and records it', async () => {
  const s = await ModelSession.load(entry, bytes, { providers: [ABSENT, 'cpu'], threads: 1, timeoutMs: 10_000 });
  await s.warmup(2);
  const h = s.health();
  assert.equal(h.provider, 'cpu');
  assert.equal(h.fallback_used, true);
  assert.equal(h.providers_tried[0].provider, ABSENT);
  assert.equal(h.providers_tried[0].ok, false);
  assert.ok(h.providers_tried[0].error);
  assert.equal(h.runs, 2);
  assert.ok(h.warmup_ms !== null && h.p50_ms !== null && h.p95_ms !== null);
  await s.release();
});

test('no provider at all is MODEL_UNAVAILABLE', async () => {
  const failing: SessionFactory = async () => {
    throw new Error('driver missing');
  };
  await assert.rejects(ModelSession.load(entry, bytes, { providers: ['cuda', 'cpu'], threads: 1, timeoutMs: 1000, factory: failing }), (e: unknown) => e instanceof EngineError && e.code === 'MODEL_UNAVAILABLE');
});

test('a run-time failure on the accelerator retries on the CPU; a hang is MODEL_TIMEOUT and moves later calls', async () => {
  // The accelerator stand-in loads (the real CPU session underneath) but its runs fail or hang.
  const flaky = (mode: 'throw' | 'hang'): SessionFactory => async (req) => {
    const real = await ortSessionFactory({ ...req, provider: 'cpu' });
    if (req.provider === 'cpu') return real;
    return {
      inputNames: real.inputNames,
      outputNames: real.outputNames,
      run: () => (mode === 'throw' ? Promise.reject(new Error('CUDA error: out of memory')) : new Promise(() => undefined)),
      release: () => real.release(),
    };
  };
  const s = await ModelSession.load(entry, bytes, { providers: ['cuda', 'cpu'], threads: 1, timeoutMs: 10_000, factory: flaky('throw') });
  assert.equal(s.provider, 'cuda');
  await s.warmup(1);
  assert.equal(s.provider, 'cpu');
  const h = s.health();
  assert.equal(h.errors, 1);
  assert.equal(h.runs, 1, 'the retry on the CPU answered the same call');
  assert.ok(h.providers_tried.some((a) => a.phase === 'run' && a.provider === 'cuda' && /out of memory/.test(a.error ?? '')));
  assert.equal(h.status, 'degraded');
  await s.release();

  const hung = await ModelSession.load(entry, bytes, { providers: ['cuda', 'cpu'], threads: 1, timeoutMs: 150, factory: flaky('hang') });
  await assert.rejects(hung.warmup(1), (e: unknown) => e instanceof EngineError && e.code === 'MODEL_TIMEOUT');
  assert.equal(hung.provider, 'cpu');
  assert.equal(hung.health().timeouts, 1);
  await hung.warmup(1);
  await hung.release();
});

test('provider chains per platform always end with the CPU', () => {
  assert.deepEqual(providerChain(undefined, 'linux'), ['cuda', 'cpu']);
  assert.deepEqual(providerChain(undefined, 'win32'), ['dml', 'cpu']);
  assert.deepEqual(providerChain(undefined, 'darwin'), ['coreml', 'cpu']);
  assert.deepEqual(providerChain(['cpu', 'cuda']), ['cuda', 'cpu']);
  assert.deepEqual(providerChain(['coreml']), ['coreml', 'cpu']);
});
