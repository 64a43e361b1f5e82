// Issue #14, yearly dates as a calendar source: the seed declares person.birthday as a yearly
// calendar view (views/person.birthdays.json, `recurrence: yearly`); the `yearly` ICS feed gives each
// birthday the feed's creator may read as an all-day event repeating every year, read back by
// node-ical; 29 February comes on the last day of February; a yearly view on a non-date column is
// refused by the metadata check.
process.env.TZ = 'UTC';
import nodeIcal from 'node-ical';
import { calendarConnector } from '../../connectors/calendar/index.ts';
import { seedPackage } from '../../engine/seeding.ts';
import { createTestUser, userClient } from '../support/auth.ts';
import { SYSTEM } from '../support/calendar-fixture.ts';
import { startTestPlatform, type TestPlatform } from '../support/database.ts';
import { jsonClient, startTestServer, type TestServer } from '../support/http.ts';

let env: TestPlatform;
let server: TestServer;

beforeAll(async () => {
  env = await startTestPlatform({ connectors: [calendarConnector({ pollSeconds: 3600 })] });
  await env.platform.applyMetadata(await seedPackage(), { source: 'seed' });
  await env.platform.connectors.settings.write('calendar', undefined, { enabled: true }, { userId: null, via: 'system' });
  server = await startTestServer(env.platform);
  const contractor = String((await env.platform.records.create(SYSTEM, 'contractor', { name: 'Klient Sp. z o.o.', contractor_type: 'company', country: 'pl' })).id);
  await env.platform.records.create(SYSTEM, 'person', { contractor, first_name: 'Jan', last_name: 'Kowalski', birthday: '1985-03-14' });
  await env.platform.records.create(SYSTEM, 'person', { contractor, first_name: 'Ewa', last_name: 'Nowak', birthday: '1988-02-29' });
  await env.platform.records.create(SYSTEM, 'person', { contractor, first_name: 'Bez', last_name: 'Daty' });
}, 120_000);

afterAll(async () => {
  await server?.close();
  await env?.close();
});

test('a yearly feed: each birthday an all-day event every year, named in the creator’s language', async () => {
  const user = await createTestUser(env.platform, { login: 'ola', roles: ['salesperson'] });
  const api = await userClient(env.platform, server.url, user);
  const made = await api.post('/api/connectors/calendar/feeds', { scope: 'yearly' });
  expect(made.status).toBe(201);
  const feed = await jsonClient(server.url, { token: null }).get(made.body.url);
  expect(feed.status).toBe(200);
  expect(feed.contentType).toMatch(/^text\/calendar/);
  expect(feed.body).toContain('X-WR-CALNAME:Urodziny i rocznice');
  const events = Object.values(nodeIcal.sync.parseICS(feed.body)).filter((x): x is nodeIcal.VEvent => x?.type === 'VEVENT');
  expect(events.map((e) => e.summary).sort()).toEqual(['Urodziny: Ewa Nowak', 'Urodziny: Jan Kowalski']);
  const jan = events.find((e) => e.summary === 'Urodziny: Jan Kowalski')!;
  expect(jan.datetype).toBe('date');
  expect(jan.rrule?.toString()).toContain('FREQ=YEARLY');
  // The rule gives the same day and month in any year.
  const in2027 = jan.rrule!.between(new Date(Date.UTC(2027, 0, 1)), new Date(Date.UTC(2027, 11, 31)));
  expect(in2027.map((d) => d.toISOString().slice(5, 10))).toEqual(['03-14']);
  const ewa = events.find((e) => e.summary === 'Urodziny: Ewa Nowak')!;
  expect(ewa.rrule?.toString()).toContain('BYMONTHDAY=-1');
  expect(ewa.rrule!.between(new Date(Date.UTC(2027, 0, 1)), new Date(Date.UTC(2027, 11, 31))).map((d) => d.toISOString().slice(5, 10))).toEqual(['02-28']);
  expect(ewa.rrule!.between(new Date(Date.UTC(2028, 0, 1)), new Date(Date.UTC(2028, 11, 31))).map((d) => d.toISOString().slice(5, 10))).toEqual(['02-29']);
});

test('a yearly feed is for oneself; a yearly view must be a calendar view on a date', async () => {
  const user = await createTestUser(env.platform, { login: 'piotr', roles: ['salesperson'] });
  const other = await createTestUser(env.platform, { login: 'anna', roles: ['salesperson'] });
  const api = await userClient(env.platform, server.url, user);
  const refused = await api.post('/api/connectors/calendar/feeds', { scope: 'yearly', target: other });
  expect(refused.status).toBe(403);
  const pkg = await seedPackage();
  const view = { ...(pkg.files['views/person.birthdays.json'] as Record<string, unknown>), columns: ['last_name'] };
  await expect(env.platform.applyMetadata({ files: { ...pkg.files, 'views/person.birthdays.json': view } }, { source: 'cli' })).rejects.toThrow(/yearly view/);
});
