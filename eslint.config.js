// Lint + layering: imports flow renderer -> contract <- main/host -> engine protocol.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import vigilLayers from './scripts/eslint/layers-plugin.js';

// Folders of src-main by tier, lowest first: a folder imports only folders of lower tiers (test files are exempt,
// testing/ helpers are not). Shared basics go to core; a new folder must be added here.
const SRC_MAIN_LAYERS = [
  ['core'],
  ['security', 'logging', 'ffmpeg'],
  ['storage'],
  ['audit', 'tracking', 'engine-host', 'camera'],
  ['auth', 'attendance', 'privacy', 'enrolment'],
  ['pipeline'],
  ['demo'],
  ['host'],
  ['api'],
  ['cli', 'electron'],
  ['preload'],
];

const layer = (files, patterns, message) => ({
  files,
  rules: { 'no-restricted-imports': ['error', { patterns: patterns.map((group) => ({ group: [group], message })) }] },
});

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'release/**', 'node_modules/**', 'assets/**', '.cache/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  layer(['src-engine/**'], ['**/src-main/**', '**/src-renderer/**', '**/src-contract/**', 'electron'], 'the engine is plain Node: it imports nothing from the host, the UI or Electron'),
  layer(['src-contract/**'], ['**/src-main/**', '**/src-renderer/**', '**/src-engine/**', 'electron'], 'the contract depends on nothing but schemas'),
  layer(['src-renderer/**'], ['**/src-main/**', '**/src-engine/**', 'electron', 'node:*'], 'the renderer talks to the host only through src-contract'),
  layer(['src-main/**'], ['**/src-renderer/**'], 'the host never imports the UI'),
  {
    files: ['src-main/**/*.{ts,tsx}', 'src-engine/**/*.ts', 'src-contract/**/*.ts', 'src-renderer/**/*.{ts,tsx}'],
    plugins: { vigil: vigilLayers },
    rules: {
      'vigil/src-main-layers': ['error', { tiers: SRC_MAIN_LAYERS }],
      // The engine's protocol, its public types and tools, the in-process Engine (CLI), the engine process entry.
      'vigil/engine-public-only': ['error', { allow: ['src-engine/protocol.ts', 'src-engine/public.ts', 'src-engine/in-process.ts', 'src-engine/process-main.ts'] }],
      'vigil/no-testing-helpers': 'error',
    },
  },
  // Renderer unit tests run under Node (node:test, loopback node:http servers): node:* is fine there, the host still is not.
  layer(['src-renderer/**/*.test.ts'], ['**/src-main/**', '**/src-engine/**', 'electron'], 'renderer tests pin renderer code; they do not import the host'),
);
