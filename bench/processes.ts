// `tessera start --processes 1` against `--processes 2` on one PostgreSQL server database: HTTP
// create / get / list throughput of the records API (the records benchmark's requests, autocannon in
// a child process), min/median/max of several rounds, the two setups alternated round by round so a
// change in the machine's load falls on both alike. The load generator shares the machine's cores
// with the server processes and PostgreSQL: on 2 cores a second process cannot double anything.
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureAdmin, userIdByLogin } from '../engine/access/users.ts';
import { TOKEN_SCOPES } from '../engine/access/permissions.ts';
import { createApiToken } from '../engine/access/tokens.ts';
import { startPlatform } from '../engine/platform.ts';
import { createServerDatabase } from '../test/support/database.ts';
import { startServerProcess, type ServerProcess } from '../test/support/server-process.ts';
import { BENCH_PACKAGE, CITIES, measureHttp, spread, type Spread } from './records.ts';

export interface ProcessesOptions {
  readonly adminUrl: string;
  readonly operations: number;
  readonly concurrency: number;
  readonly rounds: number;
  readonly log: (line: string) => void;
}

type Operation = 'create' | 'get' | 'list';
const OPERATIONS: readonly Operation[] = ['create', 'get', 'list'];
const SETUPS = [1, 2] as const;

export async function processesBenchmark(options: ProcessesOptions): Promise<Record<number, Record<Operation, Spread>>> {
  const { log, operations: n, concurrency: c } = options;
  const database = await createServerDatabase(options.adminUrl);
  const dir = mkdtempSync(join(tmpdir(), 'tessera-bench-processes-'));
  const running: ServerProcess[] = [];
  try {
    // The benchmark's entity type, an admin and a token, before any server starts (it then seeds nothing).
    const platform = await startPlatform({ url: database.url });
    let token: string;
    let ids: string[];
    try {
      await platform.applyMetadata(BENCH_PACKAGE, { source: 'cli' });
      await ensureAdmin(platform.knex, 'bench-admin-password');
      token = (await createApiToken(platform.knex, (await userIdByLogin(platform.knex, 'admin'))!, { name: 'bench', scopes: TOKEN_SCOPES })).token;
      const ctx = { actor: { userId: null, via: 'system' as const } };
      for (let i = 0; i < 1000; i++) await platform.records.create(ctx, 'company', { name: `Firma ${i}`, city: CITIES[i % CITIES.length]!, employees: i % 500 });
      ids = ((await platform.knex('company').select('id').limit(200)) as { id: string }[]).map((r) => r.id);
    } finally {
      await platform.close();
    }
    const env = { DATABASE_URL: database.url, TESSERA_AUTOMATION: 'off' };
    const urls = async (setup: number): Promise<string> => {
      const server = await startServerProcess(join(dir, String(setup)), env, ['--processes', String(setup), '--no-demo']);
      running.push(server);
      return `${server.url}/api/records/company`;
    };
    const bases: Record<number, string> = {};
    for (const setup of SETUPS) bases[setup] = await urls(setup);
    const filter = (i: number) => encodeURIComponent(JSON.stringify({ city: { eq: CITIES[i % CITIES.length] }, employees: { gte: 100 } }));
    const run = (setup: number, operation: Operation): Promise<number> => {
      const base = bases[setup]!;
      if (operation === 'create') return measureHttp(token, [base], n, c, { name: 'Firma HTTP', city: 'Kraków', employees: 7 });
      if (operation === 'get') return measureHttp(token, ids.map((id) => `${base}/${id}`), n, c);
      return measureHttp(token, CITIES.map((_, i) => `${base}?limit=20&sort=-created_at&filter=${filter(i)}`), n, c);
    };
    // Warm-up: JIT, pools, plan caches of every worker.
    for (const setup of SETUPS) for (const operation of OPERATIONS) await run(setup, operation);
    const figures: Record<number, Record<Operation, number[]>> = {};
    for (const setup of SETUPS) figures[setup] = { create: [], get: [], list: [] };
    for (let round = 0; round < options.rounds; round++) {
      for (const operation of OPERATIONS) for (const setup of SETUPS) figures[setup]![operation].push(await run(setup, operation));
    }
    const result: Record<number, Record<Operation, Spread>> = {};
    for (const setup of SETUPS) result[setup] = { create: spread(figures[setup]!.create), get: spread(figures[setup]!.get), list: spread(figures[setup]!.list) };
    const range = (r: Spread) => `${r.min.toFixed(0)}/${r.median.toFixed(0)}/${r.max.toFixed(0)}`;
    log(`tessera start --processes 1 vs 2 on one PostgreSQL server (${cpus().length} cores shared by server processes, PostgreSQL and the load generator; ${n} requests, ${c} connections, ${options.rounds} alternating rounds), req/s min/median/max:`);
    log(`  ${'operation'.padEnd(10)} ${'1 process'.padStart(18)} ${'2 processes'.padStart(18)}  median ratio`);
    for (const operation of OPERATIONS) {
      const one = result[1]![operation];
      const two = result[2]![operation];
      log(`  ${operation.padEnd(10)} ${range(one).padStart(18)} ${range(two).padStart(18)}  ${(two.median / one.median).toFixed(2)}×`);
    }
    return result;
  } finally {
    for (const server of running) await server.stop();
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}
