// Indexes built without holding off writes (PhysicalIndex.online: an indexed report's). On a
// PostgreSQL server the apply's transaction leaves them out, and once it has committed they are built
// with CREATE INDEX CONCURRENTLY, which takes only SHARE UPDATE EXCLUSIVE on the table: records are
// written meanwhile. CONCURRENTLY cannot run in a transaction, so a build that fails or is interrupted
// (a cancel, a crash) leaves an INVALID index behind instead of rolling back; every apply therefore
// also looks for those and builds them again. A rebuild builds the new definition beside the old one
// (name + `_next`), which serves until then, drops the old one concurrently and renames the new one:
// a `_next` index found later means a rebuild did not finish. The embedded database (PGlite, one
// backend, no concurrent sessions to spare) builds them within the apply instead.
import type { Knex } from 'knex';
import { physicalSchema, RECORD_SCHEMA, type MigrationPlan, type Model, type PhysicalIndex } from '../../metadata/index.ts';
import { databaseMessage } from '../db/errors.ts';
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
export function onlineIndexWork(plan: MigrationPlan, model: Model, found: ReadonlyMap<string, boolean>): OnlineIndexWork[] {
  const planned = plan.steps.flatMap(({ step }) => (step.op === 'createIndex' && step.afterApply ? [{ table: step.table, index: step.index, replaces: step.afterApply.replaces }] : []));
  const names = new Set(planned.map((w) => w.index.name));
  const repairs = physicalSchema(model).tables.flatMap((table) =>
    table.indexes.flatMap((index): OnlineIndexWork[] => {
      if (!index.online || names.has(index.name)) return [];
      if (found.has(index.name + NEXT)) return [{ table: table.name, index, replaces: true }];
      return found.get(index.name) === true ? [] : [{ table: table.name, index, replaces: false }];
    }),
  );
  return [...planned, ...repairs];
}

type Run = (sql: string) => Promise<{ rows: { name: string; valid: boolean }[] }>;

async function indexStates(run: Run): Promise<Map<string, boolean>> {
  const { rows } = await run(
    `SELECT c.relname AS name, i.indisvalid AS valid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = '${RECORD_SCHEMA}'`,
  );
  return new Map(rows.map((r) => [r.name, r.valid]));
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
async function lockWithoutSnapshot(run: Run): Promise<void> {
  for (;;) {
    const { rows } = (await run(`SELECT pg_try_advisory_lock(${ONLINE_INDEX_LOCK}) AS ok`)) as unknown as { rows: { ok: boolean }[] };
    if (rows[0]!.ok) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/**
 * After an apply has committed (server only): builds the plan's online indexes and repairs the
 * model's, one at a time on one connection, under a session lock so that two processes applying do
 * not build the same index twice. A failed build is reported, not thrown: the metadata is applied.
 */
export async function buildOnlineIndexes(knex: Knex, plan: MigrationPlan, model: Model): Promise<OnlineIndexBuild[]> {
  const online = new Set(physicalSchema(model).tables.flatMap((t) => t.indexes.filter((i) => i.online).map((i) => i.name)));
  const stray = (found: ReadonlyMap<string, boolean>) => [...found.keys()].filter((name) => STRAY.test(name) && !online.has(name.slice(0, -NEXT.length)));
  const fromPool: Run = async (sql) => (await knex.raw(sql)) as { rows: { name: string; valid: boolean }[] };
  if (online.size === 0 && stray(await indexStates(fromPool)).length === 0) return [];
  // CONCURRENTLY outside any transaction, and the session lock, need the one connection throughout.
  const connection: unknown = await knex.client.acquireConnection();
  const run: Run = async (sql) => (await knex.raw(sql).connection(connection)) as { rows: { name: string; valid: boolean }[] };
  try {
    await lockWithoutSnapshot(run);
    try {
      const found = await indexStates(run);
      // A rebuild left unfinished by an index that is gone since (its report removed): nothing to finish.
      for (const name of stray(found)) await run(`DROP INDEX CONCURRENTLY IF EXISTS ${qualified(name)}`).catch(() => undefined);
      const results: OnlineIndexBuild[] = [];
      for (const work of onlineIndexWork(plan, model, found)) results.push(await build(run, work));
      return results;
    } finally {
      // A connection lost meanwhile has let go of the lock already.
      await run(`SELECT pg_advisory_unlock(${ONLINE_INDEX_LOCK})`).catch(() => undefined);
    }
  } finally {
    await knex.client.releaseConnection(connection);
  }
}
