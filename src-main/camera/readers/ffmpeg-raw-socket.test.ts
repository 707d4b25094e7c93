// Detection frames from a real ffmpeg, by the Unix socket it listens on (read straight into pooled frame buffers)
// and by stdout (the Windows path): same frames, every frame up to the end of the file, buffers reused once the
// consumer gives them back and never while it holds them; failures still end with their typed reason.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { before, test } from 'node:test';
import { defaultFfmpegPath } from '../../ffmpeg/resolve-ffmpeg.ts';
import type { CameraError } from '../camera-error.ts';
import { FramePools } from '../frame-pool.ts';
import { parseCameraConfig } from '../parse-camera-config.ts';
import { makeTestVideo } from '../testing/test-media.ts';
import type { FfmpegSource } from './ffmpeg-args.ts';
import { FfmpegReader, rawOutputMode, type RawOutputMode } from './ffmpeg-reader.ts';
import type { ReaderFrame, ReaderSink } from './source-reader.ts';

let video = '';
before(async () => {
  // 320×240 rgb24 is 230 400 bytes: several socket reads per frame, so a frame is filled across reads.
  video = await makeTestVideo({ width: 320, height: 240, fps: 15, seconds: 2 });
});

const sha = (d: Uint8Array) => createHash('sha1').update(d).digest('hex');
const sockDirs = () => readdirSync(tmpdir()).filter((n) => n.startsWith('vigil-ff-'));

function fileSource(path: string): FfmpegSource {
  return parseCameraConfig({ id: 'raw', name: 'Raw', source: { type: 'file', path, loop: false } }).source as FfmpegSource;
}

/** Runs one connection to its end; `keep` decides per frame whether the consumer holds it (else releases at once). */
function read(mode: RawOutputMode | undefined, path: string, keep: (f: ReaderFrame) => boolean, pools = new FramePools()) {
  const frames: Array<{ frame: ReaderFrame; hash: string }> = [];
  let corrupt = 0;
  const ended = new Promise<CameraError>((resolve) => {
    const sink: ReaderSink = {
      frame: (f) => {
        frames.push({ frame: f, hash: sha(f.data) });
        if (!keep(f)) f.lease?.release();
      },
      info: () => {}, liveInit: () => {}, liveSegment: () => {}, liveJpeg: () => {}, received: () => {},
      corrupt: (n) => { corrupt += n; }, garbage: () => {}, log: () => {},
      ended: resolve,
    };
    const reader = new FfmpegReader({
      ffmpegPath: defaultFfmpegPath(), source: fileSource(path), secrets: [], sink, pools, rawOutput: mode,
      plan: { fpsLimit: 30, detectWidth: 320, live: [], mjpegFps: 1, mjpegWidth: 320 },
    });
    reader.start();
  });
  return { frames, ended, pools, corrupt: () => corrupt };
}

test('the default is the socket on Linux/macOS, stdout on Windows or when forced', () => {
  assert.equal(rawOutputMode({}, 'linux'), 'socket');
  assert.equal(rawOutputMode({}, 'darwin'), 'socket');
  assert.equal(rawOutputMode({}, 'win32'), 'stdout');
  assert.equal(rawOutputMode({ VIGIL_FFMPEG_RAW: 'stdout' }, 'linux'), 'stdout');
});

