// Bundles the Electron side into dist/electron/ with esbuild (installed with vite and tsx):
//   main         main process (ESM) at package.json "main"; our sources bundled, npm packages left as imports
//                (they ship in node_modules)
//   engine.js    the engine's utility-process entry (ESM), same rule
//   host.js      the host core's utility-process entry (cameras, pipeline, SQLite; ESM), same rule
//   preload.cjs  the window's preload: ONE CommonJS file with nothing to require but 'electron', because a
//                sandboxed preload cannot load local files. The contract's method names are inlined here so the
//                preload needs no zod.
// Then checks that every package the bundles import is a production dependency (devDependencies are not
// packaged), so a stray import fails the build here rather than the installed app at start-up.
//
// Usage: node --import tsx scripts/build-electron.ts [--watch]
import { builtinModules } from 'node:module';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readFile } from 'node:fs/promises';
import { build, context, type BuildOptions, type Metafile, type Plugin } from 'esbuild';
import { contract } from '../src-contract/api.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT = path.join(ROOT, 'dist', 'electron');
// Electron 41: Chromium 146 and Node 24 (ABI 145); targets one step lower keep esbuild from emitting untested syntax.
const NODE_TARGET = 'node22';
const CHROME_TARGET = 'chrome130';

/** package.json "main": where `electron .` and the packaged app look for the main process. */
export const MAIN_BUNDLE = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { main: string }).main;

/**
 * Host and engine modules find files relative to themselves (`new URL('../../package.json', import.meta.url)`,
 * the models folder, ffmpeg-static via createRequire). Bundled, every module would share the bundle's URL, so
 * each `import.meta.url` is rewritten to the URL the module has in the app tree (`<app root>/src-main/…`), with
 * the app root derived from the bundle's own location at run time: in development the project, packaged app.asar.
 */
export function keepModuleUrls(outfile: string): Plugin {
  const rootFromBundle = path.relative(path.dirname(outfile), ROOT).split(path.sep).join('/') || '.';
  return {
    name: 'keep-module-urls',
    setup(b) {
      b.onLoad({ filter: /\.[cm]?ts$/ }, async (args) => {
        const source = await readFile(args.path, 'utf8');
        if (args.path.includes(`${path.sep}node_modules${path.sep}`) || !source.includes('import.meta.url')) return undefined;
        const rel = path.relative(ROOT, args.path).split(path.sep).join('/');
        const url = `new URL(${JSON.stringify(rel)}, new URL(${JSON.stringify(`${rootFromBundle}/`)}, import.meta.url)).href`;
        return { contents: source.replaceAll('import.meta.url', url), loader: 'ts' };
      });
    },
  };
}

const nodeBundle = (entry: string, outfile: string): BuildOptions => ({
  entryPoints: [path.join(ROOT, entry)],
  outfile: path.isAbsolute(outfile) ? outfile : path.join(OUT, outfile),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: NODE_TARGET,
  packages: 'external',
  external: ['electron'],
  plugins: [keepModuleUrls(path.isAbsolute(outfile) ? outfile : path.join(OUT, outfile))],
  sourcemap: 'linked',
  metafile: true,
  logLevel: 'warning',
  legalComments: 'none',
});

export const builds: BuildOptions[] = [
  nodeBundle('src-main/electron/main.ts', path.join(ROOT, MAIN_BUNDLE)),
  nodeBundle('src-main/electron/engine-utility-entry.ts', 'engine.js'),
  {
    entryPoints: [path.join(ROOT, 'src-main/preload/preload.ts')],
    outfile: path.join(OUT, 'preload.cjs'),
    bundle: true,
    platform: 'browser',
    format: 'cjs',
    target: CHROME_TARGET,
    external: ['electron'],
    define: { __VIGIL_METHODS__: JSON.stringify(Object.keys(contract)) },
    sourcemap: 'inline',
    metafile: true,
    logLevel: 'warning',
  },
  nodeBundle('src-main/electron/host-process-main.ts', 'host.js'),
];

/** Bare imports left in a bundle, as package names (`@scope/name` or `name`). */
export function externalPackages(meta: Metafile): Set<string> {
  const names = new Set<string>();
  for (const output of Object.values(meta.outputs)) {
    for (const imp of output.imports) {
      if (!imp.external || imp.path.startsWith('node:') || imp.path.startsWith('.') || path.isAbsolute(imp.path)) continue;
      const parts = imp.path.split('/');
      names.add(imp.path.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]);
    }
  }
  return names;
}

export function checkDependencies(metas: Metafile[]): void {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  const allowed = new Set([...Object.keys(pkg.dependencies ?? {}), 'electron', ...builtinModules]);
  const missing = [...new Set(metas.flatMap((m) => [...externalPackages(m)]))].filter((n) => !allowed.has(n));
  if (missing.length) {
    throw new Error(`the Electron bundles import packages that are not production dependencies (they would be missing from the installer): ${missing.join(', ')}`);
  }
}

export function checkPreloadIsSelfContained(meta: Metafile): void {
  const preload = Object.entries(meta.outputs).find(([file]) => file.endsWith('preload.cjs'))?.[1];
  const requires = (preload?.imports ?? []).filter((i) => i.external).map((i) => i.path);
  const bad = requires.filter((p) => p !== 'electron');
  if (bad.length) throw new Error(`the sandboxed preload may only require 'electron', but imports: ${bad.join(', ')}`);
}

async function main(): Promise<void> {
  if (process.argv.includes('--watch')) {
    for (const options of builds) await (await context(options)).watch();
    console.log(`watching; bundles in ${path.relative(ROOT, OUT)}/`);
    return;
  }
  rmSync(OUT, { recursive: true, force: true });
  rmSync(path.join(ROOT, MAIN_BUNDLE), { force: true });
  const t0 = Date.now();
  const results = await Promise.all(builds.map((options) => build(options)));
  // (metafiles: [main, engine, preload, host])
  const metas = results.map((r) => r.metafile!);
  checkDependencies([metas[0], metas[1], metas[3]]);
  checkPreloadIsSelfContained(metas[2]);
  for (const meta of metas) {
    for (const [file, out] of Object.entries(meta.outputs)) {
      if (!file.endsWith('.map')) console.log(`  ${file.padEnd(32)} ${(out.bytes / 1024).toFixed(1).padStart(8)} KiB`);
    }
  }
  console.log(`electron bundles built in ${Date.now() - t0} ms`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  });
}
