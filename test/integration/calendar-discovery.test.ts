// Issue #14, calendar discovery against a real Radicale: from the server URL and a login to the
// user's calendars (well-known, principal, calendar-home-set); an account with only server, user and
// password syncs into the discovered calendar and keeps its URL; a wrong password is a problem on
// /server_url, bad input problems with pointers.
process.env.TZ = 'UTC';
import { discoverCalendars, syncCalendarAccount } from '../../connectors/calendar/index.ts';
import { userClient } from '../support/auth.ts';
import { startCalendarPlatform, SYSTEM, type CalendarEnv } from '../support/calendar-fixture.ts';
import { startTestServer, type TestServer } from '../support/http.ts';
import { radicaleMissing, startRadicale, type Radicale, type RadicaleUser } from '../support/radicale.ts';

const missing = radicaleMissing();
if (missing) console.warn(missing);
const suite = missing ? describe.skip : describe;

suite('calendar discovery', () => {
  let radicale: Radicale;
  let c: CalendarEnv;
  let server: TestServer;
  let alice: RadicaleUser;
  let calendarUrl: string;

  beforeAll(async () => {
    radicale = await startRadicale();
    alice = radicale.users[0]!;
    calendarUrl = await radicale.makeCalendar(alice, 'praca');
    c = await startCalendarPlatform();
    server = await startTestServer(c.env.platform);
  }, 120_000);

  afterAll(async () => {
    await server?.close();
    await c?.env.close();
    await radicale?.stop();
  });

  test('the server URL and a login find the user’s calendars', async () => {
    const found = await discoverCalendars({ serverUrl: radicale.url, username: alice.user, password: alice.password });
    expect(found.map((f) => new URL(f.url, radicale.url).pathname)).toEqual([new URL(calendarUrl, radicale.url).pathname]);
    expect(found[0]!.components).toEqual(expect.arrayContaining(['VEVENT', 'VTODO']));
    const api = await userClient(c.env.platform, server.url, c.userId);
    const listed = await api.post('/api/connectors/calendar/discover', { server_url: radicale.url, username: alice.user, password: alice.password });
    expect(listed.status).toBe(200);
    expect(listed.body.data).toHaveLength(1);
    const refused = await api.post('/api/connectors/calendar/discover', { server_url: radicale.url, username: alice.user, password: 'wrong' });
    expect(refused.status).toBe(422);
    expect(refused.body.errors).toEqual([expect.objectContaining({ pointer: '/server_url', code: 'CALENDAR_DISCOVERY' })]);
    const bad = await api.post('/api/connectors/calendar/discover', { server_url: 'ftp://x', username: '' });
    expect(bad.status).toBe(422);
    expect((bad.body.errors as { pointer: string }[]).map((e) => e.pointer).sort()).toEqual(['/password', '/server_url', '/username']);
  });

  test('an account with only the server and login syncs into the discovered calendar and keeps its URL', async () => {
    const account = await c.env.platform.records.create({ actor: c.actor }, 'calendar_account', { name: 'Praca', calendar_user: c.userId, server_url: radicale.url, username: alice.user, password: alice.password });
    await c.env.platform.records.create(SYSTEM, 'activity', { kind: 'meeting', subject: 'Odkryty kalendarz', start_at: '2026-12-10T09:00:00Z', end_at: '2026-12-10T10:00:00Z', assignee: c.userId });
    const report = await syncCalendarAccount(c.env.platform.connectors.context('calendar'), String(account.id));
    expect(report).toMatchObject({ pushed: 1 });
    const stored = await c.env.platform.records.get(SYSTEM, 'calendar_account', String(account.id));
    expect(new URL(String(stored.calendar_url), radicale.url).pathname).toBe(new URL(calendarUrl, radicale.url).pathname);
    const listing = await fetch(new URL(calendarUrl, radicale.url), { method: 'PROPFIND', headers: { authorization: radicale.authorization(alice), depth: '1' } });
    expect(await listing.text()).toMatch(/\.ics/);
  });
});
