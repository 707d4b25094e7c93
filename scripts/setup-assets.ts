// `npm run setup` step: composes the built-in demo (video + enrolment photos) into assets/demo/generated/
// (git-ignored) from the sample photos of @vladmandic/face-api. Skips the work when the assets are current.
import { DEMO_CAST, DEMO_DIR, DEMO_SCENE, composeScene, readSceneManifest } from '../src-main/demo/demo-assets.ts';
import { defaultFfmpegPath } from '../src-main/ffmpeg/resolve-ffmpeg.ts';

async function main(): Promise<number> {
  const force = process.argv.includes('--force');
  if (!force && readSceneManifest()) {
    console.log(`setup-assets: demo assets are current (${DEMO_DIR})`);
    return 0;
  }
  const t0 = performance.now();
  const m = await composeScene({ outDir: DEMO_DIR, videoName: 'demo-walk.mp4', cast: DEMO_CAST, scene: DEMO_SCENE, ffmpegPath: defaultFfmpegPath() });
  console.log(`setup-assets: composed ${m.video} (${m.width}x${m.height}, ${m.seconds} s at ${m.fps} fps, ${m.people.length} people) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return 0;
}

main().then((code) => { process.exitCode = code; }, (err: unknown) => {
  console.error(`setup-assets: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
  process.exitCode = 1;
});
