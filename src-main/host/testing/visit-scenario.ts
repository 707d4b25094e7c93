// A walk-by scenario for the one-event-per-visit test and the visits benchmark (not the demo), shaped like the
// issue-12 measurement: a 1280×720 CCTV-like corridor, 16 walk-bys making 15 visits (9 by 6 enrolled people, 6 by
// 4 strangers), faces 45–115 px wide, people crossing the picture in 3–6.5 s, visits overlapping, people crossing
// each other, two strangers coming back after the visit gap (same cluster), one enrolled person passing twice
// within the gap (one visit). Composed from the face-api sample photos like the demo (sprites for the video,
// differently transformed photos for enrolment); decoded like a camera at its defaults (analysis rate, scaled to
// detect_width) and run through the real engine once per rate; trackers (today's or another release's) are fed
// the same results.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Engine } from '../../../src-engine/in-process.ts';
import type { AnalyzeOptions, AnalyzeResult } from '../../../src-engine/public.ts';
import { SAMPLES_DIR, facesOf } from '../../demo/demo-assets.ts';
import { makeEnrolmentPhoto, makeSprite } from '../../demo/face-sprites.ts';
import { composeWalkVideo, corridorBackground, walkerPosition } from '../../demo/walk-video.ts';
import type { Walker } from '../../demo/walk-video.ts';
import { byPerson } from '../../pipeline/recognition-pipeline.ts';
import { DEFAULT_CAMERA_DETECTION, DEFAULTS } from '../../core/defaults.ts';
import { resolveDetectionPolicy } from '../../pipeline/detection-policy.ts';
import type { DetectionPolicy } from '../../pipeline/detection-policy.ts';
import type { FaceObservation, TrackEvent } from '../../tracking/types.ts';

export interface ScenarioPerson {
  key: string;
  sample: string;
  faceRank: number;
  enrolled: boolean;
}

// Six enrolled people (ben and mia are lookalikes to the embedder, cos 0.71 on the photos) and four strangers.
export const SCENARIO_PEOPLE: ScenarioPerson[] = [
  { key: 'ava', sample: 'sample6.jpg', faceRank: 1, enrolled: true },
  { key: 'mia', sample: 'sample3.jpg', faceRank: 1, enrolled: true },
  { key: 'ben', sample: 'sample1.jpg', faceRank: 2, enrolled: true },
  { key: 'noah', sample: 'sample1.jpg', faceRank: 0, enrolled: true },
  { key: 'lea', sample: 'sample3.jpg', faceRank: 0, enrolled: true },
  { key: 'sam', sample: 'sample4.jpg', faceRank: 3, enrolled: true },
  { key: 'stranger-1', sample: 'sample5.jpg', faceRank: 3, enrolled: false },
  { key: 'stranger-2', sample: 'sample4.jpg', faceRank: 2, enrolled: false },
  { key: 'stranger-3', sample: 'sample6.jpg', faceRank: 3, enrolled: false },
  { key: 'stranger-4', sample: 'sample5.jpg', faceRank: 0, enrolled: false },
];

/** [person, start s, seconds to cross, left→right, height band 0..1 (sprite top), face width px]. */
type Pass = [string, number, number, boolean, number, number];
/** The product's visit gap (site setting default): passes of one person closer than this are one visit. */
export const SCENARIO_VISIT_GAP_MS = DEFAULTS.site.visitGapSeconds.value * 1000;
const PASSES: Pass[] = [
  ['ava', 1, 6.5, true, 0.32, 60], // slow walker...
  ['stranger-1', 2.5, 3.5, false, 0.28, 50], // ...crossed by a stranger walking the other way
  ['ben', 9, 3, true, 0.36, 90], // crosses in 3 s
  ['mia', 12, 3.5, false, 0.3, 45], // smallest face, fast, crossed by...
  ['noah', 13, 4, true, 0.38, 115], // ...the biggest
  ['stranger-2', 18.5, 3, true, 0.33, 70], // a stranger crossing in 3 s
  ['lea', 21, 4, false, 0.3, 75],
  ['sam', 23, 3.5, true, 0.36, 80], // overlaps lea (crossing)
  ['stranger-3', 28, 6, false, 0.3, 65],
  ['stranger-1', 44, 5, true, 0.3, 75], // back 36 s after the first visit: a new visit, the same cluster
  ['ava', 47, 4, false, 0.36, 100], // second visit (first ended 40 s before)
  ['sam', 51, 4.5, false, 0.32, 70], // passes again 24.5 s after the first pass: the same visit
  ['stranger-4', 57.5, 3, false, 0.3, 48],
  ['mia', 59, 3, true, 0.36, 60], // crosses stranger-4; second visit
  ['stranger-2', 66, 5, false, 0.34, 85], // back 44.5 s later: same cluster
  ['ben', 68, 6.5, true, 0.3, 110], // crosses stranger-2; second visit
];

