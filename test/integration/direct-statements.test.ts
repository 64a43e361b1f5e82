// The hot statements of a records request (get by id, a list page, a create's INSERT and audit row)
// are sent on the connection without knex's runner (engine/db/direct-statements.ts), with knex's
// results, errors and events.
import type { Knex } from 'knex';
import { sendStatement, directStatement, directStatementCounts } from '../../engine/db/direct-statements.ts';
import { startCrmMiniApi, type CrmMiniApi } from '../support/crm-mini-api.ts';

let t: CrmMiniApi;

beforeAll(async () => {
  t = await startCrmMiniApi();
}, 60_000);

afterAll(async () => {
  await t?.close();
});

/** The statements knex's runner ran while `work` ran (every knex query and raw goes through a Runner). */
async function runnerStatements(work: () => Promise<unknown>): Promise<string[]> {
  const { knex } = t.env.platform;
  const runner = Object.getPrototypeOf(knex.client.runner(knex.raw('select 1'))) as { run(this: { builder: { toString(): string } }): Promise<unknown> };
  const run = runner.run;
  const ran: string[] = [];
  runner.run = function (this: { builder: { toString(): string } }) {
    ran.push(this.builder.toString());
    return run.call(this);
  };
  try {
    await work();
  } finally {
    runner.run = run;
  }
  return ran;
}

test('a create, a get and a list page over HTTP send their record and audit statements without knex\'s runner', async () => {
  // Shapes compiled (by knex, once) and statement names settled before the probe.
  for (let i = 0; i < 3; i++) expect((await t.api.post('/records/contractor', { name: `Warm ${i}` })).status).toBe(201);
  expect((await t.api.get('/records/contractor?sort=name&limit=5')).status).toBe(200);
  const before = directStatementCounts.direct;
  let id = '';
  const ran = await runnerStatements(async () => {
    const created = await t.api.post('/records/contractor', { name: 'Direct' });
    expect(created.status).toBe(201);
    id = (created.body as { id: string }).id;
    const got = await t.api.get(`/records/contractor/${id}`);
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ id, name: 'Direct' });
    const listed = await t.api.get('/records/contractor?sort=name&limit=5&filter[name][eq]=Direct');
    expect(listed.status).toBe(200);
    expect((listed.body as { data: { id: string }[] }).data.map((r) => r.id)).toEqual([id]);
  });
  const hot = ran.filter((sql) => /^insert into "contractor"|^insert into "tessera"\."audit_log"|^select \* from "contractor" where "id"|^select "contractor"\.\*/i.test(sql));
  expect(hot).toEqual([]);
  // The INSERT, the audit row, the get and the list page.
  expect(directStatementCounts.direct - before).toBe(4);
  // The audit row is there, written in the create's transaction.
  const audit = (await t.env.platform.knex('tessera.audit_log').where({ record_id: id }).select('action')) as { action: string }[];
  expect(audit.map((a) => a.action)).toEqual(['create']);
});

test('rows, errors and events are knex.raw\'s, outside and inside a transaction', async () => {
  const { knex } = t.env.platform;
  await knex.raw('CREATE TABLE IF NOT EXISTS direct_probe (id integer PRIMARY KEY, d date, n numeric, at timestamptz, tags text[])');
  const insert = directStatement('insert into direct_probe (id, d, n, at, tags) values (?, ?, ?, ?, ?) returning *');
  const values = [1, '2026-03-04', 12.5, new Date('2026-01-02T03:04:05.678Z'), ['a', 'b']];
  const rows = await sendStatement(knex, insert, values);
  // The driver's type parsers (DATE stays text, numeric is a number) as for knex's statements.
  expect(rows).toEqual((await knex.raw('select * from direct_probe where id = ?', [1])).rows);
  expect(rows).toEqual([{ id: 1, d: '2026-03-04', n: 12.5, at: new Date('2026-01-02T03:04:05.678Z'), tags: ['a', 'b'] }]);

  const failure = async (send: () => Promise<unknown>) => {
    const error = (await send().then(() => null, (e: unknown) => e)) as Error & { code?: string; constraint?: string };
    return { type: error.constructor.name, message: error.message, code: error.code, constraint: error.constraint };
  };
  const duplicate = [1, null, null, null, null];
  const direct = await failure(() => sendStatement(knex, insert, duplicate));
  expect(direct).toEqual(await failure(() => knex.raw(insert.sql, duplicate)));
  expect(direct.code).toBe('23505');

  const seen: string[] = [];
  const listen = (q: { sql: string; __knexTxId?: string }) => seen.push(`${q.__knexTxId ? 'trx' : 'pool'} ${q.sql}`);
  knex.on('query', listen);
  try {
    await knex.transaction(async (trx: Knex.Transaction) => {
      await sendStatement(trx, insert, [2, null, null, null, null]);
      // In the transaction's own connection: its failure aborts the transaction as knex's would.
      expect(await failure(() => sendStatement(trx, insert, duplicate))).toEqual({ ...direct });
      expect((await failure(() => trx.raw('select 1'))).code).toBe('25P02');
    }).catch(() => undefined);
  } finally {
    knex.off('query', listen);
  }
  expect(seen.filter((s) => s.includes('direct_probe'))).toEqual([`trx ${insert.text}`, `trx ${insert.text}`]);
  // Rolled back with the transaction.
  expect((await knex.raw('select id from direct_probe order by id')).rows).toEqual([{ id: 1 }]);
  // Bindings knex treats itself (undefined) keep knex's path and its error.
  expect((await failure(() => sendStatement(knex, insert, [3, undefined, null, null, null]))).message).toMatch(/Undefined binding/);
});
