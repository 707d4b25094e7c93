// Issue 15 #8: the host's push analyzer refuses an undecodable body (here: the first 60 % of a real JPEG) with
// INVALID_IMAGE before the frame is scheduled, instead of an engine failure reported as QUEUE_FULL.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import sharp from 'sharp';
import type { HostContext } from './host-context.ts';
import { createPushAnalyzer } from './push-analysis.ts';

test('a truncated JPEG is INVALID_IMAGE before it reaches the pipeline', async () => {
  const jpeg = await sharp({ create: { width: 640, height: 480, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 40 } } }).jpeg().toBuffer();
  let scheduled = 0;
  const ctx = { pipeline: { analyzePush: () => { scheduled++; return new Promise(() => {}); } } } as unknown as HostContext;
  const analyze = createPushAnalyzer(ctx);
  const opts = { cameraId: 'c', frameId: 'f', timestamp: '', recognize: false, maxFaces: 10, returnSnapshots: false, returnEmbeddings: false, priority: 'normal', timeoutMs: 1000, signal: new AbortController().signal } as unknown as Parameters<typeof analyze>[1];
  await assert.rejects(analyze(jpeg.subarray(0, Math.floor(jpeg.length * 0.6)), opts), { code: 'INVALID_IMAGE' });
  assert.equal(scheduled, 0);
});
