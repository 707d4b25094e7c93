import { test, mock } from 'node:test';
import assert from 'node:assert/strict';
import { FrameScheduler } from './frame-scheduler.ts';
import { BatchPump } from './batch-pump.ts';

function setup(maxBatch: number, maxWaitMs: number, slots: number) {
  mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 10_000 });
  const s = new FrameScheduler<null>({ maxPerSource: 10, capacity: 100 });
  const batches: string[][] = [];
  let free = slots;
  const pump = new BatchPump<null>({
    scheduler: s, maxBatch, maxWaitMs, freeSlots: () => free,
    dispatch: (b) => { free--; batches.push(b.map((f) => f.frameId)); },
  });
  const offer = (id: string, source = 'cam') => { s.offer({ frameId: id, source, priority: 'normal', cost: 1, payload: null }); pump.kick(); };
  return { s, pump, batches, offer, release: () => { free++; pump.kick(); } };
}

test('a full batch leaves at once; a partial one after maxWaitMs', (t) => {
  t.after(() => mock.timers.reset());
  const { batches, offer, pump } = setup(3, 20, 5);
  offer('a'); offer('b');
  assert.equal(batches.length, 0, 'waits for companions');
  offer('c');
  assert.deepEqual(batches, [['a', 'b', 'c']]);
  offer('d');
  mock.timers.tick(19);
  assert.equal(batches.length, 1);
  mock.timers.tick(1);
  assert.deepEqual(batches[1], ['d']);
  assert.equal(pump.framesDispatched, 4);
  pump.close();
});

test('no free engine slot: frames accumulate and leave as one batch when the slot frees', (t) => {
  t.after(() => mock.timers.reset());
  const { batches, offer, release, pump } = setup(4, 0, 1);
  offer('a');
  assert.deepEqual(batches, [['a']]);
  offer('b', 'x'); offer('c', 'y'); offer('d', 'z');
  assert.equal(batches.length, 1);
  release();
  assert.deepEqual(batches[1], ['b', 'c', 'd']);
  pump.close();
});
