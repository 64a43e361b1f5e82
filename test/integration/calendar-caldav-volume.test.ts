// Issue #14: 1,000 events in the initial sync, and a sync stopped half-way (a restart) resuming
// without duplicates in either direction — including a process that died between writing an object
// and recording it.
process.env.TZ = 'UTC';
import { syncCalendarAccount } from '../../connectors/calendar/index.ts';
import type { ConnectorContext } from '../../engine/connectors/index.ts';
import { calendarAccount, calendarUser, startCalendarPlatform, type CalendarEnv } from '../support/calendar-fixture.ts';
import { radicaleMissing, startRadicale, type Radicale, type RadicaleUser } from '../support/radicale.ts';

const missing = radicaleMissing();
if (missing) console.warn(missing);
const suite = missing ? describe.skip : describe;

let radicale: Radicale;
let c: CalendarEnv;
let ctx: ConnectorContext;
let alice: RadicaleUser;

beforeAll(async () => {
  if (missing) return;
  radicale = await startRadicale();
  alice = radicale.users[0]!;
  c = await startCalendarPlatform();
  ctx = c.env.platform.connectors.context('calendar');
}, 120_000);

afterAll(async () => {
  await c?.env.close();
  await radicale?.stop();
});

/** An AbortSignal that reports "aborted" from its n-th look on: the sync stops between two objects. */
const stopAfter = (looks: number): AbortSignal => {
  let seen = 0;
  return {
    get aborted() {
      seen++;
      return seen > looks;
    },
  } as unknown as AbortSignal;
};

const pad = (n: number) => String(n).padStart(2, '0');
/** Puts n phone events into a calendar, 8 at a time. */
async function phoneEvents(calendarUrl: string, prefix: string, n: number): Promise<void> {
  const headers = { authorization: radicale.authorization(alice), 'content-type': 'text/calendar; charset=utf-8' };
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < n) {
        const i = next++;
        const day = new Date(Date.UTC(2027, 0, 1) + i * 3_600_000 * 5);
        const stamp = `${day.getUTCFullYear()}${pad(day.getUTCMonth() + 1)}${pad(day.getUTCDate())}T${pad(day.getUTCHours())}0000Z`;
        const body = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Phone//EN', 'BEGIN:VEVENT', `UID:${prefix}-${i}`, 'DTSTAMP:20261201T080000Z', `DTSTART:${stamp}`, `SUMMARY:${prefix} ${i}`, 'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n');
        const res = await fetch(`${calendarUrl}${prefix}-${i}.ics`, { method: 'PUT', headers, body });
        await res.arrayBuffer();
        if (res.status !== 201) throw new Error(`PUT ${i}: ${res.status}`);
      }
    }),
  );
}

const countActivities = async (prefix: string) => Number((await c.env.platform.knex('public.activity').whereNull('deleted_at').whereLike('subject', `${prefix} %`).count({ n: '*' }).first())!.n);
const distinctSubjects = async (prefix: string) => Number((await c.env.platform.knex('public.activity').whereNull('deleted_at').whereLike('subject', `${prefix} %`).countDistinct({ n: 'subject' }).first())!.n);

suite('volume and restarts', () => {
  test('1,000 events of a phone calendar arrive in one initial sync, once', async () => {
    const account = await calendarAccount(await calendarUser(c, 'big'), radicale, alice, 'big');
    await phoneEvents(account.calendarUrl, 'big', 1000);
    const report = await syncCalendarAccount(ctx, account.id);
    expect(report).toMatchObject({ fullListing: true, created: 1000, skipped: 0 });
    expect(await countActivities('big')).toBe(1000);
    expect(await syncCalendarAccount(ctx, account.id)).toMatchObject({ created: 0, updated: 0, pushed: 0 });
  }, 300_000);

  test('a pull stopped half-way resumes without duplicates', async () => {
    const account = await calendarAccount(await calendarUser(c, 'halfway'), radicale, alice, 'halfway-in');
    await phoneEvents(account.calendarUrl, 'halfway', 300);
    await expect(syncCalendarAccount(ctx, account.id, stopAfter(120))).rejects.toMatchObject({ code: 'CALENDAR_SYNC_STOPPED' });
    const partial = await countActivities('halfway');
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(300);
    await syncCalendarAccount(ctx, account.id);
    expect(await countActivities('halfway')).toBe(300);
    expect(await distinctSubjects('halfway')).toBe(300);
  }, 300_000);

  test('a push stopped half-way, and objects written but never recorded, end up once in the calendar', async () => {
    const u = await calendarUser(c, 'pusher');
    const account = await calendarAccount(u, radicale, alice, 'halfway-out');
    const rows = Array.from({ length: 200 }, (_, i) => ({ kind: 'meeting', subject: `crm ${i}`, start_at: new Date(Date.UTC(2027, 1, 1, 8) + i * 3_600_000).toISOString(), assignee: u.userId }));
    for (const row of rows) await c.env.platform.records.create({ actor: u.actor }, 'activity', row);
    await expect(syncCalendarAccount(ctx, account.id, stopAfter(80))).rejects.toMatchObject({ code: 'CALENDAR_SYNC_STOPPED' });
    await syncCalendarAccount(ctx, account.id);
    // A process dying between a PUT and its record: the record is gone, the object is not.
    const lost = (await c.env.platform.knex('tessera.calendar_sync_objects').where({ account_id: account.id }).limit(25).pluck('activity_id')) as string[];
    await c.env.platform.knex('tessera.calendar_sync_objects').whereIn('activity_id', lost).delete();
    await c.env.platform.knex('tessera.calendar_sync_accounts').where({ account_id: account.id }).update({ sync_token: null });
    const report = await syncCalendarAccount(ctx, account.id);
    expect(report.created).toBe(0);
    expect(await countActivities('crm')).toBe(200);
    const res = await fetch(account.calendarUrl, { method: 'PROPFIND', headers: { authorization: radicale.authorization(alice), depth: '1' } });
    const listing = await res.text();
    expect(listing.match(/\.ics<\/(?:D:)?href>/gi) ?? []).toHaveLength(200);
    expect(Number((await c.env.platform.knex('tessera.calendar_sync_objects').where({ account_id: account.id }).count({ n: '*' }).first())!.n)).toBe(200);
  }, 300_000);
});
