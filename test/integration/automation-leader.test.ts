// Two `tessera start` processes on one PostgreSQL server database (server pass only: the embedded
// database has one server process): the first leads and runs the flows, the other answers flow
// endpoints with 503 but edits and deploys; a flow deployed on the follower runs on the leader; a
// record change made through the follower reaches the leader's flow; after kill -9 of the leader,
// the follower takes over within 10 s and the changes made in between reach the flow (none lost).
// A third server with TESSERA_AUTOMATION=off writes its changes for the flows too.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServerDatabase, testDatabaseKind } from '../support/database.ts';
import { startServerProcess, type ServerProcess } from '../support/server-process.ts';

const serverOnly = testDatabaseKind() === 'server' ? test : test.skip;
const PASSWORD = 'automation-leader-password';
const dirs: string[] = [];
const t0 = Date.now();
const step = (what: string) => process.stderr.write(`[leader test ${((Date.now() - t0) / 1000).toFixed(1)} s] ${what}\n`);
const servers: ServerProcess[] = [];
let database: { url: string; drop(): Promise<void> } | null = null;

afterAll(async () => {
  for (const server of servers) await server.stop();
  await database?.drop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function signIn(url: string): Promise<{ cookie: string; csrf: string }> {
  const res = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login: 'admin', password: PASSWORD }) });
  expect(res.status).toBe(200);
  const cookies = res.headers.getSetCookie().map((c) => c.split(';')[0]!);
  return { cookie: cookies.join('; '), csrf: cookies.find((c) => c.startsWith('tessera_csrf='))!.slice('tessera_csrf='.length) };
}

async function until<T>(what: string, probe: () => Promise<T | null>, seconds = 20): Promise<T> {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== null) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`gave up waiting for ${what}`);
}

serverOnly('one process runs the flows; kill -9 of it hands them to another within 10 s without losing record events', async () => {
  database = await createServerDatabase(process.env.TESSERA_TEST_PG_URL!);
  const start = async (env: Record<string, string> = {}) => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-leader-'));
    dirs.push(dir);
    const server = await startServerProcess(dir, { DATABASE_URL: database!.url, ...env });
    servers.push(server);
    return server;
  };
  const leader = await start({ TESSERA_ADMIN_PASSWORD: PASSWORD });
  step('leader started');
  const follower = await start();
  step('follower started');
  const session = await signIn(follower.url);
  const api = async (method: string, path: string, body?: unknown, base = follower.url) => {
    const res = await fetch(`${base}${path}`, { method, headers: { cookie: session.cookie, 'x-csrf-token': session.csrf, 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> & { data?: { id: string; login: string }[] } };
  };
  const automationUser = (await api('GET', '/api/users')).body.data!.find((u) => u.login === 'automation')!;
  expect((await api('PATCH', `/api/users/${automationUser.id}`, { roles: ['admin'] })).status).toBe(200);

  step('automation user has roles');
  // Deployed through the follower's editor.
  const flows = [
    { id: 'tab1', type: 'tab', label: 'leader' },
    { id: 'ev1', type: 'tessera-event', z: 'tab1', entity: 'lead', actions: 'create', filter: 'starts with(title, "mark me")', wires: [['set1']] },
    { id: 'set1', type: 'change', z: 'tab1', rules: [{ t: 'set', p: 'payload', pt: 'msg', to: '{"interests":"marked"}', tot: 'json' }], wires: [['up1']] },
    { id: 'up1', type: 'tessera-update', z: 'tab1', entity: 'lead', wires: [[]] },
    { id: 'in1', type: 'http in', z: 'tab1', url: '/public/ping', method: 'get', wires: [['res1']] },
    { id: 'res1', type: 'http response', z: 'tab1', statusCode: '200', wires: [] },
  ];
  const deployed = await fetch(`${follower.url}/automation/flows`, { method: 'POST', headers: { cookie: session.cookie, 'content-type': 'application/json', 'Node-RED-API-Version': 'v2' }, body: JSON.stringify({ flows }) });
  expect(deployed.status).toBe(200);

  step('deployed');
  // The leader loads them and answers the endpoint; the follower refuses it.
  await until('the leader to run the flows deployed on the follower', async () => ((await fetch(`${leader.url}/automation/api/public/ping`)).status === 200 ? true : null));
  const refused = await fetch(`${follower.url}/automation/api/public/ping`);
  expect(refused.status).toBe(503);
  expect(refused.headers.get('retry-after')).toBe('2');

  step('follower refused');
  const marked = (id: string) => async () => {
    const res = await api('GET', `/api/records/lead/${id}`);
    return res.body.interests === 'marked' ? true : null;
  };
  // A change made through the follower reaches the leader's flow.
  const first = await api('POST', '/api/records/lead', { title: 'mark me 1' });
  expect(first.status).toBe(201);
  await until('the leader’s flow to mark a lead changed on the follower', marked(first.body.id as string));

  step('first lead marked');
  // A server without Node-RED (TESSERA_AUTOMATION=off) writes its changes for the flows as well.
  const plain = await start({ TESSERA_AUTOMATION: 'off' });
  const fromPlain = await api('POST', '/api/records/lead', { title: 'mark me plain' }, plain.url);
  expect(fromPlain.status).toBe(201);
  await until('the leader’s flow to mark a lead changed on a server without automation', marked(fromPlain.body.id as string));
  step('lead from the server without automation marked');
  // kill -9 the leader; changes keep coming through the follower meanwhile.
  leader.child.kill('SIGKILL');
  const killedAt = Date.now();
  const during: string[] = [];
  for (let i = 0; i < 5; i++) during.push((await api('POST', '/api/records/lead', { title: `mark me during ${i}` })).body.id as string);
  step('leads during failover created');
  await until('the follower to take over', async () => ((await fetch(`${follower.url}/automation/api/public/ping`)).status === 200 ? true : null), 10);
  const failoverMs = Date.now() - killedAt;
  step(`follower took over ${failoverMs} ms after the kill`);
  expect(failoverMs).toBeLessThan(10_000);
  for (const id of during) await until(`lead ${id} to be marked after the failover`, marked(id), 10);
  step(`all ${during.length} leads changed around the kill marked ${Date.now() - killedAt} ms after it`);
}, 240_000);
