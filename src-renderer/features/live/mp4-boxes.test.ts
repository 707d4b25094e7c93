import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { Mp4BoxSplitter, Mp4FormatError, codecsFromInit } from './mp4-boxes.ts';

const ffmpeg = [process.env.FFMPEG_BIN, '/usr/bin/ffmpeg'].find((p) => p && existsSync(p));

// A real fragmented MP4 as a live fMP4 stream carries it: empty moov, then moof+mdat per fragment.
function liveFmp4(profile: 'baseline' | 'high'): Buffer {
  return execFileSync(ffmpeg!, [
    '-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=10', '-t', '2',
    '-c:v', 'libx264', '-profile:v', profile, '-g', '5', '-pix_fmt', 'yuv420p',
    '-movflags', 'frag_keyframe+empty_moov+default_base_moof', '-f', 'mp4', 'pipe:1',
  ], { maxBuffer: 16 * 1024 * 1024 });
}

test('splits a real fMP4 stream into whole boxes whatever the chunking', { skip: ffmpeg ? false : 'ffmpeg not found' }, () => {
  const bytes = new Uint8Array(liveFmp4('baseline'));
  const whole = new Mp4BoxSplitter().push(bytes);
  const types = whole.map((b) => b.type);
  assert.deepEqual(types.slice(0, 2), ['ftyp', 'moov']);
  const media = types.slice(2).filter((t) => t !== 'sidx' && t !== 'mfra');
  assert.ok(media.length >= 8, `fragments: ${media.join(',')}`);
  for (let i = 0; i < media.length; i += 2) assert.deepEqual(media.slice(i, i + 2), ['moof', 'mdat']);
  assert.equal(whole.reduce((n, b) => n + b.bytes.length, 0), bytes.length);

  // Same boxes when fed in odd-sized network chunks.
  const splitter = new Mp4BoxSplitter();
  const chunked: string[] = [];
  let sizes = 0;
  for (let at = 0, k = 1; at < bytes.length; k = (k * 7 + 3) % 997 + 1) {
    const next = Math.min(bytes.length, at + k * 13);
    for (const b of splitter.push(bytes.subarray(at, next))) { chunked.push(b.type); sizes += b.bytes.length; }
    at = next;
  }
  assert.deepEqual(chunked, types);
  assert.equal(sizes, bytes.length);
  assert.equal(splitter.buffered, 0);
});

test('reads the avc1 codec string MSE needs from the init segment', { skip: ffmpeg ? false : 'ffmpeg not found' }, () => {
  for (const [profile, prefix] of [['baseline', 'avc1.42'], ['high', 'avc1.64']] as const) {
    const boxes = new Mp4BoxSplitter().push(new Uint8Array(liveFmp4(profile)));
    const init = new Uint8Array([...boxes[0].bytes, ...boxes[1].bytes]);
    const codecs = codecsFromInit(init);
    assert.match(codecs ?? '', /^avc1\.[0-9A-F]{6}$/);
    assert.ok(codecs!.startsWith(prefix), `${profile}: ${codecs}`);
  }
});

test('rejects boxes a live stream cannot carry', () => {
  const zeroSized = new Uint8Array([0, 0, 0, 0, 0x6d, 0x64, 0x61, 0x74]);
  assert.throws(() => new Mp4BoxSplitter().push(zeroSized), Mp4FormatError);
  const tooSmall = new Uint8Array([0, 0, 0, 4, 0x6d, 0x6f, 0x6f, 0x66]);
  assert.throws(() => new Mp4BoxSplitter().push(tooSmall), Mp4FormatError);
  assert.equal(codecsFromInit(new Uint8Array([0, 0, 0, 8, 0x66, 0x74, 0x79, 0x70])), null);
});
