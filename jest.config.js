// Three projects: pure unit suites; the suites that need a database (run on the embedded
// database by default, and again on a PostgreSQL server when TESSERA_TEST_PG_URL is set); and the
// browser suites (the built web app in headless Chromium against an embedded database; only in the
// embedded pass). The browser project's global setup builds the UI once and finds Chromium.
const transform = {
  '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript', tsx: true }, target: 'es2024', experimental: { keepImportAttributes: true }, transform: { react: { runtime: 'automatic' } } }, module: { type: 'es6' } }],
};
const common = { testEnvironment: 'node', extensionsToTreatAsEsm: ['.ts', '.tsx'], transform, testPathIgnorePatterns: ['/node_modules/', '/dist/'] };

/** @type {import('jest').Config} */
export default {
  // Test files run in a worker process, recycled once it holds more than this after a file. Without
  // it, jest on a 2-core machine runs every file in its own process (in band): memory a file leaves
  // behind (a PGlite instance kept alive by a timer) adds up to an out-of-memory crash after ~200
  // files, and one handle left open keeps the run from exiting.
  workerIdleMemoryLimit: '2GB',
  // With --runInBand, test/support/lingering-handles-reporter.mjs names what each file leaves open.
  reporters: ['default', '<rootDir>/test/support/lingering-handles-reporter.mjs'],
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    { ...common, displayName: 'database', testMatch: ['<rootDir>/test/integration/**/*.test.ts'], setupFilesAfterEnv: ['<rootDir>/test/support/slow-tests.ts'] },
    { ...common, displayName: 'browser', testMatch: ['<rootDir>/test/browser/**/*.test.ts'], globalSetup: '<rootDir>/test/browser/global-setup.ts', setupFilesAfterEnv: ['<rootDir>/test/support/slow-tests.ts'] },
  ],
};
