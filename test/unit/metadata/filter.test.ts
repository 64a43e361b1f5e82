// The list filter language: parsing, coercion of query-string text, operators and problems with pointers.
import { bindFilter, coerceScalar, FILTER_OPERATORS, FILTER_TOKENS, filterFields, parseFilter, type FilterExpr, type FilterProblem } from '../../../metadata/index.ts';
import { contractor, entityOf, modelOf, offerEntity, packageOf } from './package-builder.ts';

const UUID = '0b6f4c7e-3f1a-4c2b-9d8e-7a6b5c4d3e2f';

const offer = offerEntity();

const parse = (input: unknown, base = '') => parseFilter(offer, input, base);

/** The parsed filter of a valid input (fails with the problems otherwise). */
function ok(input: unknown): FilterExpr {
  const { filter, problems } = parse(input);
  expect(problems).toEqual([]);
  expect(filter).not.toBeNull();
  return filter!;
}

/** The problems of an invalid input; the filter is null. */
function bad(input: unknown, base = ''): FilterProblem[] {
  const { filter, problems } = parse(input, base);
  expect(filter).toBeNull();
  expect(problems.length).toBeGreaterThan(0);
  return problems;
}

const pointers = (problems: FilterProblem[]) => problems.map((p) => p.pointer);

describe('structure', () => {
  test('a bare value means eq', () => {
    expect(ok({ title: 'Servers' })).toEqual({ kind: 'compare', field: 'title', valueType: 'text', op: 'eq', value: 'Servers' });
  });

  test('several fields in one object are combined with and', () => {
    expect(ok({ title: 'Servers', qty: { gte: 2, lt: 10 } })).toEqual({
      kind: 'and',
      items: [
        { kind: 'compare', field: 'title', valueType: 'text', op: 'eq', value: 'Servers' },
        { kind: 'compare', field: 'qty', valueType: 'number', op: 'gte', value: 2 },
        { kind: 'compare', field: 'qty', valueType: 'number', op: 'lt', value: 10 },
      ],
    });
  });

  test('and, or, not', () => {
    const filter = ok({ or: [{ channel: 'email' }, { and: [{ signed: true }, { not: { qty: 0 } }] }] });
    expect(filter).toEqual({
      kind: 'or',
      items: [
        { kind: 'compare', field: 'channel', valueType: 'text', op: 'eq', value: 'email' },
        {
          kind: 'and',
          items: [
            { kind: 'compare', field: 'signed', valueType: 'boolean', op: 'eq', value: true },
            { kind: 'not', item: { kind: 'compare', field: 'qty', valueType: 'number', op: 'eq', value: 0 } },
          ],
        },
      ],
    });
    expect(filterFields(filter)).toEqual(['channel', 'signed', 'qty']);
    expect(filterFields(null)).toEqual([]);
  });

  test('an empty object is an empty and (matches everything)', () => {
    expect(ok({})).toEqual({ kind: 'and', items: [] });
  });

  test('a filter must be an object; and/or take arrays', () => {
    expect(bad('title=x')).toEqual([{ pointer: '', message: 'a filter must be an object' }]);
    expect(pointers(bad({ and: { title: 'x' } }))).toEqual(['/and']);
    expect(pointers(bad({ or: [{ title: 'x' }, 'y'] }))).toEqual(['/or/1']);
  });

  test('the operators', () => {
    expect([...FILTER_OPERATORS]).toEqual(['eq', 'ne', 'lt', 'lte', 'gt', 'gte', 'in', 'nin', 'contains', 'startsWith', 'isNull', 'between']);
  });
});

