// Eight cameras at once (RTSP and files), one of them failing: the others are unaffected. Plus the
// manager's config contract (validation, conflicts, in-place vs reconnecting updates).
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { VigilError } from '../../src-contract/errors.ts';
import { CameraManager } from './camera-manager.ts';
import { closedPort } from './testing/closed-port.ts';
import { rtspServerUnavailable, startRtspServer, type RtspServer } from './testing/rtsp-server.ts';
import { errorReasons, FAST_TIMINGS, recordEvents, waitFor } from './testing/session-probe.ts';
import { makeTestVideo } from './testing/test-media.ts';

// Fast retries for the broken camera, but the product's own stall timeout: on a loaded 2-core CI machine a
// healthy ffmpeg reader can go 1.5 s without a frame, and a stall reconnect is not what this test is about.
const { stallTimeoutMs: _fast, ...timings } = FAST_TIMINGS;
const manager = new CameraManager({ timings });
let rtsp: RtspServer | null = null;
after(async () => {
  manager.close();
  await rtsp?.stop();
});


test('8 cameras at once, one failing: the other 7 deliver at their rate', async () => {
  const video = await makeTestVideo({ width: 320, height: 240, fps: 15, seconds: 4 });
  const useRtsp = rtspServerUnavailable() === null;
  if (useRtsp) rtsp = await startRtspServer({ fps: 15, shared: true });
  const events = recordEvents(manager);
  const healthy: string[] = [];
  for (let i = 0; i < 7; i++) {
    const id = `cam-${i}`;
    healthy.push(id);
    const source = useRtsp && i < 3 ? { type: 'rtsp', url: rtsp!.url } : { type: 'file', path: video, loop: true };
    manager.add({ id, name: `Camera ${i}`, source, detection: { fps_limit: 5, detect_width: 160 } });
  }
  manager.add({ id: 'broken', name: 'Broken', source: { type: 'rtsp', url: `rtsp://127.0.0.1:${await closedPort()}/cam` }, detection: { fps_limit: 5 } });

  const counts = new Map<string, number>();
  let windowOpen = false;
  const stop = new AbortController();
  for (const id of healthy) {
    void (async () => {
      for (let f = await manager.nextFrame(id, stop.signal); !stop.signal.aborted; f = await manager.nextFrame(id, stop.signal)) {
        if (f && windowOpen) counts.set(f.camera_id, (counts.get(f.camera_id) ?? 0) + 1);
        if (!f) await new Promise((r) => setTimeout(r, 25));
      }
    })();
  }
  await waitFor(() => healthy.every((id) => manager.get(id).state === 'live'), 90_000, 'all healthy cameras live');
  await new Promise((r) => setTimeout(r, 1000)); // past RTSP's start-up burst
  windowOpen = true;
  await new Promise((r) => setTimeout(r, 3000));
  windowOpen = false;
  // Every healthy camera at once, so that a failure shows the whole picture (all counts, errors, drops).
  const seen = healthy.map((id) => {
    const st = manager.stats(id);
    return { id, frames: counts.get(id) ?? 0, errors: st.error_count, dropped: st.frames_dropped, state: st.state };
  });
  const detail = JSON.stringify(seen);
  for (const s of seen) {
    // Lower bound leaves room for a loaded CI machine; the upper bound pins the rate limit.
    assert.ok(s.frames >= 9 && s.frames <= 18, `${s.id}: ${s.frames} frames in 3 s at fps_limit 5; all: ${detail}`);
    assert.equal(s.errors, 0, `${s.id} saw no error; all: ${detail}`);
    assert.equal(s.dropped, 0, `${s.id} dropped nothing; all: ${detail}`);
  }
  const broken = manager.stats('broken');
  assert.notEqual(broken.state, 'live');
  assert.ok(broken.error_count >= 3, `broken camera kept retrying with backoff (${broken.error_count})`);
  assert.ok(errorReasons(events.filter((e) => e.camera_id === 'broken')).every((r) => r === 'STREAM_UNAVAILABLE'));
  assert.ok(events.some((e) => e.event_type === 'camera_stats' && e.camera_id === 'cam-0' && e.stats.fps > 0));
  stop.abort();
  manager.close();
});

test('configs are validated at the boundary; ids are unique; updates reconnect only when needed', async () => {
  const video = await makeTestVideo({ width: 320, height: 240, fps: 15, seconds: 4 });
  const m = new CameraManager({ timings: FAST_TIMINGS });
  try {
    assert.throws(() => m.add({ id: 'x', name: 'X', source: { type: 'socket', host: 'h', port: 0 } }), (e: unknown) => e instanceof VigilError && e.code === 'INVALID_CONFIG' && e.extra.field === 'source.port');
    const cfg = { id: 'lobby', name: 'Lobby', source: { type: 'file', path: video, loop: true }, detection: { fps_limit: 5, detect_width: 160 } };
    const s1 = m.add(cfg);
    assert.throws(() => m.add(cfg), (e: unknown) => e instanceof VigilError && e.code === 'CONFLICT');
    const s2 = m.update({ ...cfg, name: 'Main lobby', role: 'entry' });
    assert.equal(s2, s1, 'a rename keeps the connection');
    assert.equal(s2.config.name, 'Main lobby');
    const s3 = m.update({ ...cfg, detection: { fps_limit: 2, detect_width: 160 } });
    assert.notEqual(s3, s1, 'a new rate needs a new connection');
    assert.equal(s1.state, 'stopped');
    await waitFor(() => s3.state === 'live', 10_000, 'the updated camera live');
    m.remove('lobby');
    assert.equal(s3.state, 'stopped');
    assert.ok(!m.has('lobby'));
    const disabled = m.add({ ...cfg, id: 'off', enabled: false });
    assert.equal(disabled.state, 'disabled');
  } finally {
    m.close();
  }
});
