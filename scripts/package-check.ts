// `npm run package:check [-- --target linux-x64,win32-x64,darwin-arm64] [--try-download]`
//
// Runs electron-builder's own pipeline as far as it can go without Electron's binaries, for each target:
//   1. loads electron-builder.yml with electron-builder's loader and validates it against its JSON schema;
//   2. checks every file the configuration names (hook, icons, entitlements, extraMetadata.main, resources);
//   3. runs the beforePack hook in dry-run mode (bundles present, model checksums, ffmpeg, better-sqlite3 ABI);
//   4. computes, with electron-builder's file matchers and its npm dependency collector, exactly which files go
//      into app.asar, which are unpacked beside it, and which extraResources are copied; asserts that no source,
//      test, devDependency or other platform's native payload slips in; writes the full list to
//      release/package-check/<target>.txt;
//   5. stops where electron-builder would download Electron for the target (GitHub is unreachable on the build
//      machines this project is developed on). `--try-download` attempts that step to show the actual error.
// Exit code 1 when any check fails.
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import type { Stats } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Arch, Packager, Platform } from 'electron-builder';
import type { Configuration, PlatformPackager, Target } from 'app-builder-lib';
import { electronVersion, requiredBundles, type Finding } from './packaging/pack-steps.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

// electron-builder internals used by its own copy step (marked @internal, so typed here).
interface ResolvedFileSet { src: string; destination: string; files: string[]; metadata: Map<string, Stats & { moduleName?: string; moduleRootPath?: string }> }
interface Matcher { from: string; to: string; patterns: string[]; macroExpander: (p: string) => string; createFilter(): (file: string, stat: Stats) => boolean }
const fileMatcher = require('app-builder-lib/out/fileMatcher') as {
  getMainFileMatchers(appDir: string, dest: string, expand: (p: string) => string, opts: unknown, packager: unknown, outDir: string, electronCompile: boolean): Matcher[];
  getNodeModuleFileMatcher(appDir: string, dest: string, expand: (p: string) => string, opts: unknown, info: unknown): Matcher;
  getFileMatchers(config: Configuration, name: string, dest: string, opts: unknown): Matcher[] | null;
};
const appFileCopier = require('app-builder-lib/out/util/appFileCopier') as {
  computeFileSets(m: Matcher[], transformer: null, packager: unknown, electronCompile: boolean): Promise<ResolvedFileSet[]>;
  computeNodeModuleFileSets(packager: unknown, matcher: Matcher): Promise<ResolvedFileSet[]>;
  getDestinationPath(file: string, fileSet: ResolvedFileSet): string;
};
const unpackDetector = require('app-builder-lib/out/asar/unpackDetector') as { detectUnpackedDirs(fs: ResolvedFileSet, out: Set<string>): void };
const builderUtil = require('builder-util') as { walk(dir: string, filter: (f: string, s: Stats) => boolean): Promise<string[]> };

export interface PackedFile { path: string; bytes: number; where: 'asar' | 'unpacked' | 'resources' }

const TARGETS: Record<string, { platform: Platform; arch: Arch }> = {
  'linux-x64': { platform: Platform.LINUX, arch: Arch.x64 },
  'win32-x64': { platform: Platform.WINDOWS, arch: Arch.x64 },
  'darwin-arm64': { platform: Platform.MAC, arch: Arch.arm64 },
};

