// @ts-check
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

/**
 * Layer rules (DESIGN.md §2), enforced here rather than by convention. The rooms, lowest first:
 * - shared   pure TypeScript: no Node built-ins, no DOM, no electron, no other room;
 * - trust    Node code the till and the program both need (Ed25519, the hash chain, manifest trust,
 *            voucher verification): shared and Node only;
 * - core     the till: shared, trust, Node libraries; never the program server, a host or the UI;
 * - server   the program: shared, trust, Node libraries; never the till's core, a host or the UI;
 * - demo     an embedded demo program for first runs: core and server, imported only by the hosts;
 * - host, main   the till's hosts (Node HTTP, Electron): core, demo; `electron` only in main and preload;
 * - preload  electron and shared only (it is bundled into one sandboxed file);
 * - renderer the browser UI: shared and browser libraries only.
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
// `**/room/**` matches `../room/x` and `../../room/x/y` but not a file that merely has the room's name (`./server`).
const layer = (dirs, message) => ({ group: dirs.map((d) => `**/${d}/**`), message });
const nodeBan = (message) => ({
  paths: nodeBuiltins.filter((m) => !m.includes('*')).map((name) => ({ name, message })),
  pattern: { group: ['node:*'], message },
});
const rooms = (files, patterns, extra = {}) => ({
  files,
  rules: { 'no-restricted-imports': ['error', { ...extra, patterns }] },
});

export default tseslint.config(
  {
    ignores: [
      'out/**',
      'node_modules/**',
      'bench/out/**',
      'test-results/**',
      'playwright-report/**',
      '.stryker-tmp*/**',
      'mutation/**',
      'reports/**',
      'dist/**',
    ],
  },
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
    languageOptions: { globals: { process: 'readonly', console: 'readonly', setTimeout: 'readonly', setInterval: 'readonly' } },
  },
  {
    files: ['src/shared/**'],
    ignores: ['src/shared/version.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeBan('src/shared is platform-free.').paths,
          patterns: [
            electronBan,
            nodeBan('src/shared is platform-free.').pattern,
            layer(
              ['trust', 'core', 'server', 'demo', 'host', 'main', 'preload', 'renderer'],
              'src/shared imports nothing from other rooms.',
            ),
          ],
        },
      ],
    },
  },
  rooms(
    ['src/trust/**'],
    [
      electronBan,
      layer(
        ['core', 'server', 'demo', 'host', 'main', 'preload', 'renderer'],
        'src/trust sits below the till and the program: shared and Node only.',
      ),
    ],
  ),
  rooms(
    ['src/core/**'],
    [
      electronBan,
      layer(
        ['server', 'demo', 'host', 'main', 'preload', 'renderer'],
        'The till (src/core) imports only shared, trust and Node libraries; never the program server.',
      ),
    ],
  ),
  rooms(
    ['src/server/**'],
    [
      electronBan,
      layer(
        ['core', 'demo', 'host', 'main', 'preload', 'renderer'],
        "The program server never imports the till's core: shared and trust only.",
      ),
    ],
  ),
  rooms(
    ['src/demo/**'],
    [electronBan, layer(['host', 'main', 'preload', 'renderer'], 'The demo program is imported by the hosts, never the other way round.')],
  ),
  rooms(
    ['src/host/**'],
    [
      electronBan,
      layer(
        ['server', 'main', 'preload', 'renderer'],
        'The Node host wires core and the demo; the program server comes only through src/demo.',
      ),
    ],
  ),
  // Electron is allowed in main and preload, and nowhere else.
  rooms(['src/main/**'], [layer(['server', 'host', 'preload', 'renderer'], 'Electron main wires core and the demo, like the Node host.')]),
  rooms(
    ['src/preload/**'],
    [
      nodeBan('A sandboxed preload cannot load Node modules.').pattern,
      layer(['trust', 'core', 'server', 'demo', 'host', 'main', 'renderer'], 'The preload exposes the contract only: electron and shared.'),
    ],
    { paths: nodeBan('A sandboxed preload cannot load Node modules.').paths },
  ),
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
            layer(['trust', 'core', 'server', 'demo', 'host', 'main', 'preload'], 'The renderer talks to core only through PosApi.'),
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
