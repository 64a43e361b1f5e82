// Background jobs worked in chunks (imports, bulk actions over sets of records): a job is a row of
// its own table with `status`, `runner` and `heartbeat_at`; each chunk commits its work together with
// the job's progress, so after a restart the job goes on from the last committed chunk (`resume`).
// The runner of a job holds it by a heartbeat; a job whose runner stopped beating is taken over, and
// a chunk of a runner that lost its job is rolled back (`JobLease.progress` refuses it), so no chunk
// counts twice. Cancelling (status `cancelling`) stops between chunks. The kinds of job differ only
// in what a chunk does (`open`).
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';

/** The states a chunked job passes through (its table may add more, e.g. an import's `undone`). */
export const OPEN_JOB_STATES = ['queued', 'running', 'cancelling'] as const;

export interface JobRow {
  readonly id: string;
}

export interface JobLease {
  /**
   * Writes the chunk's progress (and beats the heart) in `db`, the chunk's transaction: throws when
   * another runner has taken the job over, so that the chunk's work rolls back with it.
   */
  progress(db: Knex | Knex.Transaction, changes: Readonly<Record<string, unknown>>): Promise<void>;
}

export interface JobTable {
  /** The job table, e.g. `tessera.imports`. */
  readonly table: string;
  /** Names the jobs in logs. */
  readonly label: string;
}

export interface JobSettings {
  /** A running job whose heartbeat is older than this is taken over by `resume`. */
  readonly staleAfterMs?: number;
}

/** The job was taken over by another runner (this one was thought dead). */
export class LostJob extends Error {}

/** A kind of chunked job: what `open` returns is all that differs between imports and record jobs. */
export abstract class ChunkedJobs<J extends JobRow> {
  readonly #knex: Knex;
  readonly #kind: JobTable;
  readonly #runner = randomUUID();
  readonly #staleAfterMs: number;
  readonly #running = new Map<string, Promise<void>>();
  #stopping = false;
  #supervisor: ReturnType<typeof setInterval> | null = null;

  constructor(knex: Knex, kind: JobTable, settings: JobSettings = {}) {
    this.#knex = knex;
    this.#kind = kind;
    this.#staleAfterMs = settings.staleAfterMs ?? 60_000;
  }

  /**
   * Prepares a claimed job: the function that runs its next chunk (committing its work and
   * `lease.progress` in one transaction) and answers whether it did one (false: nothing was left).
   */
  protected abstract open(job: J, lease: JobLease): Promise<() => Promise<boolean>>;

  /** Runs a job in this process (just submitted, or found by `resume`). */
  protected start(id: string): void {
    if (this.#running.has(id) || this.#stopping) return;
    const run = this.#run(id)
      .catch(async (error: unknown) => {
        await this.#knex(this.#kind.table).where({ id, runner: this.#runner }).update({ status: 'failed', error: error instanceof Error ? error.message : String(error), finished_at: this.#knex.fn.now() });
      })
      .finally(() => this.#running.delete(id));
    this.#running.set(id, run);
  }

  /** Runs the jobs no live runner holds (after a restart): queued ones and those whose heartbeat stopped. */
  async resume(): Promise<string[]> {
    const rows = (await this.#knex(this.#kind.table)
      .whereIn('status', OPEN_JOB_STATES)
      .where((q) => q.whereNull('heartbeat_at').orWhere('heartbeat_at', '<', new Date(Date.now() - this.#staleAfterMs)))
      .select('id')) as { id: string }[];
    for (const { id } of rows) this.start(id);
    return rows.map((r) => r.id);
  }

  /**
   * Resumes interrupted jobs now and then every `intervalMs`: with several servers on one database,
   * a job whose server died is taken over by another once its heartbeat is stale.
   */
  async supervise(intervalMs = 30_000): Promise<void> {
    await this.resume();
    this.#supervisor ??= setInterval(() => {
      this.resume().catch((error: unknown) => console.error(`[tessera ${this.#kind.label}] resuming jobs: ${error instanceof Error ? error.message : String(error)}`));
    }, intervalMs);
    this.#supervisor.unref();
  }

  /** Stops taking new chunks and waits for the running ones to commit (a server shutting down). */
  async stop(): Promise<void> {
    this.#stopping = true;
    if (this.#supervisor) clearInterval(this.#supervisor);
    await Promise.allSettled([...this.#running.values()]);
  }

  /** Resolves when the job this process runs has stopped (tests, the CLI). */
  async settled(id: string): Promise<void> {
    await this.#running.get(id);
  }

  async #claim(id: string): Promise<J | null> {
    const stale = new Date(Date.now() - this.#staleAfterMs);
    const claimed = (await this.#knex(this.#kind.table)
      .where({ id })
      .whereIn('status', OPEN_JOB_STATES)
      .where((q) => q.whereNull('runner').orWhere('runner', this.#runner).orWhereNull('heartbeat_at').orWhere('heartbeat_at', '<', stale))
      .update({ runner: this.#runner, heartbeat_at: this.#knex.fn.now(), status: this.#knex.raw(`CASE WHEN status = 'queued' THEN 'running' ELSE status END`) })
      .returning('*')) as J[];
    return claimed[0] ?? null;
  }

  async #run(id: string): Promise<void> {
    const job = await this.#claim(id);
    if (!job) return;
    const table = this.#kind.table;
    const runner = this.#runner;
    const lease: JobLease = {
      async progress(db, changes) {
        const updated = await db(table).where({ id, runner }).update({ ...changes, heartbeat_at: db.fn.now() });
        if (updated !== 1) throw new LostJob();
      },
    };
    const next = await this.open(job, lease);
    for (;;) {
      if (this.#stopping) return;
      const state = (await this.#knex(table).where({ id }).first('status', 'runner')) as { status: string; runner: string };
      if (state.runner !== runner) return;
      if (state.status === 'cancelling') {
        await this.#knex(table).where({ id, runner }).update({ status: 'cancelled', finished_at: this.#knex.fn.now() });
        return;
      }
      try {
        if (!(await next())) break;
      } catch (error) {
        if (error instanceof LostJob) return;
        throw error;
      }
    }
    await this.#knex(table).where({ id, runner }).update({ status: 'done', finished_at: this.#knex.fn.now() });
  }
}
