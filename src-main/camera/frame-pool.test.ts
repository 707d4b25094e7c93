// The frame-buffer pool's ownership rules: a buffer is reused only after its last holder released it, a leak only
// costs reuse, a use or a release after the last release throws instead of touching another frame's pixels.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { detachFrame, FramePool, FramePools, FrameReleasedError, holdFrame, releaseFrame, retainFrame, type Leased } from './frame-pool.ts';

test('a buffer goes back to the pool only when every holder released it, and is then reused', () => {
  const pool = new FramePool(16);
  const a = pool.acquire();
  a.data.fill(7);
  a.retain(); // a second holder (the queued job)
  a.release(); // the first one is done
  const b = pool.acquire();
  assert.notEqual(b.data.buffer, a.data.buffer, 'still held once: not reused');
  assert.equal(a.data[0], 7);
  const buf = a.data.buffer;
  a.release();
  assert.equal(a.released, true);
  const c = pool.acquire();
  assert.equal(c.data.buffer, buf, 'the released buffer is reused');
  assert.deepEqual(pool.stats(), { allocated: 2, reused: 1, returned: 1, discarded: 0, outstanding: 2, free: 0 });
});

test('use, retain or release after the last release throws a typed error', () => {
  const pool = new FramePool(8);
  const a = pool.acquire();
  a.release();
  assert.throws(() => a.data, FrameReleasedError);
  assert.throws(() => a.retain(), (e: FrameReleasedError) => e.code === 'FRAME_RELEASED');
  assert.throws(() => a.release(), FrameReleasedError, 'a double release never returns a buffer twice');
  assert.equal(pool.stats().free, 1);
  const x = pool.acquire();
  const y = pool.acquire();
  assert.notEqual(x.data.buffer, y.data.buffer);
});

test('a leaked lease costs only reuse: the pool allocates a fresh buffer and the leaked one stays intact', () => {
  const pool = new FramePool(4, 2);
  const leaked = pool.acquire();
  leaked.data.set([1, 2, 3, 4]);
  for (let i = 0; i < 10; i++) {
    const l = pool.acquire();
    l.data.fill(9);
    l.release();
  }
  assert.deepEqual([...leaked.data], [1, 2, 3, 4], 'never handed to another frame');
  assert.equal(pool.stats().allocated, 2);
  assert.equal(pool.stats().outstanding, 1);
});

test('the free list is bounded; a closed pool keeps nothing; another size replaces the pool', () => {
  const pool = new FramePool(4, 2);
  const ls = [pool.acquire(), pool.acquire(), pool.acquire()];
  for (const l of ls) l.release();
  assert.equal(pool.stats().free, 2);
  assert.equal(pool.stats().discarded, 1);
  pool.close();
  assert.equal(pool.stats().free, 0);
  const pools = new FramePools(2);
  const small = pools.forSize(12).acquire();
  assert.equal(pools.forSize(12).bytes, 12);
  const big = pools.forSize(48).acquire();
  assert.equal(big.data.length, 48);
  small.release(); // a lease of the replaced pool stays valid until released, and is not kept
  assert.equal(pools.stats()!.free, 0);
  assert.throws(() => new FramePool(0), RangeError);
});

test('frame helpers: holdFrame releases once, detachFrame copies, plain frames need nothing', () => {
  const pool = new FramePool(3);
  const lease = pool.acquire();
  lease.data.set([5, 6, 7]);
  const frame = { width: 1, height: 1, data: lease.data, lease };
  const release = holdFrame(frame);
  assert.equal(lease.refs, 2);
  release();
  release();
  assert.equal(lease.refs, 1, 'a hold gives back one reference, once');
  const copy = detachFrame(frame);
  assert.equal('lease' in copy, false);
  assert.notEqual(copy.data.buffer, lease.data.buffer);
  retainFrame(frame);
  releaseFrame(frame);
  releaseFrame(frame);
  assert.equal(lease.released, true);
  assert.deepEqual([...copy.data], [5, 6, 7], 'the copy outlives the pooled pixels');
  const plain: Leased & { data: Uint8Array } = { data: new Uint8Array(3) };
  releaseFrame(plain);
  holdFrame(plain)();
  assert.equal(detachFrame(plain).data.length, 3);
});
