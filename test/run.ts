// `npm test`: type check and lint, then the whole jest suite on the embedded database (PGlite), then the
// database-backed suites again on a PostgreSQL server when TESSERA_TEST_PG_URL names one (.ci/run
// does). Exits non-zero on the first failing stage.
import { spawnSync } from 'node:child_process';
import pg from 'pg';

const jestArgs = process.argv.slice(2);

function run(title: string, command: string, args: string[], env: NodeJS.ProcessEnv = {}): void {
  console.log(`\n▶ ${title}`);
  const result = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  if (result.status !== 0) {
    console.error(`✖ ${title} failed`);
    process.exit(result.status ?? 1);
  }
}

async function serverReachable(url: string): Promise<string | null> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    const res = await client.query('SHOW server_version');
    return String(res.rows[0].server_version);
  } catch {
    return null;
  } finally {
    await client.end().catch(() => undefined);
  }
}

// V8 write-protects JIT and WebAssembly code pages with memory protection keys where the CPU has PKU
// (AMD EPYC, Intel Xeon). Creating and closing PGlite's WebAssembly instance once per test file races
// V8's process-wide JIT page map and aborts the worker ("Check failed: jit_page.has_value()",
// nodejs/node#64500); CI's machines have PKU, ours may not. The flag turns that tracking off for jest and,
// through execArgv, for its workers. It is not accepted in NODE_OPTIONS, hence on the command line.
// --forceExit: should a handle still be open in jest's own process at the end (the test files run in
// recycled workers, jest.config.js), a green run still exits instead of CI timing out; run with
// --runInBand to have the lingering-handles reporter name what a file left open.
const jest = ['--no-memory-protection-keys', 'node_modules/jest/bin/jest.js', '--forceExit'];
// jest runs ES modules (and pg-boss, ESM-only) through Node's VM modules.
const jestEnv = { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --experimental-vm-modules --no-warnings=ExperimentalWarning`.trim() };

if (!jestArgs.length) run('type check (tsc --noEmit)', process.execPath, ['node_modules/typescript/bin/tsc', '--noEmit', '-p', 'tsconfig.json']);
if (!jestArgs.length) run('type check of the web app (tsc --noEmit -p ui)', process.execPath, ['node_modules/typescript/bin/tsc', '--noEmit', '-p', 'ui/tsconfig.json']);
if (!jestArgs.length) run('lint (eslint)', process.execPath, ['node_modules/eslint/bin/eslint.js', '.']);

const serverUrl = process.env.TESSERA_TEST_PG_URL;
const { TESSERA_TEST_PG_URL: _ignored, ...embeddedEnv } = process.env;
console.log('\nDatabase: embedded PostgreSQL (PGlite over the wire protocol), one in-memory database per test file');
const embedded = spawnSync(process.execPath, [...jest, ...jestArgs], { stdio: 'inherit', env: { ...embeddedEnv, ...jestEnv } });
if (embedded.status !== 0) process.exit(embedded.status ?? 1);

if (!serverUrl) {
  console.log('\nNo PostgreSQL server given (TESSERA_TEST_PG_URL unset): ran on the embedded database only.');
} else {
  const version = await serverReachable(serverUrl);
  if (!version) {
    console.error(`\n✖ TESSERA_TEST_PG_URL is set but ${new URL(serverUrl).host} is not reachable`);
    process.exit(1);
  }
  run(`database suites on PostgreSQL ${version} at ${new URL(serverUrl).host}`, process.execPath, [...jest, ...jestArgs, '--selectProjects', 'database'], { ...jestEnv, TESSERA_TEST_PG_URL: serverUrl });
}
