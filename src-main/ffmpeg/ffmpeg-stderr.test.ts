import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classifyFfmpegError, FfmpegStreamInfoParser, isDecodeErrorLine, moreSpecific, parseLogLine } from './ffmpeg-stderr.ts';

// Lines as ffmpeg 5.1 prints them with `-loglevel level+info`.
const LOG = `[info] Input #0, rtsp, from 'rtsp://admin:***@127.0.0.1:33661/cam':
[info]   Metadata:
[info]     title           : Session streamed with GStreamer
[info]   Duration: N/A, start: 0.066667, bitrate: N/A
[info]   Stream #0:0: Video: h264 (Constrained Baseline), yuv420p(progressive), 320x240 [SAR 1:1 DAR 4:3], 15 fps, 15 tbr, 90k tbn
[info] Output #1, mp4, to 'pipe:3':
[info]   Stream #1:0(und): Video: h264 (Constrained Baseline) (avc1 / 0x31637661), yuv420p(progressive), 320x240, q=2-31, 15 fps, 90k tbn
[info] Stream mapping:
[info]   Stream #0:0 -> #0:0 (h264 (native) -> rawvideo (native))
[info] Output #0, rawvideo, to 'pipe:1':
[info]   Stream #0:0: Video: rawvideo (RGB[24] / 0x18424752), rgb24(pc, gbr/unknown/unknown, progressive), 320x240 [SAR 1:1 DAR 4:3], q=2-31, 27648 kb/s, 15 fps, 15 tbn`;

test('stream descriptions: input codec/size/rate and each output size, attributed to the right side', () => {
  const p = new FfmpegStreamInfoParser();
  const found = LOG.split('\n').map((l) => p.push(parseLogLine(l).text)).filter((s) => s !== null);
  assert.deepEqual(found, [
    { file: 0, direction: 'input', codec: 'h264', profile: 'Constrained Baseline', width: 320, height: 240, fps: 15 },
    { file: 1, direction: 'output', codec: 'h264', profile: 'Constrained Baseline', width: 320, height: 240, fps: 15 },
    { file: 0, direction: 'output', codec: 'rawvideo', profile: '', width: 320, height: 240, fps: 15 },
  ]);
});

test('file input with a stream id and language, hevc, tbr only', () => {
  const p = new FfmpegStreamInfoParser();
  p.push('Input #0, mov,mp4,m4a,3gp,3g2,mj2, from \'/tmp/x.mp4\':');
  const s = p.push('  Stream #0:0[0x1](und): Video: hevc (Main) (hvc1 / 0x31637668), yuv420p(tv, progressive), 1920x1080, 2011 kb/s, 29.97 tbr, 30k tbn (default)');
  assert.deepEqual(s, { file: 0, direction: 'input', codec: 'hevc', profile: 'Main', width: 1920, height: 1080, fps: 29.97 });
});

test('log levels are split from the text', () => {
  assert.deepEqual(parseLogLine('[rtsp @ 0x55891b4bc940] [error] method DESCRIBE failed: 401 Unauthorized'), {
    level: 'error',
    text: '[rtsp @ 0x55891b4bc940] method DESCRIBE failed: 401 Unauthorized',
  });
  assert.equal(parseLogLine('[swscaler @ 0x1] [swscaler @ 0x2] [warning] deprecated pixel format used').level, 'warning');
  assert.equal(parseLogLine('no level here').level, 'other');
});

test('failure classes from real ffmpeg messages', () => {
  const cases: Array<[string, ReturnType<typeof classifyFfmpegError>]> = [
    ['rtsp://admin:***@127.0.0.1:33661/cam: Server returned 401 Unauthorized (authorization failed)', 'AUTH_FAILED'],
    ['method DESCRIBE failed: 404 Not Found', 'STREAM_NOT_FOUND'],
    ['/tmp/nope.mp4: No such file or directory', 'STREAM_NOT_FOUND'],
    // `timeout=0` in the URL must not read as a timeout.
    ['Connection to tcp://127.0.0.1:1?timeout=0 failed: Connection refused', 'STREAM_UNAVAILABLE'],
    ['rtsp://cam/x: Connection timed out', 'TIMEOUT'],
    ['/dev/video0: Permission denied', 'PERMISSION_DENIED'],
    ['/tmp/garbage.bin: Invalid data found when processing input', 'UNSUPPORTED'],
    ['Decoder (codec av1) not found for input stream #0:0', 'UNSUPPORTED'],
    ['error while decoding MB 3 4, bytestream -5', null],
  ];
  for (const [line, code] of cases) assert.equal(classifyFfmpegError(line), code, line);
});

test('the most specific failure wins; decoder errors are damage, not failure', () => {
  assert.equal(moreSpecific('STREAM_UNAVAILABLE', 'AUTH_FAILED'), 'AUTH_FAILED');
  assert.equal(moreSpecific('AUTH_FAILED', 'STREAM_UNAVAILABLE'), 'AUTH_FAILED');
  assert.equal(moreSpecific(null, 'TIMEOUT'), 'TIMEOUT');
  assert.ok(isDecodeErrorLine(parseLogLine('[h264 @ 0x5] [error] error while decoding MB 3 4')));
  assert.ok(!isDecodeErrorLine(parseLogLine('[rtsp @ 0x5] [error] method DESCRIBE failed: 401 Unauthorized')));
});
