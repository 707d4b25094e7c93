// electron-builder `beforePack` hook (CommonJS: electron-builder require()s it). The work lives in
// scripts/packaging/pack-steps.ts, loaded through tsx. Per target platform/arch it
//   1. checks the bundles (npm run build:desktop) and every model against models/manifest.json (sha256),
//   2. puts ffmpeg for the target into .cache/ffmpeg/<platform>-<arch>/ (picked up by extraResources),
//   3. rebuilds better-sqlite3 for Electron's ABI with @electron/rebuild (Node >= 22.12).
// VIGIL_PACK_DRY_RUN=1 does 1 and reports what 2 and 3 would do (used by `npm run package:check`).
'use strict';
const path = require('node:path');
const { tsImport } = require('tsx/esm/api');

const ARCH_NAMES = ['ia32', 'x64', 'armv7l', 'arm64', 'universal']; // builder-util's Arch enum order

exports.default = async function beforePack(context) {
  const steps = await tsImport('./packaging/pack-steps.ts', __filename);
  const arch = typeof context.arch === 'number' ? ARCH_NAMES[context.arch] : String(context.arch);
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
