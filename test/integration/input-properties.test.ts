// Property-based tests over real HTTP (fast-check, a bounded number of runs): random and hostile
// lists and record bodies never get a 5xx; a list answers exactly the rows its filter and search
// select (an oracle evaluates them over the same rows, so no term can be dropped silently) or a
// 400 pointing at each bad term; a write changes the record it names and nothing else, and a
// refused write changes nothing.
import fc from 'fast-check';
import { fold } from '../../engine/records/index.ts';
import { startCrmMiniApi, type CrmMiniApi } from '../support/crm-mini-api.ts';
import type { TestPlatform } from '../support/database.ts';
import { asSent, hostileJson, hostileName, hostileText, nested, OBJECT_MEMBERS, unstorableText } from '../support/hostile.ts';
import type { JsonClient, JsonResponse, TestServer } from '../support/http.ts';

let fixture: CrmMiniApi;
let env: TestPlatform;
let server: TestServer;
let api: JsonClient;

type Rec = Record<string, unknown> & { id: string };

beforeAll(async () => {
  fixture = await startCrmMiniApi();
  ({ env, server, api } = fixture);
}, 60_000);

afterAll(() => fixture?.close());

/** Every answer is a status below 500; a refusal is problem+json. */
function expectNoServerError(res: JsonResponse, what: string): void {
  if (res.status >= 500) throw new Error(`${what} → ${res.status} ${JSON.stringify(res.body)}`);
  if (res.status >= 400) expect(res.contentType).toContain('application/problem+json');
}

// ---- lists -------------------------------------------------------------------------------------

/** Kleene logic, as SQL evaluates a WHERE clause: null is "unknown", and only true selects a row. */
type Truth = boolean | null;
const and = (values: Truth[]): Truth => (values.includes(false) ? false : values.includes(null) ? null : true);
const or = (values: Truth[]): Truth => (values.includes(true) ? true : values.includes(null) ? null : false);

interface Leaf {
  readonly field: string;
  /** null: a bare value (eq). */
  readonly op: string | null;
  readonly value: unknown;
  /** How the API must treat a row; undefined: the term is invalid and the list a 400. */
  readonly test?: (row: Rec) => Truth;
}
type FilterNode = { kind: 'terms'; leaves: Leaf[] } | { kind: 'and' | 'or'; items: FilterNode[] } | { kind: 'not'; item: FilterNode };

const esc = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');

function filterJson(node: FilterNode): unknown {
  switch (node.kind) {
    case 'terms':
      return Object.fromEntries(node.leaves.map((l) => [l.field, l.op === null ? l.value : { [l.op]: l.value }]));
    case 'not':
      return { not: filterJson(node.item) };
    default:
      return { [node.kind]: node.items.map(filterJson) };
  }
}

function evaluate(node: FilterNode, row: Rec): Truth {
  switch (node.kind) {
    case 'terms':
      return and(node.leaves.map((l) => l.test!(row)));
    case 'and':
      return and(node.items.map((item) => evaluate(item, row)));
    case 'or':
      return or(node.items.map((item) => evaluate(item, row)));
    case 'not': {
      const value = evaluate(node.item, row);
      return value === null ? null : !value;
    }
  }
}

/** Pointers (under /query/filter) of the invalid terms. */
function invalidTerms(node: FilterNode, at = '/query/filter'): string[] {
  switch (node.kind) {
    case 'terms':
      return node.leaves.filter((l) => !l.test).map((l) => `${at}/${esc(l.field)}`);
    case 'not':
      return invalidTerms(node.item, `${at}/not`);
    default:
      return node.items.flatMap((item, i) => invalidTerms(item, `${at}/${node.kind}/${i}`));
  }
}

const ALPHABET = ['a', 'A', 'l', 'ł', 'Ł', 'o', 'ó', 'z', 'Ż', 'ż', 'b', ' ', '%', '_', '\\', "'"];
const text = fc.array(fc.constantFrom(...ALPHABET), { minLength: 1, maxLength: 4 }).map((a) => a.join(''));

