// Calendar sync benchmark (BENCH=calendar): against a local Radicale, the initial sync of N phone
// events into activities (pull) and of N activities into the calendar (push), in events/min, beside
// the raw CalDAV work of the same size measured in the same run (one REPORT listing all N objects;
// N PUTs, 4 at a time) as the ceiling. Then the change latency with the poller running: a change on
// the phone until it shows in the activity, with a 5 s poll interval. Several runs, min/median/max.
import { syncCalendarAccount } from '../connectors/calendar/index.ts';
import { calendarAccount, calendarUser, startCalendarPlatform, type CalendarEnv } from '../test/support/calendar-fixture.ts';
import { radicaleMissing, startRadicale, type Radicale } from '../test/support/radicale.ts';

export interface CalendarBenchOptions {
  readonly events: number;
  readonly runs: number;
  readonly latencySamples: number;
  readonly log: (line: string) => void;
}

const pad = (n: number) => String(n).padStart(2, '0');
const stampOf = (d: Date) => `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}T${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}00Z`;
const event = (uid: string, i: number, summary: string) =>
  ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Bench//EN', 'BEGIN:VEVENT', `UID:${uid}`, 'DTSTAMP:20261201T080000Z', `DTSTART:${stampOf(new Date(Date.UTC(2027, 0, 1) + i * 18_000_000))}`, `SUMMARY:${summary}`, 'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n');

async function pool(n: number, size: number, work: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: size }, async () => { while (next < n) await work(next++); }));
}

const stats = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const f = (v: number) => v.toFixed(0);
  return `min ${f(sorted[0]!)} / median ${f(sorted[Math.floor(sorted.length / 2)]!)} / max ${f(sorted.at(-1)!)}`;
};

export async function calendarBenchmark(options: CalendarBenchOptions): Promise<void> {
  const { log } = options;
  const missing = radicaleMissing();
  if (missing) {
    log(`calendar: skipped (${missing})`);
    return;
  }
  const radicale: Radicale = await startRadicale();
  const phoneUser = radicale.users[0]!;
  const headers = { authorization: radicale.authorization(phoneUser) };
  let c: CalendarEnv | null = null;
  try {
    c = await startCalendarPlatform();
    const ctx = c.env.platform.connectors.context('calendar');
    const n = options.events;
    const pull: number[] = [];
    const push: number[] = [];
    const rawList: number[] = [];
    const rawPut: number[] = [];
    for (let run = 0; run < options.runs; run++) {
      // Pull: N events made on the phone.
      const inUser = await calendarUser(c, `bench-in-${run}`);
      const inAccount = await calendarAccount(inUser, radicale, phoneUser, `bench-in-${run}`);
      const t0 = performance.now();
      await pool(n, 4, async (i) => {
        const res = await fetch(`${inAccount.calendarUrl}ev-${i}.ics`, { method: 'PUT', headers: { ...headers, 'content-type': 'text/calendar' }, body: event(`ev-${run}-${i}`, i, `Bench ${i}`) });
        await res.arrayBuffer();
      });
      rawPut.push((n / (performance.now() - t0)) * 60_000);
      const t1 = performance.now();
      const listing = await fetch(inAccount.calendarUrl, {
        method: 'REPORT',
        headers: { ...headers, depth: '1', 'content-type': 'application/xml' },
        body: '<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><D:getetag/><C:calendar-data/></D:prop><C:filter><C:comp-filter name="VCALENDAR"/></C:filter></C:calendar-query>',
      });
      await listing.text();
      rawList.push((n / (performance.now() - t1)) * 60_000);
      const t2 = performance.now();
      const inReport = await syncCalendarAccount(ctx, inAccount.id);
      const pullMs = performance.now() - t2;
      pull.push((inReport.created / pullMs) * 60_000);

      // Push: N activities of a user with a new calendar.
      const outUser = await calendarUser(c, `bench-out-${run}`);
      for (let i = 0; i < n; i++) await c.env.platform.records.create({ actor: outUser.actor }, 'activity', { kind: 'meeting', subject: `Out ${i}`, start_at: new Date(Date.UTC(2027, 0, 1) + i * 18_000_000).toISOString(), assignee: outUser.userId });
      const outAccount = await calendarAccount(outUser, radicale, phoneUser, `bench-out-${run}`);
      const t3 = performance.now();
      const outReport = await syncCalendarAccount(ctx, outAccount.id);
      const pushMs = performance.now() - t3;
      push.push((outReport.pushed / pushMs) * 60_000);
      log(`calendar run ${run + 1}: pull ${inReport.created} in ${(pullMs / 1000).toFixed(1)} s, push ${outReport.pushed} in ${(pushMs / 1000).toFixed(1)} s`);
    }
    log(`calendar initial sync of ${n} events, events/min (${options.runs} runs; target 2,000):`);
    log(`  pull (calendar → activities): ${stats(pull)}`);
    log(`  push (activities → calendar): ${stats(push)}`);
    log(`  baseline, raw REPORT listing:  ${stats(rawList)}`);
    log(`  baseline, raw PUTs (4 at a time): ${stats(rawPut)}`);

    // Change latency with the poller running every 5 s.
    const u = await calendarUser(c, 'bench-latency');
    const account = await calendarAccount(u, radicale, phoneUser, 'bench-latency');
    await fetch(`${account.calendarUrl}lat.ics`, { method: 'PUT', headers: { ...headers, 'content-type': 'text/calendar' }, body: event('lat', 1, 'Latency 0') }).then((r) => r.arrayBuffer());
    await syncCalendarAccount(ctx, account.id);
    await c.env.platform.processes.startWorkers();
    const latencies: number[] = [];
    for (let s = 1; s <= options.latencySamples; s++) {
      const res = await fetch(`${account.calendarUrl}lat.ics`, { method: 'PUT', headers: { ...headers, 'content-type': 'text/calendar' }, body: event('lat', 1, `Latency ${s}`) });
      await res.arrayBuffer();
      const t = performance.now();
      for (;;) {
        const row = (await c.env.platform.knex('public.activity').where({ assignee: u.userId }).first('subject')) as { subject: string } | undefined;
        if (row?.subject === `Latency ${s}`) break;
        if (performance.now() - t > 60_000) throw new Error('the change did not arrive within 60 s');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      latencies.push(performance.now() - t);
      // Changes land at random points of the poll period.
      await new Promise((resolve) => setTimeout(resolve, 1000 + Math.random() * 4000));
    }
    log(`calendar change latency (phone → activity, poll every 5 s; target < 5 s), ms over ${options.latencySamples} changes: ${stats(latencies)}`);
  } finally {
    await c?.env.platform.processes.stop().catch(() => undefined);
    await c?.env.close().catch(() => undefined);
    await radicale.stop();
  }
}
