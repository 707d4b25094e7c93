// A walk-by scenario for the one-event-per-visit test and the visits benchmark (not the demo): enrolled people
// and strangers, slow walkers and people crossing the picture in 3 s, two people crossing each other, a
// stranger coming back after the visit gap. Composed from the face-api sample photos like the demo (sprites
// for the video, differently transformed photos for enrolment), decoded at an analysis rate with ffmpeg, run
// through the real engine once per rate; trackers (today's or another release's) are fed the same results.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Engine } from '../../../src-engine/in-process.ts';
import type { AnalyzeResult } from '../../../src-engine/public.ts';
import { SAMPLES_DIR, facesOf } from '../../demo/demo-assets.ts';
import { makeEnrolmentPhoto, makeSprite } from '../../demo/face-sprites.ts';
import { composeWalkVideo, corridorBackground, walkerPosition } from '../../demo/walk-video.ts';
import type { Walker } from '../../demo/walk-video.ts';
import { byPerson } from '../../pipeline/recognition-pipeline.ts';
import type { FaceObservation, TrackEvent } from '../../tracking/types.ts';

export interface ScenarioPerson {
  key: string;
  sample: string;
  faceRank: number;
  enrolled: boolean;
}

export const SCENARIO_PEOPLE: ScenarioPerson[] = [
  { key: 'ava', sample: 'sample6.jpg', faceRank: 1, enrolled: true },
  { key: 'mia', sample: 'sample3.jpg', faceRank: 1, enrolled: true },
  { key: 'ben', sample: 'sample1.jpg', faceRank: 2, enrolled: true },
  { key: 'stranger-1', sample: 'sample5.jpg', faceRank: 3, enrolled: false },
  { key: 'stranger-2', sample: 'sample4.jpg', faceRank: 2, enrolled: false },
  { key: 'stranger-3', sample: 'sample2.jpg', faceRank: 1, enrolled: false },
];

/** [person, start s, seconds to cross, left→right, height band 0..1, face height px]. */
type Pass = [string, number, number, boolean, number, number];
// Visit gap for this scenario: 4 s (the product default is 30 s; a short scene needs a short gap).
export const SCENARIO_VISIT_GAP_MS = 4000;
const PASSES: Pass[] = [
  ['ava', 0.5, 7, true, 0.3, 80], // slow walker
  ['stranger-1', 8, 3, false, 0.25, 72], // crosses in 3 s
  ['ben', 11.5, 3, true, 0.3, 76], // crosses in 3 s
  ['mia', 15.5, 5, true, 0.28, 80], // these two cross each other mid-picture
  ['stranger-2', 15.5, 5, false, 0.3, 78],
  ['stranger-3', 21, 4, true, 0.22, 74],
  ['stranger-1', 25.5, 5, true, 0.3, 80], // comes back, > visit gap later: a new visit, same cluster
];

export interface TruthVisit {
  index: number;
  person: string;
  enrolled: boolean;
  start: number;
  end: number;
  walker: Walker;
}

export interface Scenario {
  dir: string;
  video: string;
  width: number;
  height: number;
  fps: number;
  seconds: number;
  visits: TruthVisit[];
  /** Enrolment photo (JPEG) per enrolled person key. */
  photos: Map<string, Buffer>;
}

const VERSION = 1;

export async function composeVisitScenario(dir: string, engine: Engine, ffmpegPath: string): Promise<Scenario> {
  mkdirSync(dir, { recursive: true });
  const width = 640;
  const height = 360;
  const fps = 10;
  const visits: TruthVisit[] = [];
  const photos = new Map<string, Buffer>();
  const boxes = new Map<string, Awaited<ReturnType<typeof facesOf>>>();
  for (const [i, [key, start, cross, ltr, band, faceHeight]] of PASSES.entries()) {
    const p = SCENARIO_PEOPLE.find((x) => x.key === key)!;
    const faces = boxes.get(p.sample) ?? await facesOf(engine, p.sample);
    boxes.set(p.sample, faces);
    const face = faces[p.faceRank];
    if (!face) throw new Error(`${p.sample} has ${faces.length} faces`);
    const image = join(SAMPLES_DIR, p.sample);
    const sprite = await makeSprite(image, face, faceHeight);
    const y = Math.round(height * band);
    const from: [number, number] = ltr ? [-sprite.width * 0.6, y] : [width - sprite.width * 0.4, y];
    const to: [number, number] = ltr ? [width - sprite.width * 0.4, y + 6] : [-sprite.width * 0.6, y + 6];
    visits.push({ index: i, person: key, enrolled: p.enrolled, start, end: start + cross, walker: { sprite, start, end: start + cross, from, to, bob: 3 } });
    if (p.enrolled && !photos.has(key)) photos.set(key, await makeEnrolmentPhoto(image, face, photos.size));
  }
  const seconds = Math.ceil(Math.max(...visits.map((v) => v.end)) + 1);
  const video = join(dir, `visits-v${VERSION}.mp4`);
  if (!existsSync(video) || readMeta(dir) !== VERSION) {
    await composeWalkVideo({ out: video, width, height, fps, seconds, background: await corridorBackground(width, height), walkers: visits.map((v) => v.walker), ffmpegPath, crf: 20 });
    writeFileSync(join(dir, 'visits.json'), JSON.stringify({ version: VERSION }));
  }
  return { dir, video, width, height, fps, seconds, visits, photos };
}

