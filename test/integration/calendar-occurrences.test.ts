// Issue #14: one occurrence of a recurring series edited from the CRM, synced to a real Radicale: a
// moved and renamed occurrence becomes an override (RECURRENCE-ID in the business zone), a cancelled
// one an EXDATE; the series stays whole (node-ical reads it back). Bad requests: problem details.
process.env.TZ = 'UTC';
import nodeIcal from 'node-ical';
import { syncCalendarAccount } from '../../connectors/calendar/index.ts';
import { userClient } from '../support/auth.ts';
import { calendarAccount, startCalendarPlatform, SYSTEM, type CalendarEnv } from '../support/calendar-fixture.ts';
import { startTestServer, type TestServer } from '../support/http.ts';
import { radicaleMissing, startRadicale, type Radicale } from '../support/radicale.ts';

const missing = radicaleMissing();
if (missing) console.warn(missing);
const suite = missing ? describe.skip : describe;

suite('editing one occurrence from the CRM', () => {
  let radicale: Radicale;
  let c: CalendarEnv;
  let server: TestServer;
  let account: { id: string; calendarUrl: string };
  let headers: Record<string, string>;

  beforeAll(async () => {
    radicale = await startRadicale();
    c = await startCalendarPlatform();
    server = await startTestServer(c.env.platform);
    account = await calendarAccount(c, radicale, radicale.users[0]!, 'serie');
    headers = { authorization: radicale.authorization(radicale.users[0]!) };
  }, 120_000);

  afterAll(async () => {
    await server?.close();
    await c?.env.close();
    await radicale?.stop();
  });

  test('a moved occurrence becomes an override, a cancelled one an EXDATE, both on the server', async () => {
    const text = [
      'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Phone//EN',
      'BEGIN:VEVENT', 'UID:daily-1', 'DTSTAMP:20261201T080000Z', 'LAST-MODIFIED:20261201T080000Z', 'DTSTART;TZID=Europe/Warsaw:20261207T090000', 'DTEND;TZID=Europe/Warsaw:20261207T093000',
      'RRULE:FREQ=DAILY;COUNT=5', 'SUMMARY:Odprawa', 'LOCATION:Sala 2', 'END:VEVENT', 'END:VCALENDAR', '',
    ].join('\r\n');
    const put = await fetch(`${account.calendarUrl}daily-1.ics`, { method: 'PUT', headers: { ...headers, 'content-type': 'text/calendar; charset=utf-8' }, body: text });
    expect(put.status).toBeLessThan(300);
    await syncCalendarAccount(c.env.platform.connectors.context('calendar'), account.id);
    const [act] = (await c.env.platform.records.list({ actor: c.actor }, 'activity', { filter: { subject: { eq: 'Odprawa' } } })).data;
    const api = await userClient(c.env.platform, server.url, c.userId);
    const moved = await api.post('/api/connectors/calendar/occurrences', { activity: act!.id, occurrence: '2026-12-09T08:00:00Z', start_at: '2026-12-09T13:00:00Z', subject: 'Odprawa (po południu)' });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ overrides: 1, exdates: 0, pushed: 1 });
    const cancelled = await api.post('/api/connectors/calendar/occurrences', { activity: act!.id, occurrence: '2026-12-10T08:00:00Z', cancelled: true });
    expect(cancelled.body).toMatchObject({ overrides: 1, exdates: 1, pushed: 1 });

    const back = await (await fetch(`${account.calendarUrl}daily-1.ics`, { headers })).text();
    expect(back.replace(/\r\n /g, '')).toContain('RECURRENCE-ID;TZID=Europe/Warsaw:20261209T090000');
    const ev = Object.values(nodeIcal.sync.parseICS(back)).find((x) => x?.type === 'VEVENT') as nodeIcal.VEvent;
    expect(ev.summary).toBe('Odprawa');
    // node-ical keys each EXDATE twice; the text has one.
    expect(back.match(/^EXDATE/gm)).toHaveLength(1);
    const excluded = [...new Set(Object.values(ev.exdate ?? {}).map((d) => new Date(d as Date).toISOString()))];
    expect(excluded).toEqual(['2026-12-10T08:00:00.000Z']);
    const overrides = [...new Set(Object.values(ev.recurrences ?? {}))] as nodeIcal.VEvent[];
    expect(overrides).toHaveLength(1);
    expect(overrides[0]!.summary).toBe('Odprawa (po południu)');
    expect(new Date(overrides[0]!.start).toISOString()).toBe('2026-12-09T13:00:00.000Z');
    expect(new Date(overrides[0]!.end!).toISOString()).toBe('2026-12-09T13:30:00.000Z');
    expect(overrides[0]!.location).toBe('Sala 2');
    // The series itself is unchanged in the CRM: one activity, the first occurrence's times.
    const still = await c.env.platform.records.get(SYSTEM, 'activity', String(act!.id));
    expect(new Date(String(still.start_at)).toISOString()).toBe('2026-12-07T08:00:00.000Z');
  });

  test('bad requests: pointers; an activity that is no synced series', async () => {
    const api = await userClient(c.env.platform, server.url, c.userId);
    const bad = await api.post('/api/connectors/calendar/occurrences', { activity: 'x', occurrence: 'yesterday', cancelled: 'yes' });
    expect(bad.status).toBe(422);
    expect((bad.body.errors as { pointer: string }[]).map((e) => e.pointer).sort()).toEqual(['/activity', '/cancelled', '/occurrence']);
    const single = await c.env.platform.records.create({ actor: c.actor }, 'activity', { kind: 'meeting', subject: 'Jednorazowe', start_at: '2026-12-11T09:00:00Z', assignee: c.userId });
    const notSeries = await api.post('/api/connectors/calendar/occurrences', { activity: single.id, occurrence: '2026-12-11T09:00:00Z', cancelled: true });
    expect(notSeries.status).toBe(422);
    expect(notSeries.body.errors).toEqual([expect.objectContaining({ pointer: '/activity' })]);
  });
});
