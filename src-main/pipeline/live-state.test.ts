import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LiveState } from './live-state.ts';
import { PipelineStats } from './pipeline-stats.ts';
import { LatencyWindow } from '../../src-engine/public.ts';

const frame = (camera_id: string, seq: number) => ({ camera_id, seq, frame_width: 640, frame_height: 360, captured_at_ms: seq, faces: [] });

test('LiveState keeps the latest frame per camera for its TTL only', () => {
  let t = 0;
  const live = new LiveState({ ttlMs: 3000, now: () => t });
  live.set(frame('a', 1));
  live.set(frame('a', 2));
  t = 1000;
  live.set(frame('b', 1));
  assert.deepEqual(live.latest().map((f) => [f.camera_id, f.seq]), [['a', 2], ['b', 1]]);
  t = 3000;
  assert.deepEqual(live.latest().map((f) => f.camera_id), ['b'], 'camera a expired');
  assert.deepEqual(live.latest('a'), []);
  t = 4001;
  assert.equal(live.get('b'), null);
});

test('PipelineStats: totals, per camera, per-minute windows and fps', () => {
  let t = 10 * 60_000;
  const s = new PipelineStats(() => t);
  for (let i = 0; i < 10; i++) { s.frameAnalysed('cam', 20, 2); t += 200; }
  s.add('cam', 'recognized');
  s.add(null, 'frames_dropped', 3);
  assert.equal(s.total.frames_analysed, 10);
  assert.equal(s.total.detections, 20);
  assert.equal(s.camera('cam').recognized, 1);
  assert.equal(s.total.frames_dropped, 3);
  assert.equal(s.camera('cam').frames_dropped, 0);
  assert.equal(s.fps('cam'), 5);
  t += 2 * 3_600_000;
  s.frameAnalysed('cam', 10, 0);
  assert.equal(s.since(3_600_000).frames_analysed, 1, 'only the last hour');
  assert.equal(s.since(3 * 3_600_000).frames_analysed, 11);
  assert.equal(s.since(3 * 3_600_000).processing_ms_sum, 210);
});

test('LatencyWindow percentiles over a bounded ring', () => {
  const w = new LatencyWindow(100);
  assert.equal(w.percentile(50), null);
  for (let i = 1; i <= 300; i++) w.record(i);
  assert.equal(w.count, 100);
  assert.equal(w.percentile(50), 250);
  assert.equal(w.percentile(95), 295);
  assert.equal(w.percentile(100), 300);
});
