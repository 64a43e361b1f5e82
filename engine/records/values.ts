// Row ↔ record: the API shape of a record (money as {amount, currency}, ISO date-times, many-to-many
// as [{id, role}]) and the columns a write touches. Pure.
import { rowReader } from './row-reader.ts';
import { defaultValues, fieldTypeOf, type DefaultContext, type EntityModel, type FieldLink } from '../../metadata/index.ts';

export type ApiRecord = Record<string, unknown>;
export type Row = Record<string, unknown>;

export { SYSTEM_OUTPUT } from './row-reader.ts';

/** A link of a many-to-many field. */
export type Link = FieldLink;

/** The API record of a row (compiled once per entity type and selection: row-reader.ts). */
export function rowToRecord(entity: EntityModel, row: Row, links?: ReadonlyMap<string, readonly Link[]>, fields?: ReadonlySet<string>): ApiRecord {
  return rowReader(entity, fields)(row, links);
}

/** Column values of the fields present in `values` (many-to-many write none: they go to join tables). */
export function recordToColumns(entity: EntityModel, values: Readonly<ApiRecord>): Row {
  const row: Row = {};
  for (const field of entity.fields) {
    if (Object.hasOwn(values, field.name)) fieldTypeOf(field).toColumns(field, values[field.name], row);
  }
  return row;
}

/**
 * Defaults for a new record (metadata/defaults.ts): literals, "$today", "$now", "$me", an activity
 * kind's defaults (only for its own fields), and each state field's first initial state.
 */
export function defaultsFor(entity: EntityModel, kind: unknown, ctx: DefaultContext): ApiRecord {
  return defaultValues(entity, kind, ctx);
}
