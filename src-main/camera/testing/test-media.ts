// Test media generated at test time with ffmpeg (nothing binary is committed): short videos from
// testsrc2 and a set of real JPEG frames. Cached per machine under the OS temp dir by parameters.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { defaultFfmpegPath } from '../../ffmpeg/resolve-ffmpeg.ts';
import { DelimitedFrameSplitter } from '../delimited-frame-splitter.ts';

const run = promisify(execFile);
const cacheDir = path.join(tmpdir(), 'vigil-test-media');

export interface TestVideoOptions {
  width?: number;
  height?: number;
  fps?: number;
  seconds?: number;
  codec?: 'h264' | 'h265';
  /** Keyframe interval in frames (default: one per second). */
  gop?: number;
}

/** Path of an mp4 with a moving test pattern (testsrc2), made once and reused. */
export async function makeTestVideo(o: TestVideoOptions = {}): Promise<string> {
  const { width = 320, height = 240, fps = 15, seconds = 4, codec = 'h264' } = o;
  const gop = o.gop ?? fps;
  mkdirSync(cacheDir, { recursive: true });
  const file = path.join(cacheDir, `testsrc2-${width}x${height}-${fps}fps-${seconds}s-${codec}-g${gop}.mp4`);
  if (existsSync(file)) return file;
  const tmp = `${file}.${process.pid}.tmp.mp4`;
  const enc =
    codec === 'h265'
      ? ['-c:v', 'libx265', '-preset', 'ultrafast', '-x265-params', `log-level=error:keyint=${gop}:min-keyint=${gop}`, '-tag:v', 'hvc1']
      : ['-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-profile:v', 'baseline', '-g', String(gop), '-keyint_min', String(gop)];
  await run(defaultFfmpegPath(), [
    '-hide_banner', '-loglevel', 'error', '-y',
    '-f', 'lavfi', '-i', `testsrc2=size=${width}x${height}:rate=${fps}`,
    '-t', String(seconds), ...enc, '-pix_fmt', 'yuv420p', '-movflags', '+faststart', tmp,
  ]);
  renameSync(tmp, file); // atomic: parallel test files never see a half-written video
  return file;
}

/** `count` distinct JPEG frames of a moving test pattern. */
export async function makeTestJpegs(o: { width?: number; height?: number; count?: number; quality?: number } = {}): Promise<Buffer[]> {
  const { width = 320, height = 240, count = 10, quality = 5 } = o;
  const { stdout } = await run(
    defaultFfmpegPath(),
    ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', `testsrc2=size=${width}x${height}:rate=10`, '-frames:v', String(count), '-c:v', 'mjpeg', '-q:v', String(quality), '-f', 'image2pipe', 'pipe:1'],
    { encoding: 'buffer', maxBuffer: 256 * 1024 * 1024 },
  );
  const frames = new DelimitedFrameSplitter(Buffer.from([0xff, 0xd8]), 64 * 1024 * 1024).push(stdout);
  const jpegs = frames.flatMap((f) => (f.kind === 'frame' ? [f.data] : []));
  if (jpegs.length !== count) throw new Error(`expected ${count} test JPEGs, got ${jpegs.length}`);
  return jpegs;
}
