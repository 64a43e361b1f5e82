// A row → API record converter compiled once per entity type (per model version) and field
// selection. rowToRecord used to look up each field's type module and test the selection for
// every field of every row; a list of 20 rows did that 20 times over. The compiled reader keeps
// the same assignments in the same order (the same keys, values and key order, so the same JSON)
// and only loses the per-row interpretation (docs/deployment.md, "Rows read once per type").
import { columnValue, fieldTypeOf, type EntityModel, type FieldLink } from '../../metadata/index.ts';

type Row = Readonly<Record<string, unknown>>;
type Links = ReadonlyMap<string, readonly FieldLink[]> | undefined;
export type RowReader = (row: Row, links?: Links) => Record<string, unknown>;

/** The system columns every record carries (values.ts re-exports it). */
export const SYSTEM_OUTPUT = ['id', 'version', 'created_at', 'created_by', 'updated_at', 'updated_by', 'deleted_at', 'owner'] as const;

type Part = { readonly name: string; readonly read: (row: Row, links: Links) => unknown };

const iso = (v: unknown): unknown => (v instanceof Date ? v.toISOString() : v);

// Whole records (no selection) are what lists, gets and writes present: one reader per entity
// model, dropped with the model it was compiled from.
const wholeReaders = new WeakMap<EntityModel, RowReader>();

/** The converter of `entity`'s rows, restricted to `fields` (the id always comes) when given. */
export function rowReader(entity: EntityModel, fields?: ReadonlySet<string>): RowReader {
  if (fields) return compile(entity, fields);
  let reader = wholeReaders.get(entity);
  if (!reader) {
    reader = compile(entity, undefined);
    wholeReaders.set(entity, reader);
  }
  return reader;
}

function compile(entity: EntityModel, fields: ReadonlySet<string> | undefined): RowReader {
  const system = SYSTEM_OUTPUT.filter((name) => !fields || fields.has(name) || name === 'id');
  const parts: Part[] = [];
  for (const field of entity.fields) {
    if (fields && !fields.has(field.name)) continue;
    const module = fieldTypeOf(field);
    const name = field.name;
    // Most types read their own column as it is: no call into the type module per row.
    parts.push(module.fromRow === columnValue ? { name, read: (row) => row[name] ?? null } : { name, read: (row, links) => module.fromRow(field, row, links) });
  }
  return (row, links) => {
    const record: Record<string, unknown> = {};
    for (let i = 0; i < system.length; i++) {
      const name = system[i]!;
      record[name] = iso(row[name] ?? null);
    }
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i]!;
      record[part.name] = part.read(row, links);
    }
    return record;
  };
}
