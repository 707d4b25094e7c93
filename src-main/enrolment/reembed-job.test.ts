// Re-embedding with real parts: SQLite store in a temp dir (with the 'embedders' migration), stored face crops
// of the sample photos, the real engine with fr_feature (enrolment) and then dlib's descriptor (re-embedding).
import assert from 'node:assert/strict';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { Engine } from '../../src-engine/in-process.ts';
import { SAMPLES_DIR } from '../demo/demo-assets.ts';
import { openStore } from '../storage/host-store.ts';
import { embedderMigrations } from '../storage/migrations/embedders.ts';
import { TemplateEmbeddingsRepository } from '../storage/repositories/template-embeddings.ts';
import { tempDataDir } from '../storage/testing/temp-data-dir.ts';
import { ReembedJob, type ReembedProgress } from './reembed-job.ts';

const OLD = 'arcface-mbf-112';
const NEW = 'dlib-resnet-v1-150';

// Sample-photo faces (file, box x, y, side; as src-engine/testing/face-samples.ts annotates them): 0, 1, 3 are
// three people, 2 and 6 the same woman in two photos.
const FACES: Record<number, [string, number, number, number]> = {
  0: ['sample1.jpg', 420, 402, 191],
  1: ['sample1.jpg', 849, 464, 185],
  2: ['sample1.jpg', 1477, 256, 167],
  3: ['sample2.jpg', 307, 172, 255],
  6: ['sample3.jpg', 1063, 261, 242],
};

async function crop(i: number): Promise<Buffer> {
  const [file, x, y, w] = FACES[i];
  return sharp(join(SAMPLES_DIR, file)).extract({ left: Math.round(x - w / 2), top: Math.round(y - w / 2), width: 2 * w, height: 2 * w }).jpeg({ quality: 90 }).toBuffer();
}

const largest = (r: { faces: { box: number[]; embedding?: Float32Array }[] }) => r.faces.filter((f) => f.embedding).sort((a, b) => b.box[2] * b.box[3] - a.box[2] * a.box[3])[0]?.embedding;

test('switching embedders re-embeds stored enrolment photos into a gallery of one model only', { timeout: 120_000 }, async (t) => {
  const dir = tempDataDir(t);
  const store = await openStore(dir, { migrations: [embedderMigrations] });
  t.after(() => store.close());
  const vectors = new TemplateEmbeddingsRepository({ writer: store.db.writer, reader: store.db.reader });
  const old = await Engine.create({ threads: 1, warmupIterations: 0, models: { embedder: OLD } });
  // Sample faces 0, 1, 3 (three people) and face 2 (p2, who appears again as face 6: the probe below)
  const enrolled: { person: string; template: string }[] = [];
  for (const [k, i] of [0, 1, 2, 3].entries()) {
    const person = await store.write(() => store.persons.create({ employee_id: `E${k}`, name: `Person ${k}` }));
    const bytes = await crop(i);
    const embedding = largest(await old.analyzeImage(bytes));
    assert.ok(embedding, `face ${i} enrols`);
    const path = await store.snapshots.writeJpeg(`tpl-${k}`, 'face', bytes, Date.now());
    const rec = await store.write(() => store.templates.add({ personId: person.id, embedding, model: OLD, sourcePath: path, sourceKind: 'photo' }));
    enrolled.push({ person: person.id, template: rec.id });
  }
  await old.dispose();
  // a template whose photo has gone: recorded as failed, the job goes on
  const lostPath = store.templates.get(enrolled[3].template)!.sourcePath!;
  await rm(store.snapshots.resolve(lostPath));

  const dlib = await Engine.create({ threads: 1, warmupIterations: 0, models: { embedder: NEW } });
  t.after(() => dlib.dispose());
  const seen: ReembedProgress[] = [];
  const people: string[] = [];
  const deps = {
    vectors,
    readPhoto: (p: string) => readFile(store.snapshots.resolve(p)),
    analyze: (b: Uint8Array) => dlib.analyzeImage(b),
    write: <T>(fn: () => T) => store.write(fn),
    onPerson: (id: string) => people.push(id),
    onProgress: (p: ReembedProgress) => seen.push(p),
  };
  assert.deepEqual(vectors.coverage(NEW), { total: 4, ready: 0, failed: 0 });
  const result = await new ReembedJob(deps, NEW).run();
  assert.equal(result.state, 'done');
  assert.deepEqual([result.total, result.done, result.failed], [4, 3, 1]);
  assert.deepEqual(seen.map((p) => p.done + p.failed), [0, 1, 2, 3, 4, 4], 'progress after every template');
  assert.equal(people.length, 4);
  assert.deepEqual(vectors.coverage(NEW), { total: 4, ready: 3, failed: 1 });

  // One model per gallery: the new gallery holds only 128-d dlib vectors, the old one only the 512-d originals.
  const g = vectors.loadGallery(NEW);
  assert.equal(g.dim, 128);
  assert.deepEqual([...g.templateIds].sort(), enrolled.slice(0, 3).map((e) => e.template).sort());
  const gOld = vectors.loadGallery(OLD);
  assert.equal(gOld.dim, 512);
  assert.equal(gOld.templateIds.length, 4);

  // The re-embedded vectors are real dlib descriptors: p2's other photo matches p2's template best, above the
  // calibrated FAR 1e-3 threshold.
  const probe = largest(await dlib.analyzeImage(await crop(6)));
  assert.ok(probe);
  const scores = g.templateIds.map((id, i) => {
    let s = 0;
    for (let d = 0; d < 128; d++) s += probe[d] * g.embeddings[i * 128 + d];
    return { id, s };
  }).sort((a, b) => b.s - a.s);
  assert.equal(scores[0].id, enrolled[2].template);
  dlib.setConfig({ match: { far: 1e-3 } });
  assert.ok(scores[0].s >= dlib.verifyThreshold(), `genuine ${scores[0].s} vs threshold ${dlib.verifyThreshold()}`);
  assert.ok(scores[1].s < dlib.verifyThreshold(), `best impostor ${scores[1].s}`);

  // Idempotent: a second run only retries what is missing (the template without a photo).
  const again = await new ReembedJob(deps, NEW).run();
  assert.deepEqual([again.total, again.done, again.failed], [1, 0, 1]);
  // Removing a template removes its other vectors too.
  await store.write(() => store.templates.remove(enrolled[0].template));
  assert.equal(vectors.loadGallery(NEW).templateIds.length, 2);
});
