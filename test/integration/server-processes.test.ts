// `tessera start --processes 3` on one PostgreSQL server database (server pass only: the embedded
// database serves one process, and `--processes` refuses it): three cluster workers share one port.
// Every request below goes on a connection of its own, so the primary hands consecutive requests to
// different workers (round-robin). A metadata change applied through one worker is used by all
// within 1 s; a token revoked through one is refused by all within 1 s (each had it cached); kill -9
// of a worker while creates are in flight loses none that was answered 2xx, and the primary forks a
// replacement. SIGTERM to the primary then drains and ends every worker. What must run once at start
// (migrations, the first admin, seeding) runs under an advisory lock, one process at a time.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { underStartupLock } from '../../engine/db/startup-lock.ts';
import { createServerDatabase, testDatabaseKind } from '../support/database.ts';
import { startServerProcess, type ServerProcess } from '../support/server-process.ts';

const serverOnly = testDatabaseKind() === 'server' ? test : test.skip;
const PASSWORD = 'server-processes-password';
const PROCESSES = 3;
/** Requests per probe round: two for each worker, with round-robin hand-out. */
const ROUND = PROCESSES * 2;
const t0 = Date.now();
const step = (what: string) => process.stderr.write(`[processes test ${((Date.now() - t0) / 1000).toFixed(1)} s] ${what}\n`);
const CLI = fileURLToPath(new URL('../../engine/cli/tessera.js', import.meta.url));

let dir: string | null = null;
let cluster: ServerProcess | null = null;
let database: { url: string; drop(): Promise<void> } | null = null;

afterAll(async () => {
  if (cluster) process.stderr.write(`[processes test] output of the cluster:\n${cluster.output()}\n`);
  await cluster?.stop();
  await database?.drop();
  if (dir) rmSync(dir, { recursive: true, force: true });
}, 60_000);

interface Reply {
  readonly status: number;
  readonly body: Record<string, unknown>;
  readonly cookies: string[];
}

