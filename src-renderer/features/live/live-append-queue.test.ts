import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LiveAppendQueue } from './live-append-queue.ts';
import type { SourceBufferLike } from './live-append-queue.ts';

// A SourceBuffer stand-in with MSE's rules: no append or remove while updating; each segment adds 1 s of media.
class FakeSourceBuffer implements SourceBufferLike {
  updating = false;
  start = 100; // live streams start at the camera's timestamp, not 0
  end = 100;
  log: string[] = [];
  quotaAt = Infinity;
  constructor(private readonly segS = 1) {}
  get buffered() {
    const has = this.end > this.start;
    return { length: has ? 1 : 0, start: () => this.start, end: () => this.end };
  }
  appendBuffer(data: Uint8Array): void {
    assert.equal(this.updating, false, 'append while updating');
    if (this.end - this.start >= this.quotaAt) {
      const err = new Error('full');
      err.name = 'QuotaExceededError';
      throw err;
    }
    this.updating = true;
    this.log.push(`append ${data[0]}`);
    this.end += this.segS;
  }
  remove(start: number, end: number): void {
    assert.equal(this.updating, false, 'remove while updating');
    this.updating = true;
    this.log.push(`remove ${start}-${end}`);
    this.start = Math.max(this.start, end);
  }
}
const seg = (n: number) => new Uint8Array([n]);

function drive(sb: FakeSourceBuffer, q: LiveAppendQueue) {
  // Completes pending SourceBuffer operations as the browser would.
  while (sb.updating) { sb.updating = false; q.onUpdateEnd(); }
}

test('appends one segment at a time, in order', () => {
  const sb = new FakeSourceBuffer();
  const media = { currentTime: 0, playbackRate: 1 };
  const q = new LiveAppendQueue(sb, media);
  for (let i = 1; i <= 3; i++) q.push(seg(i));
  assert.equal(q.pendingCount, 2);
  drive(sb, q);
  assert.deepEqual(sb.log, ['append 1', 'append 2', 'append 3']);
  assert.equal(q.pendingCount, 0);
});

test('jumps the playhead into the buffer and to the live edge when far behind', () => {
  const sb = new FakeSourceBuffer();
  const media = { currentTime: 0, playbackRate: 1 };
  const q = new LiveAppendQueue(sb, media, { edgeOffsetS: 0.3 });
  q.push(seg(1));
  drive(sb, q);
  assert.ok(Math.abs(media.currentTime - 100.7) < 1e-9, 'moved into the buffered range, at its edge');
  for (let i = 2; i <= 6; i++) { q.push(seg(i)); drive(sb, q); }
  // The playhead is stuck (background tab). With 1 s fragments the lag limit is 3.5 s; a jump lands one
  // fragment plus a margin (1.1 s) behind the newest frame so playback does not stall at the edge.
  assert.ok(sb.end - media.currentTime <= 3.5, `lag ${sb.end - media.currentTime}`);
  assert.ok(Math.abs(media.currentTime - 103.9) < 1e-9, `jumped behind the edge of 105: ${media.currentTime}`);
});

test('plays slightly faster to absorb a small lag, normal speed once caught up', () => {
  const sb = new FakeSourceBuffer(0.25); // short low-latency fragments: the configured thresholds apply
  const media = { currentTime: 100, playbackRate: 1 };
  const q = new LiveAppendQueue(sb, media, { catchUpLagS: 1, maxLagS: 3 });
  for (let i = 0; i < 8; i++) { q.push(seg(i)); drive(sb, q); } // buffered 100-102, lag 2 s
  assert.equal(media.playbackRate, 1.1);
  assert.equal(media.currentTime, 100, 'no jump for a small lag');
  media.currentTime = 101.6;
  q.push(seg(9)); drive(sb, q); // lag 0.65 s
  assert.equal(media.playbackRate, 1);
});