export interface TruthVisit {
  index: number;
  person: string;
  enrolled: boolean;
  start: number;
  end: number;
  /** One walker per pass of this visit (passes of one person within the visit gap are one visit). */
  walkers: Walker[];
}

export interface Scenario {
  dir: string;
  video: string;
  /** The composed video's size. */
  videoWidth: number;
  videoHeight: number;
  /** The analysed frame: the video scaled to the camera's default detect_width (what the engine sees). */
  width: number;
  height: number;
  fps: number;
  seconds: number;
  visits: TruthVisit[];
  /** Passes (walk-bys); visits.length <= passes. */
  passes: number;
  /** Enrolment photo (JPEG) per enrolled person key. */
  photos: Map<string, Buffer>;
}

const VERSION = 6;
const VIDEO_W = 1280;
const VIDEO_H = 720;

export async function composeVisitScenario(dir: string, engine: Engine, ffmpegPath: string): Promise<Scenario> {
  mkdirSync(dir, { recursive: true });
  const fps = 15;
  const visits: TruthVisit[] = [];
  const photos = new Map<string, Buffer>();
  const boxes = new Map<string, Awaited<ReturnType<typeof facesOf>>>();
  const gapS = SCENARIO_VISIT_GAP_MS / 1000;
  for (const [key, start, cross, ltr, band, faceWidth] of PASSES) {
    const p = SCENARIO_PEOPLE.find((x) => x.key === key)!;
    const faces = boxes.get(p.sample) ?? await facesOf(engine, p.sample);
    boxes.set(p.sample, faces);
    const face = faces[p.faceRank];
    if (!face) throw new Error(`${p.sample} has ${faces.length} faces`);
    const image = join(SAMPLES_DIR, p.sample);
    const sprite = await makeSprite(image, face, Math.round(faceWidth * face[3] / face[2]));
    const y = Math.round(VIDEO_H * band);
    const from: [number, number] = ltr ? [-sprite.width * 0.6, y] : [VIDEO_W - sprite.width * 0.4, y];
    const to: [number, number] = ltr ? [VIDEO_W - sprite.width * 0.4, y + 10] : [-sprite.width * 0.6, y + 10];
    const walker: Walker = { sprite, start, end: start + cross, from, to, bob: Math.round(faceWidth * 0.06) };
    const same = visits.findLast((v) => v.person === key);
    if (same && start - same.end < gapS) {
      same.walkers.push(walker);
      same.end = start + cross;
    } else {
      visits.push({ index: visits.length, person: key, enrolled: p.enrolled, start, end: start + cross, walkers: [walker] });
    }
    if (p.enrolled && !photos.has(key)) photos.set(key, await makeEnrolmentPhoto(image, face, photos.size));
  }
  const seconds = Math.ceil(Math.max(...visits.map((v) => v.end)) + 1);
  const video = join(dir, `visits-v${VERSION}.mp4`);
  if (!existsSync(video) || readMeta(dir) !== VERSION) {
    // Composed into a temporary name and renamed: a concurrent test never reads a half-written video.
    const tmp = join(dir, `visits-v${VERSION}.${process.pid}.tmp.mp4`);
    await composeWalkVideo({
      out: tmp, width: VIDEO_W, height: VIDEO_H, fps, seconds, background: await corridorBackground(VIDEO_W, VIDEO_H),
      walkers: visits.flatMap((v) => v.walkers), ffmpegPath, crf: 23,
    });
    renameSync(tmp, video);
    writeFileSync(join(dir, 'visits.json'), JSON.stringify({ version: VERSION }));
  }
  const width = Math.min(DEFAULT_CAMERA_DETECTION.detect_width, VIDEO_W);
  const height = Math.round((VIDEO_H * width) / VIDEO_W / 2) * 2;
  return { dir, video, videoWidth: VIDEO_W, videoHeight: VIDEO_H, width, height, fps, seconds, visits, passes: PASSES.length, photos };
}

