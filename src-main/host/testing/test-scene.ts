// A small walking scene for the host's integration tests and benchmark (one enrolled person, then one stranger,
// 640×360), composed once per machine into the temp directory and reused while its inputs are unchanged.
import { mkdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_CAST, composeScene, readSceneManifest, sceneFingerprint } from '../../demo/demo-assets.ts';
import type { CastMember, DemoManifest, SceneOptions } from '../../demo/demo-assets.ts';
import { defaultFfmpegPath } from '../../ffmpeg/resolve-ffmpeg.ts';

export const TEST_CAST: CastMember[] = [DEMO_CAST[0], DEMO_CAST[3]]; // Ava (enrolled), then a stranger
export const TEST_SCENE: SceneOptions = { width: 640, height: 360, fps: 10, faceHeight: 90, crossSeconds: 6, gapSeconds: 1 };

export interface ComposedScene {
  dir: string;
  video: string;
  manifest: DemoManifest;
}

const pending = new Map<string, Promise<ComposedScene>>();

export function testScene(cast: CastMember[] = TEST_CAST, scene: SceneOptions = TEST_SCENE): Promise<ComposedScene> {
  const fp = sceneFingerprint(cast, scene);
  let p = pending.get(fp);
  if (!p) {
    p = (async () => {
      const dir = join(tmpdir(), 'vigil-scenes', fp);
      let manifest = readSceneManifest(dir, fp);
      if (!manifest) {
        // Compose beside the final folder and rename it into place: test files run in parallel processes.
        const tmp = `${dir}.tmp-${process.pid}`;
        rmSync(tmp, { recursive: true, force: true });
        mkdirSync(tmp, { recursive: true });
        await composeScene({ outDir: tmp, videoName: 'walk.mp4', cast, scene, ffmpegPath: defaultFfmpegPath() });
        try {
          renameSync(tmp, dir);
        } catch {
          rmSync(tmp, { recursive: true, force: true }); // another process got there first
        }
        manifest = readSceneManifest(dir, fp);
        if (!manifest) throw new Error(`composed scene missing in ${dir}`);
      }
      return { dir, video: join(dir, manifest.video), manifest };
    })();
    pending.set(fp, p);
  }
  return p;
}
