// Issue #14: two-way CalDAV sync against a real Radicale. The "phone" is plain HTTP against the
// calendar (what a phone's CalDAV client sends); the CRM side is the records service as the user.
// Runs with the process zone forced to UTC (as CI): Warsaw times must still come out right.
process.env.TZ = 'UTC';
import nodeIcal from 'node-ical';
import { syncCalendarAccount, type SyncReport } from '../../connectors/calendar/index.ts';
import type { ConnectorContext } from '../../engine/connectors/index.ts';
import { calendarAccount, calendarUser, startCalendarPlatform, SYSTEM, type CalendarEnv } from '../support/calendar-fixture.ts';
import { radicaleMissing, startRadicale, type Radicale, type RadicaleUser } from '../support/radicale.ts';
import { eventually } from '../support/workflows.ts';

const missing = radicaleMissing();
if (missing) console.warn(missing);
const suite = missing ? describe.skip : describe;

let radicale: Radicale;
let c: CalendarEnv;
let ctx: ConnectorContext;
let alice: RadicaleUser;
let contractorId: string;
let personId: string;

beforeAll(async () => {
  if (missing) return;
  radicale = await startRadicale();
  alice = radicale.users[0]!;
  c = await startCalendarPlatform();
  ctx = c.env.platform.connectors.context('calendar');
  contractorId = String((await c.env.platform.records.create(SYSTEM, 'contractor', { name: 'Kowalski sp. z o.o.' })).id);
  personId = String((await c.env.platform.records.create(SYSTEM, 'person', { first_name: 'Jan', last_name: 'Kowalski', contractor: contractorId, email: 'Jan.Kowalski@example.pl' })).id);
}, 120_000);

afterAll(async () => {
  await c?.env.close();
  await radicale?.stop();
});

/** The phone: plain CalDAV requests on the calendar. */
function phoneOf(calendarUrl: string) {
  const headers = { authorization: radicale.authorization(alice) };
  return {
    async get(name: string) {
      const res = await fetch(calendarUrl + name, { headers });
      return { status: res.status, etag: res.headers.get('etag'), text: await res.text() };
    },
    async put(name: string, text: string, etag?: string | null) {
      const res = await fetch(calendarUrl + name, { method: 'PUT', headers: { ...headers, 'content-type': 'text/calendar; charset=utf-8', ...(etag ? { 'if-match': etag } : {}) }, body: text });
      await res.arrayBuffer();
      return res.status;
    },
    async remove(name: string) {
      const res = await fetch(calendarUrl + name, { method: 'DELETE', headers });
      await res.arrayBuffer();
      return res.status;
    },
    /** Edits an object as a phone does: replaces lines, stamps LAST-MODIFIED. */
    async edit(name: string, replace: (text: string) => string, modifiedAt = new Date()) {
      const current = await this.get(name);
      const stamp = modifiedAt.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
      const text = replace(current.text).replace(/LAST-MODIFIED:[0-9TZ]+/, `LAST-MODIFIED:${stamp}`);
      return this.put(name, text, current.etag);
    },
  };
}

const vevent = (uid: string, lines: string[]) => ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Phone//EN', 'BEGIN:VEVENT', `UID:${uid}`, 'DTSTAMP:20261201T080000Z', ...lines, 'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n');

const activities = async (filter: Record<string, unknown> = {}) => (await c.env.platform.records.list({ actor: c.actor }, 'activity', { filter, limit: 500 })).data;

