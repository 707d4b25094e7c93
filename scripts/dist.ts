// `npm run dist -- [--linux|--win|--mac] [electron-builder args]`: builds the bundles, runs electron-builder
// (its beforePack hook compiles better-sqlite3 for Electron's ABI inside node_modules), then compiles
// better-sqlite3 back for this Node so `npm test` and `vigil serve` keep working — also when packaging failed.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const shell = process.platform === 'win32';

function run(cmd: string, args: string[]): number {
  console.log(`\n$ ${cmd} ${args.join(' ')}`);
  return spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit', shell }).status ?? 1;
}

let status = run('npm', ['run', 'build:desktop']);
if (status === 0) {
  status = run('npx', ['electron-builder', '--config', 'electron-builder.yml', '--publish', 'never', ...process.argv.slice(2)]);
  const restored = run('npm', ['rebuild', 'better-sqlite3']);
  if (restored !== 0) console.error('could not rebuild better-sqlite3 for Node: run `npm rebuild better-sqlite3` before `npm test`');
}
process.exitCode = status;
