// HTTP-MJPEG, WebSocket and raw-socket cameras against real loopback servers sending real JPEGs:
// auth and headers, camera timestamps, faults (garbage, truncated frames, crash, stall).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { CameraSession } from './camera-session.ts';
import { completeJpegInfo } from './jpeg-scan.ts';
import { parseCameraConfig } from './parse-camera-config.ts';
import type { LoopbackJpegServer } from './testing/mjpeg-http-server.ts';
import { startMjpegServer } from './testing/mjpeg-http-server.ts';
import { connectionStatuses, errorReasons, FAST_TIMINGS, nextFrames, recordEvents, waitFor } from './testing/session-probe.ts';
import { startSocketJpegServer } from './testing/socket-jpeg-server.ts';
import { makeTestJpegs } from './testing/test-media.ts';
import { startWsJpegServer } from './testing/ws-jpeg-server.ts';

let jpegs: Buffer[] = [];
const sessions: CameraSession[] = [];
const servers: LoopbackJpegServer[] = [];
before(async () => {
  jpegs = await makeTestJpegs({ width: 320, height: 240, count: 8 });
});
after(async () => {
  for (const s of sessions) s.close();
  await Promise.all(servers.map((s) => s.stop()));
});

async function serve<T extends LoopbackJpegServer>(p: Promise<T>): Promise<T> {
  const s = await p;
  servers.push(s);
  return s;
}

function session(source: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  const config = parseCameraConfig({ id: `push-${sessions.length}`, name: 'Push', source, detection: { fps_limit: 5, detect_width: 160 }, ...extra });
  const s = new CameraSession(config, { timings: FAST_TIMINGS });
  sessions.push(s);
  return s;
}

test('HTTP-MJPEG: basic auth and custom headers, frames decoded at the detection rate, camera time → latency, JPEG passthrough live view', async () => {
  const server = await serve(startMjpegServer({ frames: jpegs, fps: 20, auth: { user: 'cam', password: 'secret' } }));
  const s = session({ type: 'http_mjpeg', url: server.url, username: 'cam', password: 'secret', headers: { 'X-Site': 'hq' } });
  let liveJpegs = 0;
  s.liveView.subscribe('mjpeg', (c) => {
    if (c.kind === 'jpeg' && completeJpegInfo(c.data)) liveJpegs++;
  });
  s.start();
  const frames = await nextFrames(s, 8, 10_000);
  assert.equal(server.lastRequestHeaders?.['x-site'], 'hq');
  for (const f of frames) {
    assert.deepEqual([f.width, f.height, f.data.length], [160, 120, 160 * 120 * 3]);
    assert.ok(f.camera_timestamp !== null && f.latency_ms !== null && f.latency_ms >= 0 && f.latency_ms < 1000, `latency ${f.latency_ms}`);
  }
  const span = (frames[7].received_timestamp - frames[1].received_timestamp) / 1000;
  const fps = 6 / span;
  assert.ok(fps > 3.5 && fps < 6.5, `fps ${fps} from a 20 fps camera limited to 5`);
  const st = s.stats();
  assert.ok(st.frames_captured > st.frames_queued * 2, 'every source frame counted, a quarter decoded');
  assert.ok(liveJpegs > frames.length * 2, 'the live view gets the camera rate, not the detection rate');
  assert.equal(st.codec, 'mjpeg');
  assert.ok(st.avg_latency_ms !== null && st.bandwidth_kbps !== null && st.bandwidth_kbps > 0);
});

test('HTTP-MJPEG: wrong password → AUTH_FAILED; unknown path → STREAM_NOT_FOUND', async () => {
  const server = await serve(startMjpegServer({ frames: jpegs, fps: 10, auth: { user: 'cam', password: 'secret' } }));
  const bad = session({ type: 'http_mjpeg', url: server.url, username: 'cam', password: 'nope' });
  const missing = session({ type: 'http_mjpeg', url: server.url.replace('/video', '/nothing'), username: 'cam', password: 'secret' });
  const e1 = recordEvents(bad);
  const e2 = recordEvents(missing);
  bad.start();
  missing.start();
  await waitFor(() => errorReasons(e1).length && errorReasons(e2).length, 5000, 'both errors');
  assert.deepEqual(errorReasons(e1), ['AUTH_FAILED']);
  assert.deepEqual(errorReasons(e2), ['STREAM_NOT_FOUND']);
});

test('HTTP-MJPEG: garbage between parts and truncated JPEGs are skipped and counted; the camera stays live', async () => {
  const server = await serve(startMjpegServer({ frames: jpegs, fps: 20, faults: { garbageEvery: 3, truncateEvery: 4 } }));
  const s = session({ type: 'http_mjpeg', url: server.url });
  s.start();
  await nextFrames(s, 6, 10_000);
  const st = s.stats();
  assert.equal(st.state, 'live');
  assert.ok(st.frames_corrupt >= 2, `corrupt ${st.frames_corrupt}`);
  assert.ok(st.garbage_bytes >= 700, `garbage ${st.garbage_bytes}`);
  assert.ok(Math.abs(st.frames_corrupt - server.feed.truncatedSent) <= 1, `${st.frames_corrupt} counted vs ${server.feed.truncatedSent} sent`);
});

