// Media the scenarios feed the console: the demo walking video (composed by `npm run setup`, composed here when
// missing) and enrolment photos cut at test time with sharp from the group photos of @vladmandic/face-api.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { Engine } from '../src-engine/engine.ts';
import { DEMO_CAST, DEMO_DIR, DEMO_SCENE, SAMPLES_DIR, composeScene, facesOf, readSceneManifest } from '../src-main/demo/demo-assets.ts';
import type { CastMember, DemoManifest } from '../src-main/demo/demo-assets.ts';
import { makeEnrolmentPhoto } from '../src-main/demo/face-sprites.ts';
import { defaultFfmpegPath } from '../src-main/ffmpeg/resolve-ffmpeg.ts';

export interface DemoVideo {
  path: string;
  manifest: DemoManifest;
}

/** The demo video and its manifest (who walks by when); composes it like `npm run setup` does when missing. */
export async function demoVideo(): Promise<DemoVideo> {
  let manifest = readSceneManifest();
  if (!manifest) {
    console.log(`e2e: demo video missing in ${DEMO_DIR}; composing it (npm run setup does this once)`);
    manifest = await composeScene({ outDir: DEMO_DIR, videoName: 'demo-walk.mp4', cast: DEMO_CAST, scene: DEMO_SCENE, ffmpegPath: defaultFfmpegPath() });
  }
  return { path: join(DEMO_DIR, manifest.video), manifest };
}

export function castMember(key: string): CastMember {
  const m = DEMO_CAST.find((c) => c.key === key);
  if (!m) throw new Error(`no cast member ${key}`);
  return m;
}

export interface Photo {
  name: string;
  mimeType: string;
  buffer: Buffer;
}

/**
 * Photos of one cast member for enrolment: the face is located with the engine in the group photo the video's
 * sprite came from, then cut with a tighter, mirrored, rotated crop than the video uses (never the same pixels).
 */
export async function enrolmentPhotos(member: CastMember, variants: number[]): Promise<Photo[]> {
  const engine = await Engine.create({ threads: 1 });
  try {
    const face = (await facesOf(engine, member.sample))[member.faceRank];
    if (!face) throw new Error(`${member.sample}: face ${member.faceRank} not found`);
    const image = join(SAMPLES_DIR, member.sample);
    return Promise.all(variants.map(async (v) => ({
      name: `${member.key}-${v}.jpg`, mimeType: 'image/jpeg', buffer: await makeEnrolmentPhoto(image, face, v),
    })));
  } finally {
    await engine.dispose();
  }
}

/** A whole group photo (several faces), scaled down: the engine must refuse it for enrolment. */
export async function groupPhoto(sample = 'sample1.jpg'): Promise<Photo> {
  const buffer = await sharp(readFileSync(join(SAMPLES_DIR, sample))).resize({ width: 1200 }).jpeg({ quality: 85 }).toBuffer();
  return { name: `group-${sample}`, mimeType: 'image/jpeg', buffer };
}

/** JPEG frames of the group photos at camera size, for a loopback MJPEG camera. */
export async function cameraFrames(width = 640): Promise<Buffer[]> {
  return Promise.all(['sample2.jpg', 'sample3.jpg', 'sample4.jpg'].map((s) =>
    sharp(readFileSync(join(SAMPLES_DIR, s))).resize({ width, height: Math.round(width * 9 / 16), fit: 'cover' }).jpeg({ quality: 80 }).toBuffer()));
}
