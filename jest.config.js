// Two projects: pure unit suites, and the suites that need a database (run on the embedded
// database by default, and again on a PostgreSQL server when TESSERA_TEST_PG_URL is set).
const transform = {
  '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript', tsx: true }, target: 'es2024', experimental: { keepImportAttributes: true }, transform: { react: { runtime: 'automatic' } } }, module: { type: 'es6' } }],
};
const common = { testEnvironment: 'node', extensionsToTreatAsEsm: ['.ts', '.tsx'], transform, testPathIgnorePatterns: ['/node_modules/', '/dist/'] };

/** @type {import('jest').Config} */
export default {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    { ...common, displayName: 'database', testMatch: ['<rootDir>/test/integration/**/*.test.ts'], testTimeout: 60000 },
  ],
};
