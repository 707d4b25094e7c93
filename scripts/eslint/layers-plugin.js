// Local ESLint rules for the layering inside the repository (the model is VS Code's code-layering rule): every
// relative import is resolved to the file it names and checked against the folder it lands in.
//
//   vigil/src-main-layers       a src-main folder imports only folders of a lower tier (options: the tier list)
//   vigil/engine-public-only    src-main reaches src-engine only through its public modules (options: the files);
//                               tests may also use src-engine/testing/ helpers
//   vigil/no-testing-helpers    production code never imports a testing/ helper (tests and helpers may)
import path from 'node:path';

const TEST_FILE = /\.test\.[cm]?[jt]sx?$/;

function isTestOnly(file) {
  return TEST_FILE.test(file) || file.split('/').includes('testing');
}

/** Repository-relative, '/'-separated path of `abs`, found from the first top-level package folder in it. */
function repoRelative(abs) {
  const parts = abs.split(path.sep).join('/').split('/');
  const i = parts.findIndex((p) => /^src-[a-z]+$/.test(p) || p === 'e2e' || p === 'scripts');
  return i < 0 ? null : parts.slice(i).join('/');
}

/** Calls `check(node, targetRel)` for every relative module specifier of the file. */
function forEachImport(context, check) {
  const file = context.filename ?? context.getFilename();
  const visit = (node, source) => {
    if (!source || source.type !== 'Literal' || typeof source.value !== 'string' || !source.value.startsWith('.')) return;
    const target = repoRelative(path.resolve(path.dirname(file), source.value));
    if (target) check(node, target);
  };
  return {
    ImportDeclaration: (n) => visit(n, n.source),
    ExportNamedDeclaration: (n) => visit(n, n.source),
    ExportAllDeclaration: (n) => visit(n, n.source),
    ImportExpression: (n) => visit(n, n.source),
  };
}

/** `main/<folder>` → the folder's tier, from the options' list of tiers (lowest first). */
function tierTable(tiers) {
  const table = new Map();
  tiers.forEach((names, i) => names.forEach((n) => table.set(n, i)));
  return table;
}

const srcMainLayers = {
  meta: {
    type: 'problem',
    docs: { description: 'src-main folders import only folders of a lower tier' },
    schema: [{ type: 'object', properties: { tiers: { type: 'array', items: { type: 'array', items: { type: 'string' } } } }, required: ['tiers'], additionalProperties: false }],
    messages: {
      upward: "src-main/{{from}} (tier {{fromTier}}: {{fromTierNames}}) may not import src-main/{{to}} (tier {{toTier}}). Layers, lowest first: {{order}}. Move what both need down (src-main/core) or pass it in from above.",
      unknown: 'src-main/{{folder}} is not in the layer table: add it to vigil/src-main-layers in eslint.config.js.',
    },
  },
  create(context) {
    const { tiers } = context.options[0];
    const table = tierTable(tiers);
    const order = tiers.map((t) => t.join('/')).join(' → ');
    const rel = repoRelative(context.filename ?? context.getFilename());
    if (!rel || !rel.startsWith('src-main/') || TEST_FILE.test(rel)) return {};
    const from = rel.split('/')[1];
    if (!table.has(from)) {
      return { Program: (node) => context.report({ node, messageId: 'unknown', data: { folder: from } }) };
    }
    return forEachImport(context, (node, target) => {
      const parts = target.split('/');
      if (parts[0] !== 'src-main' || parts.length < 3 || parts[1] === from) return;
      const to = parts[1];
      if (!table.has(to)) return context.report({ node, messageId: 'unknown', data: { folder: to } });
      if (table.get(to) >= table.get(from)) {
        context.report({
          node, messageId: 'upward',
          data: { from, to, fromTier: table.get(from), toTier: table.get(to), fromTierNames: tiers[table.get(from)].join(', '), order },
        });
      }
    });
  },
};

const enginePublicOnly = {
  meta: {
    type: 'problem',
    docs: { description: 'src-main imports src-engine only through its public modules' },
    schema: [{ type: 'object', properties: { allow: { type: 'array', items: { type: 'string' } } }, required: ['allow'], additionalProperties: false }],
    messages: { internal: "{{target}} is internal to the engine: import it from {{allow}} (export it there if the host needs it)." },
  },
  create(context) {
    const allow = new Set(context.options[0].allow);
    const rel = repoRelative(context.filename ?? context.getFilename());
    if (!rel || !rel.startsWith('src-main/')) return {};
    const testOnly = isTestOnly(rel);
    return forEachImport(context, (node, target) => {
      // Tests and test helpers may use the engine's test helpers (sample faces, composed frames).
      if (testOnly && target.startsWith('src-engine/testing/')) return;
      if (target.startsWith('src-engine/') && !allow.has(target)) {
        context.report({ node, messageId: 'internal', data: { target, allow: [...allow].join(' or ') } });
      }
    });
  },
};

const noTestingHelpers = {
  meta: {
    type: 'problem',
    docs: { description: 'production code does not import testing/ helpers' },
    schema: [],
    messages: { testing: '{{target}} is a test helper: only *.test.ts files and other testing/ helpers may import it.' },
  },
  create(context) {
    const rel = repoRelative(context.filename ?? context.getFilename());
    if (!rel || isTestOnly(rel) || rel.startsWith('e2e/') || rel.startsWith('scripts/')) return {};
    return forEachImport(context, (node, target) => {
      if (target.split('/').includes('testing')) context.report({ node, messageId: 'testing', data: { target } });
    });
  },
};

export default {
  meta: { name: 'vigil-layers' },
  rules: { 'src-main-layers': srcMainLayers, 'engine-public-only': enginePublicOnly, 'no-testing-helpers': noTestingHelpers },
};
