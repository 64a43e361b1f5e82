// Records benchmark: create / get / list-with-filter throughput of the records API (in process and
// over HTTP) against raw `pg` doing the same statements on the same database in the same run, and
// list latency (p50/p95) on a 1,000,000-row table.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { ensureAdmin, userIdByLogin } from '../engine/access/users.ts';
import { TOKEN_SCOPES } from '../engine/access/permissions.ts';
import { createApiToken } from '../engine/access/tokens.ts';
import { createApp } from '../engine/http/app.ts';
import { createHttpServer } from '../engine/http/listener.ts';
import type { Platform } from '../engine/platform.ts';
import type { RecordContext } from '../engine/records/index.ts';
import type { PackageFiles } from '../metadata/index.ts';
import { startRawHttpServer } from './raw-http-server.ts';
import { ratioScore, scoreGoal } from './scorecard.ts';

const label = (en: string) => ({ en });
export const BENCH_PACKAGE: PackageFiles = {
  files: {
    'tessera.json': { kind: 'manifest', name: 'bench', version: '1', currencies: ['PLN', 'EUR'], defaultCurrency: 'PLN' },
    'entities/company.json': {
      kind: 'entity',
      id: 'b.company',
      name: 'company',
      label: label('Company'),
      displayField: 'name',
      fields: [
        { id: 'b.name', name: 'name', type: 'string', maxLength: 200, required: true, searchable: true, label: label('Name') },
        { id: 'b.city', name: 'city', type: 'string', maxLength: 100, label: label('City') },
        { id: 'b.employees', name: 'employees', type: 'integer', minimum: 0, label: label('Employees') },
        { id: 'b.turnover', name: 'turnover', type: 'money', label: label('Turnover') },
        { id: 'b.status', name: 'status', type: 'enum', default: 'active', label: label('Status'), values: [{ value: 'active', label: label('Active') }, { value: 'dormant', label: label('Dormant') }] },
      ],
      // The list the benchmark runs: filter by city, newest first. An analyst declares the index for it.
      indexes: [{ id: 'b.ix.city_created', fields: ['city', 'created_at', 'id'] }],
    },
  },
};

export const CITIES = ['Warszawa', 'Kraków', 'Gdańsk', 'Wrocław', 'Poznań', 'Łódź', 'Cluj-Napoca', 'București', 'Iași', 'Timișoara'];

export interface Throughput {
  readonly name: string;
  readonly api: number;
  /** Median of the HTTP rounds, and min/median/max of each. */
  readonly http: number;
  readonly raw: number;
  readonly rawHttp: number;
  readonly httpRounds: Spread;
  readonly rawHttpRounds: Spread;
}

export interface Spread {
  readonly min: number;
  readonly median: number;
  readonly max: number;
}

export function spread(values: readonly number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  return { min: sorted[0]!, median: sorted[Math.floor((sorted.length - 1) / 2)]!, max: sorted[sorted.length - 1]! };
}

async function measure(total: number, concurrency: number, op: (i: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) await op(next++);
    }),
  );
  return total / ((performance.now() - started) / 1000);
}

/** The values each create sends (the HTTP rounds send `values(7)`). */
export const companyValues = (i: number) => ({ name: `Firma ${i}`, city: CITIES[i % CITIES.length]!, employees: i % 500, turnover: { amount: (i % 1000) * 1000, currency: 'PLN' } });
const listFilter = (i: number) => ({ city: { eq: CITIES[i % CITIES.length] }, employees: { gte: 100 } });
const listQuery = (i: number) => `?limit=20&sort=-created_at&filter=${encodeURIComponent(JSON.stringify(listFilter(i)))}`;

export interface HttpRequests {
  readonly urls: readonly string[];
  readonly body?: unknown;
}

/** The three HTTP requests the benchmarks time, for a collection URL (…/api/records/company) and some row ids. */
export function companyRequests(base: string, ids: readonly string[]): { create: HttpRequests; get: HttpRequests; list: HttpRequests } {
  return {
    create: { urls: [base], body: companyValues(7) },
    get: { urls: ids.slice(0, 200).map((id) => `${base}/${id}`) },
    list: { urls: CITIES.map((_, i) => `${base}${listQuery(i)}`) },
  };
}

const LOAD = fileURLToPath(new URL('./http-load.ts', import.meta.url));

/** HTTP throughput measured by autocannon in a child process (the client must not share the server's event loop). */
export async function measureHttp(token: string, urls: readonly string[], total: number, concurrency: number, body?: unknown): Promise<number> {
  const { stdout } = await promisify(execFile)(process.execPath, [LOAD, urls.join('|'), body ? 'POST' : 'GET', body ? JSON.stringify(body) : '', String(concurrency), String(total), token]);
  const result = JSON.parse(stdout) as { rps: number; failures: number };
  if (result.failures > 0) throw new Error(`HTTP benchmark: ${result.failures} failed requests`);
  return result.rps;
}

