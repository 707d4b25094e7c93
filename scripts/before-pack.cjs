// electron-builder `beforePack` hook (CommonJS: electron-builder require()s it). The work lives in
// scripts/packaging/pack-steps.ts, loaded through tsx. Per target platform/arch it
//   1. checks the bundles (npm run build:desktop) and every model against models/manifest.json (sha256),
//   2. puts ffmpeg for the target into .cache/ffmpeg/<platform>-<arch>/ (picked up by extraResources),
//   3. rebuilds better-sqlite3 for Electron's ABI with @electron/rebuild (Node >= 22.12),
// and sets VIGIL_TARGET_PLATFORM, which electron-builder.yml's file patterns use to keep the target's binaries only.
// VIGIL_PACK_DRY_RUN=1 does 1 and reports what 2 and 3 would do (used by `npm run package:check`).
'use strict';
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS hook: electron-builder require()s it */
const path = require('node:path');
const { pathToFileURL } = require('node:url');

const ARCH_NAMES = ['ia32', 'x64', 'armv7l', 'arm64', 'universal']; // builder-util's Arch enum order

/** Under tsx already (package-check) the .ts module imports directly; from electron-builder's CLI via tsx's API. */
async function loadSteps() {
  const file = path.join(__dirname, 'packaging', 'pack-steps.ts');
  try {
    return await import(pathToFileURL(file).href);
  } catch (err) {
    if (err && err.code !== 'ERR_UNKNOWN_FILE_EXTENSION') throw err;
    // tsx's ESM entry (its CommonJS twin fails to register its loader on Node 20).
    const { tsImport } = await import('tsx/esm/api');
    return tsImport(pathToFileURL(file).href, pathToFileURL(__filename).href);
  }
}

exports.default = async function beforePack(context) {
  const steps = await loadSteps();
  const arch = typeof context.arch === 'number' ? ARCH_NAMES[context.arch] : String(context.arch);
  // electron-builder.yml selects the target's native payloads with ${env.VIGIL_TARGET_PLATFORM}; its file patterns
  // are expanded after this hook, once per target.
  process.env.VIGIL_TARGET_PLATFORM = context.electronPlatformName;
  const findings = await steps.runBeforePack({
    root: path.resolve(__dirname, '..'),
    platform: context.electronPlatformName,
    arch,
    dryRun: process.env.VIGIL_PACK_DRY_RUN === '1',
  });
  for (const f of findings) console.log(`  • before-pack ${f.level.padEnd(5)} ${f.what}`);
  const errors = findings.filter((f) => f.level === 'error');
  if (errors.length) throw new Error(`before-pack: ${errors.map((e) => e.what).join('; ')}`);
};