describe('coercion of query-string text', () => {
  test.each([
    ['qty', '12', 12],
    ['qty', '-3', -3],
    ['discount', '12.5', 12.5],
    ['total', '1000', 1000],
    ['margin', '7.25', 7.25],
    ['version', '2', 2],
    ['signed', 'true', true],
    ['signed', 'false', false],
    ['valid_until', '2024-02-29', '2024-02-29'],
    ['sent_at', '2024-05-01T10:00:00+02:00', '2024-05-01T08:00:00.000Z'],
    ['sent_at', '2024-05-01', '2024-05-01T00:00:00.000Z'],
    ['created_at', '2024-05-01T10:00:00Z', '2024-05-01T10:00:00.000Z'],
    ['contractor', UUID.toUpperCase(), UUID],
    ['owner', UUID, UUID],
    ['buyer_nip', 'pl 526-025-02-74', 'PL5260250274'],
    ['title', 42, '42'],
  ])('%s = %p → %p', (name, raw, expected) => {
    expect(ok({ [name]: raw })).toMatchObject({ field: name, op: 'eq', value: expected });
  });

  test.each([
    ['qty', 'twelve', 'expected a number'],
    ['qty', '', 'expected a number'],
    ['qty', true, 'expected a number'],
    ['signed', 'yes', 'expected true or false'],
    ['signed', 1, 'expected true or false'],
    ['valid_until', '01.05.2024', 'expected a date YYYY-MM-DD'],
    ['valid_until', '2024-02-30', 'expected a date YYYY-MM-DD'],
    ['valid_until', '2023-02-29', 'expected a date YYYY-MM-DD'],
    ['sent_at', 'yesterday', 'expected an ISO 8601 date-time'],
    ['sent_at', '2024-04-31T10:00:00Z', 'expected an ISO 8601 date-time'],
    ['contractor', 'ACME', 'expected a record id (UUID)'],
    ['id', '123', 'expected a record id (UUID)'],
    ['extra', 'x', 'json fields can only be filtered with isNull'],
    ['title', { eq: null }, 'null is not a value here; use isNull'],
    ['title', 'x'.repeat(1001), 'filter text is longer than 1000 characters'],
    ['title', ['a'], 'expected text'],
  ])('%s = %p is refused (%s)', (name, raw, message) => {
    const problems = bad({ [name]: raw });
    expect(problems).toHaveLength(1);
    expect(problems[0]!.pointer).toBe(`/${name}/eq`);
    expect(problems[0]!.message).toContain(message);
  });

  test('coerceScalar can be used alone, collecting problems at the given pointer', () => {
    const problems: FilterProblem[] = [];
    expect(coerceScalar('3.5', 'number', undefined, '/q', problems)).toBe(3.5);
    expect(coerceScalar('x', 'number', undefined, '/q', problems)).toBeUndefined();
    expect(problems).toEqual([{ pointer: '/q', message: 'expected a number, got "x"' }]);
  });
});

