// `vigil analyze` with any number of files: 2,000 paths on the command line (about 100 KB of argv, past the
// ~30 KB at which onnxruntime-node crashes in a process that creates sessions), --from lists and stdin.
// Runs the real CLI, which runs the real engine in its child process.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { samplePath } from '../../../src-engine/testing/face-samples.ts';
import { parseArgs, pathList } from './analyze.ts';

const VIGIL = fileURLToPath(new URL('../vigil.ts', import.meta.url));
let dir: string;
let tiny: string;

before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'vigil-analyze-'));
  tiny = path.join(dir, 'tiny.png');
  await writeFile(tiny, await sharp({ create: { width: 24, height: 24, channels: 3, background: { r: 90, g: 120, b: 150 } } }).png().toBuffer());
});
after(() => rm(dir, { recursive: true, force: true }));

function vigil(args: string[], stdin?: string): Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', VIGIL, 'analyze', ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr }));
    child.stdin.end(stdin ?? '');
  });
}

test('argument parsing: --from, -, and the usage errors', () => {
  assert.deepEqual(parseArgs(['--from', 'list.txt', '-', 'a.jpg']), { embeddings: false, out: null, minFace: null, from: ['list.txt'], inputs: ['-', 'a.jpg'] });
  assert.equal(parseArgs(['--from']), '--from needs a file with one path per line (- for stdin)');
  assert.equal(parseArgs([]), 'no input files or directories');
  assert.deepEqual(pathList('a b.jpg\r\n\nc.jpg\n'), ['a b.jpg', 'c.jpg']);
});

test('2,000 paths as arguments: every image answered in order, the engine child does not crash', { timeout: 120_000 }, async () => {
  const names: string[] = [];
  for (let i = 0; i < 1999; i++) {
    const p = path.join(dir, `a-rather-long-image-file-name-number-${String(i).padStart(4, '0')}.png`);
    await symlink(tiny, p);
    names.push(p);
  }
  const face = path.join(dir, 'group.jpg');
  await symlink(samplePath('sample1.jpg'), face);
  names.splice(1000, 0, face);
  assert.ok(names.join(' ').length > 60_000, 'the command line is far past 30 KB');
  const r = await vigil(names);
  assert.equal(r.signal, null, r.stderr);
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as { engine: string; provider: string; images: Record<string, { faces?: unknown[]; error?: unknown }> };
  assert.match(doc.engine, /vigil-face-engine/);
  assert.deepEqual(Object.keys(doc.images), names);
  assert.ok(Object.values(doc.images).every((v) => Array.isArray(v.faces)));
  assert.ok((doc.images[face].faces?.length ?? 0) >= 3, 'the group photo has its faces');
});

test('--from FILE and stdin (-) add paths; an unreadable one gets an error entry and the run goes on', { timeout: 60_000 }, async () => {
  const list = path.join(dir, 'list.txt');
  await writeFile(list, `${tiny}\n\n${path.join(dir, 'missing.jpg')}\n`);
  const r = await vigil(['--from', list, '-'], `${samplePath('sample4.jpg')}\n`);
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as { images: Record<string, { faces?: unknown[]; error?: { code: string } }> };
  assert.deepEqual(Object.keys(doc.images), [samplePath('sample4.jpg'), tiny, path.join(dir, 'missing.jpg')]);
  assert.equal(doc.images[path.join(dir, 'missing.jpg')].error?.code, 'INVALID_IMAGE');
  assert.ok((doc.images[samplePath('sample4.jpg')].faces?.length ?? 0) >= 4);
  assert.match(r.stderr, /1 of 3 images could not be analysed/);
});
