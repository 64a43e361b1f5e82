// The notification centre's server side (issue #10): assignments and @mentions of activities notify
// in-app, and GET /api/notifications/stream pushes the unread count when a notification is written
// by any connection (another process): LISTEN/NOTIFY on a server, polling on the embedded database.
import pg from 'pg';
import { loadPackageDir } from '../../metadata/index.ts';
import { mentionedLogins } from '../../engine/workflows/runtime/activity-notifications.ts';
import { createTestUser, tokenFor, userClient } from '../support/auth.ts';
import { startTestPlatform, testDatabaseKind, type TestPlatform } from '../support/database.ts';
import { startTestServer, type TestServer } from '../support/http.ts';
import { eventually } from '../support/workflows.ts';

let env: TestPlatform;
let server: TestServer;
let base: string;
const ids: Record<string, string> = {};
let clients: Record<string, Awaited<ReturnType<typeof userClient>>>;

const rep = { kind: 'role', id: 't.role.rep', name: 'rep', label: { en: 'Rep' }, permissions: [{ entity: '*', read: 'all', create: true, update: 'own' }] };
const assistant = { kind: 'role', id: 't.role.assistant', name: 'assistant', label: { en: 'Assistant' }, permissions: [{ entity: 'activity', read: 'own', create: true, update: 'own' }] };

beforeAll(async () => {
  env = await startTestPlatform({ listen: true });
  const { package: mini } = await loadPackageDir(new URL('../fixtures/packages/crm-mini/', import.meta.url).pathname);
  await env.platform.applyMetadata({ files: { ...mini.files, 'roles/rep.json': rep, 'roles/assistant.json': assistant } }, { source: 'cli' });
  server = await startTestServer(env.platform);
  base = `${server.url}/api`;
  for (const [login, role] of [['anna', 'rep'], ['bob', 'rep'], ['cyril', 'assistant']] as const) ids[login] = await createTestUser(env.platform, { login, roles: [role] });
  clients = {};
  for (const login of Object.keys(ids)) clients[login] = await userClient(env.platform, base, ids[login]!, ['read', 'write']);
}, 120_000);

afterAll(async () => {
  await server?.close();
  await env?.close();
});

async function notificationsOf(login: string) {
  return (await clients[login]!.get('/notifications')).body.data as { kind: string | null; subject: string; body: string | null; record: { entity: string; id: string } | null; readAt: string | null }[];
}

test('@logins in a text: each once, lower-cased, not e-mail addresses, no trailing dot', () => {
  expect([...mentionedLogins('Hi @Bob, see @anna.k. and mail x@y.pl; @bob again (@jan_kowalski-2)')]).toEqual(['bob', 'anna.k', 'jan_kowalski-2']);
  expect(mentionedLogins(null).size).toBe(0);
});

test('an activity given to someone notifies them, not the one who gave it; a new assignee is notified again', async () => {
  const created = await clients.anna!.post('/records/activity', { kind: 'task', subject: 'Call Iskra about the offer', assignee: ids.bob });
  expect(created.status).toBe(201);
  expect(await notificationsOf('bob')).toEqual([expect.objectContaining({ kind: 'assigned', subject: 'Call Iskra about the offer', record: { entity: 'activity', id: created.body.id }, readAt: null })]);
  await clients.anna!.post('/records/activity', { kind: 'task', subject: 'My own task', assignee: ids.anna });
  expect(await notificationsOf('anna')).toEqual([]);
  // Changing something else does not notify again; a new assignee is notified.
  const touched = await clients.anna!.patch(`/records/activity/${created.body.id}`, { subject: 'Call Iskra about the offer today' }, { 'if-match': '"1"' });
  expect(touched.status).toBe(200);
  expect(await notificationsOf('bob')).toHaveLength(1);
  await clients.anna!.patch(`/records/activity/${created.body.id}`, { assignee: ids.cyril }, { 'if-match': '"2"' });
  expect(await notificationsOf('cyril')).toEqual([expect.objectContaining({ kind: 'assigned', subject: 'Call Iskra about the offer today' })]);
});

test('@mentions notify users who may read the activity, once per new mention, never the writer', async () => {
  const created = await clients.anna!.post('/records/activity', { kind: 'task', subject: 'Price list', description: 'Please check the discounts @Bob and @cyril, @anna, @nobody.' });
  expect(created.status).toBe(201);
  const bobs = (await notificationsOf('bob')).filter((n) => n.kind === 'mention');
  expect(bobs).toEqual([expect.objectContaining({ subject: 'Price list', body: 'Please check the discounts @Bob and @cyril, @anna, @nobody.', record: { entity: 'activity', id: created.body.id } })]);
  // cyril may read only his own activities: no notification that would reveal this one.
  expect((await notificationsOf('cyril')).filter((n) => n.kind === 'mention')).toEqual([]);
  expect((await notificationsOf('anna')).filter((n) => n.kind === 'mention')).toEqual([]);
  // Editing the text with the same mention does not notify again.
  await clients.anna!.patch(`/records/activity/${created.body.id}`, { description: 'Please check the discounts @bob (updated).' }, { 'if-match': '"1"' });
  expect((await notificationsOf('bob')).filter((n) => n.kind === 'mention')).toHaveLength(1);
  // Given a task that mentions them, a user gets one notification: the assignment.
  const before = (await notificationsOf('bob')).length;
  await clients.anna!.post('/records/activity', { kind: 'task', subject: 'Visit Iskra', assignee: ids.bob, description: '@bob take the catalogue' });
  expect((await notificationsOf('bob')).slice(0, -before || undefined).map((n) => n.kind)).toEqual(['assigned']);
});

