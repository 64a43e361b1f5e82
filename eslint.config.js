// ESLint: typescript-eslint's recommended rules for every TypeScript file; formatting is Prettier's job.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const ENGINE_PATTERNS = [
  { group: ['**/ui/**'], message: 'Nothing imports ui/.' },
  { group: ['**/metadata/*', '!**/metadata/index.ts', '!**/metadata/browser.ts'], message: 'The engine imports metadata through metadata/index.ts.' },
];

export default tseslint.config(
  { ignores: ['node_modules/', 'data/', 'ui/dist/', '.tessera-test/', 'test-output/', 'coverage/', '**/*.generated.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', Buffer: 'readonly', fetch: 'readonly', performance: 'readonly', structuredClone: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', setImmediate: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    },
  },
  // The dependency direction of docs/architecture.md: metadata knows no runtime, forms are pure, the
  // web app talks HTTP only, connectors use the engine's connector API only, nothing imports ui/.
  // test/unit/architecture/boundaries.test.ts proves each rule fires.
  {
    files: ['metadata/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [
      { group: ['**/engine/**', '**/forms/**', '**/ui/**', '**/connectors/**'], message: 'metadata/ is the pure model: it imports no runtime, form or UI code.' },
      { group: ['pg', 'knex', 'objection', 'express', 'pg-boss'], message: 'metadata/ is pure: no database or HTTP.' },
    ] }] },
  },
  {
    files: ['forms/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [
      { group: ['**/engine/**', '**/ui/**', '**/connectors/**'], message: 'forms/ is pure and shared with the browser: it imports metadata only.' },
      { group: ['**/metadata/*', '!**/metadata/browser.ts'], message: 'forms/ imports metadata/browser.ts, the browser-safe entry.' },
      { group: ['node:*'], message: 'forms/ runs in the browser too: no Node modules.' },
    ] }] },
  },
  {
    files: ['ui/src/**/*.ts', 'ui/src/**/*.tsx'],
    rules: { 'no-restricted-imports': ['error', { patterns: [
      { group: ['**/engine/**', '**/connectors/**'], message: 'The web app talks to the engine over HTTP only.' },
      { group: ['**/metadata/*', '!**/metadata/browser.ts'], message: 'The web app imports metadata/browser.ts, the browser-safe entry.' },
      { group: ['**/forms/*', '!**/forms/index.ts'], message: 'The web app imports forms/index.ts.' },
      { group: ['node:*'], message: 'The web app runs in the browser: no Node modules.' },
    ] }] },
  },
  {
    files: ['engine/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: ENGINE_PATTERNS }] },
  },

  {
    // Connectors use the connector API only (engine/connectors/index.ts), never engine internals
    // (docs/architecture.md); metadata/ and their own files are theirs to import.
    files: ['connectors/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(\\.\\./)+engine/(?!connectors/index\\.ts$)',
              message: 'A connector imports the connector API (engine/connectors/index.ts) only.',
            },
            { regex: '^(\\.\\./)+ui/', message: 'Nothing imports ui/.' },
            { group: ['**/metadata/*', '!**/metadata/index.ts', '!**/metadata/browser.ts'], message: 'Connectors import metadata through metadata/index.ts.' },
          ],
        },
      ],
    },
  },
  // Only the entry points (composition roots) name the connector list; the rest of the engine knows
  // no connector. The top-level connectors/ is as many ../ away as the file is deep in engine/.
  ...[1, 2, 3, 4].map((depth) => ({
    files: [`engine/${'*/'.repeat(depth - 1)}*.ts`],
    ignores: ['engine/server.ts', 'engine/worker.ts', 'engine/cli/main.ts'],
    rules: {
      // ESLint replaces a rule's options per file rather than merging them: repeat the engine's patterns.
      'no-restricted-imports': ['error', { patterns: [...ENGINE_PATTERNS, { regex: `^(\\.\\./){${depth}}connectors/`, message: 'Only the entry points (server, worker, CLI) import connectors/.' }] }],
    },
  })),
  {
    // Node-RED loads its palette files with require(): CommonJS.
    files: ['connectors/node-red/palette/**/*.js'],
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly' } },
  },
  {
    // Tests read loosely typed JSON responses; `any` there is the honest type.
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
