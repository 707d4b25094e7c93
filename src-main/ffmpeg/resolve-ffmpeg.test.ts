import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { FfmpegNotFoundError, resolveFfmpeg } from './resolve-ffmpeg.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'vigil-ffmpeg-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function fakeBinary(at: string): string {
  mkdirSync(path.dirname(at), { recursive: true });
  writeFileSync(at, '#!/bin/sh\nexit 0\n');
  chmodSync(at, 0o755);
  return at;
}

test('FFMPEG_BIN wins when it points to an executable', () => {
  const bin = fakeBinary(path.join(dir, 'env', 'ffmpeg'));
  assert.equal(resolveFfmpeg({ env: { FFMPEG_BIN: bin, PATH: '' }, platform: 'linux' }), bin);
});

test('FFMPEG_BIN pointing nowhere is an error that names it and says what to install', () => {
  assert.throws(
    () => resolveFfmpeg({ env: { FFMPEG_BIN: path.join(dir, 'missing'), PATH: '/usr/bin' }, platform: 'linux' }),
    (e: unknown) => e instanceof FfmpegNotFoundError && /FFMPEG_BIN/.test(e.message) && /apt-get install ffmpeg/.test(e.message),
  );
});

test('a packaged app finds the binary shipped in resources/ffmpeg', () => {
  const res = path.join(dir, 'resources');
  const bin = fakeBinary(path.join(res, 'ffmpeg', 'ffmpeg'));
  assert.equal(resolveFfmpeg({ resourcesPath: res, env: { PATH: '' }, platform: 'linux' }), bin);
});

test('falls back to ffmpeg on PATH', () => {
  const bin = fakeBinary(path.join(dir, 'pathdir', 'ffmpeg'));
  const staticPath = createRequire(import.meta.url)('ffmpeg-static') as string | null;
  const expected = staticPath && existsSync(staticPath) ? staticPath : bin; // ffmpeg-static's download comes first
  assert.equal(resolveFfmpeg({ env: { PATH: `${path.join(dir, 'nothing')}:${path.join(dir, 'pathdir')}` }, platform: 'linux' }), expected);
});

test('nothing anywhere → one clear error listing where it looked', (t) => {
  const staticPath = createRequire(import.meta.url)('ffmpeg-static') as string | null;
  if (staticPath && existsSync(staticPath)) return t.skip('ffmpeg-static downloaded its binary on this machine');
  assert.throws(
    () => resolveFfmpeg({ env: { PATH: path.join(dir, 'nothing') }, platform: 'linux' }),
    (e: unknown) => e instanceof FfmpegNotFoundError && e.code === 'FFMPEG_NOT_FOUND' && e.looked.length >= 1 && /install ffmpeg/.test(e.message),
  );
});
