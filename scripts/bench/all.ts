// `npm run bench`: runs every benchmark one after another (never in parallel: they measure CPU) and prints
// where each wrote its JSON. Each bench prints its own table.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..', '..');
const only = process.argv.slice(2);
const benches = ['engine', 'cameras', 'host', 'api'].filter((b) => only.length === 0 || only.includes(b));
let failed = 0;
for (const name of benches) {
  const script = resolve(root, 'scripts', 'bench', `${name}.ts`);
  if (!existsSync(script)) { console.log(`bench ${name}: no script`); continue; }
  console.log(`\n## bench:${name}\n`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', script], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) { failed++; console.log(`bench ${name} failed (exit ${r.status})`); }
  else console.log(`→ bench-results/${name}.json`);
}
process.exitCode = failed ? 1 : 0;
