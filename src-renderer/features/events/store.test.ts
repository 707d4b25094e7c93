import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { VigilEvent } from '../../../src-contract/schemas.ts';
import { matches, toQuery } from './store.ts';

const ev = (over: Partial<VigilEvent> = {}): VigilEvent => ({
  id: 'e1', camera_id: 'cam1', camera_name: 'Door', started_at: '2024-05-01T10:00:00.000Z', ended_at: null, decided_at: null,
  decision: 'recognized', person_id: 'p1', person_name: 'Ada', confidence: 0.8, distance: 0.4, margin: 0.2,
  box: [0, 0, 10, 10], frame_width: 100, frame_height: 100, face_snapshot: null, frame_snapshot: null, quality: null,
  model: null, acknowledged_by: null, corrected_by: null, correction: null, flags: [], ...over,
});

test('live events join the view only when they pass every filter', () => {
  assert.ok(matches(ev(), {}));
  assert.ok(matches(ev(), { camera_id: 'cam1', decision: 'recognized', person: { id: 'p1', name: 'Ada' }, min_confidence: 0.8 }));
  assert.equal(matches(ev(), { camera_id: 'cam2' }), false);
  assert.equal(matches(ev(), { decision: 'unknown' }), false);
  assert.equal(matches(ev(), { person: { id: 'p2', name: 'Bo' } }), false);
  assert.equal(matches(ev({ confidence: null }), { min_confidence: 0.1 }), false);
  assert.equal(matches(ev(), { from: '2024-05-01T11:00:00.000Z' }), false);
  assert.equal(matches(ev(), { to: '2024-05-01T09:00:00.000Z' }), false);
});

test('filters become the contract query (person by id)', () => {
  assert.deepEqual(toQuery({ person: { id: 'p1', name: 'Ada' }, decision: 'unknown' }), {
    camera_id: undefined, person_id: 'p1', decision: 'unknown', from: undefined, to: undefined, min_confidence: undefined,
  });
});
