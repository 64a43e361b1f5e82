// The pg-boss work a step session creates, cancels and deletes, kept until its flush and then sent
// through the session's own connection (so it commits or rolls back with the step). A job created
// and cancelled within the session is never sent.
import type { JobQueue, JobStatement, NewJob } from './jobs.ts';
import type { BossDb } from './sql.ts';

export class PendingJobs {
  readonly #created = new Map<string, Map<string, NewJob>>();
  readonly #cancelled = new Map<string, Set<string>>();
  readonly #deleted = new Map<string, Set<string>>();
  readonly #newId: () => string;

  constructor(newId: () => string) {
    this.#newId = newId;
  }

  add(queue: string, job: NewJob): void {
    const jobs = this.#created.get(queue) ?? new Map<string, NewJob>();
    jobs.set(job.id ?? this.#newId(), job);
    this.#created.set(queue, jobs);
  }

  /** Cancels a job (a timer that will not fire, a connector task no longer wanted). */
  cancel(queue: string, id: string): void {
    if (this.#created.get(queue)?.delete(id)) return;
    add(this.#cancelled, queue, id);
  }

  /** Deletes a job outright (a retry replaces the attempt that failed under the same id). */
  delete(queue: string, id: string): void {
    if (this.#created.get(queue)?.delete(id)) return;
    add(this.#deleted, queue, id);
  }

  /**
   * New jobs as pg-boss's INSERT statements, for the step's flush statement to carry (one round trip
   * fewer per queue); taken out of what `flush` sends. A queue with a deletion pending keeps its
   * inserts for `flush`: a retry deletes the failed attempt and inserts its successor under the same
   * id, so the insert must come after the deletion, not before it in the flush.
   */
  async takeInserts(jobs: JobQueue, committed: Promise<unknown>): Promise<JobStatement[]> {
    const statements: JobStatement[] = [];
    for (const [queue, created] of this.#created) {
      if (created.size === 0 || this.#deleted.has(queue)) continue;
      const statement = await jobs.insertStatement(queue, [...created.entries()].map(([id, job]) => ({ ...job, id })), committed);
      if (!statement) continue;
      statements.push(statement);
      this.#created.delete(queue);
    }
    return statements;
  }

  /** Sends everything pending: deletions, cancellations, then new jobs (waking their workers once `committed` resolves). */
  async flush(jobs: JobQueue, bossDb: BossDb, committed: Promise<unknown>): Promise<void> {
    for (const [queue, ids] of this.#deleted) await jobs.deleteJobs(bossDb, queue, [...ids]);
    this.#deleted.clear();
    for (const [queue, ids] of this.#cancelled) await jobs.cancel(bossDb, queue, [...ids]);
    this.#cancelled.clear();
    for (const [queue, created] of this.#created) await jobs.insert(bossDb, queue, [...created.entries()].map(([id, job]) => ({ ...job, id })), committed);
    this.#created.clear();
  }
}

function add(map: Map<string, Set<string>>, queue: string, id: string): void {
  const set = map.get(queue) ?? new Set<string>();
  set.add(id);
  map.set(queue, set);
}
