// Cross-record rules, the pure parts: an exclusion rule's checks and filter SQL, its place in the
// physical schema and the migration plan, and the lookups a transition's guard reads.
import { conditionSql, parseCondition, planMigration, validatePackage, type ExclusionRule, type MigrationPlan, type Transition } from '../../../metadata/index.ts';
import { lookupSql, lookupsOfChange } from '../../../engine/rules/lookups.ts';
import { entity, entityOf, errorsOf, field, modelOf, packageOf, physicalOf, state, statusMachine, tableOf, values } from './package-builder.ts';

const room = () => entity('room', [field('string', 'name')]);
const rule = (extra: Partial<ExclusionRule> = {}): ExclusionRule => ({ id: 'x.slot', name: 'slot', equal: ['room'], overlap: ['starts_at', 'ends_at'], ...extra });
const booking = (rules: ExclusionRule[] = [rule()], extraFields = [field('manyToMany', 'rooms', { target: 'room' })]) =>
  entity('booking', [
    field('string', 'title'),
    field('reference', 'room', { target: 'room' }),
    field('datetime', 'starts_at'),
    field('datetime', 'ends_at'),
    field('date', 'day'),
    field('json', 'data'),
    field('enum', 'status', { values: values('active', 'cancelled') }),
    ...extraFields,
  ], rules.length ? { exclusions: rules } : {});

describe('validating exclusion rules', () => {
  test('a well-formed rule passes', () => {
    expect(validatePackage(packageOf(room(), booking([rule({ where: { status: { ne: 'cancelled' } } })]))).ok).toBe(true);
  });

  test('unknown fields, wrong kinds, mixed periods and unsupported conditions are reported where they are', () => {
    const errors = errorsOf(packageOf(room(), booking([
      rule({ equal: ['nope', 'data'], overlap: ['starts_at', 'day'] }),
      rule({ id: 'x.b', name: 'b', overlap: ['title', 'ends_at'], where: { title: { contains: 'x' } } }),
      rule({ id: 'x.c', name: 'c', equal: ['rooms', 'rooms2'] }),
    ], [field('manyToMany', 'rooms', { target: 'room' }), field('manyToMany', 'rooms2', { target: 'room' })])));
    expect(errors.map((e) => [e.pointer, e.code])).toEqual([
      ['/exclusions/0/equal/0', 'META_UNKNOWN_FIELD'],
      ['/exclusions/0/equal/1', 'META_FIELD_KIND'],
      ['/exclusions/0/overlap/1', 'META_FIELD_KIND'],
      ['/exclusions/1/overlap/0', 'META_FIELD_KIND'],
      ['/exclusions/1/where', 'META_FILTER'],
      ['/exclusions/2/equal/1', 'META_FIELD_KIND'],
    ]);
  });
});

