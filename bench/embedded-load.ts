// "Embedded under load": the server with the embedded database next to the same server on a
// PostgreSQL server, under the same mixed HTTP load (filtered list, get by id, create; 200
// connections for 60 s, from a separate process), on a 200,000-row table; then how fast health
// answers while a metadata apply rewrites that table. Each database is set up as `npm start` runs
// it: a file-backed data directory (or a scratch database), workflow workers running.
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createHttpServer } from '../engine/http/listener.ts';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ensureAdmin, userIdByLogin } from '../engine/access/users.ts';
import { TOKEN_SCOPES } from '../engine/access/permissions.ts';
import { createApiToken } from '../engine/access/tokens.ts';
import { createApp } from '../engine/http/app.ts';
import { startPlatform, type Platform } from '../engine/platform.ts';
import type { PackageFiles } from '../metadata/index.ts';
import { createServerDatabase } from '../test/support/database.ts';
import { BENCH_PACKAGE, CITIES, companyRequests, measureHttp, spread as spreadOf, type Spread } from './records.ts';
import { formatLateness, measureTimerLateness, TIMER_PROCESS, type TimerLateness } from './timer-lateness.ts';
import { ratioScore, scoreGoal, type ScaleGoal } from './scorecard.ts';

const MIXED_LOAD = fileURLToPath(new URL('./mixed-load.ts', import.meta.url));
const HEALTH_PROBE = fileURLToPath(new URL('./health-probe.ts', import.meta.url));

export interface LoadOptions {
  /** Admin URL of a PostgreSQL server for the side-by-side run; without it only the embedded database runs. */
  readonly adminUrl?: string;
  readonly connections: number;
  readonly seconds: number;
  readonly rows: number;
  /** Load rounds per database (min / median / max printed when more than one). */
  readonly rounds: number;
  /** Per operation (list, get, create): requests per round, connections, and alternating rounds per database. */
  readonly operations: number;
  readonly operationConnections: number;
  readonly operationRounds: number;
  /** Timers due over `timerSpreadSeconds`, measured quiet and while rows are bulk-inserted. */
  readonly timers: number;
  readonly timerSpreadSeconds: number;
  /** Rows per INSERT statement of the bulk load that runs beside the timers. */
  readonly loadBatchRows: number;
  /** Only the timer lateness (BENCH_LOAD_PART=timers): no HTTP rounds, no apply. */
  readonly timersOnly?: boolean;
  readonly log: (line: string) => void;
}

interface LoadFigures {
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly errors: number;
  /** Share of the round the embedded database thread spent running statements (%). */
  readonly dbBusy?: number;
}

