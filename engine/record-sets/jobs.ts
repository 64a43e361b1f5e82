// Bulk actions over sets of records as background jobs (migration 039, docs/api.md "Record jobs"):
// a workflow per record, serial SMS to a list (a connector's kind)… for records chosen by ids or
// by a list filter, 100,000 of them if need be. The job runs in chunks (engine/jobs/chunked-jobs.ts:
// heartbeat, take-over, cancel, resume): a chunk reads its records with the starter's rights (a
// record they may not read is never touched), does the kind's work, writes one item per record and
// moves the cursor, all in one transaction; an item's key (job, record) makes each record done at
// most once, also when a restarted server goes on with the job.
import type { Knex } from 'knex';
import { isUuid } from '../../metadata/index.ts';
import { accessFor, loadSubject } from '../access/index.ts';
import { TesseraError, type Problem } from '../errors.ts';
import { ChunkedJobs, OPEN_JOB_STATES, type JobLease, type JobSettings } from '../jobs/chunked-jobs.ts';
import type { Actor, ApiRecord, RecordService } from '../records/index.ts';
import type { JsonObject } from '../workflows/expression.ts';

/** Which records: by id (in this order), or those a list filter finds (read page by page by id). */
export type RecordSelection = { readonly ids: readonly string[] } | { readonly filter: unknown };

export interface RecordJobItem {
  readonly id: string;
  readonly ok: boolean;
  readonly code?: string;
  readonly detail?: string;
}

export interface RecordJobWork {
  /** The chunk's transaction: the kind's work commits with the items and the cursor, or not at all. */
  readonly trx: Knex.Transaction;
  /** The user who started the job, with their rights (the audit names them). */
  readonly actor: Actor;
  readonly job: { readonly id: string; readonly entity: string; readonly params: JsonObject };
  /** The chunk's records the starter may read and the job has not done yet. */
  readonly records: readonly ApiRecord[];
}

export interface RecordJobKind {
  readonly name: string;
  /** Reference fields read embedded with the records (e.g. what an SMS text's placeholders name). */
  include?(entity: string, params: JsonObject): readonly string[];
  /** The work for one chunk: an answer per record. One record's failure must not undo the others' (use savepoints). */
  handle(work: RecordJobWork): Promise<readonly RecordJobItem[]>;
}

export interface RecordJobSubmission {
  readonly kind: string;
  readonly entity: string;
  readonly selection: RecordSelection;
  readonly params: JsonObject;
}

export interface RecordJobReport {
  readonly id: string;
  readonly kind: string;
  readonly entity: string;
  readonly status: string;
  readonly total: number;
  readonly done: number;
  readonly failed: number;
  readonly error: string | null;
  /** Failures, at most RECORD_JOB_FAILURES_SHOWN of them (the counts are complete). */
  readonly failures: readonly { readonly id: string; readonly code: string | null; readonly detail: string | null }[];
  readonly createdAt: Date;
  readonly finishedAt: Date | null;
}

export const RECORD_JOB_FAILURES_SHOWN = 100;
/** At most this many ids in one job (a larger set is chosen by a filter). */
export const RECORD_JOB_MAX_IDS = 100_000;

interface RecordJobRow {
  id: string;
  kind: string;
  entity: string;
  user_id: string | null;
  via: Actor['via'];
  status: string;
  selection: { ids?: string[]; filter?: unknown };
  params: JsonObject;
  total: number;
  done: number;
  failed: number;
  cursor: string | null;
  finished_selection: boolean;
  error: string | null;
  created_at: Date;
  finished_at: Date | null;
}

export interface RecordJobSettings extends JobSettings {
  /** Records per transaction. */
  readonly chunkSize?: number;
}

export class RecordJobs extends ChunkedJobs<RecordJobRow> {
  readonly #knex: Knex;
  readonly #records: RecordService;
  readonly #chunkSize: number;
  readonly #kinds = new Map<string, RecordJobKind>();

