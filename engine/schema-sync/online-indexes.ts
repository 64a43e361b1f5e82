// Indexes built without holding off writes (PhysicalIndex.online: an indexed report's). On a
// PostgreSQL server the apply's transaction leaves them out, and once it has committed they are built
// with CREATE INDEX CONCURRENTLY, which takes only SHARE UPDATE EXCLUSIVE on the table: records are
// written meanwhile. CONCURRENTLY cannot run in a transaction, so a build that fails or is interrupted
// (a cancel, a crash) leaves an INVALID index behind instead of rolling back; every apply therefore
// also looks for those and builds them again. A rebuild builds the new definition beside the old one
// (name + `_next`), which serves until then, drops the old one concurrently and renames the new one:
// a `_next` index found later means a rebuild did not finish. The embedded database (PGlite, one
// backend, no concurrent sessions to spare) builds them within the apply instead.
import { isDeepStrictEqual } from 'node:util';
import type { Knex } from 'knex';
import { physicalSchema, RECORD_SCHEMA, type MigrationPlan, type Model, type PackageFiles, type PhysicalIndex } from '../../metadata/index.ts';
import { databaseMessage } from '../db/errors.ts';
import { validated } from './apply.ts';
import { indexSql } from './sql.ts';

export interface OnlineIndexBuild {
  readonly table: string;
  readonly name: string;
  /** failed: the metadata is applied, the index is not (an INVALID one is left); the next apply builds it again. */
  readonly outcome: 'built' | 'rebuilt' | 'failed';
  readonly reason?: string;
}

interface OnlineIndexWork {
  readonly table: string;
  readonly index: PhysicalIndex;
  readonly replaces: boolean;
}

/**
 * The comment an apply puts on an index it leaves to be rebuilt after it commits, in its transaction:
 * the rebuild's new index (renamed to the name) has none. Without it, a process stopped between the
 * commit and the `_next` build would leave the old definition valid, and nothing would rebuild it.
 */
const REBUILD_PENDING = 'tessera: rebuild pending';

/** The SQL that marks an existing index for rebuilding (nothing when it is missing: it is built anew then). */
export function markRebuildSql(name: string): string {
  return `DO $$ BEGIN IF to_regclass('${qualified(name).replace(/'/g, "''")}') IS NOT NULL THEN COMMENT ON INDEX ${qualified(name)} IS '${REBUILD_PENDING}'; END IF; END $$`;
}

/** The name a rebuild builds the new definition under, beside the old index. */
const NEXT = '_next';
const STRAY = /^ix_[0-9a-f]{16}_next$/;
// Serialises builds across processes (any constant; the apply's own lock is 0x7e55e7a).
const ONLINE_INDEX_LOCK = 0x7e55e7b;

const q = (name: string) => `"${name.replace(/"/g, '""')}"`;
const qualified = (name: string) => `${q(RECORD_SCHEMA)}.${q(name)}`;

/** False on the embedded database: PGlite answers version() with its name. */
export async function buildsIndexesOnline(knex: Knex): Promise<boolean> {
  const { rows } = (await knex.raw('SELECT version() AS version')) as { rows: { version: string }[] };
  return !rows[0]!.version.includes('PGlite');
}

/**
 * What to build, pure: the plan's steps left for after the apply, then every online index of the
 * model that the database lacks, holds INVALID (`found`: name → valid), or was rebuilding.
 */
export function onlineIndexWork(plan: MigrationPlan, model: Model, found: ReadonlyMap<string, boolean>, pending: ReadonlySet<string> = new Set()): OnlineIndexWork[] {
  // A plan older than the model (a newer apply committed while this builder waited for the lock) builds
  // only what the model still has, as it has it: else a removed report's index would come back, or an
  // older definition replace the newer one already built, and no later apply would see the difference.
  const wanted = new Map(physicalSchema(model).tables.flatMap((table) => table.indexes.map((index) => [index.name, index] as const)));
  const planned = plan.steps.flatMap(({ step }) =>
    step.op === 'createIndex' && step.afterApply && isDeepStrictEqual(wanted.get(step.index.name), step.index)
      ? [{ table: step.table, index: step.index, replaces: step.afterApply.replaces }]
      : [],
  );
  const names = new Set(planned.map((w) => w.index.name));
  const repairs = physicalSchema(model).tables.flatMap((table) =>
    table.indexes.flatMap((index): OnlineIndexWork[] => {
      if (!index.online || names.has(index.name)) return [];
      if (found.has(index.name + NEXT) || pending.has(index.name)) return [{ table: table.name, index, replaces: true }];
      return found.get(index.name) === true ? [] : [{ table: table.name, index, replaces: false }];
    }),
  );
  return [...planned, ...repairs];
}

export type Run = (sql: string) => Promise<{ rows: { name: string; valid: boolean }[] }>;

async function indexStates(run: Run): Promise<Map<string, boolean>> {
  const { rows } = await run(
    `SELECT c.relname AS name, i.indisvalid AS valid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = '${RECORD_SCHEMA}'`,
  );
  return new Map(rows.map((r) => [r.name, r.valid]));
}

