// The database look-ups of an import chunk: references given as text (a name, number, tax id or
// e-mail of the target record, or its id) and the existing records matching the duplicate key. One
// query per field and chunk, not per row. They read the tables directly for ids only; the records
// service then checks the user may link what was found, as for any write.
import type { Knex } from 'knex';
import { compactTaxId, isUuid, type EntityModel, type Field } from '../../metadata/index.ts';

export type MatchColumn = { readonly column: string; readonly fold: 'lower' | 'taxId' | 'exact' };

/** The columns a text may name a record of this type by: its display field, number, tax ids and e-mails. */
export function matchColumns(entity: EntityModel): MatchColumn[] {
  const columns: MatchColumn[] = [{ column: entity.displayField, fold: 'lower' }];
  if (entity.numbering && entity.numbering.field !== entity.displayField) columns.push({ column: entity.numbering.field, fold: 'exact' });
  for (const f of entity.fields) {
    if (f.name === entity.displayField) continue;
    if (f.type === 'taxId') columns.push({ column: f.name, fold: 'taxId' });
    else if (f.type === 'email') columns.push({ column: f.name, fold: 'lower' });
  }
  return columns;
}

export function keyOf(field: Field, value: unknown): string | null {
  if (value === null || value === undefined || value === '') return null;
  const text = String(value).trim();
  if (field.type === 'taxId') return compactTaxId(text);
  if (field.type === 'email' || field.type === 'string') return text.toLocaleLowerCase('pl');
  return text;
}

/** The stored forms a text may match: a Polish NIP written with its EU prefix ("PL 526…") is stored without it too. */
function foldFor(fold: MatchColumn['fold'], text: string): string[] {
  if (fold === 'taxId') {
    const compact = compactTaxId(text);
    return /^PL\d{10}$/.test(compact) ? [compact, compact.slice(2)] : [compact];
  }
  return [fold === 'lower' ? text.toLocaleLowerCase('pl') : text];
}

/** Text → ids of live records of `target` it names (an id; or an exact name, number, tax id, e-mail). */
export async function resolveTexts(db: Knex | Knex.Transaction, target: EntityModel, texts: ReadonlySet<string>): Promise<Map<string, string[]>> {
  const found = new Map<string, Set<string>>();
  for (const t of texts) found.set(t, new Set());
  const ids = [...texts].filter(isUuid);
  if (ids.length) {
    for (const row of (await db(target.table).whereIn('id', ids).whereNull('deleted_at').select('id')) as { id: string }[]) found.get(row.id)?.add(row.id);
  }
  for (const { column, fold } of matchColumns(target)) {
    const byValue = new Map<string, string[]>();
    for (const t of texts) for (const v of foldFor(fold, t.trim())) if (v) byValue.set(v, [...(byValue.get(v) ?? []), t]);
    if (byValue.size === 0) continue;
    const expr = fold === 'lower' ? db.raw('lower(??)', [column]) : db.raw('??', [column]);
    const rows = (await db(target.table)
      .whereNull('deleted_at')
      .whereIn(expr as unknown as string, [...byValue.keys()])
      .select('id', db.raw('?? as matched', [column]))) as { id: string; matched: string }[];
    for (const row of rows) for (const t of byValue.get(foldFor(fold, String(row.matched))[0]!) ?? []) found.get(t)!.add(row.id);
  }
  return new Map([...found].map(([t, set]) => [t, [...set]]));
}

/** Key → live records of the entity with that key value (id and version), for the duplicate check. */
export async function existingByKey(db: Knex | Knex.Transaction, entity: EntityModel, key: Field, keys: readonly string[]): Promise<Map<string, { id: string; version: number }[]>> {
  const result = new Map<string, { id: string; version: number }[]>();
  if (keys.length === 0) return result;
  const lower = key.type === 'email' || key.type === 'string';
  const expr = lower ? db.raw('lower(??)', [key.name]) : db.raw('??::text', [key.name]);
  const rows = (await db(entity.table).whereNull('deleted_at').whereIn(expr as unknown as string, keys).select('id', 'version', db.raw('?? as key', [key.name]))) as { id: string; version: number; key: unknown }[];
  for (const row of rows) {
    const k = keyOf(key, row.key);
    if (k !== null) result.set(k, [...(result.get(k) ?? []), { id: row.id, version: row.version }]);
  }
  return result;
}