/** Comparisons of one column value with an operand, null-aware as the SQL the list compiles to. */
function compare(op: string, operand: unknown, x: unknown): Truth {
  const list = operand as unknown[];
  switch (op) {
    case 'eq':
      return x === null ? null : x === operand;
    case 'ne':
      return x === null ? true : x !== operand;
    case 'in':
      return x === null ? null : list.includes(x);
    case 'nin':
      return x === null ? true : !list.includes(x);
    case 'isNull':
      return (x === null) === operand;
    case 'lt':
      return x === null ? null : (x as number) < (operand as number);
    case 'lte':
      return x === null ? null : (x as number) <= (operand as number);
    case 'gt':
      return x === null ? null : (x as number) > (operand as number);
    case 'gte':
      return x === null ? null : (x as number) >= (operand as number);
    case 'between':
      return x === null ? null : (x as number) >= (list[0] as number) && (x as number) <= (list[1] as number);
    case 'contains':
      return x === null ? null : fold(String(x)).includes(fold(String(operand)));
    case 'startsWith':
      return x === null ? null : fold(String(x)).startsWith(fold(String(operand)));
    default:
      throw new Error(`no oracle for ${op}`);
  }
}

function validLeaf(field: string, value: (row: Rec) => unknown, ops: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<Leaf> {
  return fc.oneof(
    ...Object.entries(ops).map(([op, operand]) => operand.map((v): Leaf => ({ field, op, value: v, test: (row) => compare(op, v, value(row)) }))),
    (ops.eq ?? fc.constant(null)).filter((v) => v !== null).map((v): Leaf => ({ field, op: null, value: v, test: (row) => compare('eq', v, value(row)) })),
  );
}

const bool = fc.boolean();
function orderedOps(scalar: fc.Arbitrary<number | string>): Record<string, fc.Arbitrary<unknown>> {
  const list = fc.array(scalar, { minLength: 1, maxLength: 3 });
  return { eq: scalar, ne: scalar, lt: scalar, lte: scalar, gt: scalar, gte: scalar, in: list, nin: list, isNull: bool, between: fc.tuple(scalar, scalar) };
}

describe('lists under random filters, sorts, fields and searches', () => {
  let rows: Rec[] = [];
  const ids: string[] = [];

  beforeAll(async () => {
    const seed: Record<string, unknown>[] = [
      { name: 'Alfa Budowa', city: 'Kraków', employees: 0, turnover: { amount: 1250.5, currency: 'PLN' }, since: '2020-03-01' },
      { name: 'alfa_beta', city: 'Gdańsk', employees: 5, kind: 'person' },
      { name: 'Żółć 100%', city: 'Łódź', employees: 10, turnover: { amount: 99.99, currency: 'EUR' }, since: '2024-02-29' },
      { name: 'Beta', employees: null, turnover: { amount: 0, currency: 'PLN' }, since: '2019-12-31', parent: 0 },
      { name: 'Gamma Ćma', city: 'Kraków', employees: 100, since: '2020-03-01', kind: 'person', parent: 0 },
      { name: 'OMEGA', city: 'Zakopane', employees: 7, turnover: { amount: 1000000, currency: 'RON' }, parent: 2 },
      { name: 'ala', city: 'kraków', employees: 0, since: '2021-06-15', kind: 'person' },
      { name: "O'Brien \\ Sons", city: 'Gdańsk', employees: 3, turnover: { amount: 1250.5, currency: 'PLN' }, since: '2020-03-02' },
      { name: 'Łukasz Zażółć', city: 'Łódź', parent: 7 },
      { name: 'zzz', city: '  ', employees: 55, tax_id: '5260250274' },
    ];
    for (const values of seed) {
      const parent = typeof values.parent === 'number' ? ids[values.parent] : undefined;
      const res = await api.post('/records/contractor', { ...values, ...(parent ? { parent } : {}) });
      expect(res.status).toBe(201);
      ids.push(res.body.id as string);
    }
    rows = (await api.get('/records/contractor?limit=500')).body.data as Rec[];
  });

  const uuid = fc.oneof(fc.constantFrom(...Array.from({ length: 10 }, (_, i) => i)).map((i) => ids[i]!), fc.uuid());
  const uuidOps = () => ({ eq: uuid, ne: uuid, in: fc.array(uuid, { minLength: 1, maxLength: 3 }), nin: fc.array(uuid, { minLength: 1, maxLength: 3 }), isNull: bool });
  const textOps = (values: fc.Arbitrary<string>) => ({ eq: values, ne: values, in: fc.array(values, { minLength: 1, maxLength: 3 }), nin: fc.array(values, { minLength: 1, maxLength: 3 }), isNull: bool, contains: values, startsWith: values });
  const names = fc.oneof(text, fc.constantFrom('Alfa Budowa', 'Beta', 'ala', 'Żółć 100%', "O'Brien \\ Sons"));
  const cities = fc.oneof(text, fc.constantFrom('Kraków', 'kraków', 'Łódź', 'Gdańsk', '  '));
  const amount = fc.constantFrom(0, 99.99, 1250.5, 1000000, -1, 500);
  const day = fc.constantFrom('2019-12-31', '2020-03-01', '2020-03-02', '2024-02-29', '2021-01-01');

  const valid = fc.oneof(
    validLeaf('name', (r) => r.name, textOps(names)),
    validLeaf('city', (r) => r.city, textOps(cities)),
    validLeaf('kind', (r) => r.kind, { eq: fc.constantFrom('company', 'person'), ne: fc.constantFrom('company', 'person'), in: fc.subarray(['company', 'person'], { minLength: 1 }), isNull: bool }),
    validLeaf('employees', (r) => r.employees, orderedOps(fc.integer({ min: -1, max: 110 }))),
    validLeaf('turnover', (r) => (r.turnover as { amount: number } | null)?.amount ?? null, orderedOps(amount)),
    validLeaf('since', (r) => r.since, orderedOps(day)),
    validLeaf('parent', (r) => r.parent, uuidOps()),
    validLeaf('id', (r) => r.id, uuidOps()),
    validLeaf('version', (r) => r.version, { eq: fc.constantFrom(1, 2), gte: fc.constantFrom(0, 1, 2) }),
  );
  const SYSTEM = ['id', 'version', 'created_at', 'created_by', 'updated_at', 'updated_by', 'deleted_at', 'deleted_by', 'owner'];
  const FIELDS = ['name', 'tax_id', 'kind', 'city', 'employees', 'turnover', 'email', 'since', 'parent'];
  const known = [...FIELDS, ...SYSTEM];
  const invalid: fc.Arbitrary<Leaf> = fc.oneof(
    // Names that are not fields of contractor, above all the members of every object.
    fc.tuple(hostileName(OBJECT_MEMBERS).filter((n) => !known.includes(n) && n !== 'and' && n !== 'or' && n !== 'not'), fc.oneof(hostileJson, text)).map(([field, value]) => ({ field, op: null, value })),
    fc.tuple(fc.constantFrom(...known), fc.oneof(fc.constantFrom(...OBJECT_MEMBERS), fc.constantFrom('like', 'raw', 'EQ', '')), text).map(([field, op, value]) => ({ field, op, value })),
    fc.tuple(fc.constantFrom('name', 'city'), fc.constantFrom('eq', 'contains', 'startsWith'), unstorableText).map(([field, op, value]) => ({ field, op, value })),
    fc.tuple(fc.constantFrom('employees', 'turnover', 'since', 'parent', 'id'), fc.constantFrom('eq', 'gt', 'contains'), fc.constantFrom('abc', '', '2024-02-30', 'x'.repeat(1001))).map(([field, op, value]) => ({ field, op, value })),
    fc
      .tuple(fc.constantFrom('name', 'employees'), fc.constantFrom('in', 'isNull', 'between'), fc.constantFrom<unknown>([], 'maybe', { a: 1 }))
      // "maybe" is a one-item list for `in` on a text field, which is valid.
      .filter(([field, op, value]) => !(field === 'name' && op === 'in' && value === 'maybe'))
      .map(([field, op, value]) => ({ field, op, value })),
  );
  const terms = fc.uniqueArray(fc.oneof({ arbitrary: valid, weight: 6 }, invalid), { minLength: 1, maxLength: 3, selector: (l) => l.field });
  const filterTree = fc.letrec<{ node: FilterNode }>((tie) => ({
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      { arbitrary: terms.map((leaves): FilterNode => ({ kind: 'terms', leaves })), weight: 3 },
      fc.array(tie('node'), { maxLength: 3 }).map((items): FilterNode => ({ kind: 'and', items })),
      fc.array(tie('node'), { maxLength: 3 }).map((items): FilterNode => ({ kind: 'or', items })),
      tie('node').map((item): FilterNode => ({ kind: 'not', item })),
    ),
  })).node;

  const sortParam = fc.option(fc.array(fc.tuple(fc.constantFrom('', '-'), hostileName(['name', 'city', 'employees', 'turnover', 'since', 'id', 'created_at', 'kind', 'parent'])).map(([s, n]) => `${s}${n}`), { minLength: 1, maxLength: 3 }), { nil: undefined });
  const fieldsParam = fc.option(fc.array(hostileName(['name', 'city', 'id', 'version', 'employees']), { minLength: 1, maxLength: 3 }), { nil: undefined });
  /** A comma-separated parameter as the API splits it. */
  const items = (list: readonly string[]) => list.join(',').split(',').map((s) => s.trim());
  const searchParam = fc.option(fc.oneof({ arbitrary: fc.oneof(text, cities, names), weight: 4 }, unstorableText, fc.constant(' '), fc.constant('a'.repeat(201))), { nil: undefined });
  const countParam = fc.option(fc.constantFrom('true', 'false', 'maybe', '1'), { nil: undefined });

  test('a list is exactly what its filter and search select, or a 400 pointing at what is wrong', async () => {
    await fc.assert(
      fc.asyncProperty(filterTree, sortParam, fieldsParam, searchParam, countParam, async (tree, sort, fields, search, count) => {
        const filter = filterJson(tree);
        const query = new URLSearchParams({ limit: '500', filter: JSON.stringify(filter) });
        if (sort) query.set('sort', sort.join(','));
        if (fields) query.set('fields', fields.join(','));
        if (search !== undefined) query.set('search', search);
        if (count !== undefined) query.set('count', count);
        const res = await api.get(`/records/contractor?${query.toString().replace(/\+/g, '%20')}`);
        expectNoServerError(res, `GET ${decodeURIComponent(query.toString())}`);
        const pointers = res.status === 400 ? (res.body.errors as { pointer: string }[]).map((e) => e.pointer) : [];
        /** The answer is a 400 naming this parameter (or these filter terms), checked in the order the API checks. */
        const refusedAt = (...expected: string[]) => {
          expect(res.status).toBe(400);
          for (const at of expected) expect({ at, found: pointers.some((p) => p === at || p.startsWith(`${at}/`)) }).toEqual({ at, found: true });
        };
        // URLSearchParams sends a lone surrogate as U+FFFD, which is text like any other.
        const term = search?.toWellFormed().trim() ?? '';
        // A NUL anywhere in the query string is refused before any parameter is looked at.
        const withNul = Object.entries({ sort: sort?.join(','), fields: fields?.join(','), search }).filter(([, v]) => v?.includes('\u0000'));
        if (withNul.length) return refusedAt(...withNul.map(([name]) => `/query/${name}`));
        if (count !== undefined && count !== 'true' && count !== 'false') return refusedAt('/query/count');
        const badTerms = invalidTerms(tree);
        if (badTerms.length) return refusedAt(...badTerms);
        const sortParts = sort && sort.join(',').trim() ? items(sort) : [];
        if (sortParts.length > 4 || sortParts.some((s) => !known.includes(s.replace(/^[-+]/, '')))) return refusedAt('/query/sort');
        if (fields && items(fields).some((f) => f !== '' && (!known.includes(f) || f === 'deleted_by'))) return refusedAt('/query/fields');
        if (term.length > 200) return refusedAt('/query/search');
        expect(res.status).toBe(200);
        const haystack = (r: Rec) => fold([r.name, r.tax_id, r.city].map((v) => v ?? '').join(' '));
        const expected = rows.filter((r) => evaluate(tree, r) === true && (term === '' || haystack(r).includes(fold(term)))).map((r) => r.id);
        expect((res.body.data as Rec[]).map((r) => r.id).sort()).toEqual(expected.sort());
        if (count === 'true') expect(res.body.count).toBe(expected.length);
      }),
      {
        numRuns: 100,
        // Shapes a random tree rarely has where they matter: groups of nothing, and a member name.
        examples: [
          [{ kind: 'or', items: [] }, undefined, undefined, undefined, 'true'],
          [{ kind: 'not', item: { kind: 'and', items: [] } }, undefined, undefined, undefined, undefined],
          [{ kind: 'or', items: [{ kind: 'terms', leaves: [{ field: 'toString', op: 'eq', value: 'x' }] }] }, undefined, undefined, undefined, undefined],
        ],
      },
    );
  }, 120_000);

  test('a CSV export holds exactly the rows of the same filter', async () => {
    await fc.assert(
      fc.asyncProperty(filterTree, async (tree) => {
        const res = await fetch(`${server.url}/api/records/contractor/export?fields=id&filter=${encodeURIComponent(JSON.stringify(filterJson(tree)))}`, { headers: { authorization: `Bearer ${server.adminToken}` } });
        const body = await res.text();
        expect(res.status).toBeLessThan(500);
        if (invalidTerms(tree).length) return expect(res.status).toBe(400);
        expect(res.status).toBe(200);
        const exported = body.replace(/^\uFEFF/, '').trim().split('\r\n').slice(1).filter(Boolean);
        expect(exported.sort()).toEqual(rows.filter((r) => evaluate(tree, r) === true).map((r) => r.id).sort());
      }),
      { numRuns: 30 },
    );
  }, 60_000);

  test('any query string at all gets an answer below 500', async () => {
    const name = fc.constantFrom('filter', 'sort', 'search', 'fields', 'include', 'count', 'after', 'limit', 'deleted', 'filter[name]', 'filter[constructor]', 'filter[__proto__][eq]', 'filter[name][in][]', 'x');
    const piece = fc.constantFrom('%00', '%FF', '%ED%A0%80', 'constructor', 'toString', '__proto__', '-', '{', '}', '"', ':', '[', ']', ',', 'name', '%', 'a', '1', 'true', 'maybe', '%7B%22name%22%3A%22%5Cu0000%22%7D', 'WyJcdTAwMDAiXQ');
    const raw = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 40 }).map((s) => encodeURIComponent(s.replace(/[\ud800-\udfff]/g, 'x'))),
      fc.array(fc.tuple(name, fc.array(piece, { maxLength: 5 }).map((p) => p.join(''))), { maxLength: 4 }).map((pairs) => pairs.map(([k, v]) => `${k}=${v}`).join('&')),
    );
    await fc.assert(
      fc.asyncProperty(raw, async (queryString) => {
        expectNoServerError(await api.get(`/records/contractor?${queryString}`), queryString);
      }),
      {
        numRuns: 80,
        examples: [['search=%00'], [`filter=${encodeURIComponent('{"name":"\\u0000"}')}`], [`after=${Buffer.from(JSON.stringify(['\u0000', 'x'])).toString('base64url')}`], ['sort=constructor'], ['filter[toString]=x']],
      },
    );
  }, 60_000);
});

