// `testCamera()` and `vigil camera-test`: the UI's "Test connection" and the CLI share this code.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import { steadyFps, testCamera } from './camera-test.ts';
import { cameraTestConfig, sourceFromSeed } from './camera-test-input.ts';
import { rtspServerUnavailable, startRtspServer, type RtspServer } from './testing/rtsp-server.ts';
import { makeTestVideo } from './testing/test-media.ts';

const run = promisify(execFile);
const VIGIL = fileURLToPath(new URL('../cli/vigil.ts', import.meta.url));
let video = '';
let rtsp: RtspServer | null = null;
before(async () => {
  video = await makeTestVideo({ width: 320, height: 240, fps: 15, seconds: 4 });
});
after(async () => {
  await rtsp?.stop();
});

test('a working file camera: frames, rate, native size, codec, time to first frame, preview', async () => {
  const r = await testCamera({ type: 'file', path: video, loop: true }, { seconds: 1.5, preview: true });
  assert.ok(r.ok, JSON.stringify(r));
  assert.deepEqual([r.width, r.height, r.codec], [320, 240, 'h264']);
  assert.ok(r.frames >= 6 && r.frames <= 10, `frames ${r.frames}`);
  assert.ok(r.fps > 4 && r.fps < 6, `fps ${r.fps}`);
  assert.ok(r.first_frame_ms > 0 && r.first_frame_ms < 5000);
  assert.match(r.preview ?? '', /^data:image\/jpeg;base64,\/9j\//);
});

test('a detect stream: detection frames from the substream, size and codec of the main stream', async () => {
  const main = await makeTestVideo({ width: 640, height: 480, fps: 15, seconds: 2 });
  const r = await testCamera({ type: 'file', path: main, loop: true }, { seconds: 1, detectStream: video });
  assert.ok(r.ok, JSON.stringify(r));
  assert.deepEqual([r.width, r.height, r.detect_width, r.detect_height], [640, 480, 320, 240]);
  const bad = await testCamera({ type: 'rtsp', url: 'rtsp://127.0.0.1:1/main' }, { detectStream: 'http://x/sub' });
  assert.ok(!bad.ok && bad.error.code === 'INVALID_CONFIG' && bad.error.field === 'detection.detect_stream', JSON.stringify(bad));
});

test('failures come back as the public codes', async () => {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  const refused = await testCamera(`tcp://127.0.0.1:${port}`, { seconds: 1 });
  assert.deepEqual(refused.ok ? null : refused.error.code, 'STREAM_UNAVAILABLE');
  const invalid = await testCamera('{"type":"websocket","url":"http://not-ws"}');
  assert.ok(!invalid.ok && invalid.error.code === 'INVALID_CONFIG' && invalid.error.field === 'source.url', JSON.stringify(invalid));
  const bogus = await testCamera('definitely not a url');
  assert.ok(!bogus.ok && bogus.error.code === 'INVALID_CONFIG');

  // A camera that accepts the connection but never sends a frame.
  const silent = net.createServer(() => {});
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
  const t0 = Date.now();
  const timeout = await testCamera({ type: 'socket', host: '127.0.0.1', port: (silent.address() as net.AddressInfo).port }, { seconds: 1, connectTimeoutMs: 1000 });
  silent.close();
  assert.ok(!timeout.ok && timeout.error.code === 'TIMEOUT', JSON.stringify(timeout));
  assert.ok(Date.now() - t0 < 3000);
});

test('RTSP with a wrong password is AUTH_FAILED (message redacted)', async (t) => {
  const why = rtspServerUnavailable();
  if (why) return t.skip(why);
  rtsp = await startRtspServer({ auth: { user: 'admin', password: 'right' } });
  const r = await testCamera(rtsp.urlWith('admin', 'hunter2-wrong'), { seconds: 1 });
  assert.ok(!r.ok && r.error.code === 'AUTH_FAILED', JSON.stringify(r));
  assert.ok(!JSON.stringify(r).includes('hunter2-wrong'));
});

test('inputs: URLs, sources with integrator field names, whole camera configs', () => {
  assert.equal(cameraTestConfig('rtsp://cam/s').source.type, 'rtsp');
  assert.equal(cameraTestConfig('ws://cam/s').source.type, 'websocket');
  assert.equal(cameraTestConfig('http://cam/video.mjpg').source.type, 'http_mjpeg');
  assert.deepEqual(cameraTestConfig('tcp://10.0.0.3:9000').source, { ...cameraTestConfig('tcp://10.0.0.3:9000').source, host: '10.0.0.3', port: 9000 });
  assert.equal(cameraTestConfig('/dev/video0').source.type, 'usb');
  const seed = sourceFromSeed({ stream_type: 'SOCKET', host: '192.168.1.103', port: 9000, protocol: 'custom_v1', frame_delimiter: '\\xFF\\xD8\\xFF\\xE0', keepalive: true });
  assert.deepEqual(seed, { type: 'socket', host: '192.168.1.103', port: 9000, delimiter_hex: 'FFD8FFE0' });
  const ws = cameraTestConfig({ stream_type: 'WEBSOCKET', ws_url: 'ws://192.168.1.102:8080/stream', protocol: 'base64', ping_interval: 30, max_message_size: 5242880 });
  assert.ok(ws.source.type === 'websocket' && ws.source.ping_interval_ms === 30000 && ws.source.max_message_bytes === 5242880);
  const full = cameraTestConfig({ id: 'gate', name: 'Gate', source: { type: 'file', path: video }, detection: { fps_limit: 2 } });
  assert.equal(full.detection.fps_limit, 2);
  assert.equal(steadyFps([0, 1, 2, 3, 200, 400, 600, 800, 1000, 1200]), 5, 'a start-up burst does not inflate the rate');
});

test('CLI: JSON on stdout, exit 0 on success and non-zero on failure', async () => {
  const ok = await run(process.execPath, ['--import', 'tsx', VIGIL, 'camera-test', JSON.stringify({ type: 'file', path: video }), '--seconds', '1']);
  const body = JSON.parse(ok.stdout);
  assert.equal(body.ok, true);
  assert.deepEqual(Object.keys(body).slice(0, 7), ['ok', 'frames', 'fps', 'width', 'height', 'codec', 'first_frame_ms']);
  const bad = await run(process.execPath, ['--import', 'tsx', VIGIL, 'camera-test', '{"type":"socket","host":"127.0.0.1","port":99999}']).then(
    () => ({ code: 0, stdout: '' }),
    (e: { code: number; stdout: string }) => e,
  );
  assert.equal(bad.code, 1);
  assert.deepEqual(JSON.parse(bad.stdout).error.code, 'INVALID_CONFIG');
});