/** Reads server-sent events from a stream until `until` accepts one; returns it. */
async function nextEvent(reader: ReadableStreamDefaultReader<Uint8Array>, buffer: { text: string }, until: (data: { unread: number; newest: number }) => boolean): Promise<{ unread: number; newest: number }> {
  const decoder = new TextDecoder();
  for (;;) {
    let end: number;
    while ((end = buffer.text.indexOf('\n\n')) >= 0) {
      const block = buffer.text.slice(0, end);
      buffer.text = buffer.text.slice(end + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (event === 'notifications' && data) {
        const parsed = JSON.parse(data) as { unread: number; newest: number };
        if (until(parsed)) return parsed;
      }
    }
    const { value, done } = await reader.read();
    if (done) throw new Error('stream ended');
    buffer.text += decoder.decode(value, { stream: true });
  }
}

test('the stream sends the unread count at once and again when another connection writes or reads a notification', async () => {
  const bobToken = await tokenFor(env.platform, ids.bob!, ['read']);
  const controller = new AbortController();
  const res = await fetch(`${base}/notifications/stream`, { headers: { authorization: `Bearer ${bobToken}` }, signal: controller.signal });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('text/event-stream');
  const reader = res.body!.getReader();
  const buffer = { text: '' };
  try {
    const first = await nextEvent(reader, buffer, () => true);
    const summary = (await clients.bob!.get('/notifications/summary')).body;
    expect(first).toEqual(summary);
    expect(first.unread).toBeGreaterThan(0);
    // Another process (a workflow worker) writes a notification on its own connection.
    const other = new pg.Client({ connectionString: env.platform.db.url });
    await other.connect();
    try {
      await other.query(`INSERT INTO tessera.notifications (channel, user_id, subject, status) VALUES ('in-app', $1, 'Reminder: call Iskra', 'delivered')`, [ids.bob]);
    } finally {
      await other.end();
    }
    const news = await nextEvent(reader, buffer, (e) => e.newest > first.newest);
    expect(news.unread).toBe(first.unread + 1);
    const marked = await clients.bob!.post('/notifications/read-all');
    expect(marked.body).toEqual({ marked: first.unread + 1 });
    expect(await nextEvent(reader, buffer, (e) => e.unread === 0)).toEqual({ unread: 0, newest: news.newest });
  } finally {
    controller.abort();
    await reader.cancel().catch(() => undefined);
  }
}, 60_000);

// PostgreSQL serializes the commits of transactions that NOTIFY (a server-wide lock held through the
// WAL flush): an assignment (every workflow user task) is written without one, and its writer wakes
// the feeds after the commit (migration 046). The embedded database delivers no NOTIFY between connections.
(testDatabaseKind() === 'server' ? test : test.skip)('an assignment commits without a NOTIFY; its writer wakes the assignee\'s feeds after the commit', async () => {
  const heard: string[] = [];
  const listener = new pg.Client({ connectionString: env.platform.db.url });
  const writer = new pg.Client({ connectionString: env.platform.db.url });
  await listener.connect();
  await writer.connect();
  try {
    listener.on('notification', (n) => heard.push(n.payload ?? ''));
    await listener.query('LISTEN tessera_notifications');
    // A row of kind `assigned` stays silent; the marker, committed after it, says that everything before it arrived.
    await writer.query(`INSERT INTO tessera.notifications (channel, user_id, subject, status, kind) VALUES ('in-app', $1, 'Assigned by hand', 'delivered', 'assigned')`, [ids.cyril]);
    await writer.query(`INSERT INTO tessera.notifications (channel, user_id, subject, status, kind) VALUES ('in-app', $1, 'A mention', 'delivered', 'mention')`, [ids.bob]);
    await writer.query(`SELECT pg_notify('tessera_notifications', 'marker')`);
    await eventually(async () => heard.includes('marker'), 10_000, 'the marker');
    expect(heard).toEqual([ids.bob, 'marker']);
    // Through the records service: the assignee's feeds are woken once the activity committed.
    heard.length = 0;
    const created = await clients.anna!.post('/records/activity', { kind: 'task', subject: 'Send the contract', assignee: ids.cyril });
    expect(created.status).toBe(201);
    await eventually(async () => heard.includes(ids.cyril!), 10_000, "cyril's wake-up");
  } finally {
    await listener.end();
    await writer.end();
  }
});

test('the stream needs the read scope and a user', async () => {
  const filesOnly = await tokenFor(env.platform, ids.bob!, ['files']);
  const res = await fetch(`${base}/notifications/stream`, { headers: { authorization: `Bearer ${filesOnly}` } });
  expect(res.status).toBe(403);
  const anonymous = await fetch(`${base}/notifications/stream`);
  expect(anonymous.status).toBe(401);
});