test('socket and stdout give the same frames, all of them, and the end of the file only after the last one', async () => {
  const before = sockDirs();
  const bySocket = read('socket', video, () => false);
  const byStdout = read('stdout', video, () => false);
  // This reader's folder (made when it starts). Other test files' readers share the temp folder, so compare only ours.
  const ours = sockDirs().filter((d) => !before.includes(d));
  const [e1, e2] = await Promise.all([bySocket.ended, byStdout.ended]);
  assert.equal(e1.code, 'STREAM_ENDED');
  assert.equal(e2.code, 'STREAM_ENDED');
  assert.equal(bySocket.frames.length, 30, '2 s at 15 fps: every frame, none lost at the end');
  assert.deepEqual(bySocket.frames.map((f) => f.hash), byStdout.frames.map((f) => f.hash), 'byte-identical frames');
  assert.equal(bySocket.frames[0].frame.data.length, 320 * 240 * 3);
  for (const r of [bySocket, byStdout]) {
    const st = r.pools.stats()!;
    assert.equal(st.outstanding, 0, 'every buffer given back');
    assert.ok(st.allocated <= 3 && st.reused >= 27, `buffers reused: ${JSON.stringify(st)}`);
  }
  assert.ok(ours.length >= 1, 'the socket reader made its folder');
  const left = sockDirs();
  assert.deepEqual(ours.filter((d) => left.includes(d)), [], 'the socket folder is removed');
});

test('frames the consumer holds keep their pixels while later frames arrive; released ones are reused', async () => {
  const r = read('socket', video, (f) => (f.width > 0 && r.frames.length % 3 === 1));
  assert.equal((await r.ended).code, 'STREAM_ENDED');
  const held = r.frames.filter((f) => !f.frame.lease!.released);
  assert.equal(held.length, 10);
  for (const h of held) assert.equal(sha(h.frame.data), h.hash, 'a held frame was not overwritten');
  const distinct = new Set(held.map((h) => h.frame.data.buffer));
  assert.equal(distinct.size, 10, 'each held frame has its own buffer');
  assert.equal(r.pools.stats()!.outstanding, 10);
  for (const h of held) h.frame.lease!.release();
  assert.equal(r.pools.stats()!.outstanding, 0);
  assert.throws(() => held[0].frame.lease!.data, /released/);
});

test('a missing file still ends as STREAM_NOT_FOUND by the socket, with nothing left behind', async () => {
  const before = sockDirs();
  const r = read('socket', '/nonexistent/vigil-missing.mp4', () => false);
  const err = await r.ended;
  assert.equal(err.code, 'STREAM_NOT_FOUND');
  assert.equal(r.frames.length, 0);
  assert.deepEqual(sockDirs(), before);
});

test('a truncated file: the frames before the damage arrive, the connection ends with a typed reason', async () => {
  const { readFileSync, writeFileSync, mkdtempSync, rmSync } = await import('node:fs');
  const { join } = await import('node:path');
  const dir = mkdtempSync(join(tmpdir(), 'vigil-raw-'));
  try {
    const bytes = readFileSync(video);
    const cut = join(dir, 'cut.mp4');
    writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    const r = read('socket', cut, () => false);
    const viaStdout = read('stdout', cut, () => false);
    const [err, err2] = await Promise.all([r.ended, viaStdout.ended]);
    assert.equal(err.code, err2.code, 'the same typed reason by either path');
    assert.ok(['STREAM_ENDED', 'STREAM_UNAVAILABLE', 'UNSUPPORTED'].includes(err.code), err.code);
    assert.ok(r.frames.length >= 10 && r.frames.length < 30, `${r.frames.length} frames`);
    assert.deepEqual(r.frames.map((f) => f.hash), viaStdout.frames.map((f) => f.hash), 'no frame lost before the damage');
    assert.equal(r.pools.stats()?.outstanding ?? 0, 0, 'the partial frame is given back');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a temp folder too deep for a socket path: the reader falls back to stdout and the frames still come', async () => {
  const { mkdirSync, rmSync } = await import('node:fs');
  const { join } = await import('node:path');
  const deep = join(tmpdir(), 'vigil-deep-'.padEnd(60, 'x'), 'y'.repeat(60));
  mkdirSync(deep, { recursive: true });
  const saved = process.env.TMPDIR;
  process.env.TMPDIR = deep;
  try {
    const r = read(undefined, video, () => false);
    assert.equal((await r.ended).code, 'STREAM_ENDED');
    assert.equal(r.frames.length, 30);
  } finally {
    if (saved === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = saved;
    rmSync(join(tmpdir(), 'vigil-deep-'.padEnd(60, 'x')), { recursive: true, force: true });
  }
});
