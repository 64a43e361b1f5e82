// `npm test` (test/run.ts) starts jest with --no-memory-protection-keys so that PGlite's WebAssembly churn
// cannot abort a worker on CPUs with PKU (see test/run.ts). Jest's workers inherit the flag through
// execArgv; this test runs in one of them, so it fails if the flag is dropped from the runner.
describe('the test runner', () => {
  it('runs the suites with V8 memory protection keys off', () => {
    expect(process.execArgv).toContain('--no-memory-protection-keys');
  });
});