  constructor(knex: Knex, records: RecordService, settings: RecordJobSettings = {}) {
    super(knex, { table: 'tessera.record_jobs', label: 'record jobs' }, settings);
    this.#knex = knex;
    this.#records = records;
    this.#chunkSize = Math.min(settings.chunkSize ?? 200, 500);
  }

  /** A kind of job (before `supervise`: a resumed job needs its kind). */
  define(kind: RecordJobKind): void {
    if (this.#kinds.has(kind.name)) throw new Error(`the record job kind ${kind.name} is defined twice`);
    this.#kinds.set(kind.name, kind);
  }

  /** Checks the selection with the actor's rights, stores the job and starts it; its id. */
  async submit(actor: Actor, submission: RecordJobSubmission): Promise<string> {
    if (!actor.userId) throw new TesseraError('FORBIDDEN', 'a bulk action acts as a user: sign in or use a user’s API token');
    if (!this.#kinds.has(submission.kind)) throw new Error(`no record job kind ${submission.kind}`);
    this.#records.runtime.entity(submission.entity);
    const problems: Problem[] = [];
    let total: number;
    if ('ids' in submission.selection) {
      const ids = [...new Set(submission.selection.ids)];
      if (ids.length === 0) problems.push({ pointer: '/ids', detail: 'select at least one record', code: 'REQUIRED' });
      if (ids.length > RECORD_JOB_MAX_IDS) problems.push({ pointer: '/ids', detail: `at most ${RECORD_JOB_MAX_IDS} ids; choose more records by a filter`, code: 'TOO_MANY' });
      if (problems.length) throw new TesseraError('VALIDATION_FAILED', 'invalid selection', { problems });
      submission = { ...submission, selection: { ids } };
      total = ids.length;
    } else {
      // The list's own checks (fields, operators, the read right), pointers under /filter.
      const counted = await this.#records.list({ actor }, submission.entity, { filter: submission.selection.filter, count: true, limit: 1, fields: ['id'] }).catch((error: unknown) => {
        if (error instanceof TesseraError && error.code === 'BAD_QUERY') {
          throw new TesseraError('VALIDATION_FAILED', error.message, { problems: (error.problems ?? []).map((p) => ({ ...p, pointer: p.pointer.replace(/^\/query\/filter/, '/filter') })) });
        }
        throw error;
      });
      total = counted.count ?? 0;
    }
    const [row] = (await this.#knex('tessera.record_jobs')
      .insert({ kind: submission.kind, entity: submission.entity, user_id: actor.userId, via: actor.via, status: 'queued', selection: JSON.stringify(submission.selection), params: JSON.stringify(submission.params), total })
      .returning('id')) as { id: string }[];
    this.start(row!.id);
    return row!.id;
  }

