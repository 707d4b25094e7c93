// What has to be true before electron-builder copies the app for one platform/arch, and the two steps that make
// it so: ffmpeg for the target in .cache/ffmpeg/<platform>-<arch>/, and better-sqlite3 compiled for Electron's
// ABI. Used by the beforePack hook (scripts/before-pack.cjs) and, in dry-run form, by `npm run package:check`.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { loadManifest, sha256File } from '../../src-engine/registry/manifest.ts';

export type TargetPlatform = 'linux' | 'win32' | 'darwin';

export interface Finding {
  level: 'ok' | 'warn' | 'error' | 'todo';
  what: string;
}

/** The main-process bundle (package.json "main"), the preload, the engine entry and the console. */
export function requiredBundles(root: string): string[] {
  const main = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { main: string }).main;
  return [main, 'dist/electron/preload.cjs', 'dist/electron/engine.js', 'dist/electron/host.js', 'dist/renderer/index.html'];
}

export function checkBundles(root: string): Finding[] {
  return requiredBundles(root).map((rel) => existsSync(path.join(root, rel))
    ? { level: 'ok' as const, what: `${rel} present` }
    : { level: 'error' as const, what: `${rel} missing: run \`npm run build:desktop\` first` });
}

/** Every model in models/manifest.json exists with the recorded size and sha256; stray .onnx files are flagged. */
export async function verifyModels(modelsDir: string): Promise<Finding[]> {
  const out: Finding[] = [];
  let manifest;
  try {
    manifest = await loadManifest(modelsDir);
  } catch (err) {
    return [{ level: 'error', what: `models manifest: ${(err as Error).message}` }];
  }
  for (const entry of manifest.models) {
    const file = path.join(modelsDir, entry.file);
    if (entry.shipped === false) {
      // Listed so a customer can install it (vigil models add); we don't ship its file.
      out.push({ level: existsSync(file) ? 'warn' : 'ok', what: `model ${entry.id}: not shipped${existsSync(file) ? ` but ${entry.file} is in models/ and would be packaged` : ''}` });
      continue;
    }
    if (!existsSync(file)) {
      out.push({ level: 'error', what: `model ${entry.id}: ${entry.file} missing` });
      continue;
    }
    const [size, sha] = [statSync(file).size, await sha256File(file)];
    if (size !== entry.bytes || sha !== entry.sha256) out.push({ level: 'error', what: `model ${entry.id}: ${entry.file} does not match the manifest (size ${size}, sha256 ${sha.slice(0, 12)}…)` });
    else out.push({ level: 'ok', what: `model ${entry.id}: ${entry.file} sha256 ${sha.slice(0, 12)}… matches` });
  }
  const listed = new Set(manifest.models.map((m) => m.file));
  for (const f of readdirSync(modelsDir).filter((f) => f.endsWith('.onnx') && !listed.has(f))) {
    out.push({ level: 'warn', what: `models/${f} is not in the manifest but would be packaged` });
  }
  return out;
}

/** Node-API addons carry no ABI; NAN/node-addon ones export `node_register_module_v<ABI>`. */
export function nativeAbisOf(addon: string): number[] {
  const text = readFileSync(addon).toString('latin1');
  return [...new Set([...text.matchAll(/node_register_module_v(\d+)/g)].map((m) => Number(m[1])))];
}

export function electronAbi(root: string): number {
  return Number(readFileSync(path.join(root, 'node_modules', 'electron', 'abi_version'), 'utf8').trim());
}

export function electronVersion(root: string): string {
  return (JSON.parse(readFileSync(path.join(root, 'node_modules', 'electron', 'package.json'), 'utf8')) as { version: string }).version;
}

export const SQLITE_ADDON = 'node_modules/better-sqlite3/build/Release/better_sqlite3.node';

export function checkSqliteAbi(root: string): Finding {
  const addon = path.join(root, SQLITE_ADDON);
  if (!existsSync(addon)) return { level: 'error', what: `${SQLITE_ADDON} missing (npm install)` };
  const abis = nativeAbisOf(addon);
  const want = electronAbi(root);
  return abis.includes(want)
    ? { level: 'ok', what: `better-sqlite3 is built for Electron's ABI ${want}` }
    : { level: 'todo', what: `better-sqlite3 is built for ABI ${abis.join(',') || '?'} (this Node is ${process.versions.modules}); beforePack rebuilds it for Electron's ABI ${want}` };
}

export const ffmpegExe = (platform: TargetPlatform) => (platform === 'win32' ? 'ffmpeg.exe' : 'ffmpeg');
export const ffmpegCacheDir = (root: string, platform: TargetPlatform, arch: string) => path.join(root, '.cache', 'ffmpeg', `${platform}-${arch}`);

/** Env var naming a binary to ship instead of ffmpeg-static's download, e.g. VIGIL_FFMPEG_WIN32_X64. */
export const ffmpegOverrideVar = (platform: TargetPlatform, arch: string) => `VIGIL_FFMPEG_${platform.toUpperCase()}_${arch.toUpperCase()}`;