interface ApplyFigures {
  readonly applyMs: number;
  readonly count: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

export interface Target {
  readonly platform: Platform;
  readonly base: string;
  readonly token: string;
  readonly ids: readonly string[];
  close(): Promise<void>;
}

/** The bench package with `employees` widened to bigint: ALTER COLUMN TYPE rewrites every row. */
function widenedPackage(): PackageFiles {
  const files = structuredClone(BENCH_PACKAGE.files) as Record<string, { fields?: { name: string; big?: boolean }[] }>;
  for (const field of files['entities/company.json']!.fields!) if (field.name === 'employees') field.big = true;
  return { files } as PackageFiles;
}

export async function setUp(kind: 'embedded' | 'server', options: Pick<LoadOptions, 'adminUrl' | 'rows'>): Promise<Target> {
  const dataDir = kind === 'embedded' ? mkdtempSync(join(tmpdir(), 'tessera-bench-')) : null;
  const scratch = kind === 'server' ? await createServerDatabase(options.adminUrl!) : null;
  const platform = await startPlatform({ ...(scratch ? { url: scratch.url } : { dataDir: dataDir! }), listen: true, vacuumIntervalMs: 15 * 60_000 });
  await platform.processes.startWorkers();
  await platform.applyMetadata(BENCH_PACKAGE, { source: 'cli' });
  await platform.processes.deploy(TIMER_PROCESS, { source: 'cli' });
  for (let from = 0; from < options.rows; from += 50_000) {
    await platform.knex.raw(
      `INSERT INTO company (name, city, employees, turnover, turnover_currency, status, created_at)
       SELECT 'Firma ' || g, (?::text[])[1 + g % 10], g % 500, (g % 1000) * 1000, 'PLN', 'active', now() - (g || ' seconds')::interval
       FROM generate_series(?::int, ?::int) AS g`,
      [CITIES, from, Math.min(options.rows, from + 50_000) - 1],
    );
  }
  await platform.knex.raw('ANALYZE company');
  await ensureAdmin(platform.knex, 'bench-admin-password');
  const { token } = await createApiToken(platform.knex, (await userIdByLogin(platform.knex, 'admin'))!, { name: 'bench', scopes: TOKEN_SCOPES });
  const ids = ((await platform.knex.raw('SELECT id FROM company ORDER BY random() LIMIT 500')) as { rows: { id: string }[] }).rows.map((r) => r.id);
  const server = createHttpServer(createApp(platform));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    platform,
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    token,
    ids,
    async close() {
      server.closeAllConnections();
      server.close();
      await platform.close();
      await scratch?.drop();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function loadRound(target: Target, options: Pick<LoadOptions, 'connections' | 'seconds'>): Promise<LoadFigures> {
  const before = target.platform.db.embedded?.activity().busyTotalMs;
  const started = performance.now();
  const { stdout } = await promisify(execFile)(process.execPath, [MIXED_LOAD, target.base, target.token, target.ids.join(','), String(options.connections), String(options.seconds)], { maxBuffer: 1 << 20 });
  const after = target.platform.db.embedded?.activity().busyTotalMs;
  const dbBusy = before !== undefined && after !== undefined ? (100 * (after - before)) / (performance.now() - started) : undefined;
  return { ...(JSON.parse(stdout) as LoadFigures), ...(dbBusy !== undefined ? { dbBusy } : {}) };
}

/** Health asked by a separate process while the apply runs. */
async function healthDuringApply(target: Target): Promise<ApplyFigures> {
  const probe = spawn(process.execPath, [HEALTH_PROBE, target.base], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  probe.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    probe.stderr.on('data', (chunk: Buffer) => (chunk.toString().includes('ready') ? resolve() : undefined));
    probe.once('exit', (code) => reject(new Error(`the health probe exited with ${code}`)));
  });
  const started = performance.now();
  await target.platform.applyMetadata(widenedPackage(), { source: 'cli' });
  const applyMs = performance.now() - started;
  const exited = new Promise<void>((resolve) => probe.once('exit', () => resolve()));
  probe.stdin.end();
  await exited;
  return { applyMs, ...(JSON.parse(stdout) as Omit<ApplyFigures, 'applyMs'>) };
}

type Operation = 'list' | 'get' | 'create';
const OPERATIONS: readonly Operation[] = ['list', 'get', 'create'];
const EMBEDDED_GOAL = { list: 'embeddedList', get: 'embeddedGet', create: 'embeddedCreate' } as const satisfies Record<Operation, ScaleGoal>;

/** One round of one operation over HTTP (bench/http-load.ts through measureHttp, as the records benchmark). */
function operationRound(target: Target, operation: Operation, options: LoadOptions): Promise<number> {
  const request = companyRequests(`${target.base}/api/records/company`, target.ids)[operation];
  return measureHttp(target.token, request.urls, options.operations, options.operationConnections, request.body);
}

/**
 * Rows inserted back to back, `batch` per statement, until `done` settles: what loading data (an
 * import, a bulk insert) does to the database. Returns rows per second.
 */
async function bulkLoadUntil(target: Target, batch: number, done: Promise<void>): Promise<number> {
  let finished = false;
  void done.then(() => (finished = true));
  const started = performance.now();
  let rows = 0;
  while (!finished) {
    await target.platform.knex.raw(
      `INSERT INTO company (name, city, employees, turnover, turnover_currency, status)
       SELECT 'Loaded ' || g, (?::text[])[1 + g % 10], g % 500, g % 1000, 'PLN', 'active' FROM generate_series(1, ?::int) AS g`,
      [CITIES, batch],
    );
    rows += batch;
  }
  return rows / ((performance.now() - started) / 1000);
}

async function timersQuietAndLoaded(target: Target, options: LoadOptions): Promise<{ quiet: TimerLateness; loaded: TimerLateness; loadedRowsPerSecond: number }> {
  const timerOptions = { timers: options.timers, spreadSeconds: options.timerSpreadSeconds, concurrency: 16 };
  const quiet = await measureTimerLateness(target.platform, timerOptions);
  let loadedRowsPerSecond = 0;
  const loaded = await measureTimerLateness(target.platform, timerOptions, async (fired) => {
    loadedRowsPerSecond = await bulkLoadUntil(target, options.loadBatchRows, fired);
  });
  return { quiet, loaded, loadedRowsPerSecond };
}

const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const spread = (values: readonly number[], digits = 0) =>
  values.length === 1 ? values[0]!.toFixed(digits) : `${Math.min(...values).toFixed(digits)} / ${median(values).toFixed(digits)} / ${Math.max(...values).toFixed(digits)}`;

function logOperations(operationResults: ReadonlyMap<'embedded' | 'server', ReadonlyMap<Operation, Spread>>, options: LoadOptions): void {
  const { log } = options;
  const fixed = (v: number) => v.toFixed(0);
  const range = (r: Spread) => `${fixed(r.min)}/${fixed(r.median)}/${fixed(r.max)}`;
  log(`records over HTTP, each operation alone: req/s min/median/max of ${options.operationRounds} rounds alternating between the databases, ${options.operations} requests × ${options.operationConnections} connections each, ${options.rows.toLocaleString('en')} rows:`);
  log(`  ${'operation'.padEnd(10)} ${'embedded'.padStart(18)} ${'server'.padStart(18)}  embedded / server (medians, target ≥ 50 %)`);
  for (const operation of OPERATIONS) {
    const embedded = operationResults.get('embedded')?.get(operation);
    const server = operationResults.get('server')?.get(operation);
    if (!embedded) continue;
    log(`  ${operation.padEnd(10)} ${range(embedded).padStart(18)} ${(server ? range(server) : '—').padStart(18)}  ${server ? `${fixed((100 * embedded.median) / server.median).padStart(4)} %` : ''}`);
    if (server) scoreGoal(EMBEDDED_GOAL[operation], ratioScore((100 * embedded.median) / server.median, 50, `medians of ${options.operationRounds} rounds`));
  }
}

const LABEL = { embedded: 'embedded (PGlite, own thread)', server: 'PostgreSQL server' };

function logTimers(timerResults: ReadonlyMap<'embedded' | 'server', Awaited<ReturnType<typeof timersQuietAndLoaded>>>, options: LoadOptions): void {
  const { log } = options;
  log(`timer lateness (${options.timers} timers due over ${options.timerSpreadSeconds} s, fired by the server's own workers; target p99 < 1000 ms):`);
  for (const [kind, timers] of timerResults) {
    log(`  ${LABEL[kind].padEnd(32)} quiet: ${formatLateness(timers.quiet)}`);
    log(`  ${''.padEnd(32)} while ${options.loadBatchRows.toLocaleString('en')}-row INSERTs run back to back (${timers.loadedRowsPerSecond.toFixed(0)} rows/s): ${formatLateness(timers.loaded)}`);
    scoreGoal(kind === 'embedded' ? 'timersEmbedded' : 'timersServer', { measured: `p99 ${timers.loaded.p99.toFixed(0)} ms`, target: 'p99 < 1,000 ms', met: timers.loaded.p99 < 1000 && timers.loaded.unfired === 0, note: `quiet p99 ${timers.quiet.p99.toFixed(0)} ms` });
  }
}

export async function embeddedLoadBenchmark(options: LoadOptions): Promise<void> {
  const { log } = options;
  const kinds: ('embedded' | 'server')[] = options.adminUrl ? ['embedded', 'server'] : ['embedded'];
  const results = new Map<string, { rounds: LoadFigures[]; apply: ApplyFigures }>();
  const operationResults = new Map<'embedded' | 'server', Map<Operation, Spread>>();
  const timerResults = new Map<'embedded' | 'server', Awaited<ReturnType<typeof timersQuietAndLoaded>>>();
  const targets = new Map<'embedded' | 'server', Target>();
  try {
    for (const kind of kinds) targets.set(kind, await setUp(kind, options));
    if (options.timersOnly) {
      for (const [kind, target] of targets) timerResults.set(kind, await timersQuietAndLoaded(target, options));
      return logTimers(timerResults, options);
    }
    // Warm-up: JIT, pools, plan caches.
    for (const target of targets.values()) await loadRound(target, { ...options, seconds: 5 });
    // List, get and create separately, rounds alternating between the databases.
    for (const operation of OPERATIONS) for (const target of targets.values()) await operationRound(target, operation, { ...options, operations: Math.min(500, options.operations) });
    const perOperation = new Map(kinds.map((kind) => [kind, new Map(OPERATIONS.map((operation) => [operation, [] as number[]]))]));
    for (const operation of OPERATIONS) {
      for (let i = 0; i < options.operationRounds; i++) for (const [kind, target] of targets) perOperation.get(kind)!.get(operation)!.push(await operationRound(target, operation, options));
    }
    for (const [kind, byOperation] of perOperation) operationResults.set(kind, new Map([...byOperation].map(([operation, values]) => [operation, spreadOf(values)])));
    logOperations(operationResults, options);
    for (const [kind, target] of targets) timerResults.set(kind, await timersQuietAndLoaded(target, options));
    // Rounds alternate between the databases, so a change in the machine's load hits both alike.
    const rounds = new Map(kinds.map((kind) => [kind, [] as LoadFigures[]]));
    for (let i = 0; i < options.rounds; i++) for (const [kind, target] of targets) rounds.get(kind)!.push(await loadRound(target, options));
    for (const [kind, target] of targets) results.set(kind, { rounds: rounds.get(kind)!, apply: await healthDuringApply(target) });
  } finally {
    for (const target of targets.values()) await target.close();
  }
  logTimers(timerResults, options);
  const roundsNote = options.rounds > 1 ? ` (min / median / max of ${options.rounds} rounds)` : '';
  log(`embedded under load: list / get / create over HTTP, ${options.connections} connections × ${options.seconds} s, ${options.rows.toLocaleString('en')} rows; load from a separate process${roundsNote}:`);
  log(`  ${'database'.padEnd(32)} ${'req/s'.padStart(18)} ${'p50 ms'.padStart(18)} ${'p99 ms'.padStart(18)} ${'errors'.padStart(8)}  database thread busy`);
  for (const [kind, { rounds }] of results) {
    const errors = rounds.reduce((sum, r) => sum + r.errors, 0);
    log(`  ${LABEL[kind as 'embedded' | 'server'].padEnd(32)} ${spread(rounds.map((r) => r.rps)).padStart(18)} ${spread(rounds.map((r) => r.p50)).padStart(18)} ${spread(rounds.map((r) => r.p99)).padStart(18)} ${String(errors).padStart(8)}  ${kind === 'embedded' ? `${spread(rounds.map((r) => r.dbBusy ?? 0))} %` : '—'}`);
  }
  const embedded = results.get('embedded')!;
  const server = results.get('server');
  if (server) {
    const ratio = (100 * median(embedded.rounds.map((r) => r.rps))) / median(server.rounds.map((r) => r.rps));
    log(`  embedded / server throughput (medians): ${ratio.toFixed(0)} % (target ≥ 60 %)`);
  } else log('  (set TESSERA_BENCH_PG_URL to run the same load on a PostgreSQL server beside it)');
  log(`health while a metadata apply rewrites the table (employees → bigint), asked by a separate process:`);
  log(`  ${'database'.padEnd(32)} ${'apply s'.padStart(8)} ${'probes'.padStart(8)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'max ms'.padStart(8)}`);
  for (const [kind, { apply }] of results) {
    log(`  ${LABEL[kind as 'embedded' | 'server'].padEnd(32)} ${(apply.applyMs / 1000).toFixed(1).padStart(8)} ${String(apply.count).padStart(8)} ${apply.p50.toFixed(1).padStart(8)} ${apply.p99.toFixed(1).padStart(8)} ${apply.max.toFixed(1).padStart(8)}`);
  }
  log(`  (target: health p99 < 200 ms during the apply)`);
}
