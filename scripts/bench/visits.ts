// Visits benchmark (issue 12): events per visit and recognition per visit at 5, 3 and 2 fps analysis, today's
// tracker against the previous release's (a git worktree, default /work/prev), both fed the same engine results
// of the composed walk-by scenario (src-main/host/testing/visit-scenario.ts: 7 visits, 3 enrolled people, 3
// strangers, 3-second crossers, two people crossing, a stranger coming back). Writes bench-results/visits.json.
//   npm run bench:visits [-- --prev /work/prev --fps 5,3,2]
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Engine } from '../../src-engine/in-process.ts';
import { defaultFfmpegPath } from '../../src-main/ffmpeg/resolve-ffmpeg.ts';
import { CameraTracker } from '../../src-main/tracking/camera-tracker.ts';
import { SCENARIO_VISIT_GAP_MS, analyseScenario, composeVisitScenario, enrolScenario, runTracker, scoreVisits } from '../../src-main/host/testing/visit-scenario.ts';
import type { VisitScore } from '../../src-main/host/testing/visit-scenario.ts';

const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : def;
};
const PREV = arg('prev', '/work/prev');
const RATES = arg('fps', '5,3,2').split(',').map(Number);
const T0 = Date.UTC(2026, 11, 2, 9, 0, 0);

type Row = { fps: number; release: 'new' | 'old'; engine_ms_per_frame: number } & VisitScore;

async function main(): Promise<void> {
  const ffmpeg = defaultFfmpegPath();
  const engine = await Engine.create({ threads: 2 });
  const scenario = await composeVisitScenario(path.join(tmpdir(), 'vigil-scenes', 'visits'), engine, ffmpeg);
  const ids = await enrolScenario(engine, scenario);
  const prevFile = path.join(PREV, 'src-main/tracking/camera-tracker.ts');
  const Old = existsSync(prevFile) ? (await import(pathToFileURL(prevFile).href) as { CameraTracker: new (...a: unknown[]) => Parameters<typeof runTracker>[2] }).CameraTracker : null;
  if (!Old) console.warn(`no previous release at ${PREV}: only today's tracker is measured`);
  const rows: Row[] = [];
  const thresholds = { minFacePx: 24, minDetectionConfidence: 0.6, recognitionThreshold: engine.searchThreshold() };
  for (const fps of RATES) {
    const t0 = performance.now();
    const frames = await analyseScenario(engine, scenario, fps, ffmpeg);
    const msPerFrame = Math.round((performance.now() - t0) / Math.max(1, frames.length));
    const strip = ({ byVisit: _b, ...s }: ReturnType<typeof scoreVisits>) => s;
    const now = new CameraTracker('bench', thresholds, { visitGapMs: SCENARIO_VISIT_GAP_MS });
    rows.push({ fps, release: 'new', engine_ms_per_frame: msPerFrame, ...strip(scoreVisits(scenario.visits, runTracker(frames, T0, now), ids)) });
    if (Old) {
      // The previous pipeline's tracker options (recognition-pipeline.ts #trackerOptions at that release).
      const old = new Old('bench', thresholds, { maxCenterDistance: 1.6, maxAgeMs: 2000, voting: { minVotes: 3 } });
      rows.push({ fps, release: 'old', engine_ms_per_frame: msPerFrame, ...strip(scoreVisits(scenario.visits, runTracker(frames, T0, old), ids)) });
    }
  }
  await engine.dispose();
  mkdirSync('bench-results', { recursive: true });
  writeFileSync('bench-results/visits.json', JSON.stringify({ at: new Date().toISOString(), prev: Old ? PREV : null, visits: scenario.visits.length, rows }, null, 2));
  console.log(`\n${scenario.visits.length} visits (${rows[0]?.enrolled_visits} by enrolled people, ${rows[0]?.stranger_visits} by strangers)\n`);
  console.log('| fps | release | events | events / visit | visits with 1 event | staff recognised / visit | unknown events for staff | unknown alerts for staff | strangers: 1 unknown event | wrong names |');
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    console.log(`| ${r.fps} | ${r.release} | ${r.events} | ${r.events_per_visit} | ${r.one_event_visits}/${r.visits} | ${r.recognised_visits}/${r.enrolled_visits} (${r.recognition_per_visit}) | ${r.unknown_events_for_enrolled} | ${r.unknown_alerts_for_enrolled} | ${r.strangers_one_event}/${r.stranger_visits} | ${r.wrong_names} |`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
