import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import Database from 'better-sqlite3';
import { openDatabase } from './database.ts';
import { StorageClosedError } from './errors.ts';
import { coreMigrations } from './migrations/index.ts';
import { tempDataDir } from './testing/temp-data-dir.ts';
import { WriteQueue } from './write-queue.ts';

function setup(t: TestContext, maxBatch?: number) {
  const db = openDatabase(join(tempDataDir(t), 'db.sqlite'), { migrations: [coreMigrations] });
  t.after(() => db.close());
  const q = new WriteQueue(db.writer, { maxBatch });
  const ins = db.writer.prepare("INSERT INTO settings (key, value_json, updated_at) VALUES (?, '1', 0)");
  return { db, q, ins };
}

test('a tick of writes is one transaction, and each promise resolves after its commit is visible', async (t) => {
  const { db, q, ins } = setup(t);
  // An independent connection (as another process would) must already see each row when its promise resolves.
  const other = new Database(db.path, { readonly: true });
  t.after(() => other.close());
  const count = other.prepare('SELECT count(*) FROM settings').pluck();
  const acks = Array.from({ length: 500 }, (_, i) => q.run(() => ins.run(`k${i}`)).then(() => count.get() as number));
  const seen = await Promise.all(acks);
  assert.ok(seen.every((n) => n === 500), 'all 500 committed together before any ack');
  assert.equal(q.stats.batches, 1);
  assert.equal(q.stats.operations, 500);
});

test('maxBatch splits a burst over several transactions', async (t) => {
  const { q, ins } = setup(t, 100);
  await Promise.all(Array.from({ length: 250 }, (_, i) => q.run(() => ins.run(`k${i}`))));
  assert.equal(q.stats.batches, 3);
  assert.equal(q.stats.largestBatch, 100);
});

test('a failing operation is rejected alone; the rest of its batch commits', async (t) => {
  const { db, q, ins } = setup(t);
  const results = await Promise.allSettled([
    q.run(() => ins.run('a')),
    q.run(() => { ins.run('b'); ins.run('a'); }), // duplicate key after a write: the op's own write must roll back too
    q.run(() => ins.run('c')),
    q.run(() => Promise.resolve(1)),
  ]);
  assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled', 'rejected']);
  assert.match(String((results[3] as PromiseRejectedResult).reason), /synchronous/);
  assert.deepEqual(db.reader.prepare('SELECT key FROM settings ORDER BY key').pluck().all(), ['a', 'c']);
  assert.equal(q.stats.failedOperations, 2);
});

test('nested better-sqlite3 transactions inside an operation work; close flushes and refuses more', async (t) => {
  const { db, q, ins } = setup(t);
  const tx = db.writer.transaction((k: string) => { ins.run(k); ins.run(`${k}2`); });
  const p = q.run(() => tx('n'));
  q.close();
  await p;
  assert.equal(db.reader.prepare('SELECT count(*) FROM settings').pluck().get(), 2);
  await assert.rejects(q.run(() => 1), StorageClosedError);
});
