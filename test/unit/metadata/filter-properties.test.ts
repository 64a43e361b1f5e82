// Properties of the filter parser under random and hostile input (fast-check): it never throws, a
// filter is either accepted whole or refused with problems, an accepted filter keeps every term it
// was given (a name like "constructor" or "__proto__" is never half-resolved and skipped), every
// problem points at a value the client sent, and text the database cannot store never gets through.
import fc from 'fast-check';
import { FILTER_OPERATORS, filterFields, filterTerms, MAX_FILTER_DEPTH, parseFilter, SYSTEM_FIELD_TYPES, textProblem } from '../../../metadata/index.ts';
import { asSent, hostileJson, hostileName, hostileText, OBJECT_MEMBERS, pointerExists, unstorableText } from '../../support/hostile.ts';
import { offerEntity } from './package-builder.ts';

const UUID = '0b6f4c7e-3f1a-4c2b-9d8e-7a6b5c4d3e2f';

const offer = offerEntity();
const KNOWN = [...offer.fields.map((f) => f.name), ...SYSTEM_FIELD_TYPES.keys()];
const RUNS = { numRuns: 400 };

const operand: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: fc.constantFrom('draft', 'email', 'Servers', UUID, '2024-02-29', '2024-02-30', '2024-01-01T10:00:00Z', true, false, 3, 2.5, '7', '$me', '$myTeams'), weight: 4 },
  hostileText,
  fc.integer(),
  fc.constant(null),
  fc.array(fc.oneof(fc.constantFrom(UUID, 'draft', 1, '2024-01-01'), hostileText), { maxLength: 4 }),
  hostileJson,
);
const operator = fc.oneof({ arbitrary: fc.constantFrom(...FILTER_OPERATORS), weight: 4 }, fc.constantFrom(...OBJECT_MEMBERS), hostileText);
const spec = fc.oneof(operand, fc.dictionary(operator, operand, { maxKeys: 3 }));
const terms = fc.dictionary(hostileName(KNOWN), spec, { maxKeys: 3 });

/** Filters as the language has them (and, or, not, terms), with hostile names, operators and values. */
const filterInput: fc.Arbitrary<unknown> = fc.letrec<{ node: unknown }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    terms,
    fc.record({ and: fc.array(tie('node'), { maxLength: 3 }) }),
    fc.record({ or: fc.array(tie('node'), { maxLength: 3 }) }),
    fc.record({ not: tie('node') }),
    fc.tuple(terms, tie('node')).map(([t, node]) => ({ ...t, and: [node] })),
  ),
})).node;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** (field, operator) pairs a filter input asks for; a bare value is one (eq). */
function countTerms(input: unknown): number {
  if (!isObject(input)) return 0;
  let n = 0;
  for (const [key, value] of Object.entries(input)) {
    if ((key === 'and' || key === 'or') && Array.isArray(value)) n += value.reduce((sum: number, item) => sum + countTerms(item), 0);
    else if (key === 'not') n += countTerms(value);
    else n += isObject(value) ? Object.keys(value).length : 1;
  }
  return n;
}

/**
 * A problem's pointer names what the client sent. Two shapes point one step further: a bare value
 * is reported at `/<field>/eq`, and an item of a comma-separated list at `/<op>/<i>` of a string.
 */
function pointsIntoInput(input: unknown, pointer: string): boolean {
  if (pointerExists(input, pointer)) return true;
  const parent = pointer.slice(0, pointer.lastIndexOf('/'));
  if (!pointerExists(input, parent)) return false;
  const at = parent.slice(1).split('/').reduce<unknown>((v, k) => (v as Record<string, unknown>)[k.replace(/~1/g, '/').replace(/~0/g, '~')], input);
  return pointer.endsWith('/eq') ? !isObject(at) : typeof at === 'string';
}

function check(input: unknown): void {
  const sent = asSent(input);
  const { filter, problems } = parseFilter(offer, sent, '');
  // Accepted whole or refused with problems: never both, never neither.
  expect(filter === null).toBe(problems.length > 0);
  for (const p of problems) expect({ pointer: p.pointer, resolves: pointsIntoInput(sent, p.pointer) }).toEqual({ pointer: p.pointer, resolves: true });
  if (!filter) return;
  // No term dropped: one leaf per (field, operator) asked for, each on a real field.
  expect(filterFields(filter)).toHaveLength(countTerms(sent));
  for (const leaf of filterTerms(filter)) {
    expect(offer.fieldsByName.has(leaf.field) || SYSTEM_FIELD_TYPES.has(leaf.field)).toBe(true);
    if ('value' in leaf) for (const v of [leaf.value].flat()) if (typeof v === 'string') expect(textProblem(v)).toBeNull();
  }
}

describe('the filter parser under random input', () => {
  test('filters of the language with hostile names, operators and values', () => {
    fc.assert(fc.property(filterInput, (input) => check(input)), RUNS);
  });

  test('any JSON value at all', () => {
    fc.assert(fc.property(hostileJson, (input) => check(input)), RUNS);
  });

  test('a term on a name every object has is refused, wherever it stands', () => {
    fc.assert(
      fc.property(filterInput, fc.constantFrom(...OBJECT_MEMBERS), operand, (input, name, value) => {
        const sent = asSent({ and: [input, { [name]: value }] });
        const { filter, problems } = parseFilter(offer, sent, '/query/filter');
        expect(filter).toBeNull();
        expect(problems.map((p) => p.pointer)).toContain(`/query/filter/and/1/${name}`);
      }),
      RUNS,
    );
  });

  test('text the database cannot store is refused with the pointer of the value', () => {
    fc.assert(
      fc.property(unstorableText, fc.constantFrom('eq', 'ne', 'contains', 'startsWith', 'in'), (text, op) => {
        const { problems } = parseFilter(offer, asSent({ title: { [op]: op === 'in' ? ['ok', text] : text } }), '/query/filter');
        expect(problems.map((p) => p.pointer)).toEqual([op === 'in' ? `/query/filter/title/in/1` : `/query/filter/title/${op}`]);
      }),
      RUNS,
    );
  });

  test(`nesting is accepted to ${MAX_FILTER_DEPTH} levels and refused past them, at the first level too deep`, () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 60 }), fc.constantFrom('not', 'and', 'or'), (depth, kind) => {
        let input: unknown = { qty: { gt: 1 } };
        for (let i = 0; i < depth; i++) input = kind === 'not' ? { not: input } : { [kind]: [input] };
        const { filter, problems } = parseFilter(offer, input, '');
        const step = kind === 'not' ? '/not' : `/${kind}/0`;
        if (depth <= MAX_FILTER_DEPTH) expect(filter).not.toBeNull();
        else expect(problems).toEqual([{ pointer: step.repeat(MAX_FILTER_DEPTH + 1), message: `filter is nested too deeply (${MAX_FILTER_DEPTH} levels at most)` }]);
      }),
      RUNS,
    );
  });
});
