// Lint, including the process layering of DESIGN.md ("who may import whom"), enforced by
// eslint-plugin-boundaries on resolved file paths.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import boundaries from 'eslint-plugin-boundaries';
import globals from 'globals';

/** Folder → the folders it may import from (besides itself). */
const LAYERS = {
  shared: [],
  engine: ['shared'],
  ptyd: ['shared'],
  server: ['shared', 'engine'],
  cli: ['shared', 'engine'],
  main: ['shared', 'engine'],
  preload: ['shared'],
  renderer: ['shared'],
};

export default tseslint.config(
  { ignores: ['out/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', 'e2e/artifacts/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      'no-restricted-imports': ['error', { paths: [{ name: 'child_process', importNames: ['exec', 'execSync'], message: 'Use execFile with an argument array: never a shell string.' }, { name: 'node:child_process', importNames: ['exec', 'execSync'], message: 'Use execFile with an argument array: never a shell string.' }] }],
    },
  },
  {
    files: ['src/**/*.{ts,tsx}'],
    plugins: { boundaries },
    settings: {
      'import/resolver': { typescript: { alwaysTryTypes: true, project: ['tsconfig.node.json', 'tsconfig.web.json', 'tsconfig.electron.json'], noWarnOnMultipleProjects: true } },
      'boundaries/elements': Object.keys(LAYERS).map((type) => ({ type, pattern: `src/${type}` })),
    },
    rules: {
      'boundaries/dependencies': [
        'error',
        {
          default: 'disallow',
          policies: Object.entries(LAYERS).map(([type, allowed]) => ({
            from: { element: { type } },
            allow: { to: { element: { types: { anyOf: [type, ...allowed] } } } },
          })),
        },
      ],
      // The engine never loads electron, so it runs under plain Node and in the browser-mode server.
      'no-restricted-imports': 'off',
    },
  },
  {
    files: ['src/{shared,engine,ptyd,server,cli,renderer}/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'electron', message: 'Only src/main and src/preload may import electron.' }, { name: 'child_process', importNames: ['exec', 'execSync'], message: 'Use execFile with an argument array.' }, { name: 'node:child_process', importNames: ['exec', 'execSync'], message: 'Use execFile with an argument array.' }] }],
    },
  },
  {
    // Playwright fixtures must destructure their (empty) dependencies.
    files: ['e2e/**/*.ts'],
    rules: { 'no-empty-pattern': 'off' },
  },
);
