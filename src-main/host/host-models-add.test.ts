// models.add (the Settings control of `vigil models add`) through the real host: SQLite in a temp dir, the
// engine child process, real ONNX files copied from models/. A shipped file is recognised by its sha256; a
// copy with one byte flipped is refused as altered (nothing installed) and registered only with I/O facts that
// hold for its graph, after which it is a selectable embedder; non-admins are refused; every call is audited.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, copyFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHost } from './host.ts';
import type { Host } from './host.ts';
import type { Caller } from '../core/dispatcher.ts';
import type { MethodOutput } from '../../src-contract/api.ts';
import { createLogger } from '../logging/logger.ts';
import { DEFAULT_MODELS_DIR } from '../../src-engine/public.ts';

const ADMIN: Caller = { user: { id: 'u-test', username: 'tester', role: 'admin' }, origin: 'test' };
const GUARD: Caller = { user: { id: 'u-guard', username: 'guard', role: 'guard' }, origin: 'test' };
type AddResult = MethodOutput<'models.add'>;

let host: Host;
let dataDir: string;
let files: string;
const call = <T>(method: string, input: unknown, caller = ADMIN) => host.dispatcher.dispatch(method, input, caller) as Promise<T>;

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'vigil-models-add-'));
  files = mkdtempSync(join(tmpdir(), 'vigil-models-add-files-'));
  host = await createHost({
    dataDir, demo: false, logger: createLogger({ level: 'warn' }),
    engineOptions: { threads: 1, warmupIterations: 0, models: { liveness: null } },
    waitForEngineMs: 60_000,
  });
});

after(async () => {
  await host?.close();
  for (const d of [dataDir, files]) if (d) rmSync(d, { recursive: true, force: true });
});

const flipped = (name: string, to: string): string => {
  const bytes = readFileSync(join(DEFAULT_MODELS_DIR, name));
  bytes[bytes.length - 100] ^= 0x01;
  writeFileSync(to, bytes);
  return to;
};

test('a shipped model file is recognised by its sha256 (nothing copied twice)', async () => {
  const mine = join(files, 'downloaded.onnx');
  copyFileSync(join(DEFAULT_MODELS_DIR, 'yunet_s_dynamic.onnx'), mine);
  const r = await call<AddResult>('models.add', { path: mine });
  assert.ok(r.ok, JSON.stringify(r));
  assert.equal(r.status, 'already_installed');
  assert.equal(r.id, 'yunet-s');
  assert.equal(r.embedder, false);
  assert.ok(!existsSync(join(dataDir, 'models', 'yunet_s_dynamic.onnx')), 'not copied into the user folder');
});

test('an altered file is refused with a clear message; with facts that hold it is registered and selectable', async () => {
  const bad = flipped('arcface_mbf_112.onnx', join(files, 'arcface_mbf_112.onnx'));
  const refused = await call<AddResult>('models.add', { path: bad });
  assert.equal(refused.ok, false);
  assert.ok(!refused.ok);
  assert.equal(refused.code, 'MODEL_INTEGRITY');
  assert.match(refused.message, /looks like arcface-mbf-112 but its sha256 is [0-9a-f]{64}.*altered or corrupt, refused/);
  assert.ok(!existsSync(join(dataDir, 'models', 'arcface_mbf_112.onnx')), 'nothing installed');
  const missing = await call<AddResult>('models.add', { path: join(files, 'nope.onnx') });
  assert.ok(!missing.ok && missing.code === 'INVALID_ARGUMENT' && /cannot read .*ENOENT/.test(missing.message), JSON.stringify(missing));

  const facts = { id: 'site-embedder', kind: 'embedder', input: 'input', width: 112, height: 112, colorOrder: 'BGR', mean: 127.5, std: 127.5, output: 'output', dim: 128,
    calibration: [{ far: 1e-3, threshold: 0.42 }], license: 'test licence', source: 'host test' };
  const wrong = await call<AddResult>('models.add', { path: bad, facts });
  assert.ok(!wrong.ok && /512 values, the entry says 128/.test(wrong.message), JSON.stringify(wrong));
  await assert.rejects(call('models.add', { path: bad, facts: { ...facts, dim: 'x' } }), /dim/, 'facts are validated by the contract');

  const ok = await call<AddResult>('models.add', { path: bad, facts: { ...facts, dim: 512 } });
  assert.ok(ok.ok, JSON.stringify(ok));
  assert.equal(ok.status, 'registered');
  assert.equal(ok.embedder, true);
  const s = await call<MethodOutput<'embedders.status'>>('embedders.status', {});
  const mine = s.embedders.find((e) => e.id === 'site-embedder');
  assert.ok(mine, 'the new embedder is selectable');
  assert.equal(mine.dims, 512);
  assert.equal(mine.license, 'test licence');
});

test('non-admins are refused; each call is in the audit trail', async () => {
  const mine = join(files, 'guard.onnx');
  copyFileSync(join(DEFAULT_MODELS_DIR, 'yunet_s_dynamic.onnx'), mine);
  await assert.rejects(call('models.add', { path: mine }, GUARD), (e: Error & { code?: string }) => /DENIED|FORBIDDEN|PERMISSION/i.test(`${e.code} ${e.name} ${e.message}`));
  const page = await call<MethodOutput<'audit.list'>>('audit.list', { action: 'models.add', limit: 100 });
  const rows = page.items.filter((r) => r.action === 'models.add');
  assert.ok(rows.some((r) => r.result === 'denied' && r.username === 'guard'), JSON.stringify(rows));
  assert.ok(rows.filter((r) => r.result === 'success' && r.username === 'tester').length >= 4, JSON.stringify(rows));
});