export function checkFfmpeg(root: string, platform: TargetPlatform, arch: string): Finding {
  const file = path.join(ffmpegCacheDir(root, platform, arch), ffmpegExe(platform));
  if (existsSync(file)) return { level: 'ok', what: `ffmpeg for ${platform}-${arch} at ${path.relative(root, file)}` };
  const override = process.env[ffmpegOverrideVar(platform, arch)];
  return {
    level: 'todo',
    what: override
      ? `ffmpeg for ${platform}-${arch}: beforePack copies ${override} (${ffmpegOverrideVar(platform, arch)})`
      : `ffmpeg for ${platform}-${arch}: beforePack downloads ffmpeg-static's build from GitHub releases into ${path.relative(root, path.dirname(file))}/`,
  };
}

/**
 * Puts ffmpeg for the target into .cache/ffmpeg/<platform>-<arch>/. Source: the binary named by the override env
 * var, else ffmpeg-static's release for that platform/arch (its install script, run in a scratch copy of the
 * package with npm_config_platform/arch set, so the project's own ffmpeg-static stays as it is).
 */
export function fetchFfmpeg(root: string, platform: TargetPlatform, arch: string): string {
  const dir = ffmpegCacheDir(root, platform, arch);
  const target = path.join(dir, ffmpegExe(platform));
  if (existsSync(target)) return target;
  mkdirSync(dir, { recursive: true });
  const override = process.env[ffmpegOverrideVar(platform, arch)];
  if (override) {
    cpSync(override, target);
    return target;
  }
  // Inside the project so the scratch copy resolves ffmpeg-static's dependencies from node_modules.
  const scratch = path.join(root, '.cache', `ffmpeg-static-${platform}-${arch}`);
  rmSync(scratch, { recursive: true, force: true });
  cpSync(path.join(root, 'node_modules', 'ffmpeg-static'), scratch, { recursive: true, filter: (src) => !/^ffmpeg(\.exe)?(\.README|\.LICENSE)?$/.test(path.basename(src)) });
  const env: NodeJS.ProcessEnv = { ...process.env, npm_config_platform: platform, npm_config_arch: arch };
  delete env.FFMPEG_BIN;
  try {
    const res = spawnSync(process.execPath, ['install.js'], { cwd: scratch, env, stdio: 'inherit' });
    const got = path.join(scratch, ffmpegExe(platform));
    if (res.status !== 0 || !existsSync(got)) throw new Error(`ffmpeg download for ${platform}-${arch} failed (exit ${res.status}); set ${ffmpegOverrideVar(platform, arch)} to a local ffmpeg binary instead`);
    renameSync(got, target);
    for (const extra of ['LICENSE', 'README']) {
      const f = path.join(scratch, `${ffmpegExe(platform)}.${extra}`);
      if (existsSync(f)) renameSync(f, path.join(dir, extra));
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return target;
}

/** Compiles better-sqlite3 for Electron's ABI and the target arch, then proves it by the exported symbol. */
export async function rebuildSqliteForElectron(root: string, platform: TargetPlatform, arch: string): Promise<void> {
  if (platform !== process.platform) {
    throw new Error(`better-sqlite3 must be compiled on ${platform} itself (this is ${process.platform}): build each OS's installer on that OS`);
  }
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major < 22 || (major === 22 && minor < 12)) {
    throw new Error(`@electron/rebuild ${'4.x'} needs Node >= 22.12 (this is ${process.versions.node}); use Node 22 LTS or newer to package`);
  }
  // With nodedir set (e.g. `nodedir=/usr` in a user npmrc) node-gyp builds against that Node, not Electron,
  // and @electron/rebuild still reports success.
  delete process.env.npm_config_nodedir;
  const { rebuild } = await import('@electron/rebuild');
  await rebuild({ buildPath: root, electronVersion: electronVersion(root), arch, onlyModules: ['better-sqlite3'], force: true, mode: 'sequential' });
  const abis = nativeAbisOf(path.join(root, SQLITE_ADDON));
  if (!abis.includes(electronAbi(root))) {
    throw new Error(`better-sqlite3 was rebuilt but exports ABI ${abis.join(',')}, not Electron's ${electronAbi(root)}: check npm's nodedir/target settings`);
  }
}

export interface BeforePackInput {
  root: string;
  platform: TargetPlatform;
  arch: string;
  /** Check only: download nothing, compile nothing (package-check, machines without the toolchain). */
  dryRun: boolean;
}

export async function runBeforePack(input: BeforePackInput): Promise<Finding[]> {
  const { root, platform, arch, dryRun } = input;
  const findings = [...checkBundles(root), ...(await verifyModels(path.join(root, 'models')))];
  if (findings.some((f) => f.level === 'error') && !dryRun) return findings;
  if (dryRun) {
    findings.push(checkFfmpeg(root, platform, arch), checkSqliteAbi(root));
    return findings;
  }
  findings.push({ level: 'ok', what: `ffmpeg for ${platform}-${arch}: ${path.relative(root, fetchFfmpeg(root, platform, arch))}` });
  await rebuildSqliteForElectron(root, platform, arch);
  findings.push({ level: 'ok', what: `better-sqlite3 rebuilt for Electron ${electronVersion(root)} (${arch})` });
  return findings;
}
