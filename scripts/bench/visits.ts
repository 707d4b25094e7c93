// Visits benchmark (issue 12): events per visit and recognition per visit at 5, 3 and 2 fps analysis, today's
// pipeline against the previous release's (a git worktree, default /work/prev), in the same run, both fed the same
// engine results of the composed walk-by scenario (src-main/host/testing/visit-scenario.ts: 1280×720, 16 walk-bys
// making 15 visits, 9 by 6 enrolled people and 6 by 4 strangers, faces 45–115 px wide, crossings in 3–6.5 s,
// overlapping visits, people crossing each other, returning strangers). Each release runs at its own camera
// defaults: today's analyses frames scaled to detect_width 640 with min face 20 px (= 40 px of the 1280 frame)
// and the 30 s visit gap; the previous one analysed the 1280-wide frame with min face 40 px, so its tracker gets
// the same boxes in 1280-px coordinates, with that release's pipeline tracker options. Writes
// bench-results/visits.json and prints a markdown table.
//   npm run bench:visits [-- --prev /work/prev --fps 5,3,2]
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Engine } from '../../src-engine/in-process.ts';
import { defaultFfmpegPath } from '../../src-main/ffmpeg/resolve-ffmpeg.ts';
import { CameraTracker } from '../../src-main/tracking/camera-tracker.ts';
import {
  SCENARIO_VISIT_GAP_MS, analyseScenario, composeVisitScenario, enrolScenario, runTracker, scenarioPolicy, scoreVisits,
} from '../../src-main/host/testing/visit-scenario.ts';
import type { VisitScore } from '../../src-main/host/testing/visit-scenario.ts';

const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : def;
};
const PREV = arg('prev', '/work/prev');
const RATES = arg('fps', '5,3,2').split(',').map(Number);
const T0 = Date.UTC(2026, 11, 2, 9, 0, 0);
/** The previous release's camera default min_face_px (1280-wide detection frame). */
const OLD_MIN_FACE_PX = 40;

type Row = { fps: number; release: 'new' | 'old'; frames: number; engine_ms_per_frame: number } & VisitScore;

async function main(): Promise<void> {
  const ffmpeg = defaultFfmpegPath();
  const engine = await Engine.create({ threads: 2 });
  const scenario = await composeVisitScenario(path.join(tmpdir(), 'vigil-scenes', 'visits'), engine, ffmpeg);
  const ids = await enrolScenario(engine, scenario);
  const prevFile = path.join(PREV, 'src-main/tracking/camera-tracker.ts');
  const Old = existsSync(prevFile) ? (await import(pathToFileURL(prevFile).href) as { CameraTracker: new (...a: unknown[]) => Parameters<typeof runTracker>[2] }).CameraTracker : null;
  if (!Old) console.warn(`no previous release at ${PREV}: only today's pipeline is measured`);
  const rows: Row[] = [];
  const policy = scenarioPolicy(engine);
  const thresholds = { minFacePx: policy.minFacePx, minDetectionConfidence: policy.minDetectionConfidence, recognitionThreshold: policy.recognitionThreshold };
  const strip = ({ byVisit: _b, ...s }: ReturnType<typeof scoreVisits>) => s;
  for (const fps of RATES) {
    const t0 = performance.now();
    const frames = await analyseScenario(engine, scenario, fps, ffmpeg, policy.engine);
    const msPerFrame = Math.round((performance.now() - t0) / Math.max(1, frames.length));
    const now = new CameraTracker('bench', thresholds, { visitGapMs: SCENARIO_VISIT_GAP_MS, voting: { minVotes: policy.minVotes } });
    rows.push({ fps, release: 'new', frames: frames.length, engine_ms_per_frame: msPerFrame, ...strip(scoreVisits(scenario, runTracker(frames, T0, now), ids)) });
    if (Old) {
      // The previous pipeline's tracker options (recognition-pipeline.ts #trackerOptions at that release) and
      // its camera defaults (min face 40 px of the 1280-wide frame).
      const scale = scenario.videoWidth / scenario.width;
      const old = new Old('bench', { ...thresholds, minFacePx: OLD_MIN_FACE_PX }, { maxCenterDistance: 1.6, maxAgeMs: 2000, voting: { minVotes: policy.minVotes } });
      rows.push({ fps, release: 'old', frames: frames.length, engine_ms_per_frame: msPerFrame, ...strip(scoreVisits(scenario, runTracker(frames, T0, old, undefined, { boxScale: scale }), ids)) });
    }
  }
  await engine.dispose();
  mkdirSync('bench-results', { recursive: true });
  const v = rows[0];
  writeFileSync('bench-results/visits.json', JSON.stringify({
    at: new Date().toISOString(), prev: Old ? PREV : null, video: `${scenario.videoWidth}x${scenario.videoHeight}`, analysed: `${scenario.width}x${scenario.height}`,
    passes: scenario.passes, visits: scenario.visits.length, rows,
  }, null, 2));
  console.log(`\n${scenario.passes} walk-bys, ${scenario.visits.length} visits (${v?.enrolled_visits} by enrolled people, ${v?.stranger_visits} by strangers), video ${scenario.videoWidth}×${scenario.videoHeight}\n`);
  console.log('| fps | release | events | events / visit | visits with 1 event | staff recognised / visit | unknown events | unknown events for staff | unknown alerts for staff | strangers: 1 unknown event | wrong names |');
  console.log('|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    console.log(`| ${r.fps} | ${r.release} | ${r.events} | ${r.events_per_visit} | ${r.one_event_visits}/${r.visits} | ${r.recognised_visits}/${r.enrolled_visits} (${r.recognition_per_visit}) | ${r.unknown_events} | ${r.unknown_events_for_enrolled} | ${r.unknown_alerts_for_enrolled} | ${r.strangers_one_event}/${r.stranger_visits} | ${r.wrong_names} |`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
