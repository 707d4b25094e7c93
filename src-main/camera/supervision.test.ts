// Supervision rules on real sockets: max_retries gives up, a healthy period resets the backoff,
// oversized WebSocket messages are refused.
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, test } from 'node:test';
import { CameraSession } from './camera-session.ts';
import { parseCameraConfig } from './parse-camera-config.ts';
import type { LoopbackJpegServer } from './testing/mjpeg-http-server.ts';
import { connectionStatuses, errorReasons, FAST_TIMINGS, nextFrames, recordEvents, waitFor } from './testing/session-probe.ts';
import { startSocketJpegServer } from './testing/socket-jpeg-server.ts';
import { makeTestJpegs } from './testing/test-media.ts';
import { startWsJpegServer } from './testing/ws-jpeg-server.ts';

let jpegs: Buffer[] = [];
const sessions: CameraSession[] = [];
const servers: LoopbackJpegServer[] = [];
before(async () => {
  jpegs = await makeTestJpegs({ count: 4 });
});
after(async () => {
  for (const s of sessions) s.close();
  await Promise.all(servers.map((s) => s.stop()));
});

function session(source: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  const s = new CameraSession(parseCameraConfig({ id: `sup-${sessions.length}`, name: 'S', source, detection: { detect_width: 160 }, ...extra }), { timings: FAST_TIMINGS });
  sessions.push(s);
  return s;
}

const delaysOf = (events: ReturnType<typeof recordEvents>) =>
  events.flatMap((e) => (e.event_type === 'camera_error' && e.error.next_retry_at ? [Date.parse(e.error.next_retry_at) - Date.parse(e.timestamp)] : []));

test('max_retries: after that many failed retries the camera stops with the reason', async () => {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  const s = session({ type: 'socket', host: '127.0.0.1', port }, { max_retries: 2 });
  const events = recordEvents(s);
  s.start();
  await waitFor(() => s.state === 'stopped', 5000, 'giving up');
  assert.equal(errorReasons(events).length, 3, 'first attempt + 2 retries');
  const stopped = events.at(-1)!;
  assert.ok(stopped.event_type === 'camera_connection' && stopped.status === 'stopped' && /gave up after 3/.test(stopped.details));
  const last = events.filter((e) => e.event_type === 'camera_error').at(-1)!;
  assert.ok(last.event_type === 'camera_error' && last.error.next_retry_at === null, 'the last error announces no retry');
});

test('backoff grows while failing and starts over after a healthy period', async () => {
  const server = await startSocketJpegServer({ frames: jpegs, fps: 15 });
  servers.push(server);
  const s = session({ type: 'socket', host: '127.0.0.1', port: server.port });
  const events = recordEvents(s);
  s.start();
  await nextFrames(s, 2, 5000);
  await server.kill();
  await waitFor(() => errorReasons(events).length >= 3, 6000, 'three failures');
  const first = delaysOf(events);
  assert.ok(first[2] > first[0] * 2.5, `growing delays ${first}`);
  await server.restart();
  await waitFor(() => connectionStatuses(events).filter((x) => x === 'connected').length === 2, 6000, 'live again');
  await new Promise((r) => setTimeout(r, (FAST_TIMINGS.healthyResetMs ?? 0) + 300)); // healthy long enough
  const before = delaysOf(events).length;
  await server.kill();
  await waitFor(() => delaysOf(events).length > before, 4000, 'the next failure');
  const after = delaysOf(events)[before];
  assert.ok(after < first[0] * 1.3, `backoff reset: ${after} ms vs first ${first[0]} ms`);
  assert.equal(s.stats().consecutive_failures, 1);
});

test('WebSocket: a message over max_message_bytes is refused (UNSUPPORTED, slow retry)', async () => {
  const server = await startWsJpegServer({ frames: jpegs, fps: 10 });
  servers.push(server);
  assert.ok(jpegs[0].length > 1024);
  const s = session({ type: 'websocket', url: server.url, max_message_bytes: 1024 });
  const events = recordEvents(s);
  s.start();
  await waitFor(() => errorReasons(events).length, 5000, 'the refusal');
  assert.deepEqual(errorReasons(events), ['UNSUPPORTED']);
  assert.match(s.stats().last_error ?? '', /max_message_bytes/);
});
