// Issue #14: ICS feeds per user, team and resource behind a secret token (no session), read back by an
// independent parser (node-ical); tokens revocable and regenerable; bad input answered with problem
// details; a feed for a team one is not in, refused.
process.env.TZ = 'UTC';
import nodeIcal from 'node-ical';
import { createTestTeam, createTestUser, userClient } from '../support/auth.ts';
import { startCalendarPlatform, SYSTEM, type CalendarEnv } from '../support/calendar-fixture.ts';
import { jsonClient, startTestServer, type TestServer } from '../support/http.ts';

let c: CalendarEnv;
let server: TestServer;
let api: Awaited<ReturnType<typeof userClient>>;
let teamId: string;
let otherTeamId: string;
let resourceId: string;

beforeAll(async () => {
  c = await startCalendarPlatform();
  server = await startTestServer(c.env.platform);
  teamId = await createTestTeam(c.env.platform, 'sprzedaz');
  otherTeamId = await createTestTeam(c.env.platform, 'serwis');
  const member = await createTestUser(c.env.platform, { login: 'member', roles: ['calendar_user'], teams: ['sprzedaz'] });
  api = await userClient(c.env.platform, server.url, member);
  const records = c.env.platform.records;
  await records.create(SYSTEM, 'activity', { kind: 'meeting', subject: 'Spotkanie zespołu', start_at: '2026-12-10T09:00:00Z', end_at: '2026-12-10T10:00:00Z', reminder: 'one_day_before', location: 'Sala 1', team: teamId, assignee: member });
  await records.create(SYSTEM, 'activity', { kind: 'task', subject: 'Raport', deadline: '2026-07-01T14:00:00Z', team: teamId, assignee: member });
  await records.create(SYSTEM, 'activity', { kind: 'meeting', subject: 'Cudze', start_at: '2026-12-11T09:00:00Z', assignee: c.userId });
  resourceId = String((await records.create(SYSTEM, 'resource', { name: 'Sala konferencyjna' })).id);
  await records.create(SYSTEM, 'reservation', { title: 'Szkolenie', starts_at: '2026-12-12T08:00:00Z', ends_at: '2026-12-12T12:00:00Z', resources: [{ id: resourceId }], status: 'booked' });
  await records.create(SYSTEM, 'reservation', { title: 'Inna sala', starts_at: '2026-12-12T08:00:00Z', ends_at: '2026-12-12T12:00:00Z', status: 'booked' });
}, 120_000);

afterAll(async () => {
  await server?.close();
  await c?.env.close();
});

const anonymous = () => jsonClient(server.url, { token: null });
const events = (text: string) => Object.values(nodeIcal.sync.parseICS(text)).filter((x): x is nodeIcal.VEvent => x?.type === 'VEVENT');

test('a user feed: text/calendar without a session, Warsaw VTIMEZONE, alarms from reminders; only the user’s activities', async () => {
  const made = await api.post('/api/connectors/calendar/feeds', { scope: 'user' });
  expect(made.status).toBe(201);
  expect(made.body.url).toMatch(/^\/api\/connectors\/calendar\/public\/feeds\/[A-Za-z0-9_-]{43}\.ics$/);
  const feed = await anonymous().get(made.body.url);
  expect(feed.status).toBe(200);
  expect(feed.contentType).toMatch(/^text\/calendar; charset=utf-8/);
  expect(feed.body).toContain('BEGIN:VTIMEZONE');
  expect(feed.body).toContain('TZID:Europe/Warsaw');
  const parsed = events(feed.body);
  expect(parsed.map((e) => e.summary).sort()).toEqual(['Raport', 'Spotkanie zespołu']);
  const meeting = parsed.find((e) => e.summary === 'Spotkanie zespołu')!;
  expect(new Date(meeting.start).toISOString()).toBe('2026-12-10T09:00:00.000Z');
  expect(meeting.location).toBe('Sala 1');
  expect((meeting as unknown as { alarms?: unknown[] }).alarms).toHaveLength(1);
  // A summer deadline: CEST, still the right instant.
  expect(new Date(parsed.find((e) => e.summary === 'Raport')!.start).toISOString()).toBe('2026-07-01T14:00:00.000Z');
});

test('a regenerated token replaces the old URL; a revoked feed is gone', async () => {
  const made = await api.post('/api/connectors/calendar/feeds', { scope: 'user' });
  const again = await api.post(`/api/connectors/calendar/feeds/${made.body.id}/regenerate`);
  expect(again.status).toBe(200);
  expect((await anonymous().get(made.body.url)).status).toBe(404);
  expect((await anonymous().get(again.body.url)).status).toBe(200);
  expect((await api.delete(`/api/connectors/calendar/feeds/${made.body.id}`)).status).toBe(204);
  const gone = await anonymous().get(again.body.url);
  expect(gone.status).toBe(404);
  expect(gone.contentType).toContain('application/problem+json');
  expect((await anonymous().get('/api/connectors/calendar/public/feeds/not-a-token.ics')).status).toBe(404);
});

test('team and resource feeds: the team’s activities, the resource’s reservations', async () => {
  const team = await api.post('/api/connectors/calendar/feeds', { scope: 'team', target: teamId });
  expect(team.status).toBe(201);
  expect(events((await anonymous().get(team.body.url)).body).map((e) => e.summary).sort()).toEqual(['Raport', 'Spotkanie zespołu']);
  const resource = await api.post('/api/connectors/calendar/feeds', { scope: 'resource', target: resourceId });
  expect(resource.status).toBe(201);
  const reservations = events((await anonymous().get(resource.body.url)).body);
  expect(reservations.map((e) => e.summary)).toEqual(['Szkolenie']);
  expect(new Date(reservations[0]!.end!).toISOString()).toBe('2026-12-12T12:00:00.000Z');
});

test('bad input gets problem details with pointers; another team’s feed is refused', async () => {
  const bad = await api.post('/api/connectors/calendar/feeds', { scope: 'planet', target: 'x', extra: 1 });
  expect(bad.status).toBe(422);
  expect(bad.contentType).toContain('application/problem+json');
  expect(bad.body.errors.map((e: { pointer: string }) => e.pointer).sort()).toEqual(['/extra', '/scope', '/target']);
  const foreign = await api.post('/api/connectors/calendar/feeds', { scope: 'team', target: otherTeamId });
  expect(foreign.status).toBe(403);
  expect(foreign.body.errors).toEqual([expect.objectContaining({ pointer: '/target' })]);
  // Managing feeds needs a session or a token.
  expect((await anonymous().post('/api/connectors/calendar/feeds', { scope: 'user' })).status).toBe(401);
});
