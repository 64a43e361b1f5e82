// Node-RED embedded in `tessera start` (docs/automation.md), through the real HTTP endpoints of a
// server process: the editor and its API refuse requests without Tessera's sign-in (401) or without
// the administerAutomation right (403) and open with it; a flow deployed through the admin API with
// our session creates records on an http-in request (as the `automation` user, refused while that
// user has no rights, the refusal reported in the flow) and updates records on a record change with
// the rights of the identity configured on the flow (a seller's API token: its own leads only);
// credentials are sealed in the database; the flows survive a restart of the server.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { embeddedDatabaseUrl, startServerProcess, type ServerProcess } from '../support/server-process.ts';

const ADMIN_PASSWORD = 'automation-admin-password';
const SELLER_PASSWORD = 'automation-seller-password';

let dataDir: string;
let server: ServerProcess | null = null;

beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'tessera-automation-'));
});

afterAll(async () => {
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

interface Session {
  readonly cookie: string;
  readonly csrf: string;
}

async function signIn(url: string, login: string, password: string): Promise<Session> {
  const res = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login, password }) });
  expect(res.status).toBe(200);
  const cookies = res.headers.getSetCookie().map((c) => c.split(';')[0]!);
  const csrf = cookies.find((c) => c.startsWith('tessera_csrf='))!.slice('tessera_csrf='.length);
  return { cookie: cookies.join('; '), csrf };
}

