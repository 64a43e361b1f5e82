// Properties of what a request brings in (engine/http/input.ts) under random and hostile input
// (fast-check): the query string parser keeps every parameter it is given or refuses the query
// with a BAD_QUERY (never drops one, never throws anything else), and the body check finds exactly
// the strings and names the database cannot store and the values nested too deep, with pointers.
import fc from 'fast-check';
import { textProblem } from '../../../metadata/index.ts';
import { isTesseraError } from '../../../engine/errors.ts';
import { inputProblems, MAX_JSON_DEPTH, MAX_QUERY_DEPTH, parseQueryString } from '../../../engine/http/input.ts';
import { asSent, hostileJson, nested, OBJECT_MEMBERS, pointerExists, unstorableText } from '../../support/hostile.ts';

const RUNS = { numRuns: 400 };

/** A query key segment: anything but brackets and (qs would read them as arrays) plain indexes. */
const segment = fc
  .oneof({ arbitrary: fc.constantFrom('filter', 'name', 'eq', 'in', 'city', 'or', 'and'), weight: 3 }, fc.constantFrom(...OBJECT_MEMBERS), fc.string({ minLength: 1, maxLength: 6 }), unstorableText)
  .filter((s) => !/[[\]]/.test(s) && !/^\d+$/.test(s) && s.isWellFormed());
const queryValue = fc.oneof(fc.string({ maxLength: 10 }), unstorableText.filter((s) => s.isWellFormed()), fc.constantFrom('', '+', '%', '%zz', 'a,b'));

interface Param {
  readonly path: readonly string[];
  readonly value: string;
}

/** Parameters with distinct names (each one path), as a client would encode them. */
const params = fc.uniqueArray(
  fc.record({ path: fc.array(segment, { minLength: 1, maxLength: 4 }), value: queryValue }),
  { selector: (p) => p.path[0], maxLength: 5 },
);

const encode = (list: readonly Param[]) =>
  list.map(({ path: [name, ...rest], value }) => `${encodeURIComponent(name!)}${rest.map((s) => `[${encodeURIComponent(s)}]`).join('')}=${encodeURIComponent(value)}`).join('&');

const at = (value: unknown, path: readonly string[]) => path.reduce<unknown>((v, k) => (typeof v === 'object' && v !== null && Object.hasOwn(v, k) ? (v as Record<string, unknown>)[k] : undefined), value);

describe('the query string parser', () => {
  test('every parameter arrives at its path, or the query is refused for a reason it has', () => {
    fc.assert(
      fc.property(params, (list) => {
        // Two paths where one is a prefix of the other would merge; keep each parameter separate.
        const text = encode(list);
        const hostile = list.some((p) => p.path.includes('__proto__') || p.path.some((s) => textProblem(s)) || textProblem(p.value));
        let query: Record<string, unknown> | undefined;
        try {
          query = parseQueryString(text);
        } catch (error) {
          if (!isTesseraError(error)) throw error;
          expect(error.code).toBe('BAD_QUERY');
          expect(hostile).toBe(true);
          for (const p of error.problems) expect(p.pointer).toMatch(/^\/query(\/|$)/);
          return;
        }
        expect(hostile).toBe(false);
        for (const p of list) expect(at(query, p.path)).toBe(p.value);
      }),
      RUNS,
    );
  });

  test('no parameter named after an object member is lost, at any level', () => {
    fc.assert(
      fc.property(fc.constantFrom(...OBJECT_MEMBERS.filter((m) => m !== '__proto__')), fc.constantFrom('top', 'filter'), (name, where) => {
        const query = parseQueryString(where === 'top' ? `${name}=x` : `filter[${name}][eq]=x`);
        expect(where === 'top' ? query[name] : at(query, ['filter', name, 'eq'])).toBe('x');
        expect(Object.getPrototypeOf(where === 'top' ? query : query.filter)).toBeNull();
      }),
    );
  });

  test('__proto__ anywhere in a key, too many bracket levels or parameters: a BAD_QUERY, not a cut', () => {
    const refused = (text: string) => {
      try {
        parseQueryString(text);
        return null;
      } catch (error) {
        if (!isTesseraError(error)) throw error;
        return error.problems.map((p) => p.pointer);
      }
    };
    expect(refused('__proto__=1')).toEqual(['/query/__proto__']);
    expect(refused('filter[__proto__][eq]=x')).toEqual(['/query/filter/__proto__']);
    expect(refused('filter[or][0][__proto__]=x')).toEqual(['/query/filter/or/0/__proto__']);
    expect(refused(`filter${'[a]'.repeat(MAX_QUERY_DEPTH)}=x`)).toBeNull();
    expect(refused(`filter${'[a]'.repeat(MAX_QUERY_DEPTH + 1)}=x`)).toEqual(['/query/filter']);
    expect(refused(Array.from({ length: 1001 }, (_, i) => `p${i}=1`).join('&'))).toEqual(['/query']);
    expect(refused('filter[id][in][1000]=1')).toEqual(['/query']);
  });

  test('any string at all: an object or a BAD_QUERY', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary' }), fc.array(fc.constantFrom('[', ']', '=', '&', '%', '%00', '__proto__', 'constructor', 'a', '+', '%5B'), { maxLength: 30 }).map((p) => p.join(''))), (text) => {
        try {
          expect(typeof parseQueryString(text)).toBe('object');
        } catch (error) {
          if (!isTesseraError(error)) throw error;
          expect(error.code).toBe('BAD_QUERY');
        }
      }),
      RUNS,
    );
  });
});

/** What the body check must find: unstorable strings and names, values nested too deep. */
function expectedProblems(value: unknown, pointer = '', depth = 0): string[] {
  if (typeof value === 'string') return textProblem(value) ? [pointer] : [];
  if (typeof value !== 'object' || value === null) return [];
  if (depth >= MAX_JSON_DEPTH) return [pointer];
  return Object.entries(value).flatMap(([key, member]) => {
    const here = `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    return textProblem(key) ? [here] : expectedProblems(member, here, depth + 1);
  });
}

describe('the JSON body check', () => {
  const deepOrNot = fc.oneof(hostileJson, fc.tuple(hostileJson, fc.integer({ min: MAX_JSON_DEPTH - 3, max: MAX_JSON_DEPTH + 3 }), fc.constantFrom('array' as const, 'object' as const)).map(([v, depth, kind]) => nested(v, depth, kind)));

  test('finds exactly the unstorable strings and names and the values nested too deep', () => {
    fc.assert(
      fc.property(deepOrNot, (value) => {
        const sent = asSent(value);
        const found = inputProblems(sent, '').map((p) => p.pointer);
        expect(found.sort()).toEqual(expectedProblems(sent).sort());
        for (const pointer of found) expect(pointerExists(sent, pointer)).toBe(true);
      }),
      RUNS,
    );
  });

  test('a body nested 100,000 deep is refused at the first level too deep, without a stack overflow', () => {
    const deep = JSON.parse(`${'['.repeat(100_000)}${']'.repeat(100_000)}`) as unknown;
    expect(inputProblems(deep, '').map((p) => p.pointer)).toEqual(['/0'.repeat(MAX_JSON_DEPTH)]);
  });
});
