import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VideoSync } from './video-sync.ts';

// A camera whose frame at media time m (s) reaches the host at wall time 50_000 + m·1000. Fragments of 0.5 s
// reach the browser 5–60 ms after their last frame; detections `delay` ms after their frame.
function feed(sync: VideoSync, o: { seconds: number; delay: (i: number) => number; skew?: number }) {
  for (let i = 1; i <= o.seconds * 2; i++) {
    const end = i * 0.5;
    sync.noteFragment(50_000 + end * 1000 + (i % 3 === 0 ? 5 : 60), end);
  }
  for (let i = 0; i < o.seconds * 5; i++) {
    const captured = 50_000 + i * 200;
    sync.noteDetection(captured + o.delay(i) - (o.skew ?? 0), captured + 0);
  }
}

test('maps the video on screen to camera time through the earliest fragment arrivals', () => {
  const sync = new VideoSync();
  assert.equal(sync.cameraTimeAt(1), null, 'unknown before any fragment');
  feed(sync, { seconds: 4, delay: () => 300 });
  // Media 2.25 s was produced at 52_250; the earliest arrivals say +5 ms.
  assert.equal(sync.cameraTimeAt(2.25), 52_255);
});

test('holds the video back by the detection delay plus one interval', () => {
  const sync = new VideoSync({ marginMs: 100 });
  feed(sync, { seconds: 8, delay: (i) => (i % 10 === 0 ? 900 : 300) });
  // 90th percentile of the delays is 900 ms (one in ten is slow), interval 200, margin 100.
  assert.equal(sync.holdS(60_000), 1.2);
  assert.equal(sync.holdS(70_000), 0, 'no detection for a while (detection stopped): no hold');
});

test('the hold is capped: past it boxes trail rather than the picture falling further behind', () => {
  const sync = new VideoSync({ maxHoldMs: 1500 });
  feed(sync, { seconds: 4, delay: (i) => (i % 2 ? 2900 : 300) });
  assert.equal(sync.holdS(57_000), 1.5);
});

test('a host clock far from this one is detected from the detection delays', () => {
  const ahead = new VideoSync();
  // Host clock 10 s ahead: detections seem to arrive before they were captured.
  feed(ahead, { seconds: 4, delay: () => 300, skew: 10_000 });
  assert.ok(Math.abs(ahead.cameraTimeAt(2.25)! - (52_255 + 9_700)) < 1, 'camera time moved by the apparent skew');
  assert.equal(ahead.holdS(45_000), (0 + 200 + 120) / 1000, 'the delay is then measured from the fastest one');
  const same = new VideoSync();
  feed(same, { seconds: 4, delay: () => 300 });
  assert.equal(same.cameraTimeAt(2.25), 52_255, 'a plausible delay means one clock: no correction');
});

test('a restarted stream forgets the old media timeline', () => {
  const sync = new VideoSync();
  feed(sync, { seconds: 2, delay: () => 300 });
  sync.resetVideo();
  assert.equal(sync.cameraTimeAt(1), null);
  sync.noteFragment(90_000, 0.5);
  assert.equal(sync.cameraTimeAt(0.5), 90_000);
});
