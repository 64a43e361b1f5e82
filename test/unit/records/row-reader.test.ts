// The compiled row reader (engine/records/row-reader.ts) against the per-row interpretation it
// replaced: for every field type, values of every shape a row may hold, with and without links and
// a field selection, the records must be the same (keys, key order and values, so the same JSON).
import { FIELD_TYPES, fieldTypeOf, type EntityModel, type FieldLink, type FieldType } from '../../../metadata/index.ts';
import { rowReader, SYSTEM_OUTPUT } from '../../../engine/records/row-reader.ts';
import { rowToRecord } from '../../../engine/records/values.ts';

type Row = Record<string, unknown>;
type Links = ReadonlyMap<string, readonly FieldLink[]>;

// The code before the reader, as it was (values.ts rowToRecord).
function interpreted(entity: EntityModel, row: Row, links?: Links, fields?: ReadonlySet<string>): Row {
  const iso = (v: unknown): unknown => (v instanceof Date ? v.toISOString() : v);
  const record: Row = {};
  for (const name of SYSTEM_OUTPUT) if (!fields || fields.has(name) || name === 'id') record[name] = iso(row[name] ?? null);
  for (const field of entity.fields) {
    if (fields && !fields.has(field.name)) continue;
    record[field.name] = fieldTypeOf(field).fromRow(field, row, links);
  }
  return record;
}

const types = Object.keys(FIELD_TYPES) as FieldType[];
// One field of every type, and a field named like a system column (it overwrites that column's value in place).
const entity = {
  name: 'matrix',
  table: 'matrix',
  fields: [...types.map((type) => ({ id: `m.${type}`, name: `f_${type}`, type, label: { en: type } })), { id: 'm.owner', name: 'owner', type: 'string', label: { en: 'o' } }],
} as unknown as EntityModel;

const at = new Date('2026-12-06T05:43:01.123Z');
const shapes: readonly unknown[] = [null, undefined, at, '2026-12-06', 'text', 0, 42, '12.50', true, false, { a: [1, 'x'] }, ['a', 'b']];

function rowOf(shape: number): Row {
  const row: Row = { id: `00000000-0000-4000-8000-00000000000${shape % 10}`, version: shape, created_at: at, created_by: null, updated_at: shapes[shape % shapes.length], owner: 'u1' };
  types.forEach((type, i) => {
    const value = shapes[(shape + i) % shapes.length];
    if (value !== undefined) row[`f_${type}`] = value;
    if (type === 'money') row[`f_${type}_currency`] = shape % 2 ? 'PLN' : null;
  });
  return row;
}

const links: Links = new Map([[`f_manyToMany`, [{ id: 't1', role: 'lead' }, { id: 't2' }]]]);
const selections: readonly (ReadonlySet<string> | undefined)[] = [
  undefined,
  new Set(['f_money', 'f_datetime', 'created_at', 'f_secret']),
  new Set(['version', 'owner', 'f_manyToMany', 'f_lines', 'f_json']),
  new Set<string>(),
];

describe('compiled row reader', () => {
  it('gives the records the per-row interpretation gave, for every field type and value shape', () => {
    expect(types).toEqual(expect.arrayContaining(['money', 'datetime', 'secret', 'manyToMany', 'lines', 'reference', 'date']));
    let compared = 0;
    for (const fields of selections) {
      for (let shape = 0; shape < shapes.length * 2; shape++) {
        for (const withLinks of [undefined, links]) {
          const row = rowOf(shape);
          const before = interpreted(entity, row, withLinks, fields);
          const after = rowReader(entity, fields)(row, withLinks);
          expect(Object.keys(after)).toEqual(Object.keys(before));
          expect(JSON.stringify(after)).toBe(JSON.stringify(before));
          expect(after).toEqual(before);
          expect(rowToRecord(entity, row, withLinks, fields)).toEqual(before);
          compared++;
        }
      }
    }
    expect(compared).toBe(selections.length * shapes.length * 4);
  });

  it('is compiled once per entity model for whole records', () => {
    expect(rowReader(entity)).toBe(rowReader(entity));
    const other = { ...entity } as EntityModel;
    expect(rowReader(other)).not.toBe(rowReader(entity));
  });
});
