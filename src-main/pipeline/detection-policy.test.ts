import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DetectionConfigSchema } from '../../src-contract/camera-config.ts';
import { DEFAULT_DETECTION, MIN_FACE_SIZE_FLOOR } from '../../src-engine/public.ts';
import { DEFAULTS, faceSizePx } from '../core/defaults.ts';
import { DetectionPolicyError, engineDetectionOptions, resolveDetectionPolicy, samePolicy } from './detection-policy.ts';

const site = { min_votes: 3 };
const camera = (o: Partial<{ min_face_px: number; min_detection_confidence: number; recognition_threshold: number | null }> = {}) =>
  ({ ...DetectionConfigSchema.parse({}), ...o });

test('the camera defaults reach the detector, the quality gate and the tracker as the same numbers', () => {
  const p = resolveDetectionPolicy(camera(), site, { searchThreshold: 0.42 });
  const c = DetectionConfigSchema.parse({});
  assert.equal(p.minFacePx, c.min_face_px);
  assert.equal(p.minDetectionConfidence, c.min_detection_confidence);
  assert.deepEqual(p.engine.detection, {
    minFaceSize: c.min_face_px, scoreThreshold: c.min_detection_confidence,
    candidateThreshold: Math.min(DEFAULT_DETECTION.candidateThreshold, c.min_detection_confidence),
  });
  // The gate uses the camera's confidence and size too: a face the tracker keeps can vote.
  assert.deepEqual(p.engine.quality, { minSize: c.min_face_px, minScore: c.min_detection_confidence });
  assert.equal(p.engine.embeddings, true);
  assert.equal(p.engine.match, true);
  assert.equal(p.minVotes, 3);
});

test('threshold: the camera\'s own wins, else the engine\'s reported one, else nothing is accepted yet', () => {
  assert.deepEqual(pick(resolveDetectionPolicy(camera({ recognition_threshold: 0.61 }), site, { searchThreshold: 0.42 })), [0.61, 'camera']);
  assert.deepEqual(pick(resolveDetectionPolicy(camera(), site, { searchThreshold: 0.42 })), [0.42, 'engine']);
  assert.deepEqual(pick(resolveDetectionPolicy(camera(), site, { searchThreshold: null })), [DEFAULTS.host.noThresholdYet.value, 'none_yet']);
  assert.deepEqual(pick(resolveDetectionPolicy(camera(), site, { searchThreshold: Number.NaN })), [DEFAULTS.host.noThresholdYet.value, 'none_yet']);
});

test('values are kept inside what the engine accepts', () => {
  const low = engineDetectionOptions({ minFacePx: 2, minConfidence: 0 });
  assert.equal(low.detection?.minFaceSize, MIN_FACE_SIZE_FLOOR);
  assert.equal(low.detection?.scoreThreshold, DEFAULTS.host.confidenceRange.value[0]);
  const high = engineDetectionOptions({ minConfidence: 1 });
  assert.equal(high.detection?.scoreThreshold, DEFAULTS.host.confidenceRange.value[1]);
  assert.equal(high.detection?.candidateThreshold, DEFAULT_DETECTION.candidateThreshold);
  assert.deepEqual(engineDetectionOptions({ maxFaces: 4 }), { detection: { maxFaces: 4 } });
});

test('bad settings are refused with a typed error', () => {
  assert.throws(() => resolveDetectionPolicy(camera({ min_face_px: -1 }), site, { searchThreshold: null }), DetectionPolicyError);
  assert.throws(() => resolveDetectionPolicy(camera({ min_detection_confidence: 1.5 }), site, { searchThreshold: null }), DetectionPolicyError);
  assert.throws(() => resolveDetectionPolicy(camera(), { min_votes: 0 }, { searchThreshold: null }), DetectionPolicyError);
});

test('samePolicy tells an unchanged policy from a changed one', () => {
  const a = resolveDetectionPolicy(camera(), site, { searchThreshold: 0.42 });
  assert.equal(samePolicy(null, a), false);
  assert.equal(samePolicy(a, resolveDetectionPolicy(camera(), site, { searchThreshold: 0.42 })), true);
  assert.equal(samePolicy(a, resolveDetectionPolicy(camera(), site, { searchThreshold: 0.43 })), false);
  assert.equal(samePolicy(a, resolveDetectionPolicy(camera({ min_face_px: 30 }), site, { searchThreshold: 0.42 })), false);
});

test('face size is the longer side of the box', () => {
  assert.equal(faceSizePx([0, 0, 30, 40]), 40);
  assert.equal(faceSizePx([5, 5, 50, 20]), 50);
});

function pick(p: { recognitionThreshold: number; thresholdSource: string }): [number, string] {
  return [p.recognitionThreshold, p.thresholdSource];
}
