// JPEG structure scanning, raw-socket framing and multipart parsing on real JPEGs made by ffmpeg,
// fed in random chunk sizes (network reads split frames anywhere).
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { DelimitedFrameSplitter, type SplitResult } from './delimited-frame-splitter.ts';
import { completeJpegInfo, JPEG_INCOMPLETE, JPEG_INVALID, JpegScanner } from './jpeg-scan.ts';
import { boundaryOf, MultipartParser, type MultipartPart } from './multipart-parser.ts';
import { makeTestJpegs } from './testing/test-media.ts';
import { noise } from './testing/jpeg-feed.ts';

let jpegs: Buffer[] = [];
before(async () => {
  jpegs = await makeTestJpegs({ width: 320, height: 240, count: 6 });
});

/** Deterministic pseudo-random chunking (1..max bytes). */
function* chunks(buf: Buffer, max: number, seed = 7): Generator<Buffer> {
  let s = seed;
  for (let i = 0; i < buf.length; ) {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    const n = 1 + (s % max);
    yield buf.subarray(i, i + n);
    i += n;
  }
}

/** A JPEG whose APP1 segment carries a whole JPEG (an EXIF thumbnail): its EOI is not the end. */
function withThumbnail(outer: Buffer, thumb: Buffer): Buffer {
  const payload = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), thumb]);
  const len = payload.length + 2;
  return Buffer.concat([outer.subarray(0, 2), Buffer.from([0xff, 0xe1, len >> 8, len & 0xff]), payload, outer.subarray(2)]);
}

test('scanner: complete JPEG end and size, incomplete prefix, truncated image followed by a new one', () => {
  const j = jpegs[0];
  assert.deepEqual(completeJpegInfo(j), { width: 320, height: 240 });
  assert.equal(new JpegScanner().scan(j), j.length);
  assert.equal(new JpegScanner().scan(j.subarray(0, j.length - 1)), JPEG_INCOMPLETE);
  assert.equal(completeJpegInfo(j.subarray(0, 500)), null);
  const cut = Buffer.concat([j.subarray(0, Math.floor(j.length / 2)), jpegs[1]]);
  assert.equal(new JpegScanner().scan(cut), JPEG_INVALID);
  assert.equal(completeJpegInfo(noise(2000)), null);
  const thumbed = withThumbnail(jpegs[2], jpegs[3]);
  assert.equal(new JpegScanner().scan(thumbed), thumbed.length, 'an embedded thumbnail does not end the image');
  // Resumable: the same answer when bytes arrive one chunk at a time.
  const s = new JpegScanner();
  let end = JPEG_INCOMPLETE;
  for (let n = 1; n <= j.length && end === JPEG_INCOMPLETE; n += 97) end = s.scan(j.subarray(0, n));
  if (end === JPEG_INCOMPLETE) end = s.scan(j);
  assert.equal(end, j.length);
});

function split(splitter: DelimitedFrameSplitter, stream: Buffer, max: number): SplitResult[] {
  const out: SplitResult[] = [];
  for (const c of chunks(stream, max)) out.push(...splitter.push(c));
  return out;
}

test('socket framing at a JPEG SOI marker: exact frames, noise counted, truncated frames reported, thumbnails survive', () => {
  const thumbed = withThumbnail(jpegs[4], jpegs[5]);
  const g1 = noise(1000);
  const g2 = noise(333);
  const stream = Buffer.concat([g1, jpegs[0], jpegs[1], g2, jpegs[2].subarray(0, 1500), jpegs[3], thumbed, jpegs[0]]);
  for (const max of [1, 7, 512, 100_000]) {
    const res = split(new DelimitedFrameSplitter(Buffer.from('ffd8ff', 'hex'), 1 << 20), stream, max);
    const frames = res.filter((r) => r.kind === 'frame').map((r) => (r as { data: Buffer }).data);
    // The last frame is delivered as soon as its EOI arrives, not when a next frame starts.
    assert.deepEqual(frames, [jpegs[0], jpegs[1], jpegs[3], thumbed, jpegs[0]], `chunk size ${max}`);
    assert.equal(res.filter((r) => r.kind === 'corrupt').length, 1, `chunk size ${max}`);
  }
  const sp = new DelimitedFrameSplitter(Buffer.from('ffd8ff', 'hex'), 1 << 20);
  sp.push(stream);
  assert.equal(sp.garbageBytes, g1.length + g2.length);
});

