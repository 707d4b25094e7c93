// A video tile that falls behind, on ffmpeg's real fragmented MP4 (the camera reader's muxer flags) through a real
// LiveView and LiveTiles: the client stops acknowledging, the tile skips the fragments it could not send and resumes at
// a keyframe flagged GAP, and what it did send (init + fragments, in order) decodes with ffmpeg without an error,
// every frame of every sent fragment.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { test } from 'node:test';
import { FMP4_GAP, FMP4_INIT, FMP4_KEYFRAME, decodeLiveFmp4 } from '../../src-contract/http-transport.ts';
import { defaultFfmpegPath } from '../ffmpeg/resolve-ffmpeg.ts';
import { LiveView } from '../camera/live-view.ts';
import { Mp4FragmentParser, type Mp4Chunk } from '../camera/mp4-fragments.ts';
import { makeTestVideo } from '../camera/testing/test-media.ts';
import { LiveTiles } from './live-tiles.ts';

const run = promisify(execFile);

test('fMP4 tile behind: skips to a keyframe (GAP), and what was sent decodes frame for frame', async () => {
  const file = await makeTestVideo({ width: 320, height: 240, fps: 15, seconds: 4, gop: 15 });
  const { stdout: fmp4 } = await run(defaultFfmpegPath(), ['-hide_banner', '-loglevel', 'error', '-i', file, '-c:v', 'copy', '-f', 'mp4',
    '-movflags', '+frag_keyframe+empty_moov+default_base_moof', '-frag_duration', '500000', 'pipe:1'], { encoding: 'buffer', maxBuffer: 64 << 20 });
  const chunks: Mp4Chunk[] = new Mp4FragmentParser().push(fmp4);
  const segs = chunks.filter((c): c is Extract<Mp4Chunk, { kind: 'segment' }> => c.kind === 'segment');
  assert.deepEqual(segs.map((s) => s.keyframe), segs.map((_, i) => i % 2 === 0), '0.5 s fragments, a keyframe every second');

  const view = new LiveView('hall');
  view.resetForConnection(['fmp4']);
  let now = 0;
  const sent: Array<{ flags: number; data: Uint8Array }> = [];
  const tiles = new LiveTiles({
    subscribe: () => { throw new Error('no JPEG here'); },
    subscribeFmp4: (_id, onChunk) => view.subscribe('fmp4', (c) => {
      if (c.kind === 'init') onChunk({ kind: 'init', data: c.data });
      else if (c.kind === 'segment') onChunk({ kind: 'segment', data: c.data, keyframe: c.keyframe });
    }),
    send: (m) => { const d = decodeLiveFmp4(m)!; sent.push({ flags: d.flags, data: Buffer.from(d.data) }); },
    writable: () => true,
  }, { fragments: { credit: 1, skipAfterMs: 1000 }, now: () => now });
  tiles.open('hall', 'fmp4');

  const init = chunks[0];
  assert.equal(init.kind, 'init');
  view.pushInit(init.data, init.mime, init.codec);
  let acking = true;
  const ack = () => tiles.ack('hall', 'fmp4');
  ack(); // the init arrived
  segs.forEach((s, i) => {
    now = i * 500; // the camera's pace: one fragment every 0.5 s
    if (i === 3) acking = false; // the client stalls (slow link, busy tab) from the 4th fragment on ...
    view.pushSegment(s.data, s.keyframe, s.samples);
    if (i === 6) { acking = true; ack(); } // ... and catches up 1.5 s later
    if (acking) ack();
  });

  const stats = tiles.videoStats('hall')!;
  assert.ok(stats.skipped >= 2 && stats.gaps === 1, `fragments skipped once: ${JSON.stringify(stats)}`);
  assert.equal(sent[0].flags, FMP4_INIT);
  const gapAt = sent.findIndex((m) => m.flags & FMP4_GAP);
  assert.ok(gapAt > 1 && sent[gapAt].flags & FMP4_KEYFRAME, 'resumes at a keyframe, marked as a gap');
  assert.equal(sent.length - 1 + stats.skipped, segs.length, 'every fragment was either sent once or skipped');

  // What the client received, appended in order, is a valid stream: ffmpeg decodes every frame of it.
  const sentSegs = sent.slice(1).map((m) => segs.find((s) => Buffer.compare(s.data, Buffer.from(m.data)) === 0)!);
  assert.ok(sentSegs.every(Boolean), 'sent fragments are the camera\'s own, unchanged');
  assert.deepEqual(sentSegs.map((s) => segs.indexOf(s)), [...sentSegs.map((s) => segs.indexOf(s))].sort((a, b) => a - b), 'in order');
  const dir = mkdtempSync(join(tmpdir(), 'vigil-tile-'));
  try {
    const out = join(dir, 'received.mp4');
    writeFileSync(out, Buffer.concat(sent.map((m) => m.data)));
    const { stdout, stderr } = await run(defaultFfmpegPath(), ['-hide_banner', '-v', 'error', '-i', out, '-map', '0:v', '-f', 'framemd5', '-'], { maxBuffer: 16 << 20 });
    assert.equal(stderr.trim(), '', 'decodes without an error');
    const frames = stdout.split('\n').filter((l) => l && !l.startsWith('#')).length;
    assert.equal(frames, sentSegs.reduce((n, s) => n + s.samples, 0), 'every frame of every sent fragment');
  } finally {
    rmSync(dir, { recursive: true, force: true });
    tiles.closeAll();
  }
});