async function api<T = any>(url: string, session: Session, method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { cookie: session.cookie, 'x-csrf-token': session.csrf, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
}

/** Node-RED's admin API with our session cookie, as the editor calls it. */
function editor(url: string, session: Session, method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${url}/automation${path}`, {
    method,
    headers: { cookie: session.cookie, accept: 'application/json', 'Node-RED-API-Version': 'v2', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

async function until<T>(what: string, probe: () => Promise<T | null | undefined>): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const value = await probe();
    if (value) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`gave up waiting for ${what}`);
}

function flowsWith(sellerToken: string) {
  return [
    { id: 'tab1', type: 'tab', label: 'Tessera test', disabled: false },
    { id: 'sellerIdentity', type: 'tessera-identity', name: 'seller', credentials: { token: sellerToken } },
    // A web form's webhook creates a lead as the automation user.
    { id: 'in1', type: 'http in', z: 'tab1', url: '/leads', method: 'post', wires: [['create1']] },
    { id: 'create1', type: 'tessera-create', z: 'tab1', entity: 'lead', identity: '', wires: [['resp1']] },
    { id: 'resp1', type: 'http response', z: 'tab1', statusCode: '201', wires: [] },
    { id: 'catch1', type: 'catch', z: 'tab1', scope: ['create1'], uncaught: false, wires: [['refused1']] },
    { id: 'refused1', type: 'function', z: 'tab1', func: 'msg.statusCode = 403; msg.payload = { code: msg.error.code, message: msg.error.message }; return msg;', outputs: 1, wires: [['respRefused']] },
    { id: 'respRefused', type: 'http response', z: 'tab1', wires: [] },
    // A new lead titled "follow up" is marked by the seller's identity: allowed on the seller's own leads only.
    { id: 'ev1', type: 'tessera-event', z: 'tab1', entity: 'lead', actions: 'create', filter: 'title = "follow up"', wires: [['mark1']] },
    { id: 'mark1', type: 'change', z: 'tab1', rules: [{ t: 'set', p: 'payload', pt: 'msg', to: '{"interests":"seen by automation"}', tot: 'json' }], wires: [['update1']] },
    { id: 'update1', type: 'tessera-update', z: 'tab1', name: 'mark as seen', entity: 'lead', identity: 'sellerIdentity', wires: [[]] },
    { id: 'catch2', type: 'catch', z: 'tab1', scope: ['update1'], uncaught: false, wires: [['log2']] },
    { id: 'log2', type: 'function', z: 'tab1', func: "const seen = global.get('refusals') || []; seen.push({ id: msg.recordId, code: msg.error.code }); global.set('refusals', seen); return null;", outputs: 1, wires: [] },
    // What the flow reported, for the test to read (behind an API token like every non-public endpoint).
    { id: 'in2', type: 'http in', z: 'tab1', url: '/refusals', method: 'get', wires: [['read2']] },
    { id: 'read2', type: 'function', z: 'tab1', func: "msg.payload = global.get('refusals') || []; return msg;", outputs: 1, wires: [['resp2']] },
    { id: 'resp2', type: 'http response', z: 'tab1', statusCode: '200', wires: [] },
  ];
}

test('the editor behind sign-in, flows acting with their identities’ rights, stored in the database across a restart', async () => {
  server = await startServerProcess(dataDir, { TESSERA_ADMIN_PASSWORD: ADMIN_PASSWORD });
  const url = server.url;

  // Without sign-in: the admin API answers 401, a browser opening the editor is sent to sign in.
  expect((await fetch(`${url}/automation/flows`)).status).toBe(401);
  const page = await fetch(`${url}/automation/`, { headers: { accept: 'text/html' }, redirect: 'manual' });
  expect(page.status).toBe(302);
  expect(page.headers.get('location')).toBe('/?next=%2Fautomation%2F');
  // A made-up editor key in our header is no way in.
  expect((await fetch(`${url}/automation/flows`, { headers: { 'x-tessera-automation-user': 'guess' } })).status).toBe(401);

  const admin = await signIn(url, 'admin', ADMIN_PASSWORD);
  const seller = await api(url, admin, 'POST', '/api/users', { login: 'seller', displayName: 'Seller', password: SELLER_PASSWORD, roles: ['salesperson'] });
  expect(seller.status).toBe(201);
  const sellerSession = await signIn(url, 'seller', SELLER_PASSWORD);
  const sellerToken = (await api<{ token: string }>(url, sellerSession, 'POST', '/api/auth/tokens', { name: 'automation', scopes: ['read', 'write'] })).body.token;
  expect(sellerToken).toMatch(/^tsr_/);

  // Signed in without the right: 403, for the page and the API alike.
  expect((await editor(url, sellerSession, 'GET', '/flows')).status).toBe(403);
  expect((await fetch(`${url}/automation/`, { headers: { cookie: sellerSession.cookie } })).status).toBe(403);

  // With it: the editor page and its API open on the session, no second password.
  const editorPage = await fetch(`${url}/automation/`, { headers: { cookie: admin.cookie, accept: 'text/html' } });
  expect(editorPage.status).toBe(200);
  expect(await editorPage.text()).toContain('<html');
  // The first start stored the seed's example flows, disabled.
  const examples = await editor(url, admin, 'GET', '/flows');
  expect(examples.status).toBe(200);
  const tabs = ((await examples.json()) as { flows: { type: string; label?: string; disabled?: boolean }[] }).flows.filter((n) => n.type === 'tab');
  expect(tabs.map((t) => [t.label, t.disabled])).toEqual([
    ['Example: web form → lead', true],
    ['Example: won deal → accounting', true],
    ['Example: daily exchange rates', true],
  ]);
  const nodes = (await (await editor(url, admin, 'GET', '/nodes')).json()) as { module: string; types: string[] }[];
  expect(nodes.find((n) => n.module === 'tessera-node-red-palette')?.types).toEqual(expect.arrayContaining(['tessera-event', 'tessera-create', 'tessera-update', 'tessera-query', 'tessera-get', 'tessera-delete', 'tessera-workflow', 'tessera-identity']));

  // A cookie-signed request that changes something needs a header a cross-site form cannot send.
  const forged = await fetch(`${url}/automation/flows`, { method: 'POST', headers: { cookie: admin.cookie, 'content-type': 'application/json' }, body: JSON.stringify({ flows: [] }) });
  expect(forged.status).toBe(403);

  const deployed = await editor(url, admin, 'POST', '/flows', { flows: flowsWith(sellerToken) });
  expect(deployed.status).toBe(200);
  const adminToken = (await api<{ token: string }>(url, admin, 'POST', '/api/auth/tokens', { name: 'test', scopes: ['read', 'write'] })).body.token;
  const post = (path: string, body: unknown, token: string | null = adminToken) =>
    fetch(`${url}/automation/api${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });

  // http-in endpoints need an API token (this one is not under /public/).
  expect((await until('the flows to start', async () => ((await post('/leads', { title: 'x' }, null)).status === 401 ? true : null))) as boolean).toBe(true);

  // The automation user has no roles yet: the write is refused, and the flow reports it (Catch → 403).
  const refused = await until('the flow to answer', async () => {
    const res = await post('/leads', { title: 'Web form lead' });
    return res.status === 404 ? null : res;
  });
  expect(refused.status).toBe(403);
  expect(await refused.json()).toMatchObject({ code: 'FORBIDDEN' });

  // Given the salesperson role, the automation user creates the lead; the audit names it, via automation.
  const users = (await api<{ data: { id: string; login: string }[] }>(url, admin, 'GET', '/api/users')).body.data;
  const automationUser = users.find((u) => u.login === 'automation')!;
  expect(automationUser).toBeDefined();
  expect((await api(url, admin, 'PATCH', `/api/users/${automationUser.id}`, { roles: ['salesperson'] })).status).toBe(200);
  const created = await post('/leads', { title: 'Web form lead', email: 'lead@example.com' });
  expect(created.status).toBe(201);
  const lead = (await created.json()) as { id: string; title: string; owner: string };
  expect(lead.title).toBe('Web form lead');
  const history = (await api<{ data: { actor: string; via: string; action: string; origin: unknown }[] }>(url, admin, 'GET', `/api/records/lead/${lead.id}/history`)).body;
  expect(JSON.stringify(history)).toContain(automationUser.id);
  expect(JSON.stringify(history)).toContain('"via":"automation"');
  // …and the flow and node that made it.
  expect(history.data.find((h) => h.action === 'create')).toMatchObject({ origin: { flow: 'tab1', flowName: 'Tessera test', node: 'create1' } });

  // A record change reaches tessera-event after commit. The seller's own lead: the flow updates it as the seller.
  const own = await api<{ id: string }>(url, sellerSession, 'POST', '/api/records/lead', { title: 'follow up' });
  expect(own.status).toBe(201);
  const marked = await until('the flow to mark the seller’s lead', async () => {
    const res = await api<{ interests: string | null; version: number }>(url, admin, 'GET', `/api/records/lead/${own.body.id}`);
    return res.body.interests === 'seen by automation' ? res.body : null;
  });
  expect(marked.version).toBe(2);
  const ownHistory = (await api(url, admin, 'GET', `/api/records/lead/${own.body.id}/history`)).body as unknown;
  expect(JSON.stringify(ownHistory)).toContain('"via":"automation"');
  expect(JSON.stringify(ownHistory)).toContain(seller.body.id as string);
  expect(JSON.stringify(ownHistory)).toContain('"origin":{"flow":"tab1","node":"update1","flowName":"Tessera test","nodeName":"mark as seen"}');
  // The automation user's lead is not the seller's: the same update is refused and reported in the flow
  // (NOT_FOUND: a row the identity may not read is not there for it, as in the API).
  const other = await post('/leads', { title: 'follow up' });
  expect(other.status).toBe(201);
  const otherId = ((await other.json()) as { id: string }).id;
  const refusals = await until('the flow to report the refusal', async () => {
    const res = await fetch(`${url}/automation/api/refusals`, { headers: { authorization: `Bearer ${adminToken}` } });
    const list = (await res.json()) as { id: string; code: string }[];
    return list.some((r) => r.id === otherId) ? list : null;
  });
  expect(refusals).toContainEqual({ id: otherId, code: 'NOT_FOUND' });
  expect((await api<{ interests: string | null }>(url, admin, 'GET', `/api/records/lead/${otherId}`)).body.interests).toBeNull();

  // Stored in the database: who deployed, and the identity's token sealed, never in clear.
  const db = new pg.Client({ connectionString: embeddedDatabaseUrl(dataDir) });
  await db.connect();
  try {
    const deploys = await db.query<{ actor_login: string }>('SELECT actor_login FROM tessera.automation_deploys ORDER BY id');
    // The seed's examples (no one), then the admin's deploy.
    expect(deploys.rows.map((r) => r.actor_login)).toEqual([null, 'admin']);
    const credentials = await db.query<{ body: unknown; sealed: string }>(`SELECT body, sealed FROM tessera.automation_store WHERE kind = 'credentials'`);
    expect(credentials.rows[0]!.sealed).toMatch(/^v1\./);
    expect(JSON.stringify(credentials.rows[0])).not.toContain(sellerToken);
  } finally {
    await db.end();
  }

  // After a restart the same flows run, credentials included.
  const before = (await (await editor(url, admin, 'GET', '/flows')).json()) as { rev: string; flows: unknown[] };
  await server.stop();
  server = await startServerProcess(dataDir);
  const again = await signIn(server.url, 'admin', ADMIN_PASSWORD);
  const after = (await (await editor(server.url, again, 'GET', '/flows')).json()) as { rev: string; flows: unknown[] };
  expect(after.rev).toBe(before.rev);
  expect(after.flows).toHaveLength(flowsWith('').length);
  const adminToken2 = (await api<{ token: string }>(server.url, again, 'POST', '/api/auth/tokens', { name: 'test', scopes: ['read', 'write'] })).body.token;
  const sellerAgain = await signIn(server.url, 'seller', SELLER_PASSWORD);
  const own2 = await api<{ id: string }>(server.url, sellerAgain, 'POST', '/api/records/lead', { title: 'follow up' });
  await until('the restarted flow to mark the lead', async () => {
    const res = await api<{ interests: string | null }>(server!.url, again, 'GET', `/api/records/lead/${own2.body.id}`);
    return res.body.interests === 'seen by automation' ? true : null;
  });
  const afterRestart = await fetch(`${server.url}/automation/api/leads`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken2}` }, body: JSON.stringify({ title: 'After restart' }) });
  expect(afterRestart.status).toBe(201);
}, 240_000);