test('socket framing with a custom header marker: the marker is stripped, oversize frames dropped', () => {
  const marker = Buffer.from('VGL1FRAME', 'latin1');
  const stream = Buffer.concat([marker, jpegs[0], marker, jpegs[1], marker, noise(50_000), marker, jpegs[2], marker]);
  const res = split(new DelimitedFrameSplitter(marker, 40_000), stream, 333);
  const frames = res.filter((r) => r.kind === 'frame').map((r) => (r as { data: Buffer }).data);
  assert.ok(jpegs.every((j) => j.length < 40_000), 'test JPEGs are small');
  assert.deepEqual(frames.filter((f) => completeJpegInfo(f)), [jpegs[0], jpegs[1], jpegs[2]]);
  assert.ok(res.some((r) => r.kind === 'corrupt' && /max_frame_bytes/.test(r.reason)));
});

function parse(parser: MultipartParser, stream: Buffer, max: number): MultipartPart[] {
  const out: MultipartPart[] = [];
  for (const c of chunks(stream, max, 3)) out.push(...parser.push(c));
  return out;
}

const part = (boundary: string, body: Buffer, headers: string) => Buffer.concat([Buffer.from(`--${boundary}\r\n${headers}\r\n`, 'latin1'), body, Buffer.from('\r\n')]);

test('multipart: parts with and without Content-Length, timestamps, noise and a cut-short part', () => {
  assert.equal(boundaryOf('multipart/x-mixed-replace; boundary="my frame"'), 'my frame');
  assert.equal(boundaryOf('multipart/x-mixed-replace;boundary=--abc'), '--abc');
  assert.equal(boundaryOf('image/jpeg'), null);
  const b = 'frame';
  const stream = Buffer.concat([
    Buffer.from('preamble\r\n'),
    part(b, jpegs[0], `Content-Type: image/jpeg\r\nContent-Length: ${jpegs[0].length}\r\nX-Timestamp: 1700000000123\r\n`),
    Buffer.alloc(200, 0x55),
    part(b, jpegs[1], 'Content-Type: image/jpeg\r\n'),
    // Claims the full length but is cut short by the next boundary.
    part(b, jpegs[2].subarray(0, 900), `Content-Type: image/jpeg\r\nContent-Length: ${jpegs[2].length}\r\n`),
    part(b, jpegs[3], `Content-Length: ${jpegs[3].length}\r\n`),
    Buffer.from(`--${b}\r\n\r\n`),
    jpegs[4],
  ]);
  for (const max of [1, 13, 4096, 1 << 20]) {
    const parts = parse(new MultipartParser(b), stream, max);
    assert.deepEqual(parts.map((p) => p.body.length), [jpegs[0].length, jpegs[1].length, 900, jpegs[3].length], `chunk size ${max}`);
    assert.equal(parts[0].headers['x-timestamp'], '1700000000123');
    assert.ok(parts[0].body.equals(jpegs[0]) && parts[1].body.equals(jpegs[1]) && parts[3].body.equals(jpegs[3]));
    assert.equal(completeJpegInfo(parts[2].body), null, 'the cut-short part is visibly broken');
  }
  const p = new MultipartParser(b);
  p.push(stream);
  assert.equal(p.garbageBytes, 'preamble'.length + 200);
});

test('multipart: a declared boundary that already starts with "--" (camera quirk)', () => {
  const stream = Buffer.concat([part('--quirk', jpegs[0], ''), part('--quirk', jpegs[1], '')]);
  const parts = parse(new MultipartParser('--quirk'), stream, 50);
  assert.ok(parts[0].body.equals(jpegs[0]));
});
