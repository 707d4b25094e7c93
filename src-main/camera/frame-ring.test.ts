import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Backoff } from '../core/backoff.ts';
import { FrameRing } from './frame-ring.ts';

test('ring keeps the newest N in order; overflow evicts the oldest and counts it', () => {
  const r = new FrameRing<number>(10);
  const evicted: number[] = [];
  for (let i = 1; i <= 25; i++) {
    const e = r.push(i);
    if (e !== undefined) evicted.push(e);
  }
  assert.equal(r.size, 10);
  assert.equal(r.dropped, 15);
  assert.deepEqual(evicted, Array.from({ length: 15 }, (_, i) => i + 1));
  assert.equal(r.peekLatest(), 25);
  const out: number[] = [];
  for (let x = r.shift(); x !== undefined; x = r.shift()) out.push(x);
  assert.deepEqual(out, Array.from({ length: 10 }, (_, i) => i + 16));
  r.push(1);
  assert.equal(r.clear(), 1);
  assert.equal(r.shift(), undefined);
  assert.throws(() => new FrameRing(0), RangeError);
});

test('backoff doubles from 1 s to the 60 s cap, jitter stays within bounds, reset starts over', () => {
  const exact = new Backoff({ initialMs: 1000, maxMs: 60_000, jitter: 0, random: () => 0.5 });
  assert.deepEqual(Array.from({ length: 9 }, () => exact.next()), [1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000]);
  exact.reset();
  assert.equal(exact.next(), 1000);
  const low = new Backoff({ initialMs: 1000, maxMs: 60_000, jitter: 0.2, random: () => 0 });
  const high = new Backoff({ initialMs: 1000, maxMs: 60_000, jitter: 0.2, random: () => 0.999999 });
  assert.equal(low.next(), 800);
  assert.equal(high.next(), 1200);
  const slow = new Backoff({ initialMs: 1000, maxMs: 60_000, jitter: 0.2, random: () => 0 });
  assert.equal(slow.nextAtLeast(30_000), 30_000, 'slow retries never go below their floor');
});