describe('a rule’s condition as SQL', () => {
  const sqlOf = (where: unknown) => {
    const parsed = parseCondition(entityOf(modelOf(packageOf(room(), booking())), 'booking'), where, '');
    if (!parsed.filter) throw new Error(JSON.stringify(parsed.problems));
    return conditionSql(parsed.filter, 'o');
  };

  test('compares with literal values, keeping null rows for ne and nin like the list filter does', () => {
    expect(sqlOf({ status: 'active' })).toBe(`"o"."status" = 'active'`);
    expect(sqlOf({ status: { ne: 'cancelled' } })).toBe(`("o"."status" IS NULL OR "o"."status" <> 'cancelled')`);
    expect(sqlOf({ title: { nin: ['a', "it's"] }, status: { isNull: false } })).toBe(`(("o"."title" IS NULL OR "o"."title" NOT IN ('a', 'it''s')) AND "o"."status" IS NOT NULL)`);
    expect(sqlOf({ or: [{ starts_at: { gte: '2026-01-01T00:00:00Z' } }, { not: { status: { in: ['cancelled'] } } }] })).toBe(`("o"."starts_at" >= '2026-01-01T00:00:00.000Z' OR (NOT "o"."status" IN ('cancelled')))`);
  });

  test('refuses what a constraint could not hold: links, the acting user, text search', () => {
    const model = modelOf(packageOf(room(), booking()));
    const problems = (where: unknown) => parseCondition(entityOf(model, 'booking'), where, '').problems.map((p) => p.message);
    expect(problems({ rooms: '00000000-0000-4000-8000-000000000001' })[0]).toMatch(/cannot be used in a rule's condition/);
    expect(problems({ owner: '$me' })[0]).toMatch(/no links, no \$me/);
    expect(problems({ title: { startsWith: 'a' } })[0]).toMatch(/"startsWith" cannot be used/);
  });
});

describe('the physical schema and the plan', () => {
  const planOf = (before: ReturnType<typeof booking> | null, after: ReturnType<typeof booking>): MigrationPlan =>
    planMigration(before ? physicalOf(packageOf(room(), before)) : { tables: [] }, physicalOf(packageOf(room(), after)));

  test('a rule over columns becomes an exclusion of the table; one over a many-to-many field names its join table (the engine checks it)', () => {
    const table = tableOf(physicalOf(packageOf(room(), booking([rule({ where: { status: 'active' } }), rule({ id: 'x.m', name: 'm', equal: ['rooms'] })]))), 'booking');
    expect(table.exclusions).toEqual([
      expect.objectContaining({ keys: ['room'], rangeType: 'tstzrange', start: 'starts_at', end: 'ends_at', where: `"status" = 'active'`, display: 'title', origin: 'entities/booking.json#/exclusions/0' }),
      expect.objectContaining({ keys: [], link: 'booking__rooms', where: 'TRUE', origin: 'entities/booking.json#/exclusions/1' }),
    ]);
    expect(table.exclusions![0]).not.toHaveProperty('link');
    expect(table.exclusions![0]!.name).toMatch(/^ex_[0-9a-f]{16}$/);
  });

  test('added with a new table, added to an existing one, redefined, dropped; a column rename alone keeps it', () => {
    const ops = (plan: MigrationPlan) => plan.steps.map((s) => s.step.op);
    expect(ops(planOf(null, booking()))).toContain('addExclusion');
    expect(ops(planOf(booking([]), booking()))).toEqual(['addExclusion']);
    expect(ops(planOf(booking(), booking([rule({ where: { status: 'active' } })])))).toEqual(['dropExclusion', 'addExclusion']);
    expect(ops(planOf(booking(), booking([])))).toEqual(['dropExclusion']);
    expect(ops(planOf(booking(), booking()))).toEqual([]);
    expect(planOf(booking([]), booking()).destructive).toBe(false);
  });
});

describe('lookups of a guard', () => {
  const lookups: Transition['lookups'] = {
    limit: { from: 'account', via: 'id', on: 'account', aggregate: 'max', field: 'credit_limit' },
    open: { from: 'order', via: 'account', on: 'account', aggregate: 'sum', field: 'amount', where: { status: 'confirmed' } },
  };
  const account = entity('account', [field('string', 'name'), field('decimal', 'credit_limit')]);
  const order = () =>
    entity('order_doc', [field('reference', 'account', { target: 'account' }), field('decimal', 'amount'), field('state', 'status'), field('date', 'due')]);
  const machine = (l: Transition['lookups']) => statusMachine('order_status', { entity: 'order_doc', field: 'status' }, [state('draft'), state('confirmed')], [{ from: ['draft'], to: 'confirmed', guard: 'true', lookups: l }]);
  const withOrder = (l: Transition['lookups']) => packageOf(account, order(), machine(l));

  test('are checked: the entity type, the reference, the field and the condition', () => {
    expect(validatePackage(withOrder({ ...lookups, open: { ...lookups.open!, from: 'order_doc' } })).ok).toBe(true);
    const errors = errorsOf(withOrder({
      a: { from: 'nope', via: 'id', aggregate: 'count' },
      b: { from: 'account', via: 'name', on: 'account', aggregate: 'count' },
      c: { from: 'order_doc', via: 'account', on: 'amount', aggregate: 'sum', field: 'due' },
      d: { from: 'order_doc', via: 'account', on: 'account', aggregate: 'count', field: 'amount', where: { account: { contains: 'x' } } },
      amount: { from: 'account', via: 'id', on: 'account', aggregate: 'max', field: 'credit_limit' },
    }));
    expect(errors.map((e) => [e.pointer, e.code])).toEqual([
      ['/transitions/0/lookups/a/from', 'META_UNKNOWN_ENTITY'],
      ['/transitions/0/lookups/b/via', 'META_FIELD_KIND'],
      ['/transitions/0/lookups/c/on', 'META_FIELD_KIND'],
      ['/transitions/0/lookups/c/field', 'META_FIELD_KIND'],
      ['/transitions/0/lookups/d/field', 'META_FIELD_KIND'],
      ['/transitions/0/lookups/d/where/account/contains', 'META_FILTER'],
      ['/transitions/0/lookups/amount', 'META_DUPLICATE_NAME'],
    ]);
  });

  test('are read only for the transitions a change takes, as one aggregate each', () => {
    const model = modelOf(withOrder({ ...lookups, open: { ...lookups.open!, from: 'order_doc' } }));
    const e = entityOf(model, 'order_doc');
    expect([...lookupsOfChange(e, { status: 'draft' }, { status: 'draft' }).keys()]).toEqual([]);
    expect([...lookupsOfChange(e, { status: 'draft' }, { status: 'confirmed' }).keys()]).toEqual(['limit', 'open']);
    const open = lookupsOfChange(e, { status: 'draft' }, { status: 'confirmed' }).get('open')!;
    expect(lookupSql(model, open)).toBe(`SELECT coalesce(sum(f."amount"), 0) AS value FROM "order_doc" f WHERE f.deleted_at IS NULL AND f."account" = ? AND f.id <> ? AND "f"."status" = 'confirmed'`);
  });
});

describe('the words of a refusal', () => {
  test('the form names the record it collides with, in pl/en/ro', async () => {
    const { problemDetail } = await import('../../../forms/index.ts');
    expect(problemDetail({ code: 'EXCLUSION', detail: 'collides with x', params: { conflict: 'Szkolenie' } }, 'pl')).toBe('koliduje z „Szkolenie”');
    expect(problemDetail({ code: 'EXCLUSION_VIOLATION', detail: '', params: { conflict: 'Szkolenie' } }, 'ro')).toBe('Se suprapune cu „Szkolenie”, care ocupă același interval.');
    // Not readable for the user: no title, the plain sentence.
    expect(problemDetail({ code: 'EXCLUSION_VIOLATION', detail: '', params: { conflictId: 'x' } }, 'en')).toBe('It overlaps another record that holds the same slot.');
  });
});
