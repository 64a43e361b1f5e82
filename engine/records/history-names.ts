// Names of the records an audit trail's reference values point at, so the history reads
// "Client: ∅ → Stalbud Sp. z o.o." instead of an id. Names come with the reader's rights: a record
// they may not read (or one that is gone) gets null, which the app shows as a neutral placeholder,
// never its name. Users and teams are named by their display name and label (the directory is open
// to every signed-in user).
import type { Knex } from 'knex';
import { isUuid, platformTarget, PLATFORM_SCHEMA, type EntityModel } from '../../metadata/index.ts';
import { isTesseraError } from '../errors.ts';
import type { ApiRecord } from './values.ts';

/** Reads the display titles of some records of a type with the reader's rights (ids → title). */
export type ReadTitles = (entity: string, ids: readonly string[]) => Promise<ReadonlyMap<string, string>>;

/** Ids a changed value of a reference or many-to-many field holds (an id, or links `{id}`). */
function idsOf(value: unknown): string[] {
  if (typeof value === 'string') return isUuid(value) ? [value] : [];
  if (Array.isArray(value)) return value.flatMap((v) => (typeof v === 'string' ? idsOf(v) : v && typeof v === 'object' && typeof (v as { id?: unknown }).id === 'string' ? idsOf((v as { id: string }).id) : []));
  return [];
}

/** The ids each target type is referenced by in these changes (entity or platform target name → ids). */
export function referencedIds(entity: EntityModel, changes: readonly Readonly<Record<string, unknown>>[]): Map<string, Set<string>> {
  const byTarget = new Map<string, Set<string>>();
  for (const change of changes) {
    for (const [name, pair] of Object.entries(change)) {
      const field = entity.fieldsByName.get(name);
      if (!field || (field.type !== 'reference' && field.type !== 'manyToMany') || !Array.isArray(pair)) continue;
      const ids = byTarget.get(field.target) ?? new Set<string>();
      for (const value of pair) for (const id of idsOf(value)) ids.add(id);
      byTarget.set(field.target, ids);
    }
  }
  return byTarget;
}

/** Titles of the referenced records the reader may read; every other referenced id maps to null. */
export async function referenceNames(db: Knex | Knex.Transaction, entity: EntityModel, changes: readonly Readonly<Record<string, unknown>>[], readTitles: ReadTitles): Promise<Record<string, string | null>> {
  const names: Record<string, string | null> = {};
  for (const [target, idSet] of referencedIds(entity, changes)) {
    const ids = [...idSet];
    for (const id of ids) names[id] = null;
    const platform = platformTarget(target);
    let titles: ReadonlyMap<string, string>;
    if (platform) {
      const column = platform.name === 'user' ? 'display_name' : 'label';
      const rows = (await db(`${PLATFORM_SCHEMA}.${platform.table}`).whereIn('id', ids).select('id', column)) as ApiRecord[];
      titles = new Map(rows.map((r) => [r.id as string, String(r[column] ?? '')]));
    } else {
      try {
        titles = await readTitles(target, ids);
      } catch (error) {
        // A type the reader may not list at all (or whose title field they may not see): no names.
        if (isTesseraError(error) && ['FORBIDDEN', 'BAD_QUERY', 'UNKNOWN_ENTITY'].includes(error.code)) continue;
        throw error;
      }
    }
    for (const [id, title] of titles) if (title) names[id] = title;
  }
  return names;
}
