// Bring your own model: a file is installed into the user's models folder only when its sha256 matches a
// manifest entry, or when its stated I/O facts hold for the graph; altered and unknown files are refused.
// Tested with models we ship (real ONNX graphs, real onnxruntime sessions).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFile, mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Engine } from '../engine.ts';
import { EngineError } from '../errors.ts';
import { DEFAULT_MODELS_DIR, loadManifest, type Manifest } from './manifest.ts';
import { installModel, loadUserManifest, mergeManifests, type InstallFacts } from './user-models.ts';

let root: string;
let shipped: string;
let user: string;
let manifest: Manifest;
const VIGIL = fileURLToPath(new URL('../../src-main/cli/vigil.ts', import.meta.url));

before(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'vigil-byo-'));
  shipped = path.join(root, 'shipped');
  user = path.join(root, 'data', 'models');
  manifest = await loadManifest();
  // A shipped folder without the YuNet-s file: installing the user's copy must make the engine load it.
  await import('node:fs/promises').then((fs) => fs.mkdir(shipped, { recursive: true }));
  await copyFile(path.join(DEFAULT_MODELS_DIR, 'manifest.json'), path.join(shipped, 'manifest.json'));
  for (const m of manifest.models) if (m.shipped && m.id !== 'yunet-s') await symlink(path.join(DEFAULT_MODELS_DIR, m.file), path.join(shipped, m.file));
});
after(() => rm(root, { recursive: true, force: true }));

const altered = async (file: string, to: string): Promise<void> => {
  const bytes = await readFile(path.join(DEFAULT_MODELS_DIR, file));
  bytes[bytes.length - 100] ^= 0x01;
  await writeFile(to, bytes);
};

test('a file whose sha256 matches a manifest entry is installed into the user folder and loads from there', async () => {
  const mine = path.join(root, 'downloaded-yunet.onnx');
  await copyFile(path.join(DEFAULT_MODELS_DIR, 'yunet_s_dynamic.onnx'), mine);
  const v = await installModel(mine, manifest, shipped, user);
  assert.equal(v.status, 'installed');
  assert.equal(v.id, 'yunet-s');
  assert.ok((await stat(path.join(user, 'yunet_s_dynamic.onnx'))).size > 0);
  assert.equal((await installModel(mine, manifest, shipped, user)).status, 'already_installed');
  const engine = await Engine.create({ modelsDir: shipped, userModelsDir: user, warmupIterations: 0, models: { liveness: null } });
  try {
    assert.equal(engine.roles.detector, 'yunet-s');
    assert.equal(engine.health().models['yunet-s'].status, 'ready');
  } finally {
    await engine.dispose();
  }
});

test('an altered file is refused (MODEL_INTEGRITY), an unknown one too (INVALID_ARGUMENT); nothing is installed', async () => {
  const bad = path.join(root, 'yunet_n_dynamic.onnx');
  await altered('yunet_n_dynamic.onnx', bad);
  await assert.rejects(installModel(bad, manifest, shipped, user), (e: unknown) => e instanceof EngineError && e.code === 'MODEL_INTEGRITY' && /yunet-n/.test(e.message) && /refused/.test(e.message));
  const unknown = path.join(root, 'mystery.onnx');
  await writeFile(unknown, Buffer.from('not a model at all'));
  await assert.rejects(installModel(unknown, manifest, shipped, user), (e: unknown) => e instanceof EngineError && e.code === 'INVALID_ARGUMENT' && /matches no manifest entry/.test(e.message));
  await assert.rejects(stat(path.join(user, 'yunet_n_dynamic.onnx')));
  // The CLI says the same with exit code 1.
  const r = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
    const c = spawn(process.execPath, ['--import', 'tsx', VIGIL, 'models', 'add', bad, '--data', path.join(root, 'data')], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    c.stderr.on('data', (d) => (stderr += d));
    c.on('exit', (code) => resolve({ code, stderr }));
  });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /refused \(MODEL_INTEGRITY\)/);
});

test('a new embedder is registered from its I/O facts (graph checked), selectable; wrong facts are refused', async () => {
  const file = path.join(root, 'my-embedder.onnx');
  await altered('arcface_mbf_112.onnx', file); // other bytes: a model of its own for the registry
  const facts: InstallFacts = { id: 'my-embedder', kind: 'embedder', input: 'input', width: 112, height: 112, colorOrder: 'BGR', mean: 127, std: 128, output: 'output', dim: 128, calibration: [{ far: 1e-3, threshold: 0.42 }], license: 'test', source: 'unit test' };
  await assert.rejects(installModel(file, manifest, shipped, user, facts), (e: unknown) => e instanceof EngineError && /512 values, the entry says 128/.test(e.message));
  await assert.rejects(installModel(file, manifest, shipped, user, { ...facts, dim: 512, output: 'fc1' }), (e: unknown) => e instanceof EngineError && /no output "fc1"/.test(e.message));
  const v = await installModel(file, manifest, shipped, user, { ...facts, dim: 512 });
  assert.equal(v.status, 'registered');
  const registry = mergeManifests(manifest, await loadUserManifest(user));
  assert.ok(registry.models.some((m) => m.id === 'my-embedder' && m.source.registry === 'user'));
  const engine = await Engine.create({ modelsDir: shipped, userModelsDir: user, warmupIterations: 0, models: { liveness: null, embedder: 'my-embedder' } });
  try {
    assert.equal(engine.roles.embedder, 'my-embedder');
    assert.equal(engine.embeddingDim, 512);
  } finally {
    await engine.dispose();
  }
});
