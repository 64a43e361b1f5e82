// The shipped CRM declares the indexes its lists need (issue #19: a contractor list filtered and
// sorted, a record's timeline, at a million rows each within 20 ms): the records service's own SQL
// is planned with sorting and full scans priced out, so a plan still holding a Sort node means no
// index hands the rows out in the list's order (e.g. an index whose text column is not in the
// collation the list sorts in). The plan is the test; how fast it runs lives in BENCH=large.
import type { Knex } from 'knex';
import type { RecordContext } from '../../engine/records/index.ts';
import type { TestPlatform } from '../support/database.ts';
import { PLANNED_WITH_VALUES } from '../../engine/db/prepared.ts';
import { startSeedCrm, SYSTEM } from '../support/seed-crm.ts';

let env: TestPlatform;
let contractor: string;

beforeAll(async () => {
  env = await startSeedCrm();
  const created = await env.platform.records.create(SYSTEM, 'contractor', { name: 'Łódzka Spółka', contractor_type: 'company', country: 'pl', locality: 'Łódź' });
  contractor = created.id as string;
}, 120_000);

afterAll(async () => {
  await env?.close();
});

const admin: RecordContext = { actor: { userId: null, via: 'system' } };

/** The plans of the SELECTs `run` sends to the given table, priced as if the table were large. */
async function plansOf(table: string, run: () => Promise<unknown>): Promise<string[]> {
  const { knex } = env.platform;
  const sent: { sql: string; bindings: readonly unknown[] }[] = [];
  const listen = (q: { sql: string; bindings?: readonly unknown[] }) => sent.push({ sql: q.sql, bindings: q.bindings ?? [] });
  knex.on('query', listen);
  try {
    await run();
  } finally {
    knex.removeListener('query', listen);
  }
  const selects = sent.filter((q) => new RegExp(`^(/\\* [^*]* \\*/ )?select .* from "${table}"`, 'i').test(q.sql));
  expect(selects.length).toBeGreaterThan(0);
  return knex.transaction(async (trx: Knex.Transaction) => {
    // An empty table is cheapest to scan and sort: take those away, leaving what an index can do.
    await trx.raw('SET LOCAL enable_seqscan = off');
    await trx.raw('SET LOCAL enable_bitmapscan = off');
    await trx.raw('SET LOCAL enable_sort = off');
    const plans: string[] = [];
    for (const q of selects) {
      const { rows } = (await trx.raw(`EXPLAIN ${q.sql.replace(/\$\d+/g, '?')}`, q.bindings as Knex.RawBinding[])) as { rows: { 'QUERY PLAN': string }[] };
      plans.push(rows.map((r) => r['QUERY PLAN']).join('\n'));
    }
    return plans;
  });
}

test.each([
  ['filtered by country and locality, sorted by name', { filter: { country: { eq: 'pl' }, locality: { eq: 'Łódź' } }, sort: 'name' }],
  ['sorted by name (the default), unfiltered', {}],
  ['the shipped views: companies of a country by name', { filter: { contractor_type: { eq: 'company' }, country: { eq: 'ro' } }, sort: 'name' }],
  ['descending by name', { sort: '-name' }],
])('the contractor list %s is read from an index in order, unsorted', async (_, request) => {
  const [plan] = await plansOf('contractor', () => env.platform.records.list(admin, 'contractor', { ...request, limit: 50 }));
  expect(plan).toMatch(/Index Scan/);
  expect(plan).not.toMatch(/Sort/);
});

test('a contractor\'s timeline (its activities, newest first) is read from the timeline index in order, unsorted', async () => {
  const plans = await plansOf('activity', () => env.platform.records.timeline(admin, 'contractor', contractor, { limit: 50 }));
  expect(plans).toHaveLength(1);
  // Found by the contractor in the index, not by reading every activity newest first and filtering.
  expect(plans[0]).toMatch(/Index Cond: \(contractor = /);
  expect(plans[0]).not.toMatch(/Sort/);
});

test('the shipped "activities by kind and status" report (indexed) is answered from its index alone', async () => {
  await env.platform.records.create(SYSTEM, 'activity', { kind: 'call', subject: 'Rozmowa', start_at: '2026-03-02T09:00:00Z', contractor });
  const { knex } = env.platform;
  const activity = env.platform.runtime.entity('activity').entity;
  // The visibility map an index-only scan needs is VACUUM's (autovacuum sets it on a real table).
  await knex.raw('VACUUM ??', [activity.table]);
  const report = env.platform.runtime.snapshot.model.pkg.reports.find((r) => r.name === 'activities_by_kind_status')!;
  const sent: string[] = [];
  const listen = (q: { sql: string }) => sent.push(q.sql);
  knex.on('query', listen);
  const plans = await plansOf('activity', () =>
    env.platform.records.aggregate(admin, 'activity', { groupBy: report.groupBy ?? [], measures: report.measures, filter: { start_at: { gte: '2026-01-01T00:00:00Z', lt: '2027-01-01T00:00:00Z' } } }),
  );
  const { rows } = await knex.raw(`SELECT indexname FROM pg_indexes WHERE tablename = ? AND indexdef LIKE '%INCLUDE%'`, [activity.table]);
  expect(rows).toHaveLength(1);
  expect(plans).toHaveLength(1);
  expect(plans[0]).toContain(`Index Only Scan using ${rows[0].indexname as string}`);
  // Planned with its dates every time: a kept generic plan would guess the period's rows and plan no parallel scan.
  knex.removeListener('query', listen);
  expect(sent.filter((q) => !q.startsWith('EXPLAIN') && /group by/i.test(q))).toEqual([expect.stringMatching(new RegExp(`^${PLANNED_WITH_VALUES.replace(/[/*]/g, '\\$&')}`))]);
});
