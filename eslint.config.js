// @ts-check
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

/**
 * Layer rules (DESIGN.md §2), enforced here rather than by convention:
 * - `electron` is imported only in src/main and src/preload (the binary is not on our build machines);
 * - the renderer never imports Node built-ins, better-sqlite3, core, host, main or server;
 * - shared is pure: no Node built-ins, no DOM, no electron, no other layer;
 * - core never imports host, main, preload, renderer or server.
 */
const nodeBuiltins = [
  'node:*',
  'fs',
  'path',
  'os',
  'crypto',
  'child_process',
  'net',
  'http',
  'https',
  'url',
  'stream',
  'worker_threads',
  'zlib',
];
const electronBan = { group: ['electron', 'electron/*'], message: 'Import electron only in src/main and src/preload (DESIGN.md §2).' };
const layer = (dirs, message) => ({ group: dirs.flatMap((d) => [`**/${d}/*`, `**/${d}`]), message });

export default tseslint.config(
  { ignores: ['out/**', 'node_modules/**', 'bench/out/**', 'test-results/**', 'playwright-report/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-restricted-imports': ['error', { patterns: [electronBan] }],
    },
  },
  {
    files: ['scripts/**/*.mjs', '*.config.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
  {
    files: ['src/main/**', 'src/preload/**'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['src/shared/**'],
    ignores: ['src/shared/version.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.filter((m) => !m.includes('*')).map((name) => ({ name, message: 'src/shared is platform-free.' })),
          patterns: [
            electronBan,
            { group: ['node:*'], message: 'src/shared is platform-free.' },
            layer(['core', 'host', 'main', 'preload', 'renderer', 'server'], 'src/shared imports nothing from other layers.'),
          ],
        },
      ],
    },
  },
  {
    files: ['src/core/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            electronBan,
            layer(['host', 'main', 'preload', 'renderer', 'server'], 'src/core may import only shared and Node libraries.'),
          ],
        },
      ],
    },
  },
  {
    // The program server reuses core's Node building blocks (crypto, manifest verification, later the
    // journal verifier) but never a till host or the UI.
    files: ['src/server/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            electronBan,
            layer(['host', 'main', 'preload', 'renderer'], 'src/server may import shared, core building blocks and Node libraries.'),
          ],
        },
      ],
    },
  },
  {
    files: ['src/renderer/**'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': [
        'error',
        {
          paths: [...nodeBuiltins.filter((m) => !m.includes('*')), 'better-sqlite3'].map((name) => ({
            name,
            message: 'The renderer runs in a browser: no Node modules.',
          })),
          patterns: [
            electronBan,
            { group: ['node:*'], message: 'The renderer runs in a browser: no Node modules.' },
            layer(['core', 'host', 'main', 'preload', 'server'], 'The renderer talks to core only through PosApi.'),
          ],
        },
      ],
      // UI words come from the message catalogues (src/shared/i18n), never from JSX literals.
      'no-restricted-syntax': [
        'error',
        { selector: 'JSXText[value=/[A-Za-z\\u4e00-\\u9fff]/]', message: 'Put UI text in the message catalogues (src/shared/i18n).' },
      ],
    },
  },
);