/** One request on a fresh connection (no keep-alive: the next one may reach another worker). */
function call(base: string, method: string, path: string, options: { token?: string; session?: { cookie: string; csrf: string }; body?: unknown } = {}): Promise<Reply> {
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  const headers: Record<string, string> = { connection: 'close', ...(payload ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) } : {}) };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.session) Object.assign(headers, { cookie: options.session.cookie, 'x-csrf-token': options.session.csrf });
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${base}${path}`, { method, headers, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? (JSON.parse(text) as Record<string, unknown>) : {}, cookies: res.headers['set-cookie'] ?? [] }));
      res.on('error', reject);
    });
    req.on('error', reject);
    // A request nobody answers fails the test with its path instead of the test's timeout.
    req.setTimeout(15_000, () => req.destroy(new Error(`no answer to ${method} ${path} within 15 s`)));
    req.end(payload);
  });
}

/** Statuses of one round of requests, one after another (so each worker gets its turn). */
async function round(probe: () => Promise<Reply>): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < ROUND; i++) statuses.push((await probe()).status);
  return statuses;
}

/** Milliseconds from `since` until a whole round answers `status`; fails after `seconds`. */
async function allAnswer(status: number, probe: () => Promise<Reply>, since: number, seconds = 10): Promise<number> {
  while (Date.now() - since < seconds * 1000) {
    if ((await round(probe)).every((s) => s === status)) return Date.now() - since;
  }
  throw new Error(`not every worker answered ${status} within ${seconds} s`);
}

async function until<T>(what: string, probe: () => T | null, seconds = 60): Promise<T> {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    const value = probe();
    if (value !== null) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`gave up waiting for ${what}:\n${cluster?.output() ?? ''}`);
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

test('--processes refuses the embedded database with a clear message and exit code 2', async () => {
  const scratch = mkdtempSync(join(tmpdir(), 'tessera-processes-'));
  try {
    const { DATABASE_URL: _none, ...env } = process.env;
    const child = spawn(process.execPath, [CLI, 'start', '--processes', '2'], { env: { ...env, NODE_OPTIONS: '', TESSERA_DATA_DIR: scratch }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // 'close': the process exited and its pipes are closed.
    const code = await new Promise<number | null>((resolve) => child.once('close', (status) => resolve(status)));
    expect(code).toBe(2);
    expect(stderr).toContain('--processes needs a PostgreSQL server (DATABASE_URL)');
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}, 60_000);

serverOnly('work under the startup lock (migrations, first admin, seeding) runs in one process at a time', async () => {
  const scratch = await createServerDatabase(process.env.TESSERA_TEST_PG_URL!);
  try {
    let running = 0;
    let most = 0;
    const work = async () => {
      most = Math.max(most, ++running);
      await new Promise((resolve) => setTimeout(resolve, 200)); // long enough for the other to try
      running--;
      return running;
    };
    // Three "processes": each its own lock connection, as in two cluster workers.
    expect(await Promise.all([underStartupLock({ url: scratch.url }, work), underStartupLock({ url: scratch.url }, work), underStartupLock({ url: scratch.url }, work)])).toEqual([0, 0, 0]);
    expect(most).toBe(1);
  } finally {
    await scratch.drop();
  }
}, 60_000);

serverOnly('3 processes on one port: metadata and revocations reach all within 1 s; kill -9 of one loses no acknowledged request', async () => {
  database = await createServerDatabase(process.env.TESSERA_TEST_PG_URL!);
  dir = mkdtempSync(join(tmpdir(), 'tessera-processes-'));
  cluster = await startServerProcess(dir, { DATABASE_URL: database.url, TESSERA_ADMIN_PASSWORD: PASSWORD, TESSERA_AUTOMATION: 'off' }, ['--processes', String(PROCESSES), '--no-demo']);
  const base = cluster.url;
  step(`started at ${base}`);
  const pids = () => [...cluster!.output().matchAll(/process (\d+) started/g)].map((m) => Number(m[1]));
  expect(pids()).toHaveLength(PROCESSES);

  // The session is in the database: whichever worker answers knows it.
  const login = await call(base, 'POST', '/api/auth/login', { body: { login: 'admin', password: PASSWORD } });
  expect(login.status).toBe(200);
  const cookies = login.cookies.map((c) => c.split(';')[0]!);
  const session = { cookie: cookies.join('; '), csrf: cookies.find((c) => c.startsWith('tessera_csrf='))!.slice('tessera_csrf='.length) };
  expect(await round(() => call(base, 'GET', '/api/auth/me', { session }))).toEqual(Array(ROUND).fill(200));
  const newToken = async () => {
    const created = await call(base, 'POST', '/api/auth/tokens', { session, body: { name: `cluster ${Date.now()}`, scopes: ['read', 'write'] } });
    expect(created.status).toBe(201);
    return { id: created.body.id as string, token: created.body.token as string };
  };

  // Metadata: a new entity type applied through one worker is served by every worker within 1 s.
  const token = await newToken();
  const probeList = () => call(base, 'GET', '/api/records/cluster_probe?limit=1', { token: token.token });
  expect(await round(probeList)).toEqual(Array(ROUND).fill(404));
  const meta = await call(base, 'GET', '/api/meta', { session });
  const files = meta.body.files as Record<string, unknown>;
  const prefix = (files['tessera.json'] as { name: string }).name;
  const entity = { kind: 'entity', id: `${prefix}.cluster_probe`, name: 'cluster_probe', label: { en: 'Probe', pl: 'Sonda', ro: 'Sondă' }, fields: [{ id: `${prefix}.cluster_probe.name`, name: 'name', type: 'string', label: { en: 'Name', pl: 'Nazwa', ro: 'Nume' } }] };
  const applied = await call(base, 'PUT', '/api/meta', { session, body: { files: { ...files, 'entities/cluster_probe.json': entity } } });
  expect(applied.status).toBe(200);
  const metadataMs = await allAnswer(200, probeList, Date.now());
  step(`every worker served the new entity type ${metadataMs} ms after the apply`);
  expect(metadataMs).toBeLessThanOrEqual(1000);

  // Tokens: cached by every worker, revoked through one, refused by all within 1 s.
  expect(await round(() => call(base, 'GET', '/api/auth/me', { token: token.token }))).toEqual(Array(ROUND).fill(200));
  expect((await call(base, 'DELETE', `/api/auth/tokens/${token.id}`, { token: token.token })).status).toBe(204);
  const revokedMs = await allAnswer(401, () => call(base, 'GET', '/api/auth/me', { token: token.token }), Date.now());
  step(`every worker refused the revoked token ${revokedMs} ms after the revocation`);
  expect(revokedMs).toBeLessThanOrEqual(1000);

  // kill -9 of one worker while creates are in flight on every worker.
  const writer = await newToken();
  const victim = pids()[1]!;
  const acknowledged: string[] = [];
  let failed = 0;
  const reasons = new Set<string>();
  let sent = 0;
  let killed = false;
  await Promise.all(
    Array.from({ length: 6 }, async () => {
      while (sent < 90) {
        const n = sent++;
        if (n === 30 && !killed) {
          killed = true;
          process.kill(victim, 'SIGKILL');
        }
        try {
          const res = await call(base, 'POST', '/api/records/cluster_probe', { token: writer.token, body: { name: `create ${n}` } });
          if (res.status >= 200 && res.status < 300) acknowledged.push(res.body.id as string);
          else failed++;
        } catch (error) {
          failed++; // a connection the dead worker held: not acknowledged
          reasons.add(error instanceof Error ? error.message : String(error));
        }
      }
    }),
  );
  step(`${acknowledged.length} creates acknowledged, ${failed} failed around the kill -9 (${[...reasons].join('; ') || 'none'})`);
  expect(killed).toBe(true);
  expect(acknowledged.length).toBeGreaterThan(30);
  // Looked up in the database itself, not through a worker.
  const direct = new pg.Client({ connectionString: database.url });
  await direct.connect();
  try {
    const found = await direct.query<{ id: string }>('SELECT id FROM public.cluster_probe WHERE id = ANY($1::uuid[])', [acknowledged]);
    expect(found.rows.map((r) => r.id).sort()).toEqual([...acknowledged].sort());
  } finally {
    await direct.end();
  }

  step('every acknowledged create found');
  // The primary forks a replacement, which listens.
  await until('the primary to note the kill', () => (cluster!.output().includes(`process ${victim} exited (SIGKILL)`) ? true : null));
  const replacement = await until('a replacement worker', () => pids().find((pid) => !pids().slice(0, PROCESSES).includes(pid)) ?? null);
  await until('the replacement to listen', () => (cluster!.output().includes(`process ${replacement} listening at`) ? true : null));
  expect(alive(replacement)).toBe(true);
  expect(alive(victim)).toBe(false);

  step(`process ${replacement} replaced ${victim}`);
  // SIGTERM to the primary drains and ends every worker.
  const workers = pids().filter((pid) => pid !== victim);
  await cluster.stop();
  expect(cluster.child.exitCode).toBe(0);
  expect(workers.filter(alive)).toEqual([]);
  cluster = null;
  step('stopped');
}, 300_000);
