// Routine maintenance of the embedded database. PGlite is one standalone backend: autovacuum starts
// no worker there, so dead row versions (every workflow step rewrites its instance row, pg-boss
// churns job rows, sessions and tokens are updated) would pile up and the planner would never get
// statistics. The process that owns the embedded database therefore vacuums and analyses its tables
// itself, one table per statement so requests interleave (PGlite runs one statement at a time).
// A PostgreSQL server has autovacuum and needs none of this.
import type { Knex } from 'knex';

/** The schemas whose tables are maintained: entity tables, the platform's, pg-boss's. */
const SCHEMAS = ['public', 'tessera', 'tessera_archive', 'tessera_jobs'];

export interface VacuumReport {
  readonly tables: number;
  readonly failed: readonly { readonly table: string; readonly message: string }[];
  readonly ms: number;
}

/** VACUUM (ANALYZE) of every ordinary table in the maintained schemas; a failing table does not stop the rest. */
export async function vacuumTables(knex: Knex): Promise<VacuumReport> {
  const started = performance.now();
  const { rows } = (await knex.raw(
    `SELECT format('%I.%I', n.nspname, c.relname) AS name
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind = 'r' AND n.nspname = ANY(?)
      ORDER BY n.nspname, c.relname`,
    [SCHEMAS],
  )) as { rows: { name: string }[] };
  const failed: { table: string; message: string }[] = [];
  for (const { name } of rows) {
    try {
      await knex.raw(`VACUUM (ANALYZE) ${name}`);
    } catch (error) {
      // A table dropped meanwhile (a metadata apply) or locked: the next round gets it.
      failed.push({ table: name, message: error instanceof Error ? error.message : String(error) });
    }
  }
  return { tables: rows.length, failed, ms: performance.now() - started };
}

export interface VacuumSchedule {
  stop(): Promise<void>;
}

/**
 * Vacuums every `intervalMs` (the first round one interval after start), never two rounds at once;
 * stop() waits for a round in progress.
 */
export function scheduleVacuum(knex: Knex, intervalMs: number, log: (message: string) => void): VacuumSchedule {
  let running: Promise<void> | null = null;
  const timer = setInterval(() => {
    if (running) return;
    running = vacuumTables(knex)
      .then((report) => {
        for (const f of report.failed) log(`vacuum of ${f.table} failed: ${f.message}`);
      })
      .catch((error: unknown) => log(`vacuum round failed: ${error instanceof Error ? error.message : String(error)}`))
      .finally(() => {
        running = null;
      });
  }, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