suite('CRM → calendar', () => {
  let account: { id: string; calendarUrl: string };
  let phone: ReturnType<typeof phoneOf>;
  const sync = () => syncCalendarAccount(ctx, account.id);
  beforeAll(async () => {
    account = await calendarAccount(c, radicale, alice, 'crm-out');
    phone = phoneOf(account.calendarUrl);
  });

  test('the account’s password is a secret: sealed, never returned, read by the connector', async () => {
    const record = await c.env.platform.records.get({ actor: c.actor }, 'calendar_account', account.id);
    expect(record.password).not.toBe(alice.password);
    const column = (await c.env.platform.knex('public.calendar_account').where({ id: account.id }).first('password')) as { password: string };
    expect(column.password).not.toContain(alice.password);
    expect(await ctx.revealSecret('calendar_account', account.id, 'password')).toBe(alice.password);
  });

  test('a meeting goes out as a VEVENT in Warsaw time (under TZ=UTC), with alarm and attendee; a task as a VTODO', async () => {
    expect(new Date().getTimezoneOffset()).toBe(0);
    const meeting = await c.env.platform.records.create({ actor: c.actor }, 'activity', {
      kind: 'meeting', subject: 'Oferta — Kowalski', start_at: '2026-12-10T09:00:00Z', end_at: '2026-12-10T10:00:00Z', location: 'Kraków', reminder: 'one_day_before', person: personId, assignee: c.userId,
    });
    const summer = await c.env.platform.records.create({ actor: c.actor }, 'activity', { kind: 'meeting', subject: 'Lato', start_at: '2026-07-10T08:00:00Z', end_at: '2026-07-10T09:00:00Z', assignee: c.userId });
    const task = await c.env.platform.records.create({ actor: c.actor }, 'activity', { kind: 'task', subject: 'Zadzwonić', deadline: '2026-12-11T15:00:00Z', assignee: c.userId });
    const report = await sync();
    expect(report).toMatchObject({ pushed: 3, created: 0 });

    const m = await phone.get(`${String(meeting.id)}.ics`);
    expect(m.status).toBe(200);
    expect(m.text).toContain('DTSTART;TZID=Europe/Warsaw:20261210T100000');
    expect(m.text).toContain('BEGIN:VTIMEZONE');
    expect(m.text).toContain('TRIGGER:-P1D');
    expect(m.text).toMatch(/ATTENDEE[^:]*:mailto:jan\.kowalski@example\.pl/);
    expect((await phone.get(`${String(summer.id)}.ics`)).text).toContain('DTSTART;TZID=Europe/Warsaw:20260710T100000');
    const t = await phone.get(`${String(task.id)}.ics`);
    expect(t.text).toContain('BEGIN:VTODO');
    expect(t.text).toContain('DUE;TZID=Europe/Warsaw:20261211T160000');
    // An independent parser agrees on the instant.
    const parsed = Object.values(nodeIcal.sync.parseICS(m.text)).find((x) => x?.type === 'VEVENT') as nodeIcal.VEvent;
    expect(new Date(parsed.start).toISOString()).toBe('2026-12-10T09:00:00.000Z');

    // Nothing changed: nothing written.
    expect(await sync()).toMatchObject({ pushed: 0, created: 0, updated: 0 });
  });

  test('edit, move, complete and delete in the CRM reach the calendar', async () => {
    const [meeting] = await activities({ subject: { eq: 'Oferta — Kowalski' } });
    const [task] = await activities({ subject: { eq: 'Zadzwonić' } });
    await c.env.platform.records.update({ actor: c.actor }, 'activity', String(meeting!.id), { subject: 'Oferta — negocjacje', start_at: '2026-12-10T12:00:00Z', end_at: '2026-12-10T13:00:00Z' }, { expectedVersion: Number(meeting!.version) });
    await c.env.platform.records.update({ actor: c.actor }, 'activity', String(task!.id), { status: 'resolved' }, { expectedVersion: Number(task!.version) });
    expect(await sync()).toMatchObject({ pushed: 2 });
    const m = await phone.get(`${String(meeting!.id)}.ics`);
    expect(m.text).toContain('SUMMARY:Oferta — negocjacje');
    expect(m.text).toContain('DTSTART;TZID=Europe/Warsaw:20261210T130000');
    const t = await phone.get(`${String(task!.id)}.ics`);
    expect(t.text).toContain('STATUS:COMPLETED');

    await c.env.platform.records.remove({ actor: c.actor }, 'activity', String(meeting!.id));
    expect(await sync()).toMatchObject({ removed: 1 });
    expect((await phone.get(`${String(meeting!.id)}.ics`)).status).toBe(404);
  });

  test('activities of kinds that do not go out are never written, and deleting them touches nothing', async () => {
    const note = await c.env.platform.records.create({ actor: c.actor }, 'activity', { kind: 'call', subject: 'Rozmowa', start_at: '2026-12-12T09:00:00Z', assignee: c.userId });
    const acc = await c.env.platform.records.get(SYSTEM, 'calendar_account', account.id);
    await c.env.platform.records.update(SYSTEM, 'calendar_account', account.id, { outgoing_kinds: 'meeting,task' }, { expectedVersion: Number(acc.version) });
    const before = await sync();
    expect(before.pushed).toBe(0);
    expect((await phone.get(`${String(note.id)}.ics`)).status).toBe(404);
    await c.env.platform.records.remove({ actor: c.actor }, 'activity', String(note.id));
    expect(await sync()).toMatchObject({ removed: 0, pushed: 0 });
  });
});

