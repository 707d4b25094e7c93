// The registry refuses what it cannot vouch for: a model whose bytes differ from the manifest's sha256,
// a missing file, a manifest that does not parse; and a new model of a known family needs only an entry.
import assert from 'node:assert/strict';
import { copyFile, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { Engine } from '../engine.ts';
import { EngineError } from '../errors.ts';
import { DEFAULT_MODELS_DIR, loadManifest, readVerifiedModel, type Manifest } from './manifest.ts';

let dir: string;
let manifest: Manifest;
before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'vigil-models-'));
  manifest = await loadManifest();
  for (const m of manifest.models) await symlink(path.join(DEFAULT_MODELS_DIR, m.file), path.join(dir, m.file));
});
after(() => rm(dir, { recursive: true, force: true }));

const writeManifest = (m: unknown): Promise<void> => writeFile(path.join(dir, 'manifest.json'), JSON.stringify(m));

test('the shipped manifest verifies: every file matches its sha256', async () => {
  for (const m of manifest.models.filter((x) => x.shipped)) assert.equal((await readVerifiedModel(m)).length, m.bytes, m.id);
  // Entries a customer installs (SFace) are listed with their official sha256 but not shipped.
  assert.ok(manifest.models.some((m) => !m.shipped && m.id === 'sface-2021dec'));
});

test('a model file with one byte changed is refused with MODEL_INTEGRITY, before any session is created', async () => {
  const victim = manifest.models.find((m) => m.id === manifest.defaults.detector)!;
  const file = path.join(dir, victim.file);
  await rm(file);
  await copyFile(path.join(DEFAULT_MODELS_DIR, victim.file), file);
  const bytes = await readFile(file);
  bytes[bytes.length >> 1] ^= 0xff;
  await writeFile(file, bytes);
  await writeManifest(manifest);
  await assert.rejects(readVerifiedModel(victim, dir), (err: unknown) => err instanceof EngineError && err.code === 'MODEL_INTEGRITY' && /sha256/.test(err.message));
  await assert.rejects(Engine.create({ modelsDir: dir, warmupIterations: 0 }), (err: unknown) => err instanceof EngineError && err.code === 'MODEL_INTEGRITY');
  await rm(file);
  await symlink(path.join(DEFAULT_MODELS_DIR, victim.file), file);
});

test('a missing file is MODEL_UNAVAILABLE; an invalid manifest is MANIFEST_INVALID', async () => {
  const missing = { ...manifest, models: manifest.models.map((m) => (m.id === manifest.defaults.embedder ? { ...m, file: 'nope.onnx' } : m)) };
  await writeManifest(missing);
  await assert.rejects(Engine.create({ modelsDir: dir, warmupIterations: 0 }), (err: unknown) => err instanceof EngineError && err.code === 'MODEL_UNAVAILABLE');
  await writeManifest({ ...manifest, models: [{ ...manifest.models[0], sha256: 'xyz' }] });
  await assert.rejects(loadManifest(dir), (err: unknown) => err instanceof EngineError && err.code === 'MANIFEST_INVALID');
});

test('an optional model that fails to load (liveness) does not stop the engine; health says why', async () => {
  const broken = { ...manifest, models: manifest.models.map((m) => (m.id === manifest.defaults.liveness ? { ...m, file: 'gone.onnx' } : m)) };
  await writeManifest(broken);
  const engine = await Engine.create({ modelsDir: dir, warmupIterations: 0 });
  try {
    const h = engine.health();
    assert.equal(h.models[manifest.defaults.liveness!].status, 'failed');
    const r = await engine.analyzeFrame({ width: 64, height: 48, channels: 3, data: new Uint8Array(64 * 48 * 3) }, { liveness: true });
    assert.deepEqual(r.faces, []);
  } finally {
    await engine.dispose();
  }
});

test('a new model of a known format is added by a manifest entry alone and can be switched to at run time', async () => {
  const back = manifest.models.find((m) => m.id === 'blazeface-back-256')!;
  const extra = { ...back, id: 'blazeface-back-256-copy', name: 'same weights, second entry' };
  await writeManifest({ ...manifest, models: [...manifest.models, extra] });
  const engine = await Engine.create({ modelsDir: dir, warmupIterations: 1, models: { liveness: null, landmarks: null } });
  try {
    // YuNet (the default) needs no keypoint model; the UltraFace path takes the new entry as its refiner.
    assert.equal(engine.roles.keypoints, null);
    const roles = await engine.setModels({ detector: 'ultraface-320x240', keypoints: 'blazeface-back-256-copy' });
    assert.equal(roles.keypoints, 'blazeface-back-256-copy');
    assert.equal(engine.health().models['blazeface-back-256-copy'].provider, 'cpu');
    await assert.rejects(engine.setModels({ embedder: 'blazeface-back-256-copy' }), (err: unknown) => err instanceof EngineError && err.code === 'INVALID_ARGUMENT');
    assert.equal(engine.roles.keypoints, 'blazeface-back-256-copy', 'a failed switch keeps the running set');
  } finally {
    await engine.dispose();
  }
});
