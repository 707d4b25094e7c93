import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCameraSource } from '../parse-camera-config.ts';
import { buildFfmpegCommand, inputArgs, type FfmpegSource } from './ffmpeg-args.ts';

const plan = { fpsLimit: 5, detectWidth: 640, live: [] as Array<'fmp4' | 'mjpeg'>, mjpegFps: 4, mjpegWidth: 640 };
const src = (s: Record<string, unknown>) => parseCameraSource(s) as FfmpegSource;

test('RTSP: Frigate input flags, transport, µs socket timeout, credentials percent-encoded into the URL', () => {
  const args = inputArgs(src({ type: 'rtsp', url: 'rtsp://10.0.0.5:554/s1', transport: 'udp', timeout_ms: 7000, username: 'admin', password: 'p@ss:w/d' }), 'linux');
  assert.deepEqual(args, [
    '-rtsp_transport', 'udp', '-timeout', '7000000', '-fflags', '+genpts+discardcorrupt', '-use_wallclock_as_timestamps', '1',
    '-avoid_negative_ts', 'make_zero', '-i', 'rtsp://admin:p%40ss%3Aw%2Fd@10.0.0.5:554/s1',
  ]);
});

test('USB per platform: v4l2 (index → /dev/videoN), dshow by name, avfoundation by index', () => {
  const usb = src({ type: 'usb', device: '2', width: 1280, height: 720, framerate: 30, input_format: 'mjpeg' });
  assert.deepEqual(inputArgs(usb, 'linux'), ['-f', 'v4l2', '-input_format', 'mjpeg', '-video_size', '1280x720', '-framerate', '30', '-use_wallclock_as_timestamps', '1', '-i', '/dev/video2']);
  assert.deepEqual(inputArgs(src({ type: 'usb', device: 'HD Webcam' }), 'win32'), ['-f', 'dshow', '-rtbufsize', '64M', '-i', 'video=HD Webcam']);
  assert.deepEqual(inputArgs(src({ type: 'usb', device: '0' }), 'darwin'), ['-f', 'avfoundation', '-framerate', '30', '-i', '0:none']);
});

test('file: real-time pacing and looping are input options', () => {
  assert.deepEqual(inputArgs(src({ type: 'file', path: '/v.mp4', loop: true, realtime: true }), 'linux'), ['-re', '-stream_loop', '-1', '-i', '/v.mp4']);
  assert.deepEqual(inputArgs(src({ type: 'file', path: '/v.mp4', loop: false, realtime: false }), 'linux'), ['-i', '/v.mp4']);
});

test('outputs: rgb24 on stdout first, then the live outputs on fds 3/4 as planned', () => {
  const file = src({ type: 'file', path: '/v.mp4' });
  const none = buildFfmpegCommand(file, plan);
  assert.deepEqual(none.fds, { fmp4: null, mjpeg: null });
  const a = none.args;
  assert.equal(a[a.indexOf('-pix_fmt') + 1], 'rgb24');
  assert.equal(a[a.length - 1], 'pipe:1');
  assert.match(a[a.indexOf('-vf') + 1], /^select='isnan\(prev_selected_t\)\+gte\(t-prev_selected_t\\,0\.1800\)',scale='trunc\(min\(640,iw\)\/2\)\*2':-2$/);
  const both = buildFfmpegCommand(file, { ...plan, live: ['fmp4', 'mjpeg'] }, { decodeThreads: 2 });
  assert.deepEqual(both.fds, { fmp4: 3, mjpeg: 4 });
  assert.ok(both.args.includes('pipe:3') && both.args.includes('pipe:4'));
  assert.equal(both.args[both.args.indexOf('-threads') + 1], '2');
  assert.ok(both.args.join(' ').includes('-c:v copy -f mp4 -movflags +frag_keyframe+empty_moov+default_base_moof'));
  assert.deepEqual(buildFfmpegCommand(file, { ...plan, live: ['mjpeg'] }).fds, { fmp4: null, mjpeg: 3 });
});

test('detect stream: the substream is decoded for detection, the main stream only copied into fMP4', () => {
  const rtsp = src({ type: 'rtsp', url: 'rtsp://cam/main', username: 'u', password: 'p' });
  const { args, fds } = buildFfmpegCommand(rtsp, { ...plan, live: ['fmp4'], detectStream: 'rtsp://cam/sub' });
  const inputs = args.flatMap((a, i) => (a === '-i' ? [args[i + 1]] : []));
  assert.deepEqual(inputs, ['rtsp://u:p@cam/main', 'rtsp://u:p@cam/sub'], 'main first, then the substream, both with the credentials');
  const maps = args.flatMap((a, i) => (a === '-map' ? [args[i + 1]] : []));
  assert.deepEqual(maps, ['1:v:0', '0:v:0'], 'rgb24 from the substream, fMP4 copy from the main stream');
  assert.deepEqual(fds, { fmp4: 3, mjpeg: null });
  // Without a live view the main stream is not opened at all; the JPEG fallback encodes from the decoded substream.
  const noLive = buildFfmpegCommand(rtsp, { ...plan, detectStream: 'rtsp://cam/sub' }).args;
  assert.deepEqual(noLive.flatMap((a, i) => (a === '-i' ? [noLive[i + 1]] : [])), ['rtsp://u:p@cam/sub']);
  const jpeg = buildFfmpegCommand(rtsp, { ...plan, live: ['mjpeg'], detectStream: 'rtsp://cam/sub' }).args;
  assert.deepEqual(jpeg.flatMap((a, i) => (a === '-map' ? [jpeg[i + 1]] : [])), ['0:v:0', '0:v:0']);
  assert.equal(jpeg.filter((a) => a === '-i').length, 1);
  const file = buildFfmpegCommand(src({ type: 'file', path: '/main.mp4' }), { ...plan, live: ['fmp4'], detectStream: '/sub.mp4' }).args;
  assert.deepEqual(file.flatMap((a, i) => (a === '-i' ? [file[i + 1]] : [])), ['/main.mp4', '/sub.mp4']);
});