/** The camera-default detection policy for this engine (min face, confidence, threshold, engine options). */
export function scenarioPolicy(engine: Engine): DetectionPolicy {
  return resolveDetectionPolicy(DEFAULT_CAMERA_DETECTION, { min_votes: DEFAULTS.site.minVotes.value }, { searchThreshold: engine.searchThreshold() });
}

function readMeta(dir: string): number | null {
  try {
    return (JSON.parse(readFileSync(join(dir, 'visits.json'), 'utf8')) as { version: number }).version;
  } catch {
    return null;
  }
}

/** Frames of `video` at `fps` (RGB, scaled to `width` × `height` as a camera's reader does), with their media time
 *  in seconds. */
export async function* decodeAt(video: string, fps: number, width: number, height: number, ffmpegPath: string): AsyncGenerator<{ t: number; data: Uint8Array }> {
  const ff = spawn(ffmpegPath, ['-hide_banner', '-loglevel', 'error', '-threads', '1', '-i', video, '-vf', `fps=${fps},scale=${width}:${height}`, '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const size = width * height * 3;
  let buf: Buffer = Buffer.alloc(0);
  let n = 0;
  for await (const chunk of ff.stdout as AsyncIterable<Buffer>) {
    buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
    while (buf.length >= size) {
      yield { t: n / fps, data: new Uint8Array(buf.subarray(0, size)) };
      buf = buf.subarray(size);
      n++;
    }
  }
}

export interface AnalysedFrame {
  t: number;
  result: AnalyzeResult;
}

/** Enrols the scenario's enrolled people into `engine`'s gallery (one photo each); returns person ids by key. */
export async function enrolScenario(engine: Engine, s: Scenario, idOf: (key: string) => string = (key) => `per_${key}`): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  for (const [key, photo] of s.photos) {
    const r = await engine.analyzeImage(photo, { embeddings: true, match: false });
    const f = [...r.faces].sort((a, b) => b.box[2] * b.box[3] - a.box[2] * a.box[3])[0];
    if (!f?.embedding) throw new Error(`no usable face in ${key}'s enrolment photo`);
    engine.gallery.add(idOf(key), f.embedding);
    ids.set(key, idOf(key));
  }
  return ids;
}

/** Runs the engine over the scenario at `fps` (what a camera at its defaults would hand it: analysis rate,
 *  detect_width, the default policy's engine options). */
export async function analyseScenario(engine: Engine, s: Scenario, fps: number, ffmpegPath: string, options: AnalyzeOptions = scenarioPolicy(engine).engine): Promise<AnalysedFrame[]> {
  const out: AnalysedFrame[] = [];
  for await (const f of decodeAt(s.video, fps, s.width, s.height, ffmpegPath)) {
    const result = await engine.analyzeFrame({ width: s.width, height: s.height, channels: 3, data: f.data }, options);
    out.push({ t: f.t, result });
  }
  return out;
}

/** Where visit `v`'s face centre is at `t` (analysed-frame pixels), or null when none of its passes is on screen. */
export function visitFaceAt(s: Pick<Scenario, 'width' | 'videoWidth'>, v: TruthVisit, t: number): [number, number] | null {
  const k = s.width / s.videoWidth;
  for (const w of v.walkers) {
    const p = walkerPosition(w, t);
    if (p) return [(p[0] + w.sprite.width / 2) * k, (p[1] + w.sprite.height * 0.42) * k];
  }
  return null;
}

/** The visit a track belongs to: the one whose face was nearest the track's boxes while both were on screen. */
export function visitOfTrack(s: Pick<Scenario, 'width' | 'videoWidth'>, visits: readonly TruthVisit[], seen: ReadonlyArray<{ t: number; cx: number; cy: number }>): TruthVisit | null {
  let best: TruthVisit | null = null;
  let bestD = Infinity;
  const far = 0.06 * s.width; // a sighting outside the visit's time counts as this far off
  for (const v of visits) {
    let sum = 0;
    let n = 0;
    for (const o of seen) {
      const p = visitFaceAt(s, v, o.t);
      if (!p) continue;
      sum += Math.hypot(p[0] - o.cx, p[1] - o.cy);
      n++;
    }
    if (n === 0) continue;
    const d = sum / n + ((seen.length - n) * far) / Math.max(1, n);
    if (d < bestD) {
      bestD = d;
      best = v;
    }
  }
  return best && bestD < 0.19 * s.width ? best : null;
}

export interface TrackSummary {
  trackId: string;
  /** Final decision of the event row. */
  decision: 'recognized' | 'unknown';
  personId: string | null;
  /** An "unknown person" alert was raised for it at some point. */
  unknownAlert: boolean;
  seen: Array<{ t: number; cx: number; cy: number }>;
}

export interface VisitScore {
  visits: number;
  events: number;
  events_per_visit: number;
  /** Event rows decided "unknown" (any visit). */
  unknown_events: number;
  /** Enrolled visits with an event naming the right person. */
  recognised_visits: number;
  enrolled_visits: number;
  recognition_per_visit: number;
  /** Unknown event rows on enrolled people's visits. */
  unknown_events_for_enrolled: number;
  /** Unknown alerts raised during enrolled people's visits. */
  unknown_alerts_for_enrolled: number;
  /** Stranger visits with exactly one unknown event. */
  strangers_one_event: number;
  stranger_visits: number;
  /** Events naming the wrong person (or a stranger as someone). */
  wrong_names: number;
  /** Events no visit could be matched to (noise). */
  unmatched_events: number;
  /** Visits with exactly one event. */
  one_event_visits: number;
}

export function scoreVisits(s: Pick<Scenario, 'width' | 'videoWidth' | 'visits'>, tracks: readonly TrackSummary[], ids: ReadonlyMap<string, string>): VisitScore & { byVisit: Map<number, TrackSummary[]> } {
  const visits = s.visits;
  const byVisit = new Map<number, TrackSummary[]>(visits.map((v) => [v.index, []]));
  let unmatched = 0;
  for (const t of tracks) {
    const v = visitOfTrack(s, visits, t.seen);
    if (v) byVisit.get(v.index)!.push(t);
    else unmatched++;
  }
  let recognised = 0;
  let unknownForEnrolled = 0;
  let alertsForEnrolled = 0;
  let strangersOne = 0;
  let wrong = 0;
  let oneEvent = 0;
  for (const v of visits) {
    const ts = byVisit.get(v.index)!;
    if (ts.length === 1) oneEvent++;
    const want = ids.get(v.person) ?? null;
    for (const t of ts) if (t.decision === 'recognized' && t.personId !== want) wrong++;
    if (v.enrolled) {
      if (ts.some((t) => t.decision === 'recognized' && t.personId === want)) recognised++;
      unknownForEnrolled += ts.filter((t) => t.decision === 'unknown').length;
      alertsForEnrolled += ts.filter((t) => t.unknownAlert).length;
    } else if (ts.length === 1 && ts[0].decision === 'unknown') strangersOne++;
  }
  const enrolled = visits.filter((v) => v.enrolled).length;
  const r = (x: number) => Math.round(x * 100) / 100;
  return {
    visits: visits.length, events: tracks.length, events_per_visit: r(tracks.length / visits.length),
    unknown_events: tracks.filter((t) => t.decision === 'unknown').length,
    recognised_visits: recognised, enrolled_visits: enrolled, recognition_per_visit: r(recognised / enrolled),
    unknown_events_for_enrolled: unknownForEnrolled, unknown_alerts_for_enrolled: alertsForEnrolled,
    strangers_one_event: strangersOne, stranger_visits: visits.length - enrolled, wrong_names: wrong, unmatched_events: unmatched,
    one_event_visits: oneEvent, byVisit,
  };
}

/** Feeds analysed frames to a tracker the way the pipeline does; returns one summary per announced track (an
 *  announced track merged into an earlier visit of the same person counts as that visit). `boxScale` hands the
 *  tracker boxes in another frame size (an older release analysed the full 1280-wide frame). */
export function runTracker(
  frames: readonly AnalysedFrame[], t0: number,
  tracker: { update(f: { frameId: string; at: number; faces: FaceObservation[] }): { faces: Array<{ trackId: string | null }>; events: TrackEvent[] }; flush(now: number): TrackEvent[] },
  onEvents: (events: TrackEvent[], frame: AnalysedFrame | null, faces: Array<{ trackId: string | null; isBest?: boolean }>) => void = () => {},
  o: { boxScale?: number } = {},
): TrackSummary[] {
  const k = o.boxScale ?? 1;
  const seen = new Map<string, TrackSummary['seen']>();
  const last = new Map<string, { decision: 'recognized' | 'unknown'; personId: string | null }>();
  const alerted = new Set<string>();
  const announced: string[] = [];
  const absorb = (events: TrackEvent[]) => {
    for (const e of events) {
      if (e.type === 'face_detected') announced.push(e.trackId);
      if (e.type === 'discarded' && e.into && announced.includes(e.trackId)) {
        // Merged into an earlier visit of the same person: one event row, with both sightings.
        announced.splice(announced.indexOf(e.trackId), 1);
        seen.set(e.into, [...(seen.get(e.into) ?? []), ...(seen.get(e.trackId) ?? [])].sort((a, b) => a.t - b.t));
        if (alerted.has(e.trackId)) alerted.add(e.into);
      }
      if (e.type === 'decided') {
        // Today's tracker reports the outcome after policy; an older one only the raw decision.
        const out = (e as { outcome?: { decision: 'recognized' | 'unknown'; personId: string | null; alert?: string | null } }).outcome;
        const decision = out?.decision ?? e.decision;
        last.set(e.trackId, { decision, personId: out ? out.personId : e.personId });
        if (decision === 'unknown') alerted.add(e.trackId);
      }
    }
  };
  frames.forEach((f, i) => {
    const at = t0 + Math.round(f.t * 1000);
    const faces: FaceObservation[] = f.result.faces.map((face) => ({
      box: k === 1 ? face.box : [face.box[0] * k, face.box[1] * k, face.box[2] * k, face.box[3] * k], score: face.score,
      quality: { passed: face.quality.passed, reason: face.quality.reason },
      candidates: face.match ? byPerson(face.match.matches) : face.embedding ? [] : undefined,
      embedding: face.embedding,
    }));
    const u = tracker.update({ frameId: `f${i}`, at, faces });
    absorb(u.events);
    onEvents(u.events, f, u.faces);
    u.faces.forEach((a, j) => {
      if (!a.trackId) return;
      const b = f.result.faces[j].box;
      const list = seen.get(a.trackId) ?? [];
      list.push({ t: f.t, cx: b[0] + b[2] / 2, cy: b[1] + b[3] / 2 });
      seen.set(a.trackId, list);
    });
  });
  const end = t0 + Math.round((frames.at(-1)?.t ?? 0) * 1000) + 120_000;
  const tail = tracker.flush(end);
  absorb(tail);
  onEvents(tail, null, []);
  return announced.map((id) => ({
    trackId: id, decision: last.get(id)?.decision ?? 'unknown', personId: last.get(id)?.personId ?? null,
    unknownAlert: alerted.has(id), seen: seen.get(id) ?? [],
  }));
}