  /** The job's progress and first failures, for the user who started it (or an administrator of workflows). */
  async report(actor: Actor, id: string): Promise<RecordJobReport> {
    const row = await this.#own(this.#knex, actor, id);
    const failures = (await this.#knex('tessera.record_job_items').where({ job_id: id, ok: false }).limit(RECORD_JOB_FAILURES_SHOWN).select('record_id', 'code', 'detail')) as { record_id: string; code: string | null; detail: string | null }[];
    return {
      id: row.id,
      kind: row.kind,
      entity: row.entity,
      status: row.status,
      total: row.total,
      done: row.done,
      failed: row.failed,
      error: row.error,
      failures: failures.map((f) => ({ id: f.record_id, code: f.code, detail: f.detail })),
      createdAt: row.created_at,
      finishedAt: row.finished_at,
    };
  }

  /** Asks the job to stop after the chunk it is in; what was done stays done. */
  async cancel(actor: Actor, id: string): Promise<void> {
    await this.#knex.transaction(async (trx) => {
      const row = await this.#own(trx, actor, id, true);
      if (!(OPEN_JOB_STATES as readonly string[]).includes(row.status)) throw new TesseraError('CONFLICT', `the job is ${row.status}: there is nothing to cancel`);
      await trx('tessera.record_jobs').where({ id }).update({ status: 'cancelling' });
    });
  }





  async #own(db: Knex | Knex.Transaction, actor: Actor, id: string, lock = false): Promise<RecordJobRow> {
    if (!isUuid(id)) throw new TesseraError('NOT_FOUND', 'no such job of yours');
    const query = db('tessera.record_jobs').where({ id });
    const row = (await (lock ? query.forUpdate() : query).first()) as RecordJobRow | undefined;
    const mine = row && (row.user_id === actor.userId || !actor.access || actor.access.can('administerWorkflows'));
    if (!row || !mine) throw new TesseraError('NOT_FOUND', 'no such job of yours');
    return row;
  }

  protected async open(job: RecordJobRow, lease: JobLease): Promise<() => Promise<boolean>> {
    const kind = this.#kinds.get(job.kind);
    if (!kind) throw new Error(`no record job kind ${job.kind} (a connector that is no longer installed?)`);
    const subject = job.user_id ? await loadSubject(this.#knex, job.user_id) : null;
    if (!subject) throw new Error('the user who started the job no longer exists or is deactivated');
    const actor: Actor = { userId: job.user_id, via: job.via, access: accessFor(this.#records.runtime.snapshot.model, subject) };
    const include = kind.include?.(job.entity, job.params) ?? [];
    const more = include.length ? { include } : {};
    let cursor = job.cursor;
    let exhausted = job.finished_selection;
    return async () => {
      if (exhausted) return false;
      await this.#knex.transaction(async (trx): Promise<string | null> => {
        const ctx = { actor, trx };
        let read: ApiRecord[];
        let unreadable: string[] = [];
        let next: string | null;
        if (job.selection.ids) {
          const offset = Number(cursor ?? 0);
          const ids = job.selection.ids.slice(offset, offset + this.#chunkSize);
          read = ids.length ? (await this.#records.list(ctx, job.entity, { filter: { id: { in: ids } }, limit: ids.length, ...more })).data : [];
          const seen = new Set(read.map((r) => String(r.id)));
          unreadable = ids.filter((id) => !seen.has(id));
          next = offset + ids.length < job.selection.ids.length ? String(offset + ids.length) : null;
        } else {
          const page = await this.#records.list(ctx, job.entity, { filter: job.selection.filter, sort: 'id', limit: this.#chunkSize, ...(cursor ? { after: cursor } : {}), ...more });
          read = page.data;
          next = page.next ?? null;
        }
        // Done already (a chunk a lost runner committed before its cursor moved cannot happen, but an id twice in a filter's pages can).
        const done = new Set((await trx('tessera.record_job_items').where({ job_id: job.id }).whereIn('record_id', [...read.map((r) => String(r.id)), ...unreadable]).pluck('record_id')) as string[]);
        const fresh = read.filter((r) => !done.has(String(r.id)));
        const items: RecordJobItem[] = [
          ...(fresh.length ? await kind.handle({ trx, actor, job: { id: job.id, entity: job.entity, params: job.params }, records: fresh }) : []),
          ...unreadable.filter((id) => !done.has(id)).map((id) => ({ id, ok: false, code: 'UNREADABLE', detail: `no ${job.entity} ${id} you may read` })),
        ];
        if (items.length) {
          await trx('tessera.record_job_items')
            .insert(items.map((i) => ({ job_id: job.id, record_id: i.id, ok: i.ok, code: i.code ?? null, detail: i.detail ?? null })))
            .onConflict(['job_id', 'record_id'])
            .ignore();
        }
        const ok = items.filter((i) => i.ok).length;
        await lease.progress(trx, { cursor: next, finished_selection: next === null, done: trx.raw('done + ?', [ok]), failed: trx.raw('failed + ?', [items.length - ok]) });
        return next;
      }).then((next) => {
        cursor = next;
        exhausted = next === null;
      });
      return true;
    };
  }
}