/** The indexes an apply marked for rebuilding (markRebuildSql) that no rebuild has replaced yet. */
async function pendingRebuilds(run: Run): Promise<Set<string>> {
  const { rows } = await run(
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = '${RECORD_SCHEMA}' AND c.relkind = 'i' AND obj_description(c.oid, 'pg_class') = '${REBUILD_PENDING}'`,
  );
  return new Set(rows.map((r) => r.name));
}

async function build(run: Run, work: OnlineIndexWork): Promise<OnlineIndexBuild> {
  const { table, index } = work;
  const next = index.name + NEXT;
  let statement = '';
  const step = (sql: string) => {
    statement = sql;
    return run(sql);
  };
  try {
    // What an interrupted rebuild left: built again from the start.
    await step(`DROP INDEX CONCURRENTLY IF EXISTS ${qualified(next)}`);
    if (!work.replaces) {
      const valid = (await indexStates(run)).get(index.name);
      if (valid === true) return { table, name: index.name, outcome: 'built' };
      if (valid === false) await step(`DROP INDEX CONCURRENTLY ${qualified(index.name)}`);
      await step(indexSql(table, index, new Set(), { concurrently: true }));
      return { table, name: index.name, outcome: 'built' };
    }
    await step(indexSql(table, { ...index, name: next }, new Set(), { concurrently: true }));
    await step(`DROP INDEX CONCURRENTLY IF EXISTS ${qualified(index.name)}`);
    await step(`ALTER INDEX ${qualified(next)} RENAME TO ${q(index.name)}`);
    return { table, name: index.name, outcome: 'rebuilt' };
  } catch (error) {
    return { table, name: index.name, outcome: 'failed', reason: `${databaseMessage(error, statement)}; the next apply builds it again` };
  }
}

/**
 * Takes the builders' session lock by trying, not by waiting in a statement: CREATE INDEX
 * CONCURRENTLY waits for every transaction older than its snapshot, a statement waiting for this
 * lock among them, which would wait for the build in turn (a deadlock PostgreSQL breaks by failing one).
 */
async function lockWithoutSnapshot(run: Run, signal?: AbortSignal): Promise<void> {
  for (;;) {
    signal?.throwIfAborted();
    const { rows } = (await run(`SELECT pg_try_advisory_lock(${ONLINE_INDEX_LOCK}) AS ok`)) as unknown as { rows: { ok: boolean }[] };
    if (rows[0]!.ok) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/**
 * Runs `work` holding the builders' session lock on a connection of its own, taken out of the pool
 * for the while (`connection`: for a transaction the work runs on it). An apply on a server runs
 * under it too, before its transaction takes any table lock: an ALTER queued behind a build on its
 * table would hold off every write to that table for the rest of the build (and the build would wait
 * for the apply's transaction in turn).
 */
export async function underBuildersLock<T>(knex: Knex, work: (run: Run, connection: unknown) => Promise<T>, signal?: AbortSignal): Promise<T> {
  const connection: unknown = await knex.client.acquireConnection();
  const run: Run = async (sql) => (await knex.raw(sql).connection(connection)) as { rows: { name: string; valid: boolean }[] };
  // Stopped (a process closing): the statement under way is cancelled from another connection.
  const { rows } = (await run('SELECT pg_backend_pid() AS pid')) as unknown as { rows: { pid: number }[] };
  const cancel = () => void knex.raw('SELECT pg_cancel_backend(?)', [rows[0]!.pid]).catch(() => undefined);
  signal?.addEventListener('abort', cancel);
  try {
    await lockWithoutSnapshot(run, signal);
    try {
      return await work(run, connection);
    } finally {
      // A connection lost meanwhile has let go of the lock already.
      await run(`SELECT pg_advisory_unlock(${ONLINE_INDEX_LOCK})`).catch(() => undefined);
    }
  } finally {
    signal?.removeEventListener('abort', cancel);
    await knex.client.releaseConnection(connection);
  }
}

/**
 * After an apply has committed (server only): builds the plan's online indexes and repairs the
 * model's, one at a time on one connection, under a session lock so that two processes applying do
 * not build the same index twice. A failed build is reported, not thrown: the metadata is applied.
 */
export async function buildOnlineIndexes(knex: Knex, plan: MigrationPlan, model: Model, signal?: AbortSignal): Promise<OnlineIndexBuild[]> {
  const fromPool: Run = async (sql) => (await knex.raw(sql)) as { rows: { name: string; valid: boolean }[] };
  if (!hasOnlineIndexes(model) && stray(model, await indexStates(fromPool)).length === 0) return [];
  // CONCURRENTLY outside any transaction, and the session lock, need the one connection throughout.
  return underBuildersLock(knex, (run) => buildUnderLock(run, plan, model, signal), signal);
}

const onlineNames = (model: Model) => new Set(physicalSchema(model).tables.flatMap((t) => t.indexes.filter((i) => i.online).map((i) => i.name)));
const hasOnlineIndexes = (model: Model) => onlineNames(model).size > 0;
const stray = (model: Model, found: ReadonlyMap<string, boolean>) => {
  const online = onlineNames(model);
  return [...found.keys()].filter((name) => STRAY.test(name) && !online.has(name.slice(0, -NEXT.length)));
};

/** buildOnlineIndexes' work, on the connection that holds the builders' lock (underBuildersLock). */
export async function buildUnderLock(run: Run, plan: MigrationPlan, model: Model, signal?: AbortSignal): Promise<OnlineIndexBuild[]> {
  // What is applied now, read once the lock is held: the caller's model may be older (see onlineIndexWork).
  // Read on this connection: a pool of one has no other to give.
  const { rows } = (await run(`SELECT package FROM tessera.meta_versions ORDER BY version DESC LIMIT 1`)) as unknown as { rows: { package: PackageFiles }[] };
  const applied = rows[0] ? validated(rows[0].package) : model;
  const found = await indexStates(run);
  // A rebuild left unfinished by an index that is gone since (its report removed): nothing to finish.
  for (const name of stray(applied, found)) await run(`DROP INDEX CONCURRENTLY IF EXISTS ${qualified(name)}`).catch(() => undefined);
  const results: OnlineIndexBuild[] = [];
  for (const work of onlineIndexWork(plan, applied, found, await pendingRebuilds(run))) {
    results.push(await build(run, work));
    if (signal?.aborted) break;
  }
  return results;
}
