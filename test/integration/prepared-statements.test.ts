// Prepared statements against a real database (the embedded one or the server): statements are
// really prepared on the connection; a migration that changes a table under a kept plan is
// survived (outside a transaction at once, inside one by running the transaction again); the
// re-preparation schedule drops the old plans from the server. Each knex here has one connection,
// so the embedded database's shared session sees only its names.
import { jest } from '@jest/globals';
import type { Knex } from 'knex';
import pg from 'pg';
import { createKnex } from '../../engine/db/connection.ts';
import { isStalePlanError, PLANNED_WITH_VALUES, PreparedStatements } from '../../engine/db/prepared.ts';
import { startTestPlatform, type TestPlatform } from '../support/database.ts';

let env: TestPlatform;
let knex: Knex;
let now = 0;
let statements: PreparedStatements;

beforeAll(async () => {
  env = await startTestPlatform({ auditCheck: false });
}, 120_000);

afterAll(async () => {
  await env?.close();
});

beforeEach(async () => {
  now = 0;
  statements = new PreparedStatements({ now: () => now, firstReplanMs: 60_000 });
  knex = createKnex(env.platform.db.url, 1, statements);
  await knex.raw('DROP TABLE IF EXISTS prep_t');
  await knex.raw('CREATE TABLE prep_t (id int PRIMARY KEY, a text)');
  await knex('prep_t').insert([{ id: 1, a: 'one' }, { id: 2, a: 'two' }]);
});

afterEach(async () => {
  await knex.raw('DEALLOCATE ALL');
  await knex.destroy();
});

const prepared = async (): Promise<string[]> => ((await knex.raw(`SELECT name FROM pg_prepared_statements WHERE name LIKE 't%\\_%' ORDER BY name`)).rows as { name: string }[]).map((r) => r.name);
const byId = (db: Knex | Knex.Transaction, id: number) => db('prep_t').where({ id }).first();

test('a statement used twice is prepared on the connection under its name and gives the same rows', async () => {
  expect(await byId(knex, 1)).toEqual({ id: 1, a: 'one' });
  expect(await prepared()).toEqual([]);
  expect(await byId(knex, 2)).toEqual({ id: 2, a: 'two' });
  const names = await prepared();
  expect(names).toHaveLength(1);
  expect(names[0]).toMatch(/^t0_/);
  expect(await byId(knex, 1)).toEqual({ id: 1, a: 'one' });
  expect(await prepared()).toEqual(names);
});

test('a statement marked as planned with its values (a report over a period) is never named, however often it comes', async () => {
  for (let id = 1; id <= 3; id++) expect((await knex.raw(`${PLANNED_WITH_VALUES}SELECT count(*)::int AS n FROM prep_t WHERE id >= ?`, [id])).rows).toEqual([{ n: 3 - id }]);
  expect(await prepared()).toEqual([]);
});

test('a column added under a kept plan: outside a transaction the statement is sent again at once', async () => {
  await byId(knex, 1);
  await byId(knex, 1);
  expect(await prepared()).toHaveLength(1);
  await knex.raw(`ALTER TABLE prep_t ADD COLUMN b int NOT NULL DEFAULT 7`);
  expect(await byId(knex, 2)).toEqual({ id: 2, a: 'two', b: 7 });
  expect(statements.epoch).toBe(1);
});

test('inside a transaction the stale plan aborts it with a recognisable error, and the transaction runs again', async () => {
  await byId(knex, 1);
  await byId(knex, 1);
  await knex.raw(`ALTER TABLE prep_t ADD COLUMN c int`);
  const attempt = () =>
    knex.transaction(async (trx) => {
      await trx('prep_t').where({ id: 1 }).update({ a: 'uno' });
      return byId(trx, 1);
    });
  const error = await attempt().then(() => null, (e: unknown) => e);
  expect(isStalePlanError(error)).toBe(true);
  expect(await byId(knex, 1)).toEqual({ id: 1, a: 'one', c: null }); // nothing half-applied
  expect(await attempt()).toEqual({ id: 1, a: 'uno', c: null });
  // The plans of the old epoch are gone from the server, though the refusal came inside a transaction.
  await byId(knex, 2);
  const names = await prepared();
  expect(names.length).toBeGreaterThan(0);
  expect(names.every((n) => n.startsWith(`t${statements.epoch}_`))).toBe(true);
});

test('when the epoch moves on, the connection drops its old plans before preparing new ones', async () => {
  await byId(knex, 1);
  await byId(knex, 1);
  const [old] = await prepared();
  now = 60_000; // the first re-preparation is due
  await byId(knex, 1);
  await byId(knex, 1);
  const names = await prepared();
  expect(names).toHaveLength(1);
  expect(names[0]).not.toBe(old);
  expect(names[0]).toMatch(/^t1_/);
});

test('dropping old plans is awaited, not queued: no statement is sent while another runs on the connection', async () => {
  await byId(knex, 1);
  await byId(knex, 1);
  // node-pg deprecates (pg 9 removes) sending a query to a client that is still executing one.
  const busyAt: string[] = [];
  const original = pg.Client.prototype.query;
  const spy = jest.spyOn(pg.Client.prototype, 'query').mockImplementation(function (this: pg.Client, ...args: unknown[]) {
    const state = this as unknown as { _activeQuery: unknown; _queryQueue: unknown[] };
    if (state._activeQuery || state._queryQueue.length > 0) busyAt.push(typeof args[0] === 'string' ? args[0] : String((args[0] as { text?: string }).text));
    return (original as (...a: unknown[]) => unknown).apply(this, args) as never;
  });
  try {
    now = 60_000;
    expect(await byId(knex, 2)).toEqual({ id: 2, a: 'two' });
    expect(await byId(knex, 2)).toEqual({ id: 2, a: 'two' });
  } finally {
    spy.mockRestore();
  }
  expect(busyAt).toEqual([]);
  expect((await prepared()).every((name) => name.startsWith('t1_'))).toBe(true);
});

test('the platform names statements on a server only: embedded connections share one session', () => {
  expect(env.platform.db.prepared === null).toBe(env.kind === 'embedded');
});
