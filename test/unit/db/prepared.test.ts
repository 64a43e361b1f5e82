// The naming policy of prepared statements: which texts get a name, how many, and when every name
// changes (a stale plan, a new metadata version, the doubling re-preparation schedule).
import { isStalePlanError, PreparedStatements } from '../../../engine/db/prepared.ts';

const text = (i: number) => `SELECT * FROM t WHERE id = $1 AND n = ${i}`;

test('a text is named from its second use on, always with the same name', () => {
  const statements = new PreparedStatements({ now: () => 0 });
  expect(statements.nameFor(text(1))).toBeUndefined();
  const name = statements.nameFor(text(1));
  expect(name).toMatch(/^t0_[\w-]{22}$/);
  expect(statements.nameFor(text(1))).toBe(name);
  expect(statements.nameFor(text(2))).toBeUndefined();
  expect(statements.nameFor(text(2))).not.toBe(name);
});

test('at most maxNamed texts get a name; one-off texts are counted in bounded memory', () => {
  const statements = new PreparedStatements({ now: () => 0, maxNamed: 3, minUses: 1 });
  const names = [1, 2, 3, 4, 5].map((i) => statements.nameFor(text(i)));
  expect(names.slice(0, 3).every((n) => n !== undefined)).toBe(true);
  expect(names.slice(3)).toEqual([undefined, undefined]);
  expect(statements.nameFor(text(2))).toBe(names[1]);
});

test('invalidate() moves the epoch on: every text gets a new name, after its uses are counted again', () => {
  const statements = new PreparedStatements({ now: () => 0 });
  statements.nameFor(text(1));
  const before = statements.nameFor(text(1))!;
  statements.invalidate();
  expect(statements.epoch).toBe(1);
  expect(statements.nameFor(text(1))).toBeUndefined();
  const after = statements.nameFor(text(1))!;
  expect(after).toMatch(/^t1_/);
  expect(after.slice(3)).toBe(before.slice(3));
});

test('statements are prepared afresh at doubling intervals up to the maximum', () => {
  let now = 0;
  const statements = new PreparedStatements({ now: () => now, firstReplanMs: 1000, maxReplanMs: 5000 });
  const epochAt = (ms: number) => {
    now = ms;
    statements.nameFor(text(1));
    return statements.epoch;
  };
  expect(epochAt(999)).toBe(0);
  expect(epochAt(1000)).toBe(1); // next after 2000 ms more
  expect(epochAt(2999)).toBe(1);
  expect(epochAt(3000)).toBe(2); // next after 4000
  expect(epochAt(6999)).toBe(2);
  expect(epochAt(7000)).toBe(3); // capped: next after 5000
  expect(epochAt(11_999)).toBe(3);
  expect(epochAt(12_000)).toBe(4);
});

test('isStalePlanError recognises PostgreSQL refusing a kept plan, also wrapped by knex', () => {
  const stale = Object.assign(new Error('cached plan must not change result type'), { code: '0A000' });
  expect(isStalePlanError(stale)).toBe(true);
  expect(isStalePlanError({ nativeError: stale })).toBe(true);
  expect(isStalePlanError(Object.assign(new Error('unsupported'), { code: '0A000' }))).toBe(false);
  expect(isStalePlanError(Object.assign(new Error('cached plan must not change result type'), { code: '42P01' }))).toBe(false);
  expect(isStalePlanError(null)).toBe(false);
});
