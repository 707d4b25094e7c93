import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LiveFrame } from '../../../src-contract/schemas.ts';
import { FaceTracks } from './face-tracks.ts';
import { containRect, mapBox } from './overlay-geometry.ts';

const face = (track_id: string, box: [number, number, number, number], extra: Partial<LiveFrame['faces'][number]> = {}): LiveFrame['faces'][number] => ({
  track_id, box, score: 0.9, decision: 'recognized', person_id: 'p1', name: 'Ada', confidence: 0.8, watchlist: false, ...extra,
});
const frame = (seq: number, captured: number, faces: LiveFrame['faces']): LiveFrame => ({
  camera_id: 'cam1', seq, frame_width: 1280, frame_height: 720, captured_at_ms: captured, faces,
});

test('containRect letterboxes and pillarboxes like object-fit: contain', () => {
  assert.deepEqual(containRect(1600, 900, 1280, 720), { x: 0, y: 0, w: 1600, h: 900 });
  assert.deepEqual(containRect(800, 800, 1280, 720), { x: 0, y: 175, w: 800, h: 450 });
  assert.deepEqual(containRect(1000, 300, 640, 480), { x: 300, y: 0, w: 400, h: 300 });
  assert.deepEqual(containRect(0, 300, 640, 480), { x: 0, y: 0, w: 0, h: 0 });
});

test('mapBox scales frame pixels to the displayed picture', () => {
  const shown = containRect(800, 800, 1280, 720); // 0.625 scale, 175 px top bar
  assert.deepEqual(mapBox([640, 360, 128, 72], 1280, 720, shown), { x: 400, y: 400, w: 80, h: 45 });
  // Detection frames may be smaller than the video: scaling follows the frame size, not the video size.
  assert.deepEqual(mapBox([320, 180, 64, 36], 640, 360, shown), { x: 400, y: 400, w: 80, h: 45 });
});

test('interpolates between detection frames, rendering one interval in the past', () => {
  const tracks = new FaceTracks();
  // Frames every 200 ms, each received 50 ms after capture.
  tracks.ingest(frame(1, 1000, [face('t1', [0, 0, 100, 100])]), 1050);
  tracks.ingest(frame(2, 1200, [face('t1', [100, 0, 100, 100])]), 1250);
  assert.equal(tracks.delayMs, 200);
  // At local 1350 the overlay shows camera time 1100 (local 1150): halfway between the frames.
  const [f] = tracks.sample(1350);
  assert.deepEqual(f.box, [50, 0, 100, 100]);
  assert.equal(f.name, 'Ada');
  // Past the newest frame the box holds still rather than extrapolating.
  assert.deepEqual(tracks.sample(1600)[0].box, [100, 0, 100, 100]);
});

test('network jitter does not bend the timeline (camera timestamps give the spacing)', () => {
  const tracks = new FaceTracks();
  tracks.ingest(frame(1, 1000, [face('t1', [0, 0, 10, 10])]), 1050);
  tracks.ingest(frame(2, 1200, [face('t1', [100, 0, 10, 10])]), 1390); // arrived 140 ms late
  const [f] = tracks.sample(1350); // camera 1100 -> halfway, regardless of the late arrival
  assert.deepEqual(f.box, [50, 0, 10, 10]);
});

test('a track missing from a newer frame goes away; silence expires tracks after ~1 s', () => {
  const tracks = new FaceTracks();
  tracks.ingest(frame(1, 1000, [face('a', [0, 0, 10, 10]), face('b', [50, 50, 10, 10], { decision: 'unknown', name: null, person_id: null })]), 1010);
  tracks.ingest(frame(2, 1200, [face('a', [5, 0, 10, 10])]), 1210);
  assert.deepEqual(tracks.sample(1250).map((f) => f.trackId).sort(), ['a', 'b'], 'b still drawn until render time reaches frame 2');
  assert.deepEqual(tracks.sample(1420).map((f) => f.trackId), ['a']);
  assert.equal(tracks.sample(1500).length, 1, 'held one and a half intervals past its last sample');
  assert.equal(tracks.sample(1800).length, 0, 'then not drawn: no stale box while frames stop coming');
  assert.equal(tracks.size, 1, 'kept until it expires (it may still come back)');
  assert.equal(tracks.sample(2300).length, 0, 'expired without updates');
  assert.equal(tracks.size, 0);
});

test('unknown and pending faces carry no name; out-of-order frames are ignored', () => {
  const tracks = new FaceTracks();
  tracks.ingest(frame(5, 1000, [face('u', [0, 0, 10, 10], { decision: 'unknown', name: 'stale', person_id: null })]), 1000);
  tracks.ingest(frame(4, 900, [face('u', [500, 500, 10, 10])]), 1001);
  const [f] = tracks.sample(1100);
  assert.equal(f.name, null);
  assert.equal(f.decision, 'unknown');
  assert.deepEqual(f.box, [0, 0, 10, 10]);
});

test('no stale box: a track the newer frame lacks goes half an interval after its last sample (media-time path too)', () => {
  const tracks = new FaceTracks();
  tracks.ingest(frame(1, 1000, [face('a', [0, 0, 10, 10])]), 1010);
  tracks.ingest(frame(2, 1200, [face('a', [20, 0, 10, 10])]), 1210);
  tracks.ingest(frame(3, 1400, [face('b', [40, 0, 10, 10])]), 1410); // the tracker split the face: new id
  assert.deepEqual(tracks.sampleAt(1250, 1420, { hideFuture: true }).map((f) => f.trackId), ['a'], 'a still drawn on the picture just after its last sample');
  assert.deepEqual(tracks.sampleAt(1320, 1420, { hideFuture: true }).map((f) => f.trackId), ['b'], 'a gone 0.5 interval after its last sample, never two boxes on one face');
  assert.deepEqual(tracks.sampleAt(1400, 1420, { hideFuture: true }).map((f) => f.trackId), ['b']);
});
