// kill -9 during writes: every event whose commit was acknowledged to us must be there afterwards, with its
// snapshot file whole, and the database must pass its integrity check.
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import sharp from 'sharp';
import { openStore } from './host-store.ts';
import { tempDataDir } from './testing/temp-data-dir.ts';

const CHILD = fileURLToPath(new URL('./testing/crash-writer.ts', import.meta.url));

test('kill -9 mid-write loses no acknowledged event and leaves a clean database', async (t) => {
  const dir = tempDataDir(t, 'vigil-crash-');
  const acked: string[] = [];
  const child = fork(CHILD, [dir], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  let stderr = '';
  child.stderr!.on('data', (d) => { stderr += d; });
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)));
  // Kill at a point that depends on timing, not on a round number of acks.
  const target = 300 + Math.floor(Math.random() * 300);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`child too slow: ${acked.length} acks in 60 s\n${stderr}`)), 60_000);
    child.on('message', (m: { ack?: string }) => {
      if (m.ack) acked.push(m.ack);
      if (acked.length >= target) { clearTimeout(timer); resolve(); }
    });
    child.on('exit', () => { clearTimeout(timer); reject(new Error(`child exited early\n${stderr}`)); });
  });
  child.kill('SIGKILL');
  assert.equal(await exited, 'SIGKILL');

  const store = await openStore(dir); // runs quick_check; throws DatabaseCorruptError if damaged
  t.after(() => store.close());
  assert.equal(store.db.reader.pragma('integrity_check', { simple: true }), 'ok');
  const present = new Set(store.db.reader.prepare('SELECT id FROM detection_events').pluck().all() as string[]);
  const missing = acked.filter((id) => !present.has(id));
  assert.deepEqual(missing, [], `${missing.length} of ${acked.length} acknowledged events lost`);
  const logged = store.db.reader.prepare('SELECT count(*) FROM event_log WHERE detection_id IS NOT NULL').pluck().get() as number;
  assert.ok(logged >= acked.length && present.size >= acked.length);
  // Every acknowledged row's snapshot is a whole JPEG (atomic write before the row).
  for (const id of acked.slice(-50)) {
    const e = store.events.get(id)!;
    const meta = await sharp(store.snapshots.resolve(e.faceSnapshot!)).metadata();
    assert.equal(meta.width, 32);
  }
  t.diagnostic(`acknowledged ${acked.length}, rows after crash ${present.size}`);
});
