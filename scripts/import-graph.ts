// Import graph by folder: prints folder -> folder edges inside src-main, edges between the top-level
// packages, the import cycles between folders, and src-main's imports of src-engine files other than its
// public modules. Run: node --import tsx scripts/import-graph.ts [--prod] [--json]
//   --prod   leave out test files (*.test.ts) and testing/ helpers as importers
//   --json   one JSON object instead of text
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const packages = ['src-main', 'src-engine', 'src-contract', 'src-renderer', 'e2e', 'scripts'];
/** Files in src-engine that src-main may import (protocol, public types, in-process Engine, process entry). */
const enginePublic = new Set(['src-engine/protocol.ts', 'src-engine/public.ts', 'src-engine/in-process.ts', 'src-engine/process-main.ts']);

const args = new Set(process.argv.slice(2));
const prodOnly = args.has('--prod');

function walk(dir: string, out: string[]): void {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, out);
    else if (/\.(ts|tsx|mts)$/.test(name) && !name.endsWith('.d.ts')) out.push(path);
  }
}

function isTestOnly(rel: string): boolean {
  return /\.test\.tsx?$/.test(rel) || rel.split('/').includes('testing');
}

/** Folder a file belongs to: `main/<first folder>` inside src-main, else the package name. */
export function folderOf(rel: string): string {
  const parts = rel.split('/');
  if (parts[0] === 'src-main') return parts.length > 2 ? `main/${parts[1]}` : 'main/.';
  return parts[0];
}

function resolveImport(fromAbs: string, spec: string): string | null {
  if (!spec.startsWith('.')) return null;
  const base = resolve(dirname(fromAbs), spec);
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, join(base, 'index.ts')]) {
    try {
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      /* try the next */
    }
  }
  return base.replace(/\.js$/, '.ts');
}

/** Tarjan's strongly connected components; returns those with more than one node. */
function cycles(nodes: string[], edges: Map<string, Set<string>>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string): void => {
    idx.set(v, index);
    low.set(v, index);
    index += 1;
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1) out.push(scc.sort());
    }
  };
  for (const n of nodes) if (!idx.has(n)) visit(n);
  return out;
}

const files: string[] = [];
for (const p of packages) {
  try {
    walk(join(root, p), files);
  } catch {
    /* package absent */
  }
}

const mainEdges = new Map<string, Map<string, string[]>>();
const pkgEdges = new Map<string, Map<string, number>>();
const engineInternals: string[] = [];
for (const abs of files) {
  const rel = relative(root, abs).split(sep).join('/');
  if (prodOnly && isTestOnly(rel)) continue;
  const info = ts.preProcessFile(readFileSync(abs, 'utf8'), true, true);
  for (const ref of info.importedFiles) {
    const target = resolveImport(abs, ref.fileName);
    if (!target) continue;
    const trel = relative(root, target).split(sep).join('/');
    const fromPkg = rel.split('/')[0];
    const toPkg = trel.split('/')[0];
    if (!packages.includes(toPkg)) continue;
    if (fromPkg !== toPkg) {
      const m = pkgEdges.get(fromPkg) ?? new Map<string, number>();
      m.set(toPkg, (m.get(toPkg) ?? 0) + 1);
      pkgEdges.set(fromPkg, m);
      if (fromPkg === 'src-main' && toPkg === 'src-engine' && !enginePublic.has(trel)) engineInternals.push(`${rel} -> ${trel}`);
    }
    if (fromPkg === 'src-main' && toPkg === 'src-main') {
      const a = folderOf(rel);
      const b = folderOf(trel);
      if (a === b) continue;
      const m = mainEdges.get(a) ?? new Map<string, string[]>();
      const list = m.get(b) ?? [];
      list.push(`${rel} -> ${trel}`);
      m.set(b, list);
      mainEdges.set(a, m);
    }
  }
}

const adjacency = new Map<string, Set<string>>();
const nodes = new Set<string>();
for (const [a, m] of mainEdges) {
  nodes.add(a);
  for (const b of m.keys()) {
    nodes.add(b);
    (adjacency.get(a) ?? adjacency.set(a, new Set()).get(a)!).add(b);
  }
}
const sccs = cycles([...nodes].sort(), adjacency);
/** Two-folder cycles named with the imports on each side (the ones to cut). */
const pairs: string[] = [];
for (const [a, m] of mainEdges) for (const b of m.keys()) if (a < b && mainEdges.get(b)?.has(a)) pairs.push(`${a} <-> ${b}`);

const sorted = <T>(m: Map<string, T>): [string, T][] => [...m.entries()].sort(([x], [y]) => x.localeCompare(y));

if (args.has('--json')) {
  const edges = sorted(mainEdges).flatMap(([a, m]) => sorted(m).map(([b, l]) => ({ from: a, to: b, imports: l.length })));
  const pkg = sorted(pkgEdges).flatMap(([a, m]) => sorted(m).map(([b, n]) => ({ from: a, to: b, imports: n })));
  console.log(JSON.stringify({ prodOnly, mainEdges: edges, packageEdges: pkg, cycles: sccs, twoWay: pairs, engineInternals }, null, 2));
} else {
  console.log(`# import graph${prodOnly ? ' (production files only)' : ''}`);
  console.log('\n## between packages');
  for (const [a, m] of sorted(pkgEdges)) console.log(`${a} -> ${sorted(m).map(([b, n]) => `${b} (${n})`).join(', ')}`);
  console.log('\n## inside src-main (folder -> folders, number of imports)');
  for (const [a, m] of sorted(mainEdges)) console.log(`${a} -> ${sorted(m).map(([b, l]) => `${b.replace('main/', '')} (${l.length})`).join(', ')}`);
  console.log(`\n## cycles between src-main folders: ${sccs.length}`);
  for (const c of sccs) console.log(`- ${c.join(', ')}`);
  console.log(`\n## two-way folder pairs: ${pairs.length}`);
  for (const p of pairs) {
    const [a, b] = p.split(' <-> ');
    console.log(`- ${p}`);
    for (const l of [...mainEdges.get(a)!.get(b)!, ...mainEdges.get(b)!.get(a)!]) console.log(`    ${l}`);
  }
  console.log(`\n## src-main imports of src-engine internals: ${engineInternals.length}`);
  for (const l of engineInternals) console.log(`- ${l}`);
}
