import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FrameScheduler } from './frame-scheduler.ts';
import type { DropReason, Priority, QueuedFrame } from './frame-scheduler.ts';
import { DedupCache } from './dedup-cache.ts';

function clock(start = 1_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => { t += ms; } };
}

function make(opts: ConstructorParameters<typeof FrameScheduler<null>>[0] = {}) {
  const c = clock();
  const drops: Array<{ id: string; reason: DropReason }> = [];
  const s = new FrameScheduler<null>({ now: c.now, onDrop: (f, reason) => drops.push({ id: f.frameId, reason }), ...opts });
  let n = 0;
  const offer = (source: string, priority: Priority = 'normal', frameId = `${source}:${n++}`, cost = 1280 * 720) =>
    s.offer({ frameId, source, priority, cost, payload: null });
  return { s, c, drops, offer };
}

const ids = (fs: QueuedFrame<null>[]) => fs.map((f) => f.frameId);

test('serves priorities strictly in order', () => {
  const { s, offer } = make({ maxPerSource: 10 });
  offer('a', 'low', 'l');
  offer('a', 'normal', 'n');
  offer('a', 'urgent', 'u');
  offer('a', 'high', 'h');
  assert.deepEqual(ids(s.take(10)), ['u', 'h', 'n', 'l']);
  assert.equal(s.depth, 0);
});

test('a busy camera cannot starve a quiet one (round-robin across sources)', () => {
  const { s, offer } = make({ maxPerSource: 50, capacity: 100 });
  for (let i = 0; i < 30; i++) offer('busy', 'normal', `b${i}`);
  offer('quiet', 'normal', 'q0');
  offer('quiet', 'normal', 'q1');
  const first4 = ids(s.take(4));
  assert.deepEqual(first4, ['b0', 'q0', 'b1', 'q1']);
  assert.equal(s.depth, 28);
});

test('deficit round-robin shares by cost: a camera with 4x larger frames gets a quarter of the turns', () => {
  const { s, offer } = make({ maxPerSource: 100, capacity: 200, quantum: 100 });
  for (let i = 0; i < 40; i++) offer('big', 'normal', `B${i}`, 400);
  for (let i = 0; i < 40; i++) offer('small', 'normal', `s${i}`, 100);
  const got = ids(s.take(40));
  const big = got.filter((x) => x.startsWith('B')).length;
  assert.equal(big, 8);
  assert.equal(got.length - big, 32);
});

test('per-source cap: a newer frame supersedes the same camera\'s oldest one', () => {
  const { s, offer, drops } = make({ maxPerSource: 2 });
  offer('cam', 'normal', 'f1');
  offer('cam', 'normal', 'f2');
  offer('cam', 'normal', 'f3');
  assert.deepEqual(drops, [{ id: 'f1', reason: 'superseded' }]);
  assert.deepEqual(ids(s.take(5)), ['f2', 'f3']);
  assert.equal(s.droppedFor('cam'), 1);
});

test('per-source cap never lets a normal frame push out the same camera\'s urgent frame', () => {
  const { s, offer, drops } = make({ maxPerSource: 1 });
  offer('cam', 'urgent', 'u');
  assert.deepEqual(offer('cam', 'normal', 'n'), { status: 'rejected', reason: 'superseded' });
  assert.deepEqual(drops, [{ id: 'n', reason: 'superseded' }]);
  assert.deepEqual(ids(s.take(5)), ['u']);
});

