// RTSP cameras against a real gst-rtsp-server on loopback (no ffmpeg mocks): TCP and UDP, auth,
// server crash and recovery, stalled server.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CameraSession } from './camera-session.ts';
import { parseCameraConfig } from './parse-camera-config.ts';
import { rtspServerUnavailable, startRtspServer, type RtspServer } from './testing/rtsp-server.ts';
import { connectionStatuses, errorReasons, FAST_TIMINGS, nextFrames, recordEvents, waitFor } from './testing/session-probe.ts';

const skip = rtspServerUnavailable();
const sessions: CameraSession[] = [];
const servers: RtspServer[] = [];
after(async () => {
  for (const s of sessions) s.close();
  await Promise.all(servers.map((s) => s.stop()));
});

function rtspSession(source: Record<string, unknown>, extra: Record<string, unknown> = {}, logs?: string[]) {
  const config = parseCameraConfig({ id: `rtsp-${sessions.length}`, name: 'Door', source: { type: 'rtsp', ...source }, detection: { fps_limit: 5, detect_width: 160 }, ...extra });
  const logger = logs && { debug: (o: object, m?: string) => logs.push(`${m} ${JSON.stringify(o)}`), info: (o: object, m?: string) => logs.push(`${m} ${JSON.stringify(o)}`), warn: (o: object, m?: string) => logs.push(`${m} ${JSON.stringify(o)}`) };
  const s = new CameraSession(config, { timings: FAST_TIMINGS, logger: logger || undefined });
  sessions.push(s);
  return s;
}

describe('RTSP', { skip: skip ?? false }, () => {
  let plain: RtspServer;
  let secured: RtspServer;
  before(async () => {
    [plain, secured] = await Promise.all([startRtspServer({ fps: 15 }), startRtspServer({ fps: 15, auth: { user: 'admin', password: 'pa:ss@w/rd' } })]);
    servers.push(plain, secured);
  });

  test('TCP: rgb24 frames at the detection rate and width, H.264 live view as fMP4, connection events', async () => {
    const s = rtspSession({ url: plain.url, transport: 'tcp' });
    const events = recordEvents(s);
    let init: string | null = null;
    s.liveView.subscribe('fmp4', (c) => {
      if (c.kind === 'init') init = c.mime;
    });
    s.start();
    const frames = await nextFrames(s, 12, 15_000);
    for (const f of frames) {
      assert.equal(f.width, 160);
      assert.equal(f.height, 120);
      assert.equal(f.data.length, 160 * 120 * 3);
      assert.equal(f.camera_id, s.cameraId);
    }
    assert.deepEqual(frames.map((f) => f.seq), frames.map((_, i) => frames[0].seq + i), 'consecutive sequence numbers');
    // The frames after ffmpeg's probing burst arrive at ~5 fps (15 fps source, fps_limit 5).
    const steady = frames.slice(-6);
    const fps = (steady.length - 1) / ((steady[steady.length - 1].received_timestamp - steady[0].received_timestamp) / 1000);
    assert.ok(fps > 3.5 && fps < 6.5, `fps ${fps}`);
    assert.match(init ?? '', /^video\/mp4; codecs="avc1\.42/);
    const st = s.stats();
    assert.equal(st.state, 'live');
    assert.equal(st.codec, 'h264');
    assert.deepEqual([st.width, st.height, st.source_fps], [320, 240, 15]);
    assert.ok((st.bandwidth_kbps ?? 0) > 0, 'bandwidth seen through the copied stream');
    assert.deepEqual(connectionStatuses(events), ['connecting', 'connected']);
  });

  test('UDP transport delivers frames too', async () => {
    const s = rtspSession({ url: plain.url, transport: 'udp' });
    s.start();
    const frames = await nextFrames(s, 3, 15_000);
    assert.equal(frames[0].data.length, 160 * 120 * 3);
  });

  test('auth: the right password gets frames; a wrong one is AUTH_FAILED, retried slowly, never logged', async () => {
    const good = rtspSession({ url: secured.url, username: 'admin', password: 'pa:ss@w/rd' });
    good.start();
    await nextFrames(good, 2, 15_000);

    const logs: string[] = [];
    const bad = rtspSession({ url: secured.urlWith('admin', 'wrong-secret-42') }, {}, logs);
    const events = recordEvents(bad);
    bad.start();
    const err = await waitFor(() => events.find((e) => e.event_type === 'camera_error'), 10_000, 'an auth error');
    assert.ok(err.event_type === 'camera_error');
    assert.equal(err.error.code, 'AUTH_FAILED');
    assert.equal(err.error.reason, 'AUTH_FAILED');
    const wait = Date.parse(err.error.next_retry_at!) - Date.parse(err.timestamp);
    assert.ok(wait >= 2900, `slow retry floor (3 s in tests, 60 s by default), got ${wait} ms`);
    await new Promise((r) => setTimeout(r, 1500));
    assert.deepEqual(connectionStatuses(events), ['connecting'], 'no retry storm');
    assert.equal(bad.state, 'error');
    const everything = JSON.stringify(events) + logs.join('\n') + JSON.stringify(bad.stats());
    assert.ok(!everything.includes('wrong-secret-42'), 'password leaked');
    assert.match(bad.stats().last_error ?? '', /401|Unauthorized/);
  });

  test('server killed mid-stream: loss reported, backoff, resumes when the server is back', async () => {
    const server = await startRtspServer({ fps: 15 });
    servers.push(server);
    const s = rtspSession({ url: server.url });
    const events = recordEvents(s);
    s.start();
    await nextFrames(s, 3, 15_000);
    await server.kill();
    await waitFor(() => s.state === 'error' || s.state === 'connecting', 5000, 'the loss to be noticed');
    assert.ok(connectionStatuses(events).includes('disconnected'));
    // While it is down, retries fail and back off.
    await waitFor(() => errorReasons(events).length >= 2, 5000, 'a failed retry');
    const delays = events.flatMap((e) => (e.event_type === 'camera_error' && e.error.next_retry_at ? [Date.parse(e.error.next_retry_at) - Date.parse(e.timestamp)] : []));
    assert.ok(delays[1] > delays[0] * 1.3, `backoff grows: ${delays}`);
    await server.restart();
    await waitFor(() => s.state === 'live' && connectionStatuses(events).filter((x) => x === 'connected').length === 2, 15_000, 'live again');
    const st = s.stats();
    assert.ok(st.reconnections >= 1 && st.error_count >= 2 && st.downtime_ms > 300, JSON.stringify(st));
  });

  test('stalled server (process frozen, connection open): the watchdog restarts the reader', async () => {
    const server = await startRtspServer({ fps: 15 });
    servers.push(server);
    const s = rtspSession({ url: server.url });
    const events = recordEvents(s);
    s.start();
    await nextFrames(s, 3, 15_000);
    server.pause();
    const stalledAt = Date.now();
    await waitFor(() => errorReasons(events).includes('STALLED'), 5000, 'a STALLED error');
    const took = Date.now() - stalledAt;
    assert.ok(took >= 1000 && took < 4000, `watchdog after ~1.5 s, took ${took} ms`);
    server.resume();
    await waitFor(() => s.state === 'live' && connectionStatuses(events).filter((x) => x === 'connected').length === 2, 15_000, 'live again');
  });
});