test('with whole-second fragments playback keeps a fragment of margin and never runs dry', () => {
  const sb = new FakeSourceBuffer(1);
  const media = { currentTime: 0, playbackRate: 1 };
  const q = new LiveAppendQueue(sb, media);
  let minLag = Infinity;
  for (let i = 0; i < 60; i++) {
    // One fragment arrives per second of wall time; meanwhile the video plays at its current rate.
    if (i > 0) media.currentTime = Math.min(sb.end, media.currentTime + media.playbackRate);
    if (i > 5) minLag = Math.min(minLag, sb.end - media.currentTime);
    q.push(seg(i));
    drive(sb, q);
  }
  assert.ok(minLag > 0.05, `the playhead reached the newest frame (min lag ${minLag.toFixed(2)} s)`);
  assert.ok(sb.end - media.currentTime < 3.5, 'and stays near live');
});

test('keeps the buffer trimmed behind the playhead', () => {
  const sb = new FakeSourceBuffer();
  const media = { currentTime: 100, playbackRate: 1 };
  const q = new LiveAppendQueue(sb, media, { keepBehindS: 8 });
  for (let i = 0; i < 40; i++) {
    q.push(seg(i));
    drive(sb, q);
    media.currentTime = sb.end - 0.3; // playing at the edge
  }
  const removes = sb.log.filter((l) => l.startsWith('remove'));
  assert.ok(removes.length >= 2, removes.join(';'));
  assert.ok(sb.end - sb.start <= 8 + 4 + 1.5, `buffer ${sb.end - sb.start}s`);
  assert.equal(sb.log.filter((l) => l.startsWith('append')).length, 40, 'no segment lost');
});

test('on QuotaExceededError frees space and retries the same segment', () => {
  const sb = new FakeSourceBuffer();
  const media = { currentTime: 100, playbackRate: 1 };
  const q = new LiveAppendQueue(sb, media, { keepBehindS: 30, maxLagS: 100 });
  for (let i = 0; i < 5; i++) { q.push(seg(i)); drive(sb, q); }
  media.currentTime = 104;
  sb.quotaAt = 5;
  q.push(seg(9));
  drive(sb, q);
  assert.deepEqual(sb.log.slice(-2), ['remove 100-103.5', 'append 9']);
});

test('reports overflow when segments pile up (tab hidden, decoder stuck) so the player restarts', () => {
  const sb = new FakeSourceBuffer();
  const q = new LiveAppendQueue(sb, { currentTime: 0, playbackRate: 1 }, { maxPending: 3 });
  sb.updating = true; // stuck
  assert.equal(q.push(seg(1)), 'queued');
  q.push(seg(2)); q.push(seg(3));
  assert.equal(q.push(seg(4)), 'overflow');
});

test('a hold from the overlay keeps the playhead that far behind, reached at half speed without jumping back', () => {
  const sb = new FakeSourceBuffer(0.5);
  const media = { currentTime: 0, playbackRate: 1 };
  let hold = 0;
  const appended: Array<[number, number]> = [];
  const q = new LiveAppendQueue(sb, media, { holdS: () => hold, onAppended: (at, end) => appended.push([at, end]) });
  q.push(seg(1), 1000);
  drive(sb, q);
  q.push(seg(2), 1500);
  drive(sb, q);
  assert.deepEqual(appended, [[1500, 101]], 'arrival and buffered end of each media segment after the first');
  const edge = media.currentTime;
  assert.ok(101 - edge < 1, 'no hold: near the live edge');
  hold = 2;
  q.push(seg(3), 2000);
  drive(sb, q);
  assert.equal(media.currentTime, edge, 'never jumps back (that would replay frames)');
  assert.equal(media.playbackRate, 0.5, 'far ahead of the held target: half speed');
  hold = 1;
  media.currentTime = 100.8; // after the next segment: 1.2 s behind the newest frame, about the held edge
  q.push(seg(4), 2500);
  drive(sb, q);
  assert.equal(media.currentTime, 100.8);
  assert.equal(media.playbackRate, 1, 'at the held target: normal speed');
});