test('queue full: lower priority is dropped first (busiest source), equal priority is refused, urgent always gets in', () => {
  const { s, c, offer, drops } = make({ capacity: 4, maxPerSource: 4 });
  offer('a', 'low', 'a-low1');
  offer('b', 'normal', 'b-n1');
  offer('b', 'normal', 'b-n2');
  offer('c', 'normal', 'c-n1');
  assert.equal(s.depth, 4);
  // high evicts the low frame
  assert.deepEqual(offer('d', 'high', 'd-h1'), { status: 'queued' });
  assert.deepEqual(drops.at(-1), { id: 'a-low1', reason: 'queue_full' });
  // normal finds nothing lower: refused
  assert.deepEqual(offer('e', 'normal', 'e-n1'), { status: 'rejected', reason: 'queue_full' });
  // high evicts the busiest normal source's oldest frame (b has two)
  offer('f', 'high', 'f-h1');
  assert.deepEqual(drops.at(-1), { id: 'b-n1', reason: 'queue_full' });
  c.advance(1);
  offer('g', 'urgent', 'g-u1');
  offer('h', 'urgent', 'h-u1');
  offer('i', 'urgent', 'i-u1'); // only high frames left below urgent: the oldest (d) goes
  assert.equal(s.depth, 4);
  assert.deepEqual(ids(s.take(10)), ['g-u1', 'h-u1', 'i-u1', 'f-h1']);
  assert.equal(s.counters.dropped.queue_full, 6); // a-low1, e refused, b-n1, b-n2, c-n1, d-h1
});

test('low priority is shed once the queue is half full; counted', () => {
  const { s, offer } = make({ capacity: 4, maxPerSource: 4 });
  offer('a', 'normal');
  offer('b', 'normal');
  assert.deepEqual(offer('c', 'low'), { status: 'rejected', reason: 'shed_low_priority' });
  assert.equal(s.counters.dropped.shed_low_priority, 1);
  assert.equal(s.depth, 2);
});

test('frame ids are de-duplicated within the TTL, accepted again after it', () => {
  const { s, c, offer } = make({ dedupTtlMs: 5000 });
  assert.deepEqual(offer('a', 'normal', 'x'), { status: 'queued' });
  assert.deepEqual(offer('a', 'normal', 'x'), { status: 'duplicate' });
  c.advance(5001);
  assert.deepEqual(offer('a', 'normal', 'x'), { status: 'queued' });
  assert.equal(s.counters.duplicates, 1);
});

test('stale frames are dropped when their turn comes, not analysed', () => {
  const { s, c, offer, drops } = make({ maxAgeMs: 1000, maxPerSource: 5 });
  offer('a', 'normal', 'old');
  c.advance(1500);
  offer('a', 'normal', 'new');
  assert.deepEqual(ids(s.take(5)), ['new']);
  assert.deepEqual(drops, [{ id: 'old', reason: 'stale' }]);
});

test('every offered frame is accounted for: taken + dropped + queued + duplicates = offered', () => {
  const { s, c, offer } = make({ capacity: 8, maxPerSource: 3, maxAgeMs: 50 });
  const prios: Priority[] = ['urgent', 'high', 'normal', 'low'];
  let taken = 0;
  for (let i = 0; i < 2000; i++) {
    const src = `cam${i % 7}`;
    offer(src, prios[(i * 7919) % 4], i % 13 === 0 ? `dup${i % 26}` : undefined);
    if (i % 3 === 0) taken += s.take(2).length;
    c.advance(i % 5);
  }
  const k = s.counters;
  const dropped = Object.values(k.dropped).reduce((a, b) => a + b, 0);
  assert.equal(k.taken, taken);
  assert.equal(k.offered, k.taken + dropped + s.depth + k.duplicates);
  s.clear('engine_unavailable');
  assert.equal(s.depth, 0);
});

test('DedupCache forgets the oldest keys beyond its bound', () => {
  let t = 0;
  const d = new DedupCache({ ttlMs: 1000, maxKeys: 3, now: () => t });
  for (const k of ['a', 'b', 'c', 'd']) assert.ok(d.admit(k));
  assert.equal(d.size, 3);
  assert.ok(d.admit('a'), 'a was evicted, so it is new again');
  assert.equal(d.admit('d'), false);
  t = 1001;
  assert.equal(d.size, 0);
});
