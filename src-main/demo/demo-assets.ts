// The built-in demo, composed at set-up time from the group photos shipped in @vladmandic/face-api (MIT):
// a looping 1280×720 H.264 video of people walking through a corridor (two enrolled, two strangers) and
// enrolment photos of the two enrolled people cut from a different crop and transform than the video uses.
// Faces are located with the engine itself (no hand-annotated boxes). Also used by the integration tests and
// the host benchmark with other sizes, rates and casts.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Engine } from '../../src-engine/in-process.ts';
import { composeWalkVideo, corridorBackground } from './walk-video.ts';
import type { Walker } from './walk-video.ts';
import { makeEnrolmentPhoto, makeSprite } from './face-sprites.ts';
import type { Box } from './face-sprites.ts';

const require = createRequire(import.meta.url);
export const SAMPLES_DIR = join(dirname(require.resolve('@vladmandic/face-api/package.json')), 'demo');
export const DEMO_DIR = fileURLToPath(new URL('../../assets/demo/generated/', import.meta.url));

/** A person of the demo cast: which photo and which face in it (0 = leftmost). */
export interface CastMember {
  key: string;
  name: string;
  employee_id: string;
  department: string;
  sample: string;
  faceRank: number;
  enrolled: boolean;
}

export const DEMO_CAST: CastMember[] = [
  { key: 'ava', name: 'Ava Reyes', employee_id: 'E-1001', department: 'Operations', sample: 'sample6.jpg', faceRank: 1, enrolled: true },
  { key: 'visitor-1', name: 'Visitor 1', employee_id: '-', department: '', sample: 'sample4.jpg', faceRank: 2, enrolled: false },
  { key: 'mia', name: 'Mia Chen', employee_id: 'E-1002', department: 'Security', sample: 'sample3.jpg', faceRank: 1, enrolled: true },
  { key: 'visitor-2', name: 'Visitor 2', employee_id: '-', department: '', sample: 'sample5.jpg', faceRank: 3, enrolled: false },
];

export interface SceneOptions {
  width: number;
  height: number;
  fps: number;
  /** Face height in the video, pixels. */
  faceHeight: number;
  /** Seconds each person takes to cross the picture. */
  crossSeconds: number;
  /** Empty seconds before the first and after the last person (clean loop). */
  gapSeconds: number;
}

export const DEMO_SCENE: SceneOptions = { width: 1280, height: 720, fps: 25, faceHeight: 120, crossSeconds: 5.5, gapSeconds: 1 };

export interface DemoManifest {
  version: number;
  video: string;
  width: number;
  height: number;
  fps: number;
  seconds: number;
  people: Array<Omit<CastMember, 'sample' | 'faceRank'> & { photo: string | null; on_screen: [number, number] }>;
  sources: string;
  fingerprint: string;
}

const VERSION = 3;

/** Finds the faces of a sample photo with the engine, left to right. */
export async function facesOf(engine: Engine, sample: string): Promise<Box[]> {
  const r = await engine.analyzeImage(readFileSync(join(SAMPLES_DIR, sample)), { embeddings: false, match: false });
  return r.faces.map((f) => f.box).sort((a, b) => a[0] - b[0]);
}

/**
 * Composes a walking video of `cast` (one after the other, alternating direction) and an enrolment photo per
 * enrolled member. Returns the manifest (also written as demo.json in `outDir`).
 */
export async function composeScene(o: {
  outDir: string; videoName: string; cast: CastMember[]; scene: SceneOptions; ffmpegPath: string; engine?: Engine;
}): Promise<DemoManifest> {
  mkdirSync(o.outDir, { recursive: true });
  const engine = o.engine ?? await Engine.create({ threads: 2 });
  try {
    const { width, height, fps, faceHeight, crossSeconds, gapSeconds } = o.scene;
    const walkers: Walker[] = [];
    const people: DemoManifest['people'] = [];
    const boxes = new Map<string, Box[]>();
    let t = gapSeconds;
    for (const [i, member] of o.cast.entries()) {
      const faces = boxes.get(member.sample) ?? await facesOf(engine, member.sample);
      boxes.set(member.sample, faces);
      const face = faces[member.faceRank];
      if (!face) throw new Error(`${member.sample} has ${faces.length} faces; the cast asks for face ${member.faceRank}`);
      const image = join(SAMPLES_DIR, member.sample);
      const sprite = await makeSprite(image, face, faceHeight);
      const leftToRight = i % 2 === 0;
      // Alternate heights too, so consecutive walkers never share a path.
      const y = Math.round(height * (i % 2 === 0 ? 0.32 : 0.22));
      const from: [number, number] = leftToRight ? [-sprite.width, y] : [width, y];
      const to: [number, number] = leftToRight ? [width, y + 10] : [-sprite.width, y + 10];
      walkers.push({ sprite, start: t, end: t + crossSeconds, from, to, bob: Math.round(faceHeight * 0.05) });
      let photo: string | null = null;
      if (member.enrolled) {
        photo = `${member.key}-enrol.jpg`;
        writeFileSync(join(o.outDir, photo), await makeEnrolmentPhoto(image, face, i));
      }
      const { sample: _s, faceRank: _r, ...rest } = member;
      people.push({ ...rest, photo, on_screen: [t, t + crossSeconds] });
      t += crossSeconds + 0.5;
    }
    const seconds = Math.ceil(t - 0.5 + gapSeconds);
    await composeWalkVideo({
      out: join(o.outDir, o.videoName), width, height, fps, seconds, background: await corridorBackground(width, height), walkers, ffmpegPath: o.ffmpegPath,
    });
    const manifest: DemoManifest = {
      version: VERSION, video: o.videoName, width, height, fps, seconds, people,
      sources: 'Faces from @vladmandic/face-api demo/sample*.jpg (MIT); see assets/demo/SOURCES.md',
      fingerprint: sceneFingerprint(o.cast, o.scene),
    };
    writeFileSync(join(o.outDir, 'demo.json'), JSON.stringify(manifest, null, 2));
    return manifest;
  } finally {
    if (!o.engine) await engine.dispose();
  }
}

/** Fingerprint of everything a scene depends on, to skip re-composing when nothing changed. */
export function sceneFingerprint(cast: CastMember[], scene: SceneOptions): string {
  const h = createHash('sha256').update(String(VERSION)).update(JSON.stringify(cast)).update(JSON.stringify(scene));
  for (const m of new Set(cast.map((c) => c.sample))) h.update(readFileSync(join(SAMPLES_DIR, m)));
  return h.digest('hex').slice(0, 16);
}

/** The manifest of a composed scene when its files exist and match `fingerprint`, else null. */
export function readSceneManifest(dir = DEMO_DIR, fingerprint = sceneFingerprint(DEMO_CAST, DEMO_SCENE)): DemoManifest | null {
  const p = join(dir, 'demo.json');
  if (!existsSync(p)) return null;
  try {
    const m = JSON.parse(readFileSync(p, 'utf8')) as DemoManifest;
    if (m.version !== VERSION || m.fingerprint !== fingerprint || !existsSync(join(dir, m.video))) return null;
    for (const person of m.people) if (person.photo && !existsSync(join(dir, person.photo))) return null;
    return m;
  } catch {
    return null;
  }
}