/** Every rule a packaged tree must satisfy; returns the violations. Exported for the test. */
export function auditPackedFiles(files: PackedFile[], target: { platform: string; arch: string }, devDependencies: string[], required: string[]): string[] {
  const problems: string[] = [];
  const asar = files.filter((f) => f.where !== 'resources');
  const has = (p: string, where?: PackedFile['where']) => files.some((f) => f.path === p && (!where || f.where === where));
  for (const file of ['package.json', ...required]) {
    if (!has(file, 'asar')) problems.push(`${file} is not in app.asar`);
  }
  const addon = 'node_modules/better-sqlite3/build/Release/better_sqlite3.node';
  if (!has(addon, 'unpacked')) problems.push(`${addon} must be unpacked from the asar`);
  const ortDir = `node_modules/onnxruntime-node/bin/napi-v6/${target.platform}/${target.arch}/`;
  const ort = asar.filter((f) => f.path.startsWith('node_modules/onnxruntime-node/bin/'));
  if (!ort.some((f) => f.path.startsWith(ortDir) && f.path.endsWith('onnxruntime_binding.node') && f.where === 'unpacked')) problems.push(`onnxruntime binding for ${target.platform}-${target.arch} missing or not unpacked`);
  for (const f of ort) if (!f.path.startsWith(ortDir)) problems.push(`another platform's onnxruntime file is packaged: ${f.path}`);
  if (target.platform === 'win32' && !has(`${ortDir}DirectML.dll`, 'unpacked')) problems.push('DirectML.dll missing for Windows');
  if (target.platform === 'darwin' && !has(`${ortDir}libonnxruntime.1.dylib`, 'unpacked')) problems.push('libonnxruntime.1.dylib (what the binding loads) missing for macOS');
  for (const f of asar.filter((x) => x.path.startsWith('node_modules/@img/sharp-'))) {
    if (!f.path.includes(`-${target.platform}-${target.arch}/`)) problems.push(`another platform's sharp/libvips is packaged: ${f.path}`);
    else if (f.where !== 'unpacked') problems.push(`sharp native file inside the asar: ${f.path}`);
  }
  const sharpPackages = [`@img/sharp-${target.platform}-${target.arch}`, ...(target.platform === 'win32' ? [] : [`@img/sharp-libvips-${target.platform}-${target.arch}`])];
  for (const name of sharpPackages) {
    if (!asar.some((f) => f.path.startsWith(`node_modules/${name}/`) && f.where === 'unpacked')) problems.push(`sharp: ${name} missing or not unpacked`);
  }
  const exe = target.platform === 'win32' ? 'ffmpeg.exe' : 'ffmpeg';
  if (!has(`ffmpeg/${exe}`, 'resources')) problems.push(`resources/ffmpeg/${exe} missing (beforePack fetches it; see docs/desktop.md)`);
  if (!has('models/manifest.json', 'resources') || !files.some((f) => f.where === 'resources' && /^models\/.+\.onnx$/.test(f.path))) problems.push('resources/models (manifest + .onnx) missing');
  const dev = new Set(devDependencies);
  for (const f of asar) {
    if (/\.(ts|tsx|mts|cts)$/.test(f.path) && !f.path.endsWith('.d.ts')) problems.push(`TypeScript source packaged: ${f.path}`);
    if (/^src-(main|engine|renderer|contract)\//.test(f.path) || f.path.startsWith('e2e/') || f.path.startsWith('scripts/')) problems.push(`project source packaged: ${f.path}`);
    if (/\.(test|spec)\.[cm]?js$/.test(f.path) || /\/(__tests__|tests?)\//.test(f.path)) problems.push(`test file packaged: ${f.path}`);
    if (/\.map$/.test(f.path)) problems.push(`source map packaged: ${f.path}`);
    const m = /^node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(f.path);
    if (m && dev.has(m[1])) problems.push(`devDependency packaged: ${m[1]}`);
  }
  return [...new Set(problems)];
}

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** The listing step, run in place of PlatformPackager.pack (which would download Electron next). */
async function listTarget(helper: PlatformPackager<never>, outDir: string, arch: Arch, targets: Target[], name: string, report: TargetReport): Promise<void> {
  const info = helper.info;
  const platformName = helper.platform.nodeName;
  const appOutDir = path.join(outDir, `${name}-unpacked`);
  process.env.VIGIL_PACK_DRY_RUN = '1';
  try {
    await info.emitBeforePack({ appOutDir, outDir, arch, targets, packager: helper, electronPlatformName: platformName } as never);
  } catch (err) {
    report.findings.push({ level: 'error', what: `beforePack: ${(err as Error).message}` });
  }
  const opts = helper.createGetFileMatchersOptions(outDir, arch, helper.platformSpecificBuildOptions);
  const expand = opts.macroExpander;
  const appDest = path.join(appOutDir, 'resources', 'app');
  const main = fileMatcher.getMainFileMatchers(info.appDir, appDest, expand, helper.platformSpecificBuildOptions, helper, outDir, false);
  const sets = await appFileCopier.computeFileSets(main, null, helper, false);
  const moduleMatcher = fileMatcher.getNodeModuleFileMatcher(info.appDir, appDest, expand, helper.platformSpecificBuildOptions, info);
  sets.push(...(await appFileCopier.computeNodeModuleFileSets(helper, moduleMatcher)));

  // The same unpack decision as AsarPackager: asarUnpack patterns, plus modules holding native code.
  const unpackFilter = fileMatcher.getFileMatchers(helper.config, 'asarUnpack', appDest, { ...opts, defaultSrc: info.appDir })?.[0]?.createFilter();
  const autoUnpacked = new Set<string>();
  for (const set of sets) unpackDetector.detectUnpackedDirs(set, autoUnpacked);
  for (const set of sets) {
    for (const file of set.files) {
      const stat = set.metadata.get(file);
      if (!stat?.isFile()) continue;
      const rel = path.relative(appDest, appFileCopier.getDestinationPath(file, set)).split(path.sep).join('/');
      const dest = appFileCopier.getDestinationPath(file, set);
      const unpacked = (unpackFilter?.(file, stat) ?? false) || [...autoUnpacked].some((d) => dest === d || dest.startsWith(d + path.sep));
      report.files.push({ path: rel, bytes: stat.size, where: unpacked ? 'unpacked' : 'asar' });
    }
  }

  const resourcesDir = path.join(appOutDir, 'resources');
  for (const m of fileMatcher.getFileMatchers(helper.config, 'extraResources', resourcesDir, opts) ?? []) {
    if (!existsSync(m.from)) {
      report.findings.push({ level: 'todo', what: `extraResources source ${path.relative(ROOT, m.from)}/ does not exist yet (created by beforePack on the packaging machine)` });
      continue;
    }
    if (m.patterns.length === 0) m.patterns.push('**/*');
    for (const file of await builderUtil.walk(m.from, m.createFilter())) {
      const st = statSync(file);
      if (st.isFile()) report.files.push({ path: path.relative(resourcesDir, path.join(m.to, path.relative(m.from, file))).split(path.sep).join('/'), bytes: st.size, where: 'resources' });
    }
  }
  report.stoppedAt = `next: download Electron ${electronVersion(ROOT)} for ${platformName}-${Arch[arch]} (framework.prepareApplicationStageDirectory)`;
  if (process.argv.includes('--try-download')) {
    const t0 = Date.now();
    try {
      await Promise.race([
        info.framework.prepareApplicationStageDirectory({ packager: helper, appOutDir, platformName, arch: Arch[arch], version: electronVersion(ROOT) } as never),
        new Promise((_r, rej) => setTimeout(() => rej(new Error('no answer in 90 s')), 90_000)),
      ]);
      report.stoppedAt += ': the download worked on this machine (no installer is built by this check)';
    } catch (err) {
      report.stoppedAt += `: failed after ${((Date.now() - t0) / 1000).toFixed(1)} s: ${(err as Error).message.split('\n')[0].slice(0, 300)}`;
    }
  }
}

interface TargetReport { name: string; findings: Finding[]; files: PackedFile[]; stoppedAt: string }

function referencedFiles(config: Configuration): string[] {
  const refs = [
    config.beforePack, config.win?.icon, config.mac?.icon, config.linux?.icon,
    config.mac?.entitlements, config.mac?.entitlementsInherit,
  ];
  return refs.filter((r): r is string => typeof r === 'string');
}

async function main(): Promise<number> {
  const wanted = (process.argv.find((a) => a.startsWith('--target='))?.slice('--target='.length) ?? Object.keys(TARGETS).join(',')).split(',');
  const pkg = require(path.join(ROOT, 'package.json')) as { devDependencies?: Record<string, string> };
  const reports: TargetReport[] = [];
  let configError: string | null = null;

  const targetMap = new Map<Platform, Map<Arch, string[]>>();
  for (const name of wanted) {
    const t = TARGETS[name];
    if (!t) throw new Error(`unknown target ${name}; one of ${Object.keys(TARGETS).join(', ')}`);
    targetMap.set(t.platform, new Map([...(targetMap.get(t.platform) ?? new Map<Arch, string[]>()), [t.arch, ['dir']]]));
  }
  const packager = new Packager({
    projectDir: ROOT,
    config: path.join(ROOT, 'electron-builder.yml'),
    targets: targetMap,
    platformPackagerFactory: (info, platform) => {
      const mod = require('app-builder-lib') as Record<string, new (i: unknown) => PlatformPackager<never>>;
      const helper = new mod[platform === Platform.MAC ? 'MacPackager' : platform === Platform.WINDOWS ? 'WinPackager' : 'LinuxPackager'](info);
      helper.pack = async (outDir: string, arch: Arch, targets: Target[]) => {
        const name = `${platform.nodeName}-${Arch[arch]}`;
        const report: TargetReport = { name, findings: [], files: [], stoppedAt: '' };
        reports.push(report);
        await listTarget(helper, outDir, arch, targets, name, report);
      };
      return helper;
    },
  });
  try {
    await packager.build();
  } catch (err) {
    configError = (err as Error).message;
  }
  const config = packager.config;

  console.log('\n== electron-builder.yml');
  if (configError) {
    console.log(`  ✗ ${configError}`);
    return 1;
  }
  console.log('  ✓ loaded and validated by electron-builder (schema, package.json metadata, hooks resolved)');
  let failed = false;
  for (const ref of referencedFiles(config)) {
    const ok = existsSync(path.join(ROOT, ref));
    failed ||= !ok;
    console.log(`  ${ok ? '✓' : '✗'} ${ref}${ok ? '' : ' missing'}`);
  }

  mkdirSync(path.join(ROOT, 'release', 'package-check'), { recursive: true });
  for (const r of reports) {
    const [platform, arch] = r.name.split('-');
    const problems = auditPackedFiles(r.files, { platform, arch }, Object.keys(pkg.devDependencies ?? {}), requiredBundles(ROOT));
    const sum = (w: PackedFile['where']) => r.files.filter((f) => f.where === w).reduce((a, f) => a + f.bytes, 0);
    const count = (w: PackedFile['where']) => r.files.filter((f) => f.where === w).length;
    console.log(`\n== ${r.name}`);
    for (const f of r.findings) console.log(`  ${{ ok: '✓', warn: '!', error: '✗', todo: '…' }[f.level]} ${f.what}`);
    console.log(`  app.asar          ${String(count('asar')).padStart(6)} files ${mb(sum('asar')).padStart(10)}`);
    console.log(`  app.asar.unpacked ${String(count('unpacked')).padStart(6)} files ${mb(sum('unpacked')).padStart(10)}`);
    console.log(`  resources/        ${String(count('resources')).padStart(6)} files ${mb(sum('resources')).padStart(10)}`);
    const byPackage = new Map<string, number>();
    for (const f of r.files) {
      const key = /^node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(f.path)?.[1] ?? (f.where === 'resources' ? `resources/${f.path.split('/')[0]}` : f.path.split('/').slice(0, 2).join('/'));
      byPackage.set(key, (byPackage.get(key) ?? 0) + f.bytes);
    }
    console.log(`  largest: ${[...byPackage].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([k, v]) => `${k} ${mb(v)}`).join(', ')}`);
    const listFile = path.join(ROOT, 'release', 'package-check', `${r.name}.txt`);
    writeFileSync(listFile, r.files.map((f) => `${f.where.padEnd(9)} ${String(f.bytes).padStart(10)} ${f.path}`).join('\n') + '\n');
    console.log(`  full list: ${path.relative(ROOT, listFile)}`);
    // Not failures of the configuration but of this machine: ffmpeg is fetched by beforePack, and npm installs
    // sharp's @img packages for the machine it runs on only (packaging on the target OS installs the right ones).
    const machineOnly = (p: string) =>
      (p.startsWith('resources/ffmpeg/') && r.findings.some((f) => f.level === 'todo' && f.what.includes('.cache/ffmpeg/'))) ||
      (/^sharp: (@img\/\S+) missing/.test(p) && !existsSync(path.join(ROOT, 'node_modules', /^sharp: (@img\/\S+)/.exec(p)![1])));
    const blocking = problems.filter((p) => !machineOnly(p));
    for (const p of problems) console.log(`  ${blocking.includes(p) ? '✗' : '…'} ${p}`);
    if (blocking.length === 0) console.log('  ✓ no sources, tests, source maps, devDependencies or other platforms\' binaries');
    console.log(`  ■ stopped: ${r.stoppedAt}`);
    failed ||= blocking.length > 0 || r.findings.some((f) => f.level === 'error');
  }
  console.log(failed ? '\npackage check FAILED' : '\npackage check passed (as far as this machine can go: no Electron binary, so no installer)');
  return failed ? 1 : 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().then((code) => { process.exitCode = code; }, (err: unknown) => {
    console.error(err instanceof Error ? err.stack ?? err.message : err);
    process.exitCode = 1;
  });
}