suite('tasks as events', () => {
  test('an account with tasks as VEVENT sends a task as an event at its deadline, and reads a move back', async () => {
    const u = await calendarUser(c, 'eventer');
    const account = await calendarAccount(u, radicale, alice, 'tasks-as-events', { tasks_as: 'vevent' });
    const phone = phoneOf(account.calendarUrl);
    const task = await c.env.platform.records.create({ actor: u.actor }, 'activity', { kind: 'task', subject: 'Faktura', deadline: '2026-12-14T11:00:00Z', assignee: u.userId });
    expect(await syncCalendarAccount(ctx, account.id)).toMatchObject({ pushed: 1 });
    const sent = await phone.get(`${String(task.id)}.ics`);
    expect(sent.text).toContain('BEGIN:VEVENT');
    expect(sent.text).not.toContain('VTODO');
    expect(sent.text).toContain('DTSTART;TZID=Europe/Warsaw:20261214T120000');
    await phone.edit(`${String(task.id)}.ics`, (t) => t.replace('DTSTART;TZID=Europe/Warsaw:20261214T120000', 'DTSTART;TZID=Europe/Warsaw:20261215T080000'));
    expect(await syncCalendarAccount(ctx, account.id)).toMatchObject({ updated: 1 });
    const moved = await c.env.platform.records.get({ actor: u.actor }, 'activity', String(task.id));
    expect(new Date(String(moved.start_at)).toISOString()).toBe('2026-12-15T07:00:00.000Z');
    expect(moved.kind).toBe('task');
  });
});

