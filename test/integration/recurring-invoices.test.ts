// Recurring invoices of the shipped CRM: the daily timer workflow recurring-invoices issues, for each
// active definition whose next date has come, one invoice per due period (catching up missed months)
// by the declared conversion issue_invoice — numbered by the invoice series, lines priced as written
// or from the price lists — with the rights of the definition's owner, audited as the owner, the
// instance and the conversion. Run twice, or by two runs at once, it never issues two invoices for
// one period; a period already issued is passed over, and the unique index refuses a second one.
import { readFileSync } from 'node:fs';
import { issueRecurring, nextPeriod } from '../../engine/conversion/recurring.ts';
import type { RecordContext } from '../../engine/records/index.ts';
import { seedPackage, SHIPPED_WORKFLOWS_DIR } from '../../engine/seeding.ts';
import { isoLocalDate } from '../../metadata/index.ts';
import { createTestUser } from '../support/auth.ts';
import { startTestPlatform, type TestPlatform } from '../support/database.ts';

let env: TestPlatform;
const ids: Record<string, string> = {};
const as = (userId: string): RecordContext => ({ actor: { userId, via: 'system', owner: userId } });
const today = () => isoLocalDate(new Date(), 'Europe/Warsaw');
/** The day `months` months before `day`, by the same arithmetic the schedule uses forwards. */
const monthsBack = (day: string, months: number) => {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const back = new Date(Date.UTC(y, m - 1 - months, Math.min(d, 28)));
  return back.toISOString().slice(0, 10);
};

beforeAll(async () => {
  env = await startTestPlatform();
  await env.platform.applyMetadata(await seedPackage(), { source: 'seed' });
  await env.platform.processes.deploy(readFileSync(`${SHIPPED_WORKFLOWS_DIR}recurring-invoices.bpmn`, 'utf8'), { source: 'test', resourceName: 'recurring-invoices.bpmn' });
  ids.ola = await createTestUser(env.platform, { login: 'ola', roles: ['salesperson'] });
  const records = env.platform.records;
  const system: RecordContext = { actor: { userId: null, via: 'system' } };
  ids.contractor = (await records.create(as(ids.ola), 'contractor', { name: 'Biuro Rachunkowe Nowak', contractor_type: 'company', country: 'pl' })).id as string;
  ids.hosting = (await records.create(system, 'product', { code: 'HOST-1', name: 'Hosting', product_type: 'service', unit: 'month' })).id as string;
  await records.create(system, 'price_list', { name: 'Usługi', currency: 'pln', items: [{ product: ids.hosting, price: 199 }] });
}, 120_000);

afterAll(async () => {
  await env?.close();
});

const definition = (name: string, nextDate: string, extra: Record<string, unknown> = {}) =>
  env.platform.records.create(as(ids.ola!), 'recurring_invoice', {
    name,
    contractor: ids.contractor,
    period: 'monthly',
    next_date: nextDate,
    payment_terms_days: 14,
    lines: [{ product: ids.hosting, quantity: 1, vat_rate: 'vat23' }, { description: 'Kopia zapasowa', quantity: 2, net_price: 25, vat_rate: 'vat23' }],
    ...extra,
  });
const invoicesOf = async (id: string) => (await env.platform.knex('invoice').where({ recurring_invoice: id }).orderBy('issue_date').select('id', 'number', 'issue_date', 'recurring_period', 'net_total', 'owner')) as Record<string, unknown>[];
const day = (v: unknown) => (v instanceof Date ? isoLocalDate(v, 'UTC') : String(v).slice(0, 10));

async function fireStartTimer(): Promise<void> {
  const timer = (await env.platform.knex('tessera.process_timers').where({ process_id: 'recurring-invoices' }).whereNull('instance_id').first('id')) as { id: string };
  await env.platform.processes.transact((session) => session.fireStartTimer(timer.id));
}

test('nextPeriod: a month, a quarter or a year on, to the last day of a shorter month', () => {
  expect(nextPeriod('2026-01-31', 'monthly')).toBe('2026-02-28');
  expect(nextPeriod('2026-11-15', 'quarterly')).toBe('2027-02-15');
  expect(nextPeriod('2028-02-29', 'yearly')).toBe('2029-02-28');
  expect(() => nextPeriod('2026-01-01', 'weekly')).toThrow(/unknown period/);
});

