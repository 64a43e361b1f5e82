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
  // test/support/lingering-handles-reporter.mjs names what a test file leaves open (a run that never exits).
  reporters: ['default', '<rootDir>/test/support/lingering-handles-reporter.mjs'],
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    { ...common, displayName: 'database', testMatch: ['<rootDir>/test/integration/**/*.test.ts'], setupFilesAfterEnv: ['<rootDir>/test/support/slow-tests.ts'] },
    { ...common, displayName: 'browser', testMatch: ['<rootDir>/test/browser/**/*.test.ts'], globalSetup: '<rootDir>/test/browser/global-setup.ts', setupFilesAfterEnv: ['<rootDir>/test/support/slow-tests.ts'] },
  ],
};