describe('operators', () => {
  test('ne, lt, lte, gt, gte on numbers, dates and text', () => {
    expect(ok({ qty: { ne: '0' } })).toMatchObject({ op: 'ne', value: 0 });
    expect(ok({ valid_until: { lt: '2024-12-31' } })).toMatchObject({ op: 'lt', value: '2024-12-31', valueType: 'date' });
    expect(ok({ sent_at: { lte: '2024-12-31T23:59:59Z' } })).toMatchObject({ op: 'lte', valueType: 'datetime' });
    expect(ok({ total: { gt: 5000 } })).toMatchObject({ op: 'gt', value: 5000 });
    expect(ok({ title: { gte: 'M' } })).toMatchObject({ op: 'gte', value: 'M' });
  });

  test('ordering operators do not apply to booleans and ids', () => {
    expect(bad({ signed: { gt: true } })).toEqual([{ pointer: '/signed/gt', message: 'gt does not apply to boolean values' }]);
    expect(bad({ contractor: { lte: UUID } })).toEqual([{ pointer: '/contractor/lte', message: 'lte does not apply to uuid values' }]);
  });

  test('in and nin take arrays or comma-separated text', () => {
    expect(ok({ qty: { in: '1,2,3' } })).toMatchObject({ op: 'in', value: [1, 2, 3] });
    expect(ok({ channel: { nin: ['email', 'phone'] } })).toMatchObject({ op: 'nin', value: ['email', 'phone'] });
    expect(ok({ contractor: { in: [UUID] } })).toMatchObject({ op: 'in', value: [UUID] });
  });

  test('in: each item is coerced and located; 1 to 1000 values', () => {
    expect(bad({ qty: { in: '1,two,3' } })).toEqual([{ pointer: '/qty/in/1', message: 'expected a number, got "two"' }]);
    expect(bad({ qty: { in: [] } })).toEqual([{ pointer: '/qty/in', message: 'in takes a list of 1 to 1000 values' }]);
    expect(pointers(bad({ qty: { nin: Array.from({ length: 1001 }, (_, i) => i) } }))).toEqual(['/qty/nin']);
    expect(pointers(bad({ qty: { in: 5 } }))).toEqual(['/qty/in']);
  });

  test('between takes two values of an ordered type', () => {
    expect(ok({ valid_until: { between: '2024-01-01,2024-03-31' } })).toMatchObject({ op: 'between', value: ['2024-01-01', '2024-03-31'] });
    expect(ok({ total: { between: [1000, 5000] } })).toMatchObject({ value: [1000, 5000] });
    expect(bad({ total: { between: [1, 2, 3] } })).toEqual([{ pointer: '/total/between', message: 'between takes two values [from, to]' }]);
    expect(bad({ signed: { between: 'true,false' } })).toEqual([{ pointer: '/signed/between', message: 'between does not apply to boolean values' }]);
  });

  test('contains and startsWith apply to text only', () => {
    expect(ok({ title: { contains: 'serw' } })).toMatchObject({ op: 'contains', value: 'serw' });
    expect(ok({ title: { startsWith: 'Oferta' } })).toMatchObject({ op: 'startsWith', value: 'Oferta' });
    expect(bad({ qty: { contains: '1' } })).toEqual([{ pointer: '/qty/contains', message: 'contains applies to text fields only' }]);
    expect(pointers(bad({ valid_until: { startsWith: '2024' } }))).toEqual(['/valid_until/startsWith']);
  });

  test('isNull takes true or false, also as text', () => {
    expect(ok({ sent_at: { isNull: 'true' } })).toMatchObject({ op: 'isNull', value: true });
    expect(ok({ contractor: { isNull: false } })).toMatchObject({ op: 'isNull', value: false });
    expect(bad({ sent_at: { isNull: 'maybe' } })).toEqual([{ pointer: '/sent_at/isNull', message: 'expected true or false' }]);
  });

  test('enum values are checked (contains is free text)', () => {
    expect(bad({ channel: 'fax' })).toEqual([{ pointer: '/channel/eq', message: '"fax" is not a value of channel (email, phone, visit)' }]);
    expect(pointers(bad({ channel: { in: 'email,fax' } }))).toEqual(['/channel/in/1']);
    expect(ok({ channel: { contains: 'ma' } })).toMatchObject({ op: 'contains' });
  });

  test('state values are checked against the bound machine', () => {
    expect(ok({ status: { in: ['draft', 'sent'] } })).toMatchObject({ op: 'in', value: ['draft', 'sent'] });
    expect(bad({ status: 'won' })).toEqual([{ pointer: '/status/eq', message: '"won" is not a state of status (draft, sent, accepted, rejected)' }]);
    expect(pointers(bad({ status: { nin: 'draft,closed' } }))).toEqual(['/status/nin/1']);
  });

  test('many-to-many fields: eq, in and isNull on linked record ids', () => {
    expect(ok({ products: UUID })).toEqual({ kind: 'linked', field: 'products', op: 'eq', value: UUID });
    expect(ok({ products: { in: [UUID, UUID.toUpperCase()] } })).toEqual({ kind: 'linked', field: 'products', op: 'in', value: [UUID, UUID] });
    expect(ok({ products: { isNull: 'true' } })).toEqual({ kind: 'linked', field: 'products', op: 'isNull', value: true });
    expect(bad({ products: { ne: UUID } })).toEqual([{ pointer: '/products/ne', message: 'many-to-many field "products" supports eq, in and isNull' }]);
    expect(pointers(bad({ products: 'ACME' }))).toEqual(['/products/eq']);
  });
});

describe('unknown fields and operators', () => {
  test('unknown field, with the base pointer', () => {
    expect(bad({ and: [{ title: 'x' }, { price: 1 }] }, '/filter')).toEqual([{ pointer: '/filter/and/1/price', message: 'unknown field "price" of offer' }]);
  });

  test('unknown operator', () => {
    const problems = bad({ title: { like: 'A%' } });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ pointer: '/title/like' });
    expect(problems[0]!.message).toMatch(/^unknown operator "like" \(use one of eq, ne,/);
  });

  test('every problem is reported, not only the first', () => {
    expect(pointers(bad({ or: [{ nope: 1 }, { qty: { gt: 'x', foo: 1 } }], not: { signed: 'maybe' } }))).toEqual(['/or/0/nope', '/or/1/qty/gt', '/or/1/qty/foo', '/not/signed/eq']);
  });

  test('keys are escaped in pointers (RFC 6901)', () => {
    expect(pointers(bad({ 'a/b~c': 1 }))).toEqual(['/a~1b~0c']);
  });
});

describe('nesting limit', () => {
  const nestedNot = (depth: number): unknown => (depth === 0 ? { qty: 1 } : { not: nestedNot(depth - 1) });

  test('16 levels are accepted', () => {
    let expr = ok(nestedNot(16));
    let levels = 0;
    while (expr.kind === 'not') {
      expr = expr.item;
      levels++;
    }
    expect(levels).toBe(16);
    expect(expr).toMatchObject({ field: 'qty', value: 1 });
  });

  test('17 levels are refused at the node that is too deep', () => {
    expect(bad(nestedNot(17))).toEqual([{ pointer: `${'/not'.repeat(17)}`, message: 'filter is nested too deeply (16 levels at most)' }]);
  });

  test('and/or arrays count as levels too', () => {
    let input: unknown = { qty: 1 };
    for (let i = 0; i < 17; i++) input = { and: [input] };
    expect(pointers(bad(input))).toEqual(['/and/0'.repeat(17)]);
  });
});

