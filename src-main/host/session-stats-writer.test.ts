// Camera sessions' statistics on real SQLite: every camera's latest values go in one transaction per interval
// (not one commit per camera every 5 s), the newest values win, an ended row is not rewritten, close() writes
// what is pending.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openStore } from '../storage/host-store.ts';
import { tempDataDir } from '../storage/testing/temp-data-dir.ts';
import { SessionStatsWriter } from './session-stats-writer.ts';

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('sixteen cameras: one transaction per flush, the latest values of each row, close() writes the rest', async (t) => {
  const store = await openStore(tempDataDir(t));
  t.after(() => store.close());
  const rows: string[] = [];
  await store.write(() => {
    for (let i = 0; i < 16; i++) {
      store.cameras.create({ id: `cam${i}`, name: `Cam ${i}`, source: { type: 'file', path: '/dev/null' } });
      rows.push(store.sessions.start(`cam${i}`, 'live', 1000));
    }
  });
  const writer = new SessionStatsWriter(store, { intervalMs: 300 });
  const stats = (i: number) => store.sessions.listForCamera(`cam${i}`, 1)[0];

  for (let round = 1; round <= 3; round++) {
    rows.forEach((row, i) => writer.note(row, { state: 'live', stats: { frames_captured: round * 10 + i }, lastFrameAt: 2000 + round }));
  }
  assert.equal(writer.pending, 16);
  const batches = store.queue.stats.batches;
  await writer.flush();
  assert.equal(store.queue.stats.batches, batches + 1, 'one commit for all sixteen cameras');
  assert.equal(writer.pending, 0);
  for (let i = 0; i < 16; i++) {
    assert.equal(stats(i).stats.frames_captured, 30 + i, 'the newest values win');
    assert.equal(stats(i).lastFrameAt, 2003);
  }

  // The interval writes by itself.
  rows.forEach((row, i) => writer.note(row, { state: 'live', stats: { frames_captured: 100 + i }, lastFrameAt: 3000 }));
  const t0 = Date.now();
  while (stats(15).stats.frames_captured !== 115) {
    assert.ok(Date.now() - t0 < 5000, 'the periodic flush did not come');
    await wait(25);
  }
  assert.equal(stats(0).stats.frames_captured, 100);

  // A row being ended carries its own last values: what was pending for it is not written after.
  writer.note(rows[0], { state: 'live', stats: { frames_captured: -1 }, lastFrameAt: 4000 });
  writer.forget(rows[0]);
  writer.note(rows[1], { state: 'live', stats: { frames_captured: 999 }, lastFrameAt: 4000 });
  await writer.close();
  assert.equal(stats(0).stats.frames_captured, 100);
  assert.equal(stats(1).stats.frames_captured, 999, 'close() wrote the pending row');
  writer.note(rows[2], { state: 'live', stats: { frames_captured: 5 }, lastFrameAt: 5000 });
  assert.equal(writer.pending, 0, 'nothing is taken after close');
});
