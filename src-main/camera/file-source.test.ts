// File cameras (the demo camera and many tests use them), live-view format choice per codec, and
// the frame ring's consumer contract.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { CameraSession } from './camera-session.ts';
import type { LiveChunk } from './live-view.ts';
import { parseCameraConfig } from './parse-camera-config.ts';
import { connectionStatuses, errorReasons, FAST_TIMINGS, nextFrames, recordEvents, waitFor } from './testing/session-probe.ts';
import { makeTestVideo } from './testing/test-media.ts';

let h264 = '';
let h265 = '';
const sessions: CameraSession[] = [];
before(async () => {
  [h264, h265] = await Promise.all([
    makeTestVideo({ width: 320, height: 240, fps: 15, seconds: 2 }),
    makeTestVideo({ width: 320, height: 240, fps: 15, seconds: 2, codec: 'h265' }),
  ]);
});
after(() => {
  for (const s of sessions) s.close();
});

function session(source: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  const config = parseCameraConfig({ id: `file-${sessions.length}`, name: 'File', source: { type: 'file', ...source }, detection: { fps_limit: 5, detect_width: 1280 }, ...extra });
  const s = new CameraSession(config, { timings: FAST_TIMINGS });
  sessions.push(s);
  return s;
}

test('looped in real time: steady rate across the loop point, never upscaled past the source width', async () => {
  const s = session({ path: h264, loop: true });
  s.start();
  const frames = await nextFrames(s, 14, 10_000); // past the 2 s loop point
  assert.deepEqual([frames[0].width, frames[0].height], [320, 240], 'detect_width 1280 does not upscale a 320 px source');
  const span = (frames[13].received_timestamp - frames[3].received_timestamp) / 1000;
  assert.ok(10 / span > 4 && 10 / span < 6, `fps ${10 / span}`);
  assert.equal(s.state, 'live');
});

test('not looped: the camera stops at the end of the file (no error, no retry)', async () => {
  const s = session({ path: h264, loop: false, realtime: false });
  const events = recordEvents(s);
  s.start();
  await waitFor(() => s.state === 'stopped', 10_000, 'end of file');
  assert.deepEqual(connectionStatuses(events), ['connecting', 'connected', 'stopped']);
  assert.deepEqual(errorReasons(events), []);
  // 2 s of video at fps_limit 5, decoded as fast as possible.
  assert.ok(Math.abs(s.stats().frames_queued - 10) <= 1, `frames ${s.stats().frames_queued}`);
});

test('a missing file is STREAM_NOT_FOUND and retried on the slow schedule', async () => {
  const s = session({ path: '/nonexistent/vigil/video.mp4' });
  const events = recordEvents(s);
  s.start();
  await waitFor(() => errorReasons(events).length, 5000, 'an error');
  const e = events.find((x) => x.event_type === 'camera_error');
  assert.ok(e?.event_type === 'camera_error' && e.error.reason === 'STREAM_NOT_FOUND' && e.error.code === 'STREAM_UNAVAILABLE');
  assert.ok(Date.parse(e.error.next_retry_at!) - Date.parse(e.timestamp) >= 2900);
});

test('H.265: the codec is learned on connect; live view is fMP4 (hvc1) plus the JPEG fallback', async () => {
  const s = session({ path: h265, loop: true }, { live_view: { mode: 'auto', mjpeg_fps: 4 } });
  const mp4: LiveChunk[] = [];
  const jpg: LiveChunk[] = [];
  s.liveView.subscribe('fmp4', (c) => mp4.push(c));
  s.liveView.subscribe('mjpeg', (c) => jpg.push(c));
  s.start();
  await nextFrames(s, 3, 10_000);
  await waitFor(() => jpg.length >= 2, 5000, 'JPEG fallback pictures');
  assert.deepEqual(s.liveView.formats.sort(), ['fmp4', 'mjpeg']);
  assert.ok(mp4[0]?.kind === 'init' && mp4[0].codec?.startsWith('hvc1.'), 'fMP4 init with an hvc1 codec string');
  assert.equal(s.stats().codec, 'hevc');
  assert.equal(s.stats().reconnections, 0, 'the reopen for the codec is not a reconnection');
});

test('live view off, and forced JPEG for an H.264 source', async () => {
  const off = session({ path: h264, loop: true }, { live_view: { mode: 'off' } });
  const jpegOnly = session({ path: h264, loop: true }, { live_view: { mode: 'mjpeg', mjpeg_fps: 5, mjpeg_width: 160 } });
  let jpegs = 0;
  jpegOnly.liveView.subscribe('mjpeg', (c) => {
    if (c.kind === 'jpeg' && c.data[0] === 0xff && c.data[1] === 0xd8) jpegs++;
  });
  off.start();
  jpegOnly.start();
  await Promise.all([nextFrames(off, 2, 10_000), nextFrames(jpegOnly, 2, 10_000)]);
  await waitFor(() => jpegs >= 2, 5000, 'JPEG live pictures');
  assert.deepEqual(off.liveView.formats, []);
  assert.equal(off.stats().bandwidth_kbps, null);
  assert.deepEqual(jpegOnly.liveView.formats, ['mjpeg']);
});

test('ring: a consumer that never takes frames loses the oldest (counted); taken frames are processed, not drops', async () => {
  const s = session({ path: h264, loop: true, realtime: false }, { detection: { fps_limit: 30, detect_width: 160 } });
  s.start();
  await waitFor(() => s.stats().frames_queued >= 25, 10_000, '25 frames');
  const st = s.stats();
  assert.equal(st.queue_depth, 10);
  assert.ok(st.frames_dropped >= 15 && st.frames_dropped === st.frames_queued - 10, JSON.stringify(st));
  const oldest = (await s.nextFrame())!;
  const next = (await s.nextFrame())!;
  assert.ok(next.seq > oldest.seq && oldest.seq > st.frames_dropped, 'the oldest frames were the ones dropped');
  assert.equal(s.stats().frames_processed, 2);
  assert.ok(s.latestFrame()!.seq >= next.seq, 'the latest frame is there for a capture without taking it');
  s.stop();
  while (await s.nextFrame());
  assert.equal(await s.nextFrame(), null, 'a stopped, drained camera answers null at once');
});

test('two streams: detection frames from the substream, the main stream copied (not decoded) into fMP4', async () => {
  const [main, sub] = await Promise.all([
    makeTestVideo({ width: 640, height: 480, fps: 15, seconds: 2 }),
    makeTestVideo({ width: 320, height: 240, fps: 10, seconds: 2 }),
  ]);
  const s = session({ path: main, loop: true }, { detection: { fps_limit: 5, detect_width: 640, detect_stream: sub } });
  const mp4: LiveChunk[] = [];
  s.liveView.subscribe('fmp4', (c) => mp4.push(c));
  s.start();
  const frames = await nextFrames(s, 3, 10_000);
  assert.deepEqual([frames[0].width, frames[0].height], [320, 240], 'detection frames come from the 320×240 substream');
  await waitFor(() => mp4.some((c) => c.kind === 'segment'), 5000, 'fMP4 segments of the main stream');
  assert.ok(mp4[0]?.kind === 'init' && mp4[0].codec?.startsWith('avc1.'));
  const st = s.stats();
  assert.deepEqual([st.width, st.height, st.detect_width, st.detect_height], [640, 480, 320, 240], 'stream info is the main stream');
  assert.deepEqual(s.liveView.formats, ['fmp4']);
});