describe('tokens of the acting user: $me and $myTeams', () => {
  const activity = entityOf(modelOf(packageOf(contractor())), 'activity');
  const ME = 'a0000000-0000-4000-8000-000000000001';
  const SALES = 'b0000000-0000-4000-8000-000000000001';
  const SUPPORT = 'b0000000-0000-4000-8000-000000000002';
  const parseActivity = (input: unknown) => parseFilter(activity, input, '/filter');

  test('$me on a reference to users or a system user column; $myTeams on a reference to teams', () => {
    const { filter, problems } = parseActivity({ or: [{ assignee: '$me' }, { assignee: { isNull: true }, team: { in: '$myTeams' } }, { owner: { ne: '$me' } }, { created_by: { in: '$me' } }] });
    expect(problems).toEqual([]);
    expect(filter).toEqual({
      kind: 'or',
      items: [
        { kind: 'subject', field: 'assignee', op: 'eq', token: '$me' },
        { kind: 'and', items: [{ kind: 'compare', field: 'assignee', valueType: 'uuid', op: 'isNull', value: true }, { kind: 'subject', field: 'team', op: 'in', token: '$myTeams' }] },
        { kind: 'subject', field: 'owner', op: 'ne', token: '$me' },
        { kind: 'subject', field: 'created_by', op: 'in', token: '$me' },
      ],
    });
    expect(filterFields(filter)).toEqual(['assignee', 'assignee', 'team', 'owner', 'created_by']);
  });

  test('a token must fit the field and the operator; problems carry pointers', () => {
    const { filter, problems } = parseActivity({ and: [{ team: '$me' }, { assignee: { in: '$myTeams' } }, { team: { eq: '$myTeams' } }, { id: '$me' }, { parent: { in: '$myTeams' } }] });
    expect(filter).toBeNull();
    expect(problems).toEqual([
      { pointer: '/filter/and/0/team/eq', message: '$me compares with a reference to users; "team" is not one' },
      { pointer: '/filter/and/1/assignee/in', message: '$myTeams compares with a reference to teams; "assignee" is not one' },
      { pointer: '/filter/and/2/team/eq', message: '$myTeams takes the operators in, nin' },
      { pointer: '/filter/and/3/id/eq', message: '$me compares with a reference to users; "id" is not one' },
      { pointer: '/filter/and/4/parent/in', message: '$myTeams compares with a reference to teams; "parent" is not one' },
    ]);
  });

  test('on a text field a token is only text; other $-words are no tokens', () => {
    expect(parseActivity({ subject: '$me' }).filter).toEqual({ kind: 'compare', field: 'subject', valueType: 'text', op: 'eq', value: '$me' });
    expect(pointers(parseActivity({ assignee: '$you' }).problems)).toEqual(['/filter/assignee/eq']);
  });

  test('bindFilter puts in the user and their teams, keeping the rest of the tree', () => {
    const filter = parseActivity({ or: [{ assignee: '$me' }, { not: { team: { nin: '$myTeams' } } }, { status: 'open' }] }).filter!;
    expect(bindFilter(filter, { userId: ME, teamIds: [SALES, SUPPORT] })).toEqual({
      kind: 'or',
      items: [
        { kind: 'compare', field: 'assignee', valueType: 'uuid', op: 'in', value: [ME] },
        { kind: 'not', item: { kind: 'compare', field: 'team', valueType: 'uuid', op: 'nin', value: [SALES, SUPPORT] } },
        { kind: 'compare', field: 'status', valueType: 'text', op: 'eq', value: 'open' },
      ],
    });
  });

  test('no user (the platform itself) and no teams bind to empty lists: in matches nothing, nin everything', () => {
    const filter = parseActivity({ and: [{ assignee: '$me' }, { owner: { ne: '$me' } }, { team: { in: '$myTeams' } }] }).filter!;
    expect(bindFilter(filter, { userId: null, teamIds: [] })).toEqual({
      kind: 'and',
      items: [
        { kind: 'compare', field: 'assignee', valueType: 'uuid', op: 'in', value: [] },
        { kind: 'compare', field: 'owner', valueType: 'uuid', op: 'nin', value: [] },
        { kind: 'compare', field: 'team', valueType: 'uuid', op: 'in', value: [] },
      ],
    });
  });

  test('FILTER_TOKENS lists them', () => {
    expect(FILTER_TOKENS).toEqual(['$me', '$myTeams']);
  });
});