function readMeta(dir: string): number | null {
  try {
    return (JSON.parse(readFileSync(join(dir, 'visits.json'), 'utf8')) as { version: number }).version;
  } catch {
    return null;
  }
}

/** Frames of `video` at `fps` (RGB), with their media time in seconds. */
export async function* decodeAt(video: string, fps: number, width: number, height: number, ffmpegPath: string): AsyncGenerator<{ t: number; data: Uint8Array }> {
  const ff = spawn(ffmpegPath, ['-hide_banner', '-loglevel', 'error', '-i', video, '-vf', `fps=${fps}`, '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'], { stdio: ['ignore', 'pipe', 'inherit'] });
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

/** Runs the engine over the scenario at `fps` (what a camera's analysis rate would hand it). */
export async function analyseScenario(engine: Engine, s: Scenario, fps: number, ffmpegPath: string): Promise<AnalysedFrame[]> {
  const out: AnalysedFrame[] = [];
  for await (const f of decodeAt(s.video, fps, s.width, s.height, ffmpegPath)) {
    const result = await engine.analyzeFrame({ width: s.width, height: s.height, channels: 3, data: f.data }, { embeddings: true, match: true });
    out.push({ t: f.t, result });
  }
  return out;
}

/** The visit a track belongs to: the one whose face was nearest the track's boxes while both were on screen. */
export function visitOfTrack(visits: readonly TruthVisit[], seen: ReadonlyArray<{ t: number; cx: number; cy: number }>): TruthVisit | null {
  let best: TruthVisit | null = null;
  let bestD = Infinity;
  for (const v of visits) {
    let sum = 0;
    let n = 0;
    for (const o of seen) {
      const p = walkerPosition(v.walker, o.t);
      if (!p) continue;
      const cx = p[0] + v.walker.sprite.width / 2;
      const cy = p[1] + v.walker.sprite.height * 0.42;
      sum += Math.hypot(cx - o.cx, cy - o.cy);
      n++;
    }
    if (n === 0) continue;
    const d = sum / n + (seen.length - n) * 40; // sightings outside the visit's time count against it
    if (d < bestD) {
      bestD = d;
      best = v;
    }
  }
  return best && bestD < 120 ? best : null;
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

export function scoreVisits(visits: readonly TruthVisit[], tracks: readonly TrackSummary[], ids: ReadonlyMap<string, string>): VisitScore & { byVisit: Map<number, TrackSummary[]> } {
  const byVisit = new Map<number, TrackSummary[]>(visits.map((v) => [v.index, []]));
  let unmatched = 0;
  for (const t of tracks) {
    const v = visitOfTrack(visits, t.seen);
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
    recognised_visits: recognised, enrolled_visits: enrolled, recognition_per_visit: r(recognised / enrolled),
    unknown_events_for_enrolled: unknownForEnrolled, unknown_alerts_for_enrolled: alertsForEnrolled,
    strangers_one_event: strangersOne, stranger_visits: visits.length - enrolled, wrong_names: wrong, unmatched_events: unmatched,
    one_event_visits: oneEvent, byVisit,
  };
}

/** Feeds analysed frames to a tracker the way the pipeline does; returns one summary per announced track. */
export function runTracker(
  frames: readonly AnalysedFrame[], t0: number,
  tracker: { update(f: { frameId: string; at: number; faces: FaceObservation[] }): { faces: Array<{ trackId: string | null }>; events: TrackEvent[] }; flush(now: number): TrackEvent[] },
  onEvents: (events: TrackEvent[], frame: AnalysedFrame | null, faces: Array<{ trackId: string | null; isBest?: boolean }>) => void = () => {},
): TrackSummary[] {
  const seen = new Map<string, TrackSummary['seen']>();
  const last = new Map<string, { decision: 'recognized' | 'unknown'; personId: string | null }>();
  const alerted = new Set<string>();
  const announced: string[] = [];
  const absorb = (events: TrackEvent[]) => {
    for (const e of events) {
      if (e.type === 'face_detected') announced.push(e.trackId);
      if (e.type === 'decided') {
        // Today's tracker reports the outcome after policy; an older one only the raw decision.
        const o = (e as { outcome?: { decision: 'recognized' | 'unknown'; personId: string | null; alert?: string | null } }).outcome;
        const decision = o?.decision ?? e.decision;
        last.set(e.trackId, { decision, personId: o ? o.personId : e.personId });
        if (decision === 'unknown') alerted.add(e.trackId);
      }
    }
  };
  frames.forEach((f, i) => {
    const at = t0 + Math.round(f.t * 1000);
    const faces: FaceObservation[] = f.result.faces.map((face) => ({
      box: face.box, score: face.score, quality: { passed: face.quality.passed, reason: face.quality.reason },
      candidates: face.match ? byPerson(face.match.matches) : face.embedding ? [] : undefined,
      embedding: face.embedding,
    }));
    const u = tracker.update({ frameId: `f${i}`, at, faces });
    absorb(u.events);
    onEvents(u.events, f, u.faces);
    u.faces.forEach((a, k) => {
      if (!a.trackId) return;
      const b = faces[k].box;
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
