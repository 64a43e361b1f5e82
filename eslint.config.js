// ESLint: typescript-eslint's recommended rules for every TypeScript file; formatting is Prettier's job.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

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
      'no-restricted-imports': ['error', { patterns: [{ regex: `^(\\.\\./){${depth}}connectors/`, message: 'Only the entry points (server, worker, CLI) import connectors/.' }] }],
    },
  })),
  {
    // Tests read loosely typed JSON responses; `any` there is the honest type.
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
