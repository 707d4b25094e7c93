// Bad input never crashes the engine: every case ends in a typed error, big photos are reduced.
import assert from 'node:assert/strict';
import { crc32 } from 'node:zlib';
import { after, before, test } from 'node:test';
import sharp from 'sharp';
import { EngineError } from '../errors.ts';
import { Engine } from '../engine.ts';
import { decodeImage } from './decode.ts';

const isCode = (code: string) => (err: unknown) => err instanceof EngineError && err.code === code;

/** A PNG whose header declares the given size and has no pixel data. */
function pngHeader(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const chunk = (type: string, data: Buffer): Buffer => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), 8 + data.length);
    return out;
  };
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IEND', Buffer.alloc(0))]);
}

let jpeg: Buffer;
before(async () => {
  jpeg = await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 200, g: 100, b: 50 } } }).jpeg().toBuffer();
});

test('empty, garbage, truncated, zero-size, SVG and oversized inputs are typed errors', async () => {
  await assert.rejects(decodeImage(new Uint8Array(0)), isCode('INVALID_IMAGE'));
  await assert.rejects(decodeImage(Buffer.from('definitely not an image')), isCode('INVALID_IMAGE'));
  await assert.rejects(decodeImage(jpeg.subarray(0, jpeg.length >> 1)), isCode('INVALID_IMAGE'));
  await assert.rejects(decodeImage(pngHeader(0, 0)), isCode('INVALID_IMAGE'));
  await assert.rejects(decodeImage(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>')), isCode('INVALID_IMAGE'));
  await assert.rejects(decodeImage(jpeg, { maxInputPixels: 1000, maxWorkingPixels: 1000 }), isCode('IMAGE_TOO_LARGE'));
});

test('grey and RGBA images come out as 3-channel RGB', async () => {
  const grey = await sharp({ create: { width: 20, height: 10, channels: 3, background: { r: 90, g: 90, b: 90 } } }).greyscale().png().toBuffer();
  const g = await decodeImage(grey);
  assert.equal(g.frame.channels, 3);
  assert.deepEqual(Array.from(g.frame.data.subarray(0, 3)), [90, 90, 90]);
  const rgba = await sharp({ create: { width: 4, height: 4, channels: 4, background: { r: 255, g: 0, b: 0, alpha: 1 } } }).png().toBuffer();
  const c = await decodeImage(rgba);
  assert.deepEqual(Array.from(c.frame.data.subarray(0, 3)), [255, 0, 0]);
});

let engine: Engine;
before(async () => {
  engine = await Engine.create({ warmupIterations: 0, models: { liveness: null } });
});
after(() => engine.dispose());

test('a 50-megapixel photo is analysed at a reduced working size, boxes in stored pixels', async () => {
  const big = await sharp({ create: { width: 8660, height: 5774, channels: 3, background: { r: 120, g: 130, b: 140 } } }).jpeg({ quality: 50 }).toBuffer();
  const d = await decodeImage(big);
  assert.equal(d.width, 8660);
  assert.ok(d.frame.width * d.frame.height <= 16_100_000 && d.scaleX < 1);
  const r = await engine.analyzeImage(big, { detection: { maxViews: 8 } });
  assert.equal(r.width, 8660);
  assert.deepEqual(r.faces, []);
});

test('the engine answers bad bytes and bad frames with typed errors and keeps working', async () => {
  await assert.rejects(engine.analyzeImage(jpeg.subarray(0, 100)), isCode('INVALID_IMAGE'));
  await assert.rejects(engine.analyzeFrame({ width: 10, height: 10, channels: 3, data: new Uint8Array(5) }), isCode('INVALID_FRAME'));
  await assert.rejects(engine.analyzeFrame({ width: 0, height: 10, channels: 3, data: new Uint8Array(0) }), isCode('INVALID_FRAME'));
  const ok = await engine.analyzeImage(jpeg);
  assert.equal(ok.width, 64);
  assert.ok(ok.decode_ms! >= 0 && ok.ms >= 0);
});