test("the timer workflow issues one invoice per due month as the owner, numbered and priced, and a second run issues nothing", async () => {
  const start = monthsBack(today(), 2);
  const created = await definition('Hosting i kopie — Nowak', start);
  const later = await definition('Zaczyna się za miesiąc', nextPeriod(today(), 'monthly'));
  const ended = await definition('Zakończona', start, { end_date: start });
  await fireStartTimer();
  const periods = [start, nextPeriod(start, 'monthly'), nextPeriod(nextPeriod(start, 'monthly'), 'monthly')].filter((p) => p <= today());
  const issued = await invoicesOf(created.id as string);
  expect(issued.map((i) => [day(i.issue_date), i.recurring_period, Number(i.net_total), i.owner])).toEqual(periods.map((p) => [p, p, 249, ids.ola]));
  expect(new Set(issued.map((i) => i.number)).size).toBe(periods.length);
  expect(issued.every((i) => typeof i.number === 'string' && /\d/.test(i.number))).toBe(true);
  expect(await invoicesOf(later.id as string)).toEqual([]);
  expect((await invoicesOf(ended.id as string)).map((i) => i.recurring_period)).toEqual([start]);
  const after = await env.platform.records.get(as(ids.ola!), 'recurring_invoice', created.id as string);
  expect(after.next_date).toBe(nextPeriod(periods.at(-1)!, 'monthly'));

  // The audit names the owner, the workflow instance and the conversion.
  const audit = (await env.platform.knex('tessera.audit_log').where({ entity: 'invoice', record_id: issued[0]!.id, action: 'create' }).first('actor', 'via', 'instance_id', 'origin')) as Record<string, unknown>;
  expect(audit).toMatchObject({ actor: ids.ola, via: 'workflow', origin: { conversion: 'issue_invoice', source: { entity: 'recurring_invoice', id: created.id } } });
  expect(audit.instance_id).toEqual(expect.any(String));

  await fireStartTimer();
  expect((await invoicesOf(created.id as string)).length).toBe(periods.length);
});

test('two runs at once issue each period once; a period set back by hand is passed over; the database refuses a second invoice for a period', async () => {
  const created = await definition('Równoległe', monthsBack(today(), 1));
  const run = { entity: 'recurring_invoice', id: created.id as string, conversion: 'issue_invoice', today: today() };
  const [a, b] = await Promise.all([issueRecurring(env.platform.records, env.platform.knex, run), issueRecurring(env.platform.records, env.platform.knex, run)]);
  const issued = await invoicesOf(created.id as string);
  expect(a.length + b.length).toBe(issued.length);
  expect(new Set(issued.map((i) => i.recurring_period)).size).toBe(issued.length);
  expect(issued.length).toBeGreaterThanOrEqual(1);

  // Set back by hand to an issued period: that period is passed over, the next one issued once.
  const current = await env.platform.records.get(as(ids.ola!), 'recurring_invoice', created.id as string);
  await env.platform.records.update(as(ids.ola!), 'recurring_invoice', created.id as string, { next_date: issued[0]!.recurring_period }, { expectedVersion: current.version as number });
  expect(await issueRecurring(env.platform.records, env.platform.knex, run)).toEqual([]);
  expect((await invoicesOf(created.id as string)).length).toBe(issued.length);
  expect((await env.platform.records.get(as(ids.ola!), 'recurring_invoice', created.id as string)).next_date).toBe(nextPeriod(String(issued.at(-1)!.recurring_period), 'monthly'));
  // The database refuses a second invoice for a period whatever path tries it.
  const again = env.platform.records.create(as(ids.ola!), 'invoice', { kind: 'invoice', contractor: ids.contractor, recurring_invoice: created.id, recurring_period: issued[0]!.recurring_period, lines: [{ description: 'x', quantity: 1, net_price: 1, vat_rate: 'vat23' }] });
  await expect(again).rejects.toMatchObject({ code: expect.stringMatching(/UNIQUE|CONFLICT|DUPLICATE/) });
});

test("a definition whose owner was deactivated issues nothing: its invoices are issued with the owner's rights", async () => {
  const created = await definition('Właściciel odszedł', today());
  await env.platform.knex('tessera.users').where({ id: ids.ola }).update({ active: false });
  try {
    await expect(issueRecurring(env.platform.records, env.platform.knex, { entity: 'recurring_invoice', id: created.id as string, conversion: 'issue_invoice', today: today() })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(await invoicesOf(created.id as string)).toEqual([]);
  } finally {
    await env.platform.knex('tessera.users').where({ id: ids.ola }).update({ active: true });
  }
});
