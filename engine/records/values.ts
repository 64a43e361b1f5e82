// Row ↔ record: the API shape of a record (money as {amount, currency}, ISO date-times, many-to-many
// as [{id, role}]) and the columns a write touches. Pure.
import { compactTaxId, CURRENCY_SUFFIX, defaultValues, normalizeUrl, type DefaultContext, type EntityModel, type Field } from '../../metadata/index.ts';

export type ApiRecord = Record<string, unknown>;
export type Row = Record<string, unknown>;

export const SYSTEM_OUTPUT = ['id', 'version', 'created_at', 'created_by', 'updated_at', 'updated_by', 'deleted_at', 'owner'] as const;

const iso = (v: unknown): unknown => (v instanceof Date ? v.toISOString() : v);

/** A link of a many-to-many field. */
export interface Link {
  readonly id: string;
  readonly role?: string;
}

export function rowToRecord(entity: EntityModel, row: Row, links?: ReadonlyMap<string, readonly Link[]>, fields?: ReadonlySet<string>): ApiRecord {
  const record: ApiRecord = {};
  for (const name of SYSTEM_OUTPUT) if (!fields || fields.has(name) || name === 'id') record[name] = iso(row[name] ?? null);
  for (const field of entity.fields) {
    if (fields && !fields.has(field.name)) continue;
    record[field.name] = fieldValue(field, row, links);
  }
  return record;
}

function fieldValue(field: Field, row: Row, links?: ReadonlyMap<string, readonly Link[]>): unknown {
  switch (field.type) {
    case 'money': {
      const amount = row[field.name];
      if (amount === null || amount === undefined) return null;
      return { amount: Number(amount), currency: row[`${field.name}${CURRENCY_SUFFIX}`] };
    }
    case 'manyToMany':
      return links?.get(field.name) ?? [];
    case 'datetime':
      return iso(row[field.name] ?? null);
    default:
      return row[field.name] ?? null;
  }
}

/** Column values of the fields present in `values` (many-to-many excluded: they go to join tables). */
export function recordToColumns(entity: EntityModel, values: Readonly<ApiRecord>): Row {
  const row: Row = {};
  for (const field of entity.fields) {
    if (!Object.hasOwn(values, field.name) || field.type === 'manyToMany') continue;
    const value = values[field.name];
    switch (field.type) {
      case 'money': {
        const money = value as { amount: number; currency: string } | null;
        row[field.name] = money ? money.amount : null;
        row[`${field.name}${CURRENCY_SUFFIX}`] = money ? money.currency : null;
        break;
      }
      case 'json':
        row[field.name] = value === null || value === undefined ? null : JSON.stringify(value);
        break;
      case 'taxId':
        row[field.name] = typeof value === 'string' ? compactTaxId(value) : null;
        break;
      case 'email':
        row[field.name] = typeof value === 'string' ? value.trim().toLowerCase() : null;
        break;
      case 'url':
        // A bare domain (instal-serwis.pl) is stored as https://instal-serwis.pl.
        row[field.name] = typeof value === 'string' ? (normalizeUrl(value) ?? value) : null;
        break;
      default:
        row[field.name] = value ?? null;
    }
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