// ---- record bodies -----------------------------------------------------------------------------

describe('record bodies under random values', () => {
  const FIELDS = ['name', 'tax_id', 'kind', 'city', 'employees', 'turnover', 'email', 'since', 'parent'];
  let victim = '';
  let other = '';

  beforeAll(async () => {
    victim = (await api.post('/records/contractor', { name: 'Victim', city: 'Kraków', employees: 3 })).body.id as string;
    other = (await api.post('/records/contractor', { name: 'Bystander', city: 'Gdańsk' })).body.id as string;
  });

  /** Text is stored as sent: never with U+FFFD where the client sent something else. */
  const expectStoredAsSent = (row: Record<string, unknown>, values: Record<string, unknown>) => {
    for (const name of ['name', 'city']) if (Object.hasOwn(values, name)) expect({ name, stored: row[name] }).toEqual({ name, stored: values[name] });
  };

  const table = async () => (await env.platform.knex('contractor').select('*').orderBy('id')) as Record<string, unknown>[];

  const fieldValue: Record<string, fc.Arbitrary<unknown>> = {
    name: fc.string({ minLength: 1, maxLength: 30 }),
    tax_id: fc.constantFrom('1234563218', 'RO18547290', null),
    kind: fc.constantFrom('company', 'person'),
    city: fc.option(fc.string({ maxLength: 30 }), { nil: null }),
    employees: fc.option(fc.integer({ min: 0, max: 1_000_000 }), { nil: null }),
    turnover: fc.option(fc.record({ amount: fc.double({ min: -1e6, max: 1e6, noNaN: true }).map((n) => Math.round(n * 100) / 100), currency: fc.constantFrom('PLN', 'EUR', 'RON') }), { nil: null }),
    email: fc.option(fc.emailAddress(), { nil: null }),
    since: fc.option(fc.date({ min: new Date('1900-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)), { nil: null }),
    parent: fc.constantFrom(null, '00000000-0000-4000-8000-000000000000'),
  };
  const hostileValue = fc.oneof(hostileJson, unstorableText, hostileText, fc.constantFrom(1e308, -1, 2 ** 31, 1.5, 'NaN', 1e20), fc.tuple(hostileJson, fc.integer({ min: 60, max: 80 })).map(([v, d]) => nested(v, d, 'object')));
  const entry = fc.oneof(
    { arbitrary: fc.constantFrom(...FIELDS).chain((name) => fieldValue[name]!.map((value) => [name, value] as const)), weight: 4 },
    { arbitrary: fc.tuple(fc.constantFrom('name', 'city'), fc.oneof(unstorableText, hostileText)), weight: 2 },
    fc.tuple(fc.constantFrom(...FIELDS), hostileValue),
    fc.tuple(hostileName(['id', 'version', 'owner', 'created_at', 'deleted_at', 'updated_by']), hostileValue),
  );
  const body = fc.uniqueArray(entry, { maxLength: 4, selector: ([k]) => k }).map((entries) => Object.fromEntries(entries));

  test('a change touches the named record in the fields sent, or nothing at all', async () => {
    await fc.assert(
      fc.asyncProperty(body, async (values) => {
        const before = await table();
        const current = before.find((r) => r.id === victim)!;
        const res = await api.patch(`/records/contractor/${victim}`, asSent(values), { 'if-match': `"${String(current.version)}"` });
        expectNoServerError(res, `PATCH ${JSON.stringify(values)}`);
        const after = await table();
        if (res.status !== 200) return expect(after).toEqual(before);
        const written = new Set(Object.keys(values).flatMap((k) => (k === 'turnover' ? [k, 'turnover_currency'] : [k])));
        const changed = new Set(['version', 'updated_at', 'updated_by', ...written]);
        expectStoredAsSent(after.find((r) => r.id === victim)!, values);
        after.forEach((row, i) => {
          const old = before[i]!;
          if (row.id !== victim) return expect(row).toEqual(old);
          expect(row.version).toBe((old.version as number) + 1);
          for (const column of Object.keys(row)) if (!changed.has(column)) expect({ column, value: row[column] }).toEqual({ column, value: old[column] });
        });
      }),
      { numRuns: 40, examples: [[{ name: 'Nul\u0000' }], [{ city: 'half \ud800' }]] },
    );
  }, 120_000);

  test('a new record is created whole, or nothing is written', async () => {
    await fc.assert(
      fc.asyncProperty(body, async (values) => {
        const before = await table();
        const res = await api.post('/records/contractor', asSent(values));
        expectNoServerError(res, `POST ${JSON.stringify(values)}`);
        const after = await table();
        if (res.status !== 201) return expect(after).toEqual(before);
        expect(after.filter((r) => r.id !== res.body.id)).toEqual(before);
        expectStoredAsSent(after.find((r) => r.id === res.body.id)!, values);
        expect(after).toHaveLength(before.length + 1);
      }),
      { numRuns: 40, examples: [[{ name: 'Nul\u0000' }], [{ name: 'half \udfff' }], [{ name: 'ok', employees: 1e308 }]] },
    );
  }, 120_000);

  test('the bystander was never touched', async () => {
    expect((await api.get(`/records/contractor/${other}`)).body).toMatchObject({ name: 'Bystander', city: 'Gdańsk', version: 1 });
  });
});
