// DATABASE_READ_URL against a real streaming replica: a PostgreSQL 15 primary and a standby made
// with pg_basebackup -R, both started here (test/support/streaming-replica.ts). Lists, search and
// aggregates of a session that has not written are served by the standby (its statement log and
// pg_stat_activity show the tessera-read connections); a session that just wrote reads its own
// record at once, even with the standby's replay paused (it falls back to the primary after the
// wait), while another session still reads the paused standby; a browser session that wrote through
// one process reads through a second one (its tessera_wrote cookie); an API token that writes through
// one worker of `tessera start --processes 2` reads its write through the other, on a new connection
// per request (the write was told through the primary); a POST aggregate is a read (it does not make
// the session's next reads wait); the standby stopped, every read is answered from the primary, and
// once it is back reads return to it; no write ever reaches it.
// Embedded pass only: the test brings its own servers, so the server pass would only repeat it.
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPackageDir } from '../../metadata/index.ts';
import { SEED_METADATA_DIR } from '../../seed/index.ts';
import { startPlatform, type Platform } from '../../engine/platform.ts';
import { DatabaseListener } from '../../engine/db/notifications.ts';
import { browserClient, tokenFor } from '../support/auth.ts';
import { TEST_SECRET_KEY, testDatabaseKind } from '../support/database.ts';
import { jsonClient, startTestServer, TEST_ADMIN_LOGIN, TEST_ADMIN_PASSWORD, type JsonClient, type TestServer } from '../support/http.ts';
import { startServerProcess, type ServerProcess } from '../support/server-process.ts';
import { startStreamingReplica, streamingReplicaMissing, type StreamingReplica } from '../support/streaming-replica.ts';

const missing = streamingReplicaMissing();
if (missing) console.warn(missing);
const serverPass = testDatabaseKind() === 'server';
if (serverPass && !missing) console.warn('read replica tests: run in the embedded pass only (they start their own PostgreSQL primary and standby)');
const suite = missing || serverPass ? describe.skip : describe;

let pair: StreamingReplica | null = null;
let platform: Platform | null = null;
let server: TestServer | null = null;
/** A second process on the same primary and standby (as with `tessera start --processes 2`). */
let platform2: Platform | null = null;
let server2: TestServer | null = null;
/** Two sessions (API tokens of the admin): A writes, B only reads. */
let a: JsonClient;
let b: JsonClient;
const logs: string[] = [];
/** `tessera start --processes 2` on the same primary and standby, and its data directory. */
let cluster: ServerProcess | null = null;
let clusterDir: string | null = null;

afterAll(async () => {
  await cluster?.stop();
  if (clusterDir) rmSync(clusterDir, { recursive: true, force: true });
  await server2?.close();
  await platform2?.close();
  await server?.close();
  await platform?.close();
  await pair?.stop();
}, 60_000);