test('HTTP-MJPEG: a stalled camera (connection open, no frames) is restarted by the watchdog and resumes', async () => {
  const server = await serve(startMjpegServer({ frames: jpegs, fps: 10 }));
  const s = session({ type: 'http_mjpeg', url: server.url });
  const events = recordEvents(s);
  s.start();
  await nextFrames(s, 2, 10_000);
  server.stall();
  await waitFor(() => errorReasons(events).includes('STALLED'), 4000, 'STALLED');
  server.resume();
  await waitFor(() => connectionStatuses(events).filter((x) => x === 'connected').length === 2, 10_000, 'live again');
  assert.ok(server.connections >= 2, 'reconnected');
});

test('WebSocket binary: frames decoded; garbage and truncated messages counted', async () => {
  const server = await serve(startWsJpegServer({ frames: jpegs, fps: 20, protocol: 'binary', faults: { garbageEvery: 5, truncateEvery: 7 } }));
  const s = session({ type: 'websocket', url: server.url, protocol: 'binary' });
  s.start();
  const frames = await nextFrames(s, 5, 10_000);
  assert.equal(frames[0].data.length, 160 * 120 * 3);
  assert.equal(frames[0].camera_timestamp, null, 'binary JPEGs carry no camera time');
  const st = s.stats();
  assert.ok(st.frames_corrupt >= 2 && st.state === 'live', JSON.stringify(st));
});

test('WebSocket base64 (plain and JSON with camera time) and basic auth', async () => {
  const plain = await serve(startWsJpegServer({ frames: jpegs, fps: 15, protocol: 'base64', auth: { user: 'u', password: 'p' } }));
  const json = await serve(startWsJpegServer({ frames: jpegs, fps: 15, protocol: 'json' }));
  const a = session({ type: 'websocket', url: plain.url, protocol: 'base64', username: 'u', password: 'p' });
  const b = session({ type: 'websocket', url: json.url, protocol: 'base64' });
  const denied = session({ type: 'websocket', url: plain.url, protocol: 'base64', username: 'u', password: 'wrong' });
  const de = recordEvents(denied);
  a.start();
  b.start();
  denied.start();
  const [fa, fb] = await Promise.all([nextFrames(a, 3, 10_000), nextFrames(b, 3, 10_000)]);
  assert.equal(fa[0].data.length, 160 * 120 * 3);
  assert.ok(fb.every((f) => f.latency_ms !== null && f.latency_ms >= 0 && f.latency_ms < 1000));
  await waitFor(() => errorReasons(de).length, 5000, 'auth error');
  assert.deepEqual(errorReasons(de), ['AUTH_FAILED']);
});

test('WebSocket: a peer that stops answering pings is dropped and retried', async () => {
  const server = await serve(startWsJpegServer({ frames: jpegs, fps: 10, answerPings: false }));
  const s = session({ type: 'websocket', url: server.url, ping_interval_ms: 1000 });
  const events = recordEvents(s);
  s.start();
  await waitFor(() => errorReasons(events).includes('STALLED'), 5000, 'a missed pong');
  assert.match(s.stats().last_error ?? '', /pong/);
});

test('raw socket: JPEG SOI framing with noise and truncated frames; custom header marker; crash and recovery', async () => {
  const server = await serve(startSocketJpegServer({ frames: jpegs, fps: 20, faults: { garbageEvery: 4, truncateEvery: 6 } }));
  const s = session({ type: 'socket', host: '127.0.0.1', port: server.port, delimiter_hex: 'ffd8ff' });
  const events = recordEvents(s);
  s.start();
  await nextFrames(s, 4, 10_000);
  let st = s.stats();
  assert.ok(st.frames_corrupt >= 1 && st.garbage_bytes >= 777, JSON.stringify(st));

  await server.kill();
  await waitFor(() => s.state === 'error', 3000, 'loss noticed');
  await waitFor(() => errorReasons(events).length >= 2, 5000, 'a failed retry while down');
  await server.restart();
  await waitFor(() => connectionStatuses(events).filter((x) => x === 'connected').length === 2, 10_000, 'live again');
  st = s.stats();
  assert.ok(st.reconnections >= 2 && st.downtime_ms > 0);

  const marked = await serve(startSocketJpegServer({ frames: jpegs, fps: 15, header: Buffer.from('CAMFRAME') }));
  const m = session({ type: 'socket', host: '127.0.0.1', port: marked.port, delimiter_hex: Buffer.from('CAMFRAME').toString('hex') });
  m.start();
  const f = await nextFrames(m, 2, 10_000);
  assert.equal(f[1].data.length, 160 * 120 * 3);
  assert.equal(m.stats().frames_corrupt, 0);
});
