// Properties of the list parameters under random and hostile input (fast-check): sort, fields,
// include and the `after` cursor either resolve every name to a real field of the entity type or
// are refused as a BAD_QUERY with the pointer of each bad item; nothing else is ever thrown.
import fc from 'fast-check';
import { isUuid, queryField, SYSTEM_FIELD_TYPES } from '../../../metadata/index.ts';
import { isTesseraError, type TesseraError } from '../../../engine/errors.ts';
import { checkFields, checkIncludes, decodeCursor, encodeCursor, parseSort, type SortKey } from '../../../engine/records/list.ts';
import { SYSTEM_OUTPUT } from '../../../engine/records/values.ts';
import { asSent, hostileJson, hostileName, hostileText, OBJECT_MEMBERS, unstorableText } from '../../support/hostile.ts';
import { offerEntity } from '../metadata/package-builder.ts';

const offer = offerEntity();
const NAMES = [...offer.fields.map((f) => f.name), ...SYSTEM_FIELD_TYPES.keys()];
const RUNS = { numRuns: 400 };

/** The BAD_QUERY a call throws, or null when it returns; anything else fails the property. */
function refusal(run: () => unknown): TesseraError | null {
  try {
    run();
    return null;
  } catch (error) {
    if (!isTesseraError(error)) throw error;
    expect(error.code).toBe('BAD_QUERY');
    return error;
  }
}

const pointers = (error: TesseraError) => error.problems.map((p) => p.pointer);

describe('sort', () => {
  const part = fc.tuple(fc.constantFrom('', '-', '+'), hostileName(NAMES)).map(([sign, name]) => `${sign}${name}`);

  test('every key names a sortable field, in the order asked; else a 400 naming each bad key', () => {
    fc.assert(
      fc.property(fc.array(part, { minLength: 1, maxLength: 5 }), (parts) => {
        const text = parts.join(',');
        let keys: SortKey[] = [];
        const error = refusal(() => (keys = parseSort(offer, text)));
        const asked = text.trim() ? text.split(',').map((s) => s.trim().replace(/^[-+]/, '')) : offer.defaultSort.map((s) => s.field);
        const sortable = (name: string) => {
          const type = queryField(offer, name)?.type;
          return type !== undefined && type !== null && type !== 'json';
        };
        if (error) {
          const bad = asked.flatMap((name, i) => (sortable(name) ? [] : [`/query/sort/${i}`]));
          expect(pointers(error)).toEqual(bad.length ? bad : ['/query/sort']);
          return;
        }
        expect(asked.every(sortable)).toBe(true);
        expect(keys.slice(0, asked.length).map((k) => k.field)).toEqual(asked);
        expect(keys.some((k) => k.field === 'id')).toBe(true);
      }),
      RUNS,
    );
  });

  test.each(OBJECT_MEMBERS)('"%s" is never a sort key', (name) => {
    expect(pointers(refusal(() => parseSort(offer, `title,-${name}`))!)).toEqual(['/query/sort/1']);
  });
});

describe('fields and include', () => {
  const list = fc.array(hostileName([...NAMES, ...SYSTEM_OUTPUT]), { maxLength: 5 });

  test('fields: the names asked for (and the id), or a 400 per unknown name', () => {
    fc.assert(
      fc.property(list, (names) => {
        let fields: Set<string> | undefined;
        const error = refusal(() => (fields = checkFields(offer, names)));
        const known = (name: string) => offer.fieldsByName.has(name) || (SYSTEM_OUTPUT as readonly string[]).includes(name);
        const bad = names.flatMap((name, i) => (known(name) ? [] : [`/query/fields/${i}`]));
        if (error) expect(pointers(error)).toEqual(bad);
        else {
          expect(bad).toEqual([]);
          expect(fields === undefined ? [] : [...fields].sort()).toEqual(names.length ? [...new Set(['id', ...names])].sort() : []);
        }
      }),
      RUNS,
    );
  });

  test('include: relations only, else a 400 per other name', () => {
    fc.assert(
      fc.property(list, (names) => {
        const error = refusal(() => checkIncludes(offer, names));
        const relation = (name: string) => ['reference', 'manyToMany'].includes(offer.fieldsByName.get(name)?.type ?? '');
        const bad = names.flatMap((name, i) => (relation(name) ? [] : [`/query/include/${i}`]));
        expect(error ? pointers(error) : []).toEqual(bad);
      }),
      RUNS,
    );
  });
});

describe('the after cursor', () => {
  const keys = parseSort(offer, '-sent_at,qty,title,valid_until');
  const valueOf: Record<string, fc.Arbitrary<unknown>> = {
    sent_at: fc.oneof(fc.constant(null), fc.date({ min: new Date('1970-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString().replace('Z', '123Z'))),
    qty: fc.oneof(fc.constant(null), fc.integer()),
    title: fc.oneof(fc.constant(null), fc.string({ maxLength: 3000 }).filter((s) => s.isWellFormed() && !s.includes('\u0000'))),
    valid_until: fc.oneof(fc.constant(null), fc.date({ min: new Date('1970-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10))),
    id: fc.uuid(),
  };

  test('a cursor the list wrote reads back as written (microseconds, long text)', () => {
    fc.assert(
      fc.property(fc.tuple(...keys.map((k) => valueOf[k.field]!)), (cursorValues) => {
        expect(decodeCursor(encodeCursor(cursorValues), keys)).toEqual(cursorValues);
      }),
      RUNS,
    );
  });

  const hostileCursor = fc.oneof(
    fc.string(),
    fc.array(hostileJson, { maxLength: 6 }).map((v) => encodeCursor(asSent(v) as unknown[])),
    fc.tuple(...keys.map((k) => fc.oneof(valueOf[k.field]!, hostileText, unstorableText, hostileJson))).map((v) => encodeCursor(v)),
  );

  test('any other cursor: values that fit their keys, or a 400 at /query/after', () => {
    fc.assert(
      fc.property(hostileCursor, (cursor) => {
        let decoded: unknown[] = [];
        const error = refusal(() => (decoded = decodeCursor(cursor, keys)));
        if (error) return expect(pointers(error)).toEqual(['/query/after']);
        expect(decoded).toHaveLength(keys.length);
        const [sentAt, qty, title, validUntil, id] = decoded;
        expect(sentAt === null || (typeof sentAt === 'string' && !Number.isNaN(Date.parse(sentAt)))).toBe(true);
        expect(qty === null || Number.isFinite(qty)).toBe(true);
        expect(title === null || (typeof title === 'string' && title.isWellFormed() && !title.includes('\u0000'))).toBe(true);
        expect(validUntil === null || (typeof validUntil === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(validUntil))).toBe(true);
        expect(isUuid(id)).toBe(true);
      }),
      RUNS,
    );
  });
});
