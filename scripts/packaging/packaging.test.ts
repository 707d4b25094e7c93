// The packaging configuration and checks, with electron-builder's own loader and the real models/addons.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { auditPackedFiles, type PackedFile } from '../package-check.ts';
import { checkFfmpeg, fetchFfmpeg, ffmpegOverrideVar, nativeAbisOf, SQLITE_ADDON, verifyModels } from './pack-steps.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);

async function loadAndValidate(configFile: string) {
  const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config') as {
    getConfig(dir: string, file: string, opts: null): Promise<Record<string, unknown>>;
    validateConfiguration(c: unknown, logger: unknown): Promise<void>;
  };
  const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };
  const config = await getConfig(ROOT, configFile, null);
  await validateConfiguration(config, new DebugLogger(false));
  return config as { nsis: Record<string, unknown>; mac: { target: Array<{ arch: string[] }> }; asarUnpack: string[] };
}

test('electron-builder.yml passes electron-builder\'s schema; a typo in it does not', async () => {
  const config = await loadAndValidate(path.join(ROOT, 'electron-builder.yml'));
  assert.equal(config.nsis.oneClick, false);
  assert.equal(config.nsis.perMachine, false);
  assert.equal(config.nsis.deleteAppDataOnUninstall, false);
  assert.deepEqual(config.mac.target[0].arch, ['arm64']);
  const dir = mkdtempSync(path.join(tmpdir(), 'vigil-eb-'));
  try {
    const bad = path.join(dir, 'electron-builder.yml');
    writeFileSync(bad, readFileSync(path.join(ROOT, 'electron-builder.yml'), 'utf8').replace('oneClick: false', 'oneclick: false'));
    await assert.rejects(loadAndValidate(bad), /does not match the API schema[\s\S]*configuration\.nsis/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the packaged-file audit catches sources, tests, dev packages and other platforms\' binaries', () => {
  const required = ['dist/electron/main.js', 'dist/electron/preload.cjs', 'dist/electron/engine.js', 'dist/renderer/index.html'];
  const clean: PackedFile[] = [
    ...['package.json', ...required].map((p) => ({ path: p, bytes: 10, where: 'asar' as const })),
    { path: 'node_modules/better-sqlite3/build/Release/better_sqlite3.node', bytes: 1, where: 'unpacked' },
    { path: 'node_modules/onnxruntime-node/bin/napi-v6/win32/x64/onnxruntime_binding.node', bytes: 1, where: 'unpacked' },
    { path: 'node_modules/onnxruntime-node/bin/napi-v6/win32/x64/DirectML.dll', bytes: 1, where: 'unpacked' },
    { path: 'node_modules/@img/sharp-win32-x64/lib/sharp-win32-x64.node', bytes: 1, where: 'unpacked' },
    { path: 'ffmpeg/ffmpeg.exe', bytes: 1, where: 'resources' },
    { path: 'models/manifest.json', bytes: 1, where: 'resources' },
    { path: 'models/arcface_mbf_112.onnx', bytes: 1, where: 'resources' },
  ];
  const target = { platform: 'win32', arch: 'x64' };
  assert.deepEqual(auditPackedFiles(clean, target, ['electron', 'vite'], required), []);
  const dirty: PackedFile[] = [
    ...clean.filter((f) => !f.path.endsWith('DirectML.dll') && !f.path.endsWith('better_sqlite3.node')),
    { path: 'node_modules/better-sqlite3/build/Release/better_sqlite3.node', bytes: 1, where: 'asar' },
    { path: 'node_modules/onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime.so.1', bytes: 1, where: 'unpacked' },
    { path: 'node_modules/@img/sharp-darwin-arm64/lib/sharp.node', bytes: 1, where: 'unpacked' },
    { path: 'src-main/electron/main.ts', bytes: 1, where: 'asar' },
    { path: 'node_modules/zod/tests/a.test.js', bytes: 1, where: 'asar' },
    { path: 'node_modules/vite/index.js', bytes: 1, where: 'asar' },
    { path: 'dist/electron/main.js.map', bytes: 1, where: 'asar' },
  ];
  const problems = auditPackedFiles(dirty, target, ['electron', 'vite'], required).join('\n');
  for (const expected of [/better_sqlite3.node must be unpacked/, /another platform's onnxruntime/, /DirectML.dll missing/, /another platform's sharp/,
    /TypeScript source packaged/, /project source packaged/, /test file packaged/, /devDependency packaged: vite/, /source map packaged/]) {
    assert.match(problems, expected);
  }
});

test('ffmpeg comes from the override variable when set; models are checked against their sha256', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'vigil-pack-'));
  const envVar = ffmpegOverrideVar('linux', 'x64');
  const before = process.env[envVar];
  try {
    const fake = path.join(dir, 'my-ffmpeg');
    writeFileSync(fake, '#!/bin/sh\n');
    assert.equal(checkFfmpeg(dir, 'linux', 'x64').level, 'todo');
    process.env[envVar] = fake;
    const placed = fetchFfmpeg(dir, 'linux', 'x64');
    assert.equal(placed, path.join(dir, '.cache', 'ffmpeg', 'linux-x64', 'ffmpeg'));
    assert.equal(checkFfmpeg(dir, 'linux', 'x64').level, 'ok');

    const real = await verifyModels(path.join(ROOT, 'models'));
    assert.ok(real.length >= 5 && real.every((f) => f.level === 'ok'), JSON.stringify(real));
    const models = path.join(dir, 'models');
    mkdirSync(models);
    copyFileSync(path.join(ROOT, 'models', 'manifest.json'), path.join(models, 'manifest.json'));
    const manifest = JSON.parse(readFileSync(path.join(models, 'manifest.json'), 'utf8')) as { models: Array<{ file: string; shipped?: boolean }> };
    for (const m of manifest.models.filter((e) => e.shipped !== false)) copyFileSync(path.join(ROOT, 'models', m.file), path.join(models, m.file));
    const victim = path.join(models, manifest.models[0].file);
    const bytes = readFileSync(victim);
    bytes[bytes.length >> 1] ^= 0xff;
    writeFileSync(victim, bytes);
    const findings = await verifyModels(models);
    assert.equal(findings.filter((f) => f.level === 'error').length, 1);
    assert.match(findings.find((f) => f.level === 'error')!.what, /does not match the manifest/);
  } finally {
    if (before === undefined) delete process.env[envVar];
    else process.env[envVar] = before;
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the native-ABI probe reads better-sqlite3\'s module version', { skip: !existsSync(path.join(ROOT, SQLITE_ADDON)) && 'better-sqlite3 not built' }, () => {
  assert.ok(nativeAbisOf(path.join(ROOT, SQLITE_ADDON)).includes(Number(process.versions.modules)));
});
