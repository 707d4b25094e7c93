// fMP4 segmenting and the live-view fan-out, on ffmpeg's real fragmented MP4 output.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { before, test } from 'node:test';
import { defaultFfmpegPath } from '../ffmpeg/resolve-ffmpeg.ts';
import { LiveView, type LiveChunk } from './live-view.ts';
import { codecFromInit, Mp4FragmentParser, type Mp4Chunk } from './mp4-fragments.ts';
import { makeTestVideo } from './testing/test-media.ts';

const run = promisify(execFile);
let fmp4: Buffer;
let fmp4Hevc: Buffer;

async function fragment(file: string): Promise<Buffer> {
  // The same muxer flags the camera reader uses.
  const { stdout } = await run(
    defaultFfmpegPath(),
    ['-hide_banner', '-loglevel', 'error', '-i', file, '-c:v', 'copy', '-f', 'mp4', '-movflags', '+frag_keyframe+empty_moov+default_base_moof', '-frag_duration', '500000', 'pipe:1'],
    { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 },
  );
  return stdout;
}

before(async () => {
  fmp4 = await fragment(await makeTestVideo({ width: 320, height: 240, fps: 15, seconds: 4, gop: 15 }));
  fmp4Hevc = await fragment(await makeTestVideo({ width: 320, height: 240, fps: 15, seconds: 2, codec: 'h265', gop: 15 }));
});

function parseAll(buf: Buffer, chunk: number): Mp4Chunk[] {
  const p = new Mp4FragmentParser();
  const out: Mp4Chunk[] = [];
  for (let i = 0; i < buf.length; i += chunk) out.push(...p.push(buf.subarray(i, i + chunk)));
  return out;
}

test('fMP4: one init with the codec string, then segments; keyframes where the GOPs start; every frame counted', () => {
  for (const size of [1000, 1 << 20]) {
    const chunks = parseAll(fmp4, size);
    const init = chunks[0];
    assert.equal(init.kind, 'init');
    assert.ok(init.kind === 'init' && /^avc1\.42c0[0-9a-f]{2}$/.test(init.codec ?? ''), `codec ${init.kind === 'init' && init.codec}`);
    assert.ok(init.kind === 'init' && init.mime.startsWith('video/mp4; codecs="avc1.'));
    const segs = chunks.slice(1).filter((c): c is Extract<Mp4Chunk, { kind: 'segment' }> => c.kind === 'segment');
    assert.equal(segs.length, chunks.length - 1);
    assert.equal(segs.reduce((n, s) => n + s.samples, 0), 60, '4 s at 15 fps');
    assert.ok(segs[0].keyframe, 'the first segment starts on a keyframe');
    // 0.5 s fragments, 1 s GOPs: every other segment starts a GOP.
    assert.deepEqual(segs.map((s) => s.keyframe), segs.map((_, i) => i % 2 === 0));
  }
});

test('fMP4: HEVC init yields an hvc1 codec string', () => {
  const init = parseAll(fmp4Hevc, 1 << 20)[0];
  assert.ok(init.kind === 'init' && /^hvc1\.1\.6\.L\d+(\.[0-9A-F]+)*$/.test(init.codec ?? ''), String(init.kind === 'init' && init.codec));
  assert.equal(codecFromInit(Buffer.from('not an mp4 at all')), null);
});

function feed(view: LiveView, chunks: Mp4Chunk[]): void {
  for (const c of chunks) {
    if (c.kind === 'init') view.pushInit(c.data, c.mime, c.codec);
    else view.pushSegment(c.data, c.keyframe, c.samples);
  }
}

test('a late viewer gets the init segment and the current GOP from its keyframe, then live segments', () => {
  const chunks = parseAll(fmp4, 1 << 20);
  const view = new LiveView('cam');
  view.resetForConnection(['fmp4']);
  feed(view, chunks.slice(0, 4)); // init + 3 segments: keyframe, delta, keyframe
  const got: LiveChunk[] = [];
  const off = view.subscribe('fmp4', (c) => got.push(c));
  assert.deepEqual(got.map((c) => c.kind), ['init', 'segment']);
  assert.ok(got[1].kind === 'segment' && got[1].keyframe && got[1].data.equals(chunks[3].data));
  feed(view, chunks.slice(4, 6));
  assert.equal(got.length, 4);
  off();
  feed(view, chunks.slice(6));
  assert.equal(got.length, 4, 'unsubscribed');
  assert.equal(view.stats.segments, chunks.length - 1);
  assert.equal(view.mime, chunks[0].kind === 'init' ? chunks[0].mime : null);
});

test('stream(): a slow consumer is cut back to the next keyframe, never handed a broken GOP', async () => {
  const chunks = parseAll(fmp4, 1 << 20);
  const segSize = Math.max(...chunks.slice(1).map((c) => c.data.length));
  const view = new LiveView('cam');
  view.resetForConnection(['fmp4']);
  feed(view, chunks.slice(0, 2));
  const ac = new AbortController();
  const it = view.stream('fmp4', { signal: ac.signal, maxQueuedBytes: chunks[0].data.length + segSize * 2 });
  feed(view, chunks.slice(2)); // far more than the consumer may queue
  const seen: LiveChunk[] = [];
  const reading = (async () => {
    for await (const c of it) seen.push(c);
  })();
  await new Promise((r) => setImmediate(r));
  ac.abort();
  await reading;
  assert.equal(seen[0].kind, 'init');
  const segs = seen.filter((c) => c.kind === 'segment');
  assert.ok(segs.length < chunks.length - 1, 'load was shed');
  // After the init, each run of segments starts on a keyframe.
  assert.ok(segs[0].kind === 'segment' && segs[0].keyframe);
  assert.equal(view.subscriberCount, 0, 'abort unsubscribes');
});

test('mjpeg: a new viewer sees the latest picture at once', () => {
  const view = new LiveView('cam');
  view.pushJpeg(Buffer.from([0xff, 0xd8, 1]), 1);
  view.pushJpeg(Buffer.from([0xff, 0xd8, 2]), 2);
  const got: LiveChunk[] = [];
  view.subscribe('mjpeg', (c) => got.push(c));
  assert.equal(got.length, 1);
  assert.ok(got[0].kind === 'jpeg' && got[0].data[2] === 2);
  // A throwing subscriber is dropped; others keep receiving.
  view.subscribe('mjpeg', () => {
    throw new Error('boom');
  });
  view.pushJpeg(Buffer.from([0xff, 0xd8, 3]), 3);
  view.pushJpeg(Buffer.from([0xff, 0xd8, 4]), 4);
  assert.equal(got.length, 3);
  assert.equal(view.subscriberCount, 1);
});
