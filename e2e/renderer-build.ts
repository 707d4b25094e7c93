// Makes sure dist/renderer (what `vigil serve` serves) is built from the current src-renderer, so the e2e suite
// never tests a stale console. Builds only when a source is newer than the build; test files running in parallel
// take turns through flock(1), and the one that waited sees a fresh build and skips it.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(import.meta.dirname, '..');
const OUT = join(ROOT, 'dist', 'renderer', 'index.html');
const SOURCES = ['src-renderer', 'src-contract', 'vite.config.ts'].map((p) => join(ROOT, p));

function newestMtime(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const e of readdirSync(path)) {
    if (e === 'node_modules' || e.endsWith('.test.ts')) continue;
    newest = Math.max(newest, newestMtime(join(path, e)));
  }
  return newest;
}

export function rendererIsStale(): boolean {
  if (!existsSync(OUT)) return true;
  const built = statSync(OUT).mtimeMs;
  return SOURCES.some((p) => existsSync(p) && newestMtime(p) > built);
}

function buildNow(): void {
  if (!rendererIsStale()) return;
  const vite = join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
  const r = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) throw new Error(`vite build failed (exit ${r.status})`);
}

/** Builds the console when it is missing or older than its sources (a few seconds), one builder at a time. */
export function ensureRendererBuilt(): void {
  if (!rendererIsStale()) return;
  const lock = join(tmpdir(), 'vigil-e2e-renderer-build.lock');
  const self = fileURLToPath(import.meta.url);
  const r = spawnSync('flock', [lock, process.execPath, '--import', 'tsx', self, '--build'], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'], timeout: 180_000 });
  if (r.error) throw new Error(`cannot build the console: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`building the console failed (exit ${r.status}); run \`npm run build:renderer\` to see why`);
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv.includes('--build')) buildNow();