suite('calendar → CRM', () => {
  let account: { id: string; calendarUrl: string };
  let phone: ReturnType<typeof phoneOf>;
  const sync = () => syncCalendarAccount(ctx, account.id);
  beforeAll(async () => {
    account = await calendarAccount(c, radicale, alice, 'crm-in');
    phone = phoneOf(account.calendarUrl);
    await sync();
  });

  test('an event made on the phone becomes the owner’s meeting, linked to the person by address, audited as the owner', async () => {
    expect(await phone.put('phone-1.ics', vevent('phone-1', ['DTSTART;TZID=Europe/Warsaw:20261215T090000', 'DTEND;TZID=Europe/Warsaw:20261215T100000', 'SUMMARY:Kawa z Janem', 'LOCATION:Rynek', 'ATTENDEE;CN=Jan:mailto:jan.kowalski@EXAMPLE.pl', 'LAST-MODIFIED:20261201T080000Z']))).toBe(201);
    expect(await sync()).toMatchObject({ created: 1 });
    const [made] = await activities({ subject: { eq: 'Kawa z Janem' } });
    expect(made).toMatchObject({ kind: 'meeting', location: 'Rynek', person: personId, assignee: c.userId, created_by: c.userId });
    expect(new Date(String(made!.start_at)).toISOString()).toBe('2026-12-15T08:00:00.000Z');
    // Read again: no duplicate.
    expect(await sync()).toMatchObject({ created: 0, updated: 0 });
  });

  test('a move and an edit on the phone update the activity; a completed to-do resolves its task; a deletion deletes it', async () => {
    await phone.edit('phone-1.ics', (t) => t.replace('20261215T090000', '20261216T140000').replace('20261215T100000', '20261216T150000').replace('SUMMARY:Kawa z Janem', 'SUMMARY:Lunch z Janem'));
    expect(await sync()).toMatchObject({ updated: 1 });
    const [moved] = await activities({ subject: { eq: 'Lunch z Janem' } });
    expect(new Date(String(moved!.start_at)).toISOString()).toBe('2026-12-16T13:00:00.000Z');

    const todo = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Phone//EN', 'BEGIN:VTODO', 'UID:phone-todo', 'DTSTAMP:20261201T080000Z', 'SUMMARY:Wysłać umowę', 'DUE:20261218T120000Z', 'STATUS:NEEDS-ACTION', 'LAST-MODIFIED:20261201T080000Z', 'END:VTODO', 'END:VCALENDAR', ''].join('\r\n');
    await phone.put('phone-todo.ics', todo);
    expect(await sync()).toMatchObject({ created: 1 });
    const [task] = await activities({ subject: { eq: 'Wysłać umowę' } });
    expect(task).toMatchObject({ kind: 'task', status: 'open' });
    await phone.edit('phone-todo.ics', (t) => t.replace('STATUS:NEEDS-ACTION', 'STATUS:COMPLETED\r\nCOMPLETED:20261202T100000Z'));
    expect(await sync()).toMatchObject({ updated: 1 });
    expect((await activities({ subject: { eq: 'Wysłać umowę' } }))[0]).toMatchObject({ status: 'resolved' });

    expect(await phone.remove('phone-1.ics')).toBeLessThan(300);
    expect(await sync()).toMatchObject({ deleted: 1 });
    expect(await activities({ subject: { eq: 'Lunch z Janem' } })).toHaveLength(0);
  });

  test('an object made and deleted on the phone between two syncs leaves nothing behind', async () => {
    const count = (await activities()).length;
    await phone.put('blip.ics', vevent('blip', ['DTSTART:20261220T090000Z', 'SUMMARY:Blip']));
    await phone.remove('blip.ics');
    expect(await sync()).toMatchObject({ created: 0, deleted: 0 });
    expect(await activities()).toHaveLength(count);
  });

  test('a recurring series with an overridden and an excluded occurrence stays a series through a CRM edit', async () => {
    const series = [
      'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Phone//EN',
      'BEGIN:VEVENT', 'UID:weekly-1', 'DTSTAMP:20261201T080000Z', 'LAST-MODIFIED:20261201T080000Z', 'DTSTART;TZID=Europe/Warsaw:20261207T090000', 'DTEND;TZID=Europe/Warsaw:20261207T093000',
      'RRULE:FREQ=WEEKLY;COUNT=6', 'EXDATE;TZID=Europe/Warsaw:20261221T090000', 'SUMMARY:Odprawa', 'END:VEVENT',
      'BEGIN:VEVENT', 'UID:weekly-1', 'DTSTAMP:20261201T080000Z', 'RECURRENCE-ID;TZID=Europe/Warsaw:20261214T090000', 'DTSTART;TZID=Europe/Warsaw:20261214T110000',
      'DTEND;TZID=Europe/Warsaw:20261214T113000', 'SUMMARY:Odprawa (przesunięta)', 'END:VEVENT', 'END:VCALENDAR', '',
    ].join('\r\n');
    await phone.put('weekly-1.ics', series);
    expect(await sync()).toMatchObject({ created: 1 });
    const [act] = await activities({ subject: { eq: 'Odprawa' } });
    expect(new Date(String(act!.start_at)).toISOString()).toBe('2026-12-07T08:00:00.000Z');
    await c.env.platform.records.update({ actor: c.actor }, 'activity', String(act!.id), { subject: 'Odprawa zespołu' }, { expectedVersion: Number(act!.version) });
    expect(await sync()).toMatchObject({ pushed: 1 });
    const back = await phone.get('weekly-1.ics');
    const ev = Object.values(nodeIcal.sync.parseICS(back.text)).find((x) => x?.type === 'VEVENT') as nodeIcal.VEvent;
    expect(ev.summary).toBe('Odprawa zespołu');
    const excluded = Object.values(ev.exdate ?? {}).map((d) => +new Date(d as Date));
    const occurrences = ev.rrule!.between(new Date('2026-12-01'), new Date('2027-02-01')).filter((d) => !excluded.includes(+d));
    expect(occurrences).toHaveLength(5);
    expect([...new Set(Object.values(ev.recurrences ?? {}))].map((o) => o.summary)).toEqual(['Odprawa (przesunięta)']);
    // The phone moves the overridden occurrence again: the CRM keeps the series, the override travels.
    await phone.edit('weekly-1.ics', (t) => t.replace('20261214T110000', '20261214T120000'));
    await sync();
    await c.env.platform.records.update({ actor: c.actor }, 'activity', String(act!.id), { description: 'Agenda w załączniku' }, { expectedVersion: Number((await activities({ subject: { eq: 'Odprawa zespołu' } }))[0]!.version) });
    await sync();
    const last = await phone.get('weekly-1.ics');
    expect(last.text).toContain('DTSTART;TZID=Europe/Warsaw:20261214T120000');
    expect(last.text).toContain('DESCRIPTION:Agenda w załączniku');
  });

  test('a conflict: each side’s own fields merge, the same field goes to the later writer, and the activity gets a note', async () => {
    await phone.put('conflict.ics', vevent('conflict-1', ['DTSTART:20261222T090000Z', 'DTEND:20261222T100000Z', 'SUMMARY:Przegląd', 'LOCATION:Sala A', 'LAST-MODIFIED:20261201T080000Z']));
    await sync();
    const [act] = await activities({ subject: { eq: 'Przegląd' } });
    // The CRM changes the subject and the location now; the phone changes the start and the location later.
    await c.env.platform.records.update({ actor: c.actor }, 'activity', String(act!.id), { subject: 'Przegląd kwartalny', location: 'Sala B' }, { expectedVersion: Number(act!.version) });
    await phone.edit('conflict.ics', (t) => t.replace('DTSTART:20261222T090000Z', 'DTSTART:20261222T110000Z').replace('DTEND:20261222T100000Z', 'DTEND:20261222T120000Z').replace('LOCATION:Sala A', 'LOCATION:Sala C'), new Date(Date.now() + 60_000));
    const report: SyncReport = await sync();
    expect(report.conflicts).toBe(1);
    const [merged] = await activities({ id: { eq: String(act!.id) } });
    expect(merged).toMatchObject({ subject: 'Przegląd kwartalny', location: 'Sala C' });
    expect(new Date(String(merged!.start_at)).toISOString()).toBe('2026-12-22T11:00:00.000Z');
    const remote = await phone.get('conflict.ics');
    expect(remote.text).toContain('SUMMARY:Przegląd kwartalny');
    expect(remote.text).toContain('LOCATION:Sala C');
    const notes = (await c.env.platform.knex('tessera.comments').where({ record_id: String(act!.id) }).pluck('body')) as string[];
    expect(notes).toEqual([expect.stringMatching(/Sala B[\s\S]*Sala C/)]);
  });

  test('a sync-token the server no longer knows falls back to listing and comparing ETags', async () => {
    await phone.put('token.ics', vevent('token-1', ['DTSTART:20261224T090000Z', 'SUMMARY:Wigilia firmowa', 'LAST-MODIFIED:20261201T080000Z']));
    await c.env.platform.knex('tessera.calendar_sync_accounts').where({ account_id: account.id }).update({ sync_token: 'http://radicale.org/ns/sync/forgotten' });
    const report = await sync();
    expect(report).toMatchObject({ fullListing: true, created: 1 });
    const state = (await c.env.platform.knex('tessera.calendar_sync_accounts').where({ account_id: account.id }).first('sync_token')) as { sync_token: string };
    expect(state.sync_token).not.toContain('forgotten');
    // Back on tokens: nothing new, no listing.
    expect(await sync()).toMatchObject({ fullListing: false, created: 0 });
  });

  test('a stale write (412) is re-read and merged, not lost', async () => {
    await phone.put('stale.ics', vevent('stale-1', ['DTSTART:20261223T090000Z', 'DTEND:20261223T100000Z', 'SUMMARY:Wizyta', 'LAST-MODIFIED:20261201T080000Z']));
    await sync();
    const [act] = await activities({ subject: { eq: 'Wizyta' } });
    await c.env.platform.records.update({ actor: c.actor }, 'activity', String(act!.id), { description: 'Z CRM' }, { expectedVersion: Number(act!.version) });
    // The phone edits after the pull would have run: make the stored ETag stale by editing before the sync's push.
    await phone.edit('stale.ics', (t) => t.replace('SUMMARY:Wizyta', 'SUMMARY:Wizyta u klienta'));
    await c.env.platform.knex('tessera.calendar_sync_accounts').where({ account_id: account.id }).update({ sync_token: null, ctag: 'forces-a-listing' });
    await sync();
    const remote = await phone.get('stale.ics');
    expect(remote.text).toContain('SUMMARY:Wizyta u klienta');
    expect(remote.text).toContain('DESCRIPTION:Z CRM');
  });
});

