// Reference targets that are platform tables (users, teams) rather than entity types: which of their
// rows a reference may name, and what an include embeds. One code path serves every platform target;
// only what differs between them (which rows are live, which columns anyone may see) is listed here.
import type { Knex } from 'knex';
import { PLATFORM_SCHEMA, TEAM_TARGET, USER_TARGET, type PlatformTarget } from '../../metadata/index.ts';
import type { Access } from '../access/index.ts';
import type { ApiRecord } from './values.ts';

interface PlatformRows {
  /** Narrows a query to the rows a new reference may name. */
  live(query: Knex.QueryBuilder): Knex.QueryBuilder;
  /** Columns an include embeds, for this user. */
  columns(access: Access): readonly string[];
}

const ROWS: Readonly<Record<PlatformTarget['name'], PlatformRows>> = {
  // Active users only; their public columns, the e-mail only for those who administer users (like the directory).
  [USER_TARGET]: {
    live: (query) => query.where('active', true),
    columns: (access) => (access.unrestricted || access.can('administerUsers') ? ['id', 'login', 'display_name', 'email'] : ['id', 'login', 'display_name']),
  },
  // Every team; the team list (GET /api/teams) is open to every signed-in user too.
  [TEAM_TARGET]: {
    live: (query) => query,
    columns: () => ['id', 'name', 'label'],
  },
};

const tableOf = (target: PlatformTarget) => `${PLATFORM_SCHEMA}.${target.table}`;

/**
 * Ids among `ids` that a reference to this platform target may name. The rows are held FOR SHARE: a
 * concurrent delete waits for the writer (and then sees the new dependent), or the writer for it.
 */
export async function livePlatformIds(trx: Knex.Transaction, target: PlatformTarget, ids: readonly string[]): Promise<Set<string>> {
  const held = heldRows.get(trx)?.get(target.name);
  const live = new Set(held ? ids.filter((id) => held.has(id)) : []);
  const rest = ids.filter((id) => !live.has(id));
  if (rest.length === 0) return live;
  const query = ROWS[target.name].live(trx(tableOf(target)).whereIn('id', rest)).forShare();
  for (const row of (await query.select('id')) as { id: string }[]) live.add(row.id);
  return live;
}

/** Per transaction and platform target: ids its caller read live and holds FOR SHARE (see holdLivePlatformRows). */
const heldRows = new WeakMap<Knex.Transaction, Map<PlatformTarget['name'], Set<string>>>();

/**
 * Tells the reference check that `trx` already read these rows of a platform target as live (the
 * target's `live` condition, e.g. an active user) with FOR SHARE: the lock keeps them so until the
 * transaction ends, so a reference to them in it need not read them again. A workflow's user task
 * reads its assignee's language that way, and its activity's assignee check costs no statement.
 */
export function holdLivePlatformRows(trx: Knex.Transaction, target: PlatformTarget['name'], ids: readonly string[]): void {
  let byTarget = heldRows.get(trx);
  if (!byTarget) heldRows.set(trx, (byTarget = new Map()));
  let held = byTarget.get(target);
  if (!held) byTarget.set(target, (held = new Set()));
  for (const id of ids) held.add(id);
}

/** Replaces the ids in `field` of each record by the row of the platform target it names (ids with no row stay as they are). */
export async function includePlatformRows(db: Knex | Knex.Transaction, target: PlatformTarget, records: ApiRecord[], field: string, access: Access): Promise<void> {
  const ids = [...new Set(records.map((r) => r[field]).filter((v): v is string => typeof v === 'string'))];
  if (ids.length === 0) return;
  const rows = (await db(tableOf(target)).whereIn('id', ids).select(ROWS[target.name].columns(access))) as ApiRecord[];
  const byId = new Map(rows.map((row) => [row.id as string, row]));
  for (const r of records) if (typeof r[field] === 'string') r[field] = byId.get(r[field] as string) ?? r[field];
}