/**
 * Tessera's HTTP API and the raw node:http + pg server, alternated round by round so that a change in
 * the machine's load falls on both columns alike.
 */
async function measureHttpRounds(rounds: number, tessera: () => Promise<number>, raw: () => Promise<number>): Promise<{ http: Spread; rawHttp: Spread }> {
  const http: number[] = [];
  const rawHttp: number[] = [];
  for (let round = 0; round < rounds; round++) {
    http.push(await tessera());
    rawHttp.push(await raw());
  }
  return { http: spread(http), rawHttp: spread(rawHttp) };
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export async function recordsBenchmark(platform: Platform, options: { operations: number; concurrency: number; bigRows: number; httpRounds?: number; log: (line: string) => void }): Promise<{ throughput: Throughput[]; listP50: number; listP95: number; rows: number }> {
  const { log } = options;
  await platform.applyMetadata(BENCH_PACKAGE, { source: 'cli' });
  const ctx: RecordContext = { actor: { userId: null, via: 'system' } };
  const raw = new pg.Pool({ connectionString: platform.db.url, max: 10 });
  const server = createHttpServer(createApp(platform));
  const rawHttp = await startRawHttpServer(raw);
  const rounds = Math.max(1, options.httpRounds ?? 3);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/records/company`;
  // HTTP requests authenticate as an administrator with an API token, as an integration would.
  await ensureAdmin(platform.knex, 'bench-admin-password');
  const { token } = await createApiToken(platform.knex, (await userIdByLogin(platform.knex, 'admin'))!, { name: 'bench', scopes: TOKEN_SCOPES });
  const n = options.operations;
  const c = options.concurrency;
  const values = companyValues;
  try {
    // Warm-up: JIT, pools, plan caches.
    await measure(200, c, (i) => platform.records.create(ctx, 'company', values(i)));

    const createApi = await measure(n, c, (i) => platform.records.create(ctx, 'company', values(i)));
    const requests = companyRequests(base, []);
    const rawRequests = companyRequests(rawHttp.base, []);
    const createHttp = await measureHttpRounds(rounds, () => measureHttp(token, requests.create.urls, n, c, requests.create.body), () => measureHttp('', rawRequests.create.urls, n, c, rawRequests.create.body));
    // The same statements the records API runs for a create: the row and its audit entry, in one transaction.
    const createRaw = await measure(n, c, async (i) => {
      const client = await raw.connect();
      try {
        const v = values(i);
        await client.query('BEGIN');
        const row = await client.query(
          'INSERT INTO company (name, city, employees, turnover, turnover_currency, status) VALUES ($1, $2, $3, $4, $5, $6) RETURNING *',
          [v.name, v.city, v.employees, v.turnover.amount, v.turnover.currency, 'active'],
        );
        await client.query(`INSERT INTO tessera.audit_log (via, entity, record_id, action, changes) VALUES ('system', 'company', $1, 'create', $2)`, [row.rows[0].id, JSON.stringify(v)]);
        await client.query('COMMIT');
      } finally {
        client.release();
      }
    });
    const createRawSingle = await measure(n, c, (i) => {
      const v = values(i);
      return raw.query('INSERT INTO company (name, city, employees, turnover, turnover_currency, status) VALUES ($1, $2, $3, $4, $5, $6) RETURNING *', [v.name, v.city, v.employees, v.turnover.amount, v.turnover.currency, 'active']);
    });

    const ids = (await raw.query('SELECT id FROM company LIMIT 2000')).rows.map((r: { id: string }) => r.id);
    const getApi = await measure(n, c, (i) => platform.records.get(ctx, 'company', ids[i % ids.length]!));
    const getHttp = await measureHttpRounds(
      rounds,
      () => measureHttp(token, companyRequests(base, ids).get.urls, n, c),
      () => measureHttp('', companyRequests(rawHttp.base, ids).get.urls, n, c),
    );
    const getRaw = await measure(n, c, (i) => raw.query('SELECT * FROM company WHERE id = $1 AND deleted_at IS NULL', [ids[i % ids.length]]));

    const filter = listFilter;
    const listApi = await measure(n, c, (i) => platform.records.list(ctx, 'company', { filter: filter(i), sort: '-created_at', limit: 20 }));
    const listHttp = await measureHttpRounds(
      rounds,
      () => measureHttp(token, requests.list.urls, n, c),
      () => measureHttp('', rawRequests.list.urls, n, c),
    );
    const listRaw = await measure(n, c, (i) =>
      raw.query('SELECT * FROM company WHERE deleted_at IS NULL AND city = $1 AND employees >= $2 ORDER BY created_at DESC, id DESC LIMIT 21', [CITIES[i % CITIES.length], 100]),
    );

    const row = (name: string, api: number, http: { http: Spread; rawHttp: Spread }, rawPg: number): Throughput => ({
      name,
      api,
      raw: rawPg,
      http: http.http.median,
      rawHttp: http.rawHttp.median,
      httpRounds: http.http,
      rawHttpRounds: http.rawHttp,
    });
    const throughput: Throughput[] = [
      row('create (row + audit, one transaction)', createApi, createHttp, createRaw),
      row('get by id', getApi, getHttp, getRaw),
      row('list: filter city + employees, newest first, 20 rows', listApi, listHttp, listRaw),
    ];
    const fixed = (v: number) => v.toFixed(0);
    const range = (r: Spread) => `${fixed(r.min)}/${fixed(r.median)}/${fixed(r.max)}`;
    log(`records throughput (ops/s, ${n} operations, ${c} concurrent; HTTP load from a separate process, timed first request to last response):`);
    log(`  in process: ${'operation'.padEnd(52)} ${'API'.padStart(8)} ${'raw pg'.padStart(8)}  API/raw`);
    for (const t of throughput) log(`              ${t.name.padEnd(52)} ${fixed(t.api).padStart(8)} ${fixed(t.raw).padStart(8)}  ${fixed((100 * t.api) / t.raw).padStart(6)} %`);
    log(`  over HTTP, ${rounds} alternating rounds, min/median/max: Tessera vs a raw node:http + pg server sending the same SQL`);
    log(`              ${'operation'.padEnd(52)} ${'Tessera'.padStart(16)} ${'raw HTTP'.padStart(16)}  median ratio`);
    for (const t of throughput) log(`              ${t.name.padEnd(52)} ${range(t.httpRounds).padStart(16)} ${range(t.rawHttpRounds).padStart(16)}  ${fixed((100 * t.http) / t.rawHttp).padStart(6)} %`);
    log(`  (raw single INSERT without audit or transaction: ${createRawSingle.toFixed(0)} ops/s)`);
    (['httpCreate', 'httpGet', 'httpList'] as const).forEach((goal, i) => scoreGoal(goal, ratioScore((100 * throughput[i]!.http) / throughput[i]!.rawHttp, 80, `medians of ${rounds} rounds, ${platform.db.embedded ? 'embedded' : 'server'}`)));

    // 1 M rows, generated server-side; then pages of a filtered, sorted list through the API.
    const existing = Number((await raw.query('SELECT count(*) AS n FROM company')).rows[0].n);
    const started = performance.now();
    const batch = 100_000;
    for (let from = existing; from < options.bigRows; from += batch) {
      const to = Math.min(options.bigRows, from + batch) - 1;
      await raw.query(
        `INSERT INTO company (name, city, employees, turnover, turnover_currency, status, created_at)
         SELECT 'Firma ' || g, ($1::text[])[1 + g % 10], g % 500, (g % 1000) * 1000, 'PLN', CASE WHEN g % 7 = 0 THEN 'dormant' ELSE 'active' END,
                now() - (g || ' seconds')::interval
         FROM generate_series($2::int, $3::int) AS g`,
        [CITIES, from, to],
      );
    }
    await raw.query('ANALYZE company');
    const rows = Number((await raw.query('SELECT count(*) AS n FROM company')).rows[0].n);
    log(`list latency on ${rows.toLocaleString('en')} rows (loaded in ${((performance.now() - started) / 1000).toFixed(1)} s):`);
    const latencies: number[] = [];
    for (let i = 0; i < 300; i++) {
      const t0 = performance.now();
      const page = await platform.records.list(ctx, 'company', { filter: { city: { eq: CITIES[i % CITIES.length] }, status: { eq: 'active' } }, sort: '-created_at', limit: 50 });
      // Every third query reads a deeper page through its cursor, as a user paging on would.
      if (i % 3 === 0 && page.next) await platform.records.list(ctx, 'company', { filter: { city: { eq: CITIES[i % CITIES.length] }, status: { eq: 'active' } }, sort: '-created_at', limit: 50, after: page.next });
      latencies.push(performance.now() - t0);
    }
    latencies.sort((a, b) => a - b);
    const listP50 = percentile(latencies, 50);
    const listP95 = percentile(latencies, 95);
    log(`  filtered (city, status), sorted (-created_at), 50 per page: p50 ${listP50.toFixed(1)} ms, p95 ${listP95.toFixed(1)} ms (target p95 < 50 ms)`);
    return { throughput, listP50, listP95, rows };
  } finally {
    server.closeAllConnections();
    server.close();
    await rawHttp.close();
    await raw.end();
  }
}
