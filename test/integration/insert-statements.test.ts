// Single-row inserts sent as a text compiled once per shape (engine/records/insert-statements.ts):
// the text and bindings are knex's own for every row, whatever the values and columns, and rows
// knex would not simply bind keep the builder. Written rows read back as knex wrote them.
import { InsertStatements } from '../../engine/records/insert-statements.ts';
import { startTestPlatform, type TestPlatform } from '../support/database.ts';

let env: TestPlatform;

beforeAll(async () => {
  env = await startTestPlatform();
  await env.platform.knex.raw('CREATE TABLE insert_probe (id serial PRIMARY KEY, a text, b integer, c timestamptz, d text[], e jsonb, f boolean DEFAULT true, g text DEFAULT \'g\')');
}, 60_000);

afterAll(async () => {
  await env?.close();
});

const ROWS: Record<string, unknown>[] = [
  { a: 'x', b: 1 },
  { b: 2, a: 'y' },
  { a: null, b: 3, c: new Date('2026-01-02T03:04:05.678Z') },
  { a: 'z', b: undefined, f: false },
  { a: 'q?', d: ['p', 'q'], e: '{"k":1}', g: undefined },
  { g: 'h', f: null, e: null, d: null, c: null, b: null, a: null },
  { a: '$1 ? ?? \\?', b: 7 },
];

test('the text and bindings are those knex compiles (and the text it sends), for every row, first and later use of a shape alike', () => {
  const statements = new InsertStatements();
  const db = env.platform.knex;
  for (const returning of [true, false]) {
    for (let round = 0; round < 2; round++) {
      for (const row of ROWS) {
        const query = db('insert_probe').insert(row);
        const knex = (returning ? query.returning('*') : query).toSQL();
        expect([row, statements.statement(db, 'insert_probe', row, returning)]).toEqual([row, { sql: knex.sql, text: knex.toNative().sql, bindings: knex.bindings }]);
      }
    }
  }
  // Shapes differ by columns, order and undefined values (DEFAULT), not by values.
  expect(statements.size).toBe(2 * (ROWS.length - 1));
});

test('plain objects and raw expressions keep the builder', () => {
  const statements = new InsertStatements();
  const db = env.platform.knex;
  expect(statements.statement(db, 'insert_probe', { e: { k: 1 } }, true)).toBeNull();
  expect(statements.statement(db, 'insert_probe', { c: db.raw('now()') }, true)).toBeNull();
  expect(statements.size).toBe(0);
});

test('rows written through the compiled text read back as the builder wrote them', async () => {
  const statements = new InsertStatements();
  const db = env.platform.knex;
  for (const row of [...ROWS, { e: { k: 2 } }]) {
    const [built] = (await db('insert_probe').insert(row).returning('*')) as Record<string, unknown>[];
    const [sent] = await statements.insert(db, 'insert_probe', row, true);
    expect({ ...sent, id: 0 }).toEqual({ ...built, id: 0 });
    expect(await statements.insert(db, 'insert_probe', row, false)).toEqual([]);
  }
  expect(Number((await db('insert_probe').count({ n: '*' }))[0]!.n)).toBe(3 * (ROWS.length + 1));
});
