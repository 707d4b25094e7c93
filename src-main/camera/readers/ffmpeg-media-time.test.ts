// Each analysed frame carries its presentation time in the live fMP4's timeline, so the console can draw its
// boxes on the video frame they were found in. Real ffmpeg: a white square moves 4 px per frame across a black
// H.264 video; the square's position in a detection frame says which source frame it is, and that frame's pts in
// the copied fMP4 (read back with ffprobe) must equal the detection frame's media time.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { defaultFfmpegPath } from '../../ffmpeg/resolve-ffmpeg.ts';
import { FfmpegReader } from './ffmpeg-reader.ts';
import type { ReaderFrame, ReaderSink } from './source-reader.ts';

const W = 320;
const H = 240;
const FPS = 25;
const PX_PER_FRAME = 4;
let dir = '';
let video = '';
const ffmpeg = defaultFfmpegPath();

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-mediatime-'));
  video = join(dir, 'square.mp4');
  // B-frames on (x264 default): presentation order differs from decode order, the harder case for timing.
  execFileSync(ffmpeg, [
    '-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', `color=c=black:s=${W}x${H}:r=${FPS}:d=2.4`,
    '-f', 'lavfi', '-i', `color=c=white:s=12x12:r=${FPS}`,
    '-filter_complex', `[0][1]overlay=x='n*${PX_PER_FRAME}':y=100:shortest=1,format=yuv420p`,
    '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '25', '-bf', '2', '-t', '2.4', video,
  ]);
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** Left edge of the white square in an rgb24 frame (row 106), or null when absent. */
function squareX(data: Uint8Array, offset = 0): number | null {
  const row = offset + 106 * W * 3;
  for (let x = 0; x < W; x++) if (data[row + x * 3] > 128) return x;
  return null;
}

test('detection frames carry the media time of the fMP4 frame they were decoded from', async () => {
  const frames: ReaderFrame[] = [];
  const mp4: Buffer[] = [];
  const ended = new Promise<void>((resolve) => {
    const sink: ReaderSink = {
      frame: (f) => frames.push(f), info: () => {}, liveInit: (d) => mp4.push(d), liveSegment: (d) => mp4.push(d),
      liveJpeg: () => {}, received: () => {}, corrupt: () => {}, garbage: () => {}, log: () => {}, ended: () => resolve(),
    };
    new FfmpegReader({
      ffmpegPath: ffmpeg, source: { type: 'file', path: video, loop: false, realtime: false }, secrets: [], sink,
      plan: { fpsLimit: 5, detectWidth: W, live: ['fmp4'], mjpegFps: 5, mjpegWidth: W },
    }).start();
  });
  await ended;
  const live = join(dir, 'live.mp4');
  writeFileSync(live, Buffer.concat(mp4));
  // The pts the browser's MSE <video> reports as currentTime for each frame, in presentation order.
  const pts = execFileSync('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=pts_time', '-of', 'csv=p=0', live], { encoding: 'utf8' })
    .split('\n').filter(Boolean).map(Number).sort((a, b) => a - b);
  assert.equal(pts.length, 60);
  // What the viewer sees at each of those times: the copied stream decoded, frame by frame in presentation order.
  const pictures = execFileSync(ffmpeg, ['-v', 'error', '-i', live, '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'], { maxBuffer: 64 << 20 });
  const shownAt = new Map<number, number>(); // square x → pts of the picture showing it
  for (let i = 0; i < pts.length; i++) shownAt.set(squareX(pictures, i * W * H * 3)!, pts[i]);
  assert.equal(shownAt.size, 60, 'the square moves every frame');

  assert.ok(frames.length >= 10, `detection frames: ${frames.length}`);
  let worst = 0;
  for (const f of frames) {
    assert.equal(typeof f.mediaTimeS, 'number', 'every frame has a media time');
    const x = squareX(f.data);
    const at = x === null ? undefined : shownAt.get(x);
    assert.notEqual(at, undefined, `square at ${x} is in the live stream`);
    worst = Math.max(worst, Math.abs(f.mediaTimeS! - at!));
  }
  // Exact in principle; a quarter frame of slack for rounding in ffmpeg's printed times.
  assert.ok(worst <= 0.25 / FPS, `worst offset ${(worst * 1000).toFixed(1)} ms`);
});
