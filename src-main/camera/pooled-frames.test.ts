// A real file camera's frames in pooled buffers: the consumer that releases what it took lets the session reuse a
// handful of buffers; a frame used after every holder released it throws instead of showing newer pixels; the
// ring's evictions, the latest-frame slot and close() give their references back; captures get their own copy.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, test } from 'node:test';
import { CameraSession } from './camera-session.ts';
import { FrameReleasedError, releaseFrame } from './frame-pool.ts';
import { parseCameraConfig } from './parse-camera-config.ts';
import { FAST_TIMINGS, nextFrames, waitFor } from './testing/session-probe.ts';
import { makeTestVideo } from './testing/test-media.ts';

let video = '';
const sessions: CameraSession[] = [];
before(async () => {
  video = await makeTestVideo({ width: 160, height: 120, fps: 15, seconds: 2 });
});
after(() => {
  for (const s of sessions) s.close();
});

function session(ringCapacity = 10) {
  const config = parseCameraConfig({ id: `pool-${sessions.length}`, name: 'Pool', source: { type: 'file', path: video, loop: true }, detection: { fps_limit: 15, detect_width: 160 }, live_view: { mode: 'off' } });
  const s = new CameraSession(config, { timings: FAST_TIMINGS, ringCapacity });
  sessions.push(s);
  return s;
}

const sha = (d: Uint8Array) => createHash('sha1').update(d).digest('hex');

test('a consumer that releases its frames: a few buffers serve the whole stream; a released frame cannot be read', async () => {
  const s = session();
  s.start();
  const first = (await nextFrames(s, 1, 10_000))[0];
  assert.ok(first.lease, 'ffmpeg frames are pooled');
  releaseFrame(first);
  for (let i = 0; i < 20; i++) releaseFrame((await nextFrames(s, 1, 5000))[0]);
  const st = s.poolStats()!;
  assert.ok(st.reused >= 15, `reused ${st.reused}`);
  assert.ok(st.allocated <= 5, `allocated ${st.allocated}`);
  // The latest-frame slot moved on: nobody holds the first frame any more.
  assert.throws(() => first.data, FrameReleasedError);
  assert.throws(() => releaseFrame(first), FrameReleasedError, 'a second release is a bug, caught');
});

test('held frames keep their pixels; a capture is a copy; the ring and close give every reference back', async () => {
  const s = session(3);
  s.start();
  const held = await nextFrames(s, 4, 10_000);
  const hashes = held.map((f) => sha(f.data));
  const capture = s.latestFrame()!;
  assert.equal(capture.lease, undefined, 'a capture owns its pixels');
  const captureHash = sha(capture.data);
  // Nobody takes frames for a while: the 3-slot ring evicts (and releases) the oldest.
  await waitFor(() => s.stats().frames_dropped >= 5, 5000, 'ring evictions');
  assert.ok(s.poolStats()!.outstanding <= 4 + 3 + 2, `outstanding ${s.poolStats()!.outstanding}`);
  assert.deepEqual(held.map((f) => sha(f.data)), hashes, 'held frames were not overwritten');
  assert.equal(sha(capture.data), captureHash);
  s.close();
  assert.equal(s.poolStats(), null, 'the pools are closed with the camera');
  for (const f of held) releaseFrame(f);
  assert.throws(() => held[0].data, FrameReleasedError);
  assert.equal(sha(capture.data), captureHash, 'the capture outlives the camera');
});