const routes = () => platform!.db.replica!.routes;
const names = async (client: JsonClient): Promise<string[]> => {
  const res = await client.get('/records/contractor?limit=200&fields=id,name');
  expect(res.status).toBe(200);
  return (res.body.data as { name: string }[]).map((r) => r.name);
};
const create = async (client: JsonClient, name: string) => {
  const res = await client.post('/records/contractor', { name });
  expect(res.status).toBe(201);
};
/** Until the standby has replayed everything the primary has written so far. */
const caughtUp = async () => {
  const { rows } = (await platform!.knex.raw('SELECT pg_current_wal_insert_lsn()::text AS lsn')) as { rows: { lsn: string }[] };
  for (let i = 0; i < 600; i++) {
    const [row] = await pair!.onStandby<{ ok: boolean }>(`SELECT pg_last_wal_replay_lsn() >= '${rows[0]!.lsn}'::pg_lsn AS ok`);
    if (row!.ok) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('the standby did not catch up within 30 s');
};
const pauseReplay = async () => {
  await pair!.onStandby('SELECT pg_wal_replay_pause()');
  for (let i = 0; i < 100; i++) {
    const [row] = await pair!.onStandby<{ state: string }>('SELECT pg_get_wal_replay_pause_state() AS state');
    if (row!.state === 'paused') return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};
/** One request on a connection of its own (no keep-alive: the cluster hands the next one to the other worker). */
function call(url: string, method: string, token: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const headers: Record<string, string> = { connection: 'close', authorization: `Bearer ${token}`, ...(payload ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) } : {}) };
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/** Statements the standby ran for Tessera's read connections. */
const readStatements = () => pair!.standbyLog().split('\n').filter((line) => line.startsWith('[tessera-read] LOG:') && /(statement|execute [^:]*):/.test(line));

suite('read replica (DATABASE_READ_URL) on a real streaming standby', () => {
  beforeAll(async () => {
    pair = await startStreamingReplica();
    platform = await startPlatform({ url: pair.primaryUrl, readUrl: pair.standbyUrl, secretKey: TEST_SECRET_KEY, replica: { waitMs: 300, retryMs: 200, log: (line) => logs.push(line) } });
    const { package: files } = await loadPackageDir(SEED_METADATA_DIR);
    await platform.applyMetadata(files, { source: 'cli' });
    server = await startTestServer(platform);
    a = jsonClient(`${server.url}/api`, { token: await tokenFor(platform, server.adminId) });
    b = jsonClient(`${server.url}/api`, { token: await tokenFor(platform, server.adminId) });
    await create(a, 'Replicated Sp. z o.o.');
    await caughtUp();
  }, 180_000);

  test('a list, a search and an aggregate of a session that has not written are served by the standby', async () => {
    const before = routes().replica;
    const statementsBefore = readStatements().length;
    expect(await names(b)).toContain('Replicated Sp. z o.o.');
    const search = await b.get('/search?q=Replicated');
    expect(search.status).toBe(200);
    expect(JSON.stringify(search.body)).toContain('Replicated Sp. z o.o.');
    const aggregate = await b.get('/records/contractor/aggregate?measures=count');
    expect(aggregate.status).toBe(200);
    expect(routes().replica).toBe(before + 3);
    // The standby itself ran them, on connections named tessera-read.
    const ran = readStatements().slice(statementsBefore);
    expect(ran.some((line) => /select .*contractor/i.test(line))).toBe(true);
    const sessions = await pair!.onStandby<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'tessera-read'`);
    expect(sessions[0]!.n).toBeGreaterThan(0);
  });

  test('read-your-writes: the session that wrote sees its record at once, even while the standby replays nothing', async () => {
    await pauseReplay();
    await create(a, 'Written Just Now S.A.');
    const primary = () => routes()['primary:writing'] + routes()['primary:lagging'];
    const before = primary();
    // Right after the answer to the write, its WAL position may still be being read (A then reads
    // the primary at once), else A waits for the standby, which stays behind, then reads the primary.
    expect(await names(a)).toContain('Written Just Now S.A.');
    expect(primary()).toBe(before + 1);
    const lagging = routes()['primary:lagging'];
    expect(await names(a)).toContain('Written Just Now S.A.');
    expect(routes()['primary:lagging']).toBe(lagging + 1);
    // B (which wrote nothing) reads the paused standby: the record is not there yet. This is what
    // A would have seen without read-your-writes.
    const replicaBefore = routes().replica;
    expect(await names(b)).not.toContain('Written Just Now S.A.');
    expect(routes().replica).toBe(replicaBefore + 1);
    await pair!.onStandby('SELECT pg_wal_replay_resume()');
    await caughtUp();
    // Caught up: A reads the standby again, and sees its record there.
    const again = routes().replica;
    expect(await names(a)).toContain('Written Just Now S.A.');
    expect(routes().replica).toBe(again + 1);
  });

  test('a browser session that wrote through one process reads its record through another (the tessera_wrote cookie)', async () => {
    platform2 = await startPlatform({ url: pair!.primaryUrl, readUrl: pair!.standbyUrl, secretKey: TEST_SECRET_KEY, replica: { waitMs: 300, retryMs: 200, log: (line) => logs.push(line) } });
    server2 = await startTestServer(platform2);
    const first = browserClient(`${server!.url}/api`);
    expect((await first.login(TEST_ADMIN_LOGIN, TEST_ADMIN_PASSWORD)).status).toBe(200);
    await caughtUp();
    await pauseReplay();
    expect((await first.post('/records/contractor', { name: 'Cross Process Sp. j.' })).status).toBe(201);
    expect(first.cookies.has('tessera_wrote')).toBe(true);
    // The same browser's next request reaches the other process, which never saw the write.
    const second = browserClient(`${server2!.url}/api`);
    for (const [name, value] of first.cookies) second.cookies.set(name, value);
    const lagging = platform2.db.replica!.routes['primary:lagging'];
    const seen = await second.get('/records/contractor?limit=200&fields=id,name');
    expect((seen.body.data as { name: string }[]).map((r) => r.name)).toContain('Cross Process Sp. j.');
    expect(platform2.db.replica!.routes['primary:lagging']).toBe(lagging + 1);
    // Without the cookie that process would have read the paused standby, and missed it.
    second.cookies.delete('tessera_wrote');
    const stale = await second.get('/records/contractor?limit=200&fields=id,name');
    expect((stale.body.data as { name: string }[]).map((r) => r.name)).not.toContain('Cross Process Sp. j.');
    await pair!.onStandby('SELECT pg_wal_replay_resume()');
    await caughtUp();
  });

  test("a browser session's own process does not make its later reads wait for others' writes (the cookie is for other processes)", async () => {
    const own = browserClient(`${server!.url}/api`);
    expect((await own.login(TEST_ADMIN_LOGIN, TEST_ADMIN_PASSWORD)).status).toBe(200);
    expect((await own.post('/records/contractor', { name: 'Own Write S.A.' })).status).toBe(201);
    await caughtUp();
    expect((await own.get('/records/contractor?limit=200&fields=id,name')).status).toBe(200);
    // The standby now holds the session's write; someone else writes while it stops replaying.
    await pauseReplay();
    await create(a, 'Someone Else Sp. z o.o.');
    const lagging = routes()['primary:lagging'];
    const replica = routes().replica;
    const seen = await own.get('/records/contractor?limit=200&fields=id,name');
    expect((seen.body.data as { name: string }[]).map((r) => r.name)).toContain('Own Write S.A.');
    expect([routes().replica - replica, routes()['primary:lagging'] - lagging]).toEqual([1, 0]);
    await pair!.onStandby('SELECT pg_wal_replay_resume()');
    await caughtUp();
  });

  test('a notice committed before a statement on the LISTEN connection is heard by the time that statement returns (the fence)', async () => {
    const listener = new DatabaseListener(pair!.primaryUrl);
    const heard: string[] = [];
    await listener.on('tessera_fence_probe', (payload) => heard.push(payload));
    await listener.start();
    try {
      for (let i = 0; i < 50; i++) {
        await platform!.knex.raw('SELECT pg_notify(?, ?)', ['tessera_fence_probe', String(i)]);
        await listener.run('SELECT 1');
        expect(heard).toContain(String(i));
      }
    } finally {
      await listener.stop();
    }
  });

  test('an API token that writes through one worker of --processes 2 reads its write through the other, a new connection per request', async () => {
    clusterDir = mkdtempSync(join(tmpdir(), 'tessera-replica-cluster-'));
    cluster = await startServerProcess(clusterDir, { DATABASE_URL: pair!.primaryUrl, DATABASE_READ_URL: pair!.standbyUrl, TESSERA_REPLICA_WAIT_MS: '300', TESSERA_AUTOMATION: 'off' }, ['--processes', '2', '--no-demo']);
    const writer = await tokenFor(platform!, server!.adminId);
    const reader = await tokenFor(platform!, server!.adminId);
    const list = async (token: string): Promise<string[]> => {
      const res = await call(`${cluster!.url}/api/records/contractor?limit=500&fields=id,name`, 'GET', token);
      expect(res.status).toBe(200);
      return (res.body.data as { name: string }[]).map((r) => r.name);
    };
    // Both workers have read for both tokens (so each has its connections to the standby).
    for (let i = 0; i < 4; i++) await list(i % 2 ? writer : reader);
    await caughtUp();
    await pauseReplay();
    try {
      // Round-robin: each read below reaches the worker that did not take the write before it.
      for (let i = 0; i < 6; i++) {
        const name = `Token Across Processes ${i}`;
        expect((await call(`${cluster!.url}/api/records/contractor`, 'POST', writer, { name })).status).toBe(201);
        expect(await list(writer)).toContain(name);
      }
      // What the writer would have read without being told across: the paused standby, without them.
      const seen = await list(reader);
      expect(seen).toContain('Replicated Sp. z o.o.');
      expect(seen).not.toContain('Token Across Processes 0');
    } finally {
      await pair!.onStandby('SELECT pg_wal_replay_resume()');
    }
    await caughtUp();
    expect(await list(reader)).toContain('Token Across Processes 5');
    await cluster.stop();
    cluster = null;
  }, 180_000);

  test('a POST aggregate (reports, dashboards) is a read: the next list of the session does not wait for the standby', async () => {
    await caughtUp();
    // A's earlier writes are on the standby: its list reads the standby.
    expect(await names(a)).toContain('Replicated Sp. z o.o.');
    await pauseReplay();
    try {
      await create(b, 'Written While Paused By B');
      const aggregate = await a.post('/records/contractor/aggregate', { measures: ['count'] });
      expect(aggregate.status).toBe(200);
      const [replica, lagging, writing] = [routes().replica, routes()['primary:lagging'], routes()['primary:writing']];
      expect(await names(a)).not.toContain('Written While Paused By B');
      expect([routes().replica - replica, routes()['primary:lagging'] - lagging, routes()['primary:writing'] - writing]).toEqual([1, 0, 0]);
    } finally {
      await pair!.onStandby('SELECT pg_wal_replay_resume()');
    }
    await caughtUp();
  });

  test('a create followed at once by a list (standby replaying): the record is always in the list', async () => {
    for (let i = 0; i < 10; i++) {
      await create(a, `Quick ${i}`);
      expect(await names(a)).toContain(`Quick ${i}`);
    }
  });

  test('the standby stopped: reads are answered from the primary (logged, not an error); back, reads return to it', async () => {
    await pair!.stopStandby();
    const unavailable = routes()['primary:unavailable'];
    expect(await names(b)).toContain('Quick 9');
    expect((await b.get('/search?q=Replicated')).status).toBe(200);
    expect((await b.get('/records/contractor/aggregate?measures=count')).status).toBe(200);
    const exported = await b.get('/records/contractor/export');
    expect(exported.status).toBe(200);
    expect(String(exported.body)).toContain('Replicated Sp. z o.o.');
    // Writes go on as ever (they never used the standby).
    await create(b, 'Written While Standby Down');
    expect(await names(b)).toContain('Written While Standby Down');
    expect(routes()['primary:unavailable']).toBeGreaterThanOrEqual(unavailable + 5);
    expect(logs.some((line) => line.includes('the replica is unavailable'))).toBe(true);
    expect((await b.get('/health')).body).toMatchObject({ status: 'ok', database: 'server', replica: 'unavailable' });

    await pair!.startStandby();
    await pair!.waitForStreaming();
    await caughtUp();
    // Past the retry delay (200 ms here), one probe finds it again.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const replica = routes().replica;
    expect(await names(b)).toContain('Written While Standby Down');
    expect(routes().replica).toBe(replica + 1);
    expect(logs.some((line) => line.includes('the replica answers again'))).toBe(true);
    expect((await b.get('/health')).body).toMatchObject({ status: 'ok', replica: 'ok' });
  }, 120_000);

  test('no write ever reached the standby: it ran only reads for Tessera', () => {
    const ran = readStatements();
    expect(ran.length).toBeGreaterThan(5);
    const writes = ran.filter((line) => /\b(insert|update|delete|merge|create|alter|drop|truncate|copy|lock|nextval)\b/i.test(line.replace(/"[^"]*"/g, '')));
    expect(writes).toEqual([]);
    // Nor did anything else of Tessera connect there (its other connections have no application name).
    const others = pair!.standbyLog().split('\n').filter((line) => /^\[[^\]]+\] LOG:\s+(statement|execute)/.test(line) && !line.startsWith('[tessera-read]') && !line.startsWith('[] '));
    expect(others).toEqual([]);
  });
});
