// Lint + layering: imports flow renderer -> contract <- main/host -> engine protocol.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

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
  // Renderer unit tests run under Node (node:test, loopback node:http servers): node:* is fine there, the host still is not.
  layer(['src-renderer/**/*.test.ts'], ['**/src-main/**', '**/src-engine/**', 'electron'], 'renderer tests pin renderer code; they do not import the host'),
);