suite('the poller', () => {
  test('with workers running, a change on the phone reaches the activity without anyone calling the sync', async () => {
    const u = await calendarUser(c, 'polled');
    const account = await calendarAccount(u, radicale, alice, 'polled');
    const phone = phoneOf(account.calendarUrl);
    await phone.put('polled.ics', vevent('polled-1', ['DTSTART:20261228T090000Z', 'SUMMARY:Przez poller', 'LAST-MODIFIED:20261201T080000Z']));
    await c.env.platform.processes.startWorkers();
    try {
      const made = await eventually(async () => (await c.env.platform.knex('public.activity').where({ assignee: u.userId, subject: 'Przez poller' }).first('id', 'created_by')) as { id: string; created_by: string } | undefined, 60_000, 'the polled event');
      expect(made.created_by).toBe(u.userId);
      await phone.edit('polled.ics', (t) => t.replace('SUMMARY:Przez poller', 'SUMMARY:Przez poller (zmiana)'));
      await eventually(async () => (await c.env.platform.knex('public.activity').where({ id: made.id }).first('subject'))?.subject === 'Przez poller (zmiana)', 60_000, 'the polled change');
      const state = (await c.env.platform.knex('tessera.calendar_sync_accounts').where({ account_id: account.id }).first('last_error', 'sync_token')) as { last_error: string | null; sync_token: string | null };
      expect(state).toMatchObject({ last_error: null, sync_token: expect.stringContaining('sync') });
    } finally {
      await c.env.platform.processes.stop();
    }
  }, 120_000);
});
