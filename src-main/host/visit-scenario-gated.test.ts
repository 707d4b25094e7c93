// The walk-by scenario of visit-scenario.test.ts with the throughput work on, as the pipeline does it: each 5 fps
// frame goes through the motion gate / work planner (skip when nothing moves and no track is live, a crop around
// motion and tracks when cheaper), faces found in a crop are moved back to frame pixels, and frames whose faces
// all belong to tracks needing no more evidence are analysed without embeddings. Recognition must not drop:
// one event per visit, no unknown for staff, no wrong name, every staff visit recognised.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine } from '../../src-engine/in-process.ts';
import type { AnalyzeResult } from '../../src-engine/public.ts';
import { defaultFfmpegPath } from '../ffmpeg/resolve-ffmpeg.ts';
import { CameraTracker } from '../tracking/camera-tracker.ts';
import { WorkPlanner, cropRgb, offsetFaces } from '../pipeline/work-planner.ts';
import type { Rect } from '../pipeline/motion-gate.ts';
import {
  SCENARIO_VISIT_GAP_MS, composeVisitScenario, decodeAt, enrolScenario, runTracker, scoreVisits, type AnalysedFrame, type Scenario,
} from './testing/visit-scenario.ts';

const T0 = Date.UTC(2026, 11, 2, 9, 0, 0);
let engine: Engine;
let scenario: Scenario;
let ids: Map<string, string>;

before(async () => {
  engine = await Engine.create({ threads: 2 });
  scenario = await composeVisitScenario(join(tmpdir(), 'vigil-scenes', 'visits'), engine, defaultFfmpegPath());
  ids = await enrolScenario(engine, scenario);
});

after(async () => {
  await engine?.dispose();
});

test('5 fps with motion gating, crops and evidence-driven embedding: one event per visit, staff recognised', { timeout: 600_000 }, async () => {
  const thresholds = { minFacePx: 24, minDetectionConfidence: 0.6, recognitionThreshold: engine.searchThreshold() };
  // The planner's view of the tracks comes from a tracker fed exactly like the pipeline's (flushed by time).
  const live = new CameraTracker('cam', thresholds, { visitGapMs: SCENARIO_VISIT_GAP_MS });
  const planner = new WorkPlanner();
  const frames: AnalysedFrame[] = [];
  let i = 0;
  let offered = 0;
  for await (const f of decodeAt(scenario.video, 5, scenario.width, scenario.height, defaultFfmpegPath())) {
    offered++;
    const at = T0 + Math.round(f.t * 1000);
    live.flush(at);
    const views = live.tracks();
    const plan = planner.plan({ data: f.data, width: scenario.width, height: scenario.height }, views.map((t) => t.box as Rect), at);
    if (plan.kind === 'skip') continue;
    const embed = !(plan.kind === 'roi' && !plan.newActivity && views.length > 0 && views.every((t) => t.needsEvidence === false));
    if (!embed) planner.counters.embeddings_skipped++;
    const options = embed ? { embeddings: true, match: true } : { embeddings: false, match: false };
    let result: AnalyzeResult;
    if (plan.kind === 'roi') {
      const [x, y, w, h] = plan.rect;
      result = await engine.analyzeFrame({ width: w, height: h, channels: 3, data: cropRgb(f.data, scenario.width, plan.rect) }, options);
      offsetFaces(result.faces, x, y);
    } else {
      result = await engine.analyzeFrame({ width: scenario.width, height: scenario.height, channels: 3, data: f.data }, options);
    }
    frames.push({ t: f.t, result });
    live.update({
      frameId: `f${i++}`, at,
      faces: result.faces.map((face) => ({
        box: face.box, score: face.score, quality: { passed: face.quality.passed, reason: face.quality.reason }, embedding: face.embedding,
        candidates: face.match ? bestPerPerson(face.match.matches) : face.embedding ? [] : undefined,
      })),
    });
  }
  // Score the analysed frames with a fresh tracker fed the same way (flush by time before each update).
  const scored = new CameraTracker('cam', thresholds, { visitGapMs: SCENARIO_VISIT_GAP_MS });
  const timed = {
    update: (fr: Parameters<CameraTracker['update']>[0]) => {
      const ended = scored.flush(fr.at);
      const u = scored.update(fr);
      return { faces: u.faces, events: [...ended, ...u.events] };
    },
    flush: (now: number) => scored.flush(now),
  };
  const score = scoreVisits(scenario, runTracker(frames, T0, timed), ids);
  const c = planner.counters;
  console.log('gated 5 fps', JSON.stringify({ offered, analysed: frames.length, ...c, events: score.events, recognised: score.recognised_visits, enrolled: score.enrolled_visits }));
  assert.equal(score.events, scenario.visits.length, 'one event per visit');
  assert.equal(score.unknown_events_for_enrolled, 0);
  assert.equal(score.wrong_names, 0);
  assert.equal(score.recognised_visits, score.enrolled_visits, `staff recognised: ${score.recognised_visits}/${score.enrolled_visits}`);
  assert.ok(c.skipped_static + c.roi_frames > 0, 'the throughput work did something on this scene');
});

function bestPerPerson(matches: ReadonlyArray<{ person_id: string; score: number }>): Array<{ personId: string; similarity: number }> {
  const best = new Map<string, number>();
  for (const m of matches) best.set(m.person_id, Math.max(best.get(m.person_id) ?? -Infinity, m.score));
  return [...best].map(([personId, similarity]) => ({ personId, similarity })).sort((a, b) => b.similarity - a.similarity);
}
