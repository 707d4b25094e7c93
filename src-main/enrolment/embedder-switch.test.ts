// The switch sequence with real parts (SQLite store, the real engine in this process behind the supervisor's
// gallery/switch/call surface): the gallery is emptied before the engine restarts, reloaded from the new model
// only, and each re-embedded person is pushed; the engine never holds vectors of two embedders.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { Engine } from '../../src-engine/in-process.ts';
import { SAMPLES_DIR } from '../demo/demo-assets.ts';
import type { GalleryPerson } from '../engine-host/engine-wire.ts';
import { createLogger } from '../logging/logger.ts';
import { openStore } from '../storage/host-store.ts';
import { embedderMigrations } from '../storage/migrations/embedders.ts';
import { TemplateEmbeddingsRepository } from '../storage/repositories/template-embeddings.ts';
import { tempDataDir } from '../storage/testing/temp-data-dir.ts';
import { EmbedderSwitch, modelGallery } from './embedder-switch.ts';

const FACES: [string, number, number, number][] = [['sample1.jpg', 420, 402, 191], ['sample1.jpg', 849, 464, 185]];

test('switchTo: empty gallery, restart on the new embedder, reload from its vectors only, push each person', { timeout: 120_000 }, async (t) => {
  const store = await openStore(tempDataDir(t), { migrations: [embedderMigrations] });
  t.after(() => store.close());
  const vectors = new TemplateEmbeddingsRepository({ writer: store.db.writer, reader: store.db.reader });
  let engine = await Engine.create({ threads: 1, warmupIterations: 0, models: { embedder: 'arcface-mbf-112' } });
  t.after(() => engine.dispose());
  for (const [k, [file, x, y, w]] of FACES.entries()) {
    const bytes = await sharp(join(SAMPLES_DIR, file)).extract({ left: Math.round(x - w / 2), top: Math.round(y - w / 2), width: 2 * w, height: 2 * w }).jpeg().toBuffer();
    const person = await store.write(() => store.persons.create({ employee_id: `E${k}`, name: `P${k}` }));
    const e = (await engine.analyzeImage(bytes)).faces.find((f) => f.embedding)!.embedding!;
    const path = await store.snapshots.writeJpeg(`t${k}`, 'face', bytes, Date.now());
    await store.write(() => store.templates.add({ personId: person.id, embedding: e, model: 'arcface-mbf-112', sourcePath: path, sourceKind: 'photo' }));
  }
  engine.gallery.sync(modelGallery(vectors, 'arcface-mbf-112'));
  assert.equal(engine.gallery.size, 2);

  const log: string[] = [];
  const sizes = () => `${engine.embeddingDim}-d engine, ${engine.gallery.size} templates`;
  const supervisor = {
    setGallery: (people: GalleryPerson[]) => { engine.gallery.sync(people); log.push(`sync ${people.length} (${sizes()})`); },
    upsertGallery: (people: GalleryPerson[]) => { for (const p of people) engine.gallery.upsertPerson(p.person_id, p.embeddings, p.template_ids); log.push(`upsert (${sizes()})`); },
    switchEngine: async (opts: unknown) => {
      const next = await Engine.create(opts as Parameters<typeof Engine.create>[0]);
      next.gallery.sync([]); // the supervisor re-sends its (now empty) mirror to the new process
      await engine.dispose();
      engine = next;
      log.push(`switched (${sizes()})`);
      return null;
    },
    call: async (op: { op: string; bytes?: Uint8Array }) => {
      assert.equal(op.op, 'analyze_image');
      return engine.analyzeImage(op.bytes!, { embeddings: true, match: false });
    },
  };
  const sw = new EmbedderSwitch({ store, vectors, engine: supervisor as never, logger: createLogger({ level: 'silent' }) });
  const done = await sw.switchTo('dlib-resnet-v1-150', { threads: 1, warmupIterations: 0, models: { embedder: 'dlib-resnet-v1-150' } });
  assert.deepEqual([done.state, done.total, done.done, done.failed], ['done', 2, 2, 0]);
  assert.deepEqual(log, [
    'sync 0 (512-d engine, 0 templates)',
    'switched (128-d engine, 0 templates)',
    'sync 0 (128-d engine, 0 templates)',
    'upsert (128-d engine, 1 templates)',
    'upsert (128-d engine, 2 templates)',
  ]);
  assert.equal(sw.progress?.done, 2);
  assert.equal(engine.gallery.dim, 128);
});
