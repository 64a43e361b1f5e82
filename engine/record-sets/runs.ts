// Runs over sets of records: one process instance per member record, each with its own state, and
// a row per member in tessera.record_set_members (migration 031) naming the instance or why none
// started. A bulk action runs a workflow for the records selected in a list; a marketing action
// (marketing.ts) runs its scenario for the members its filter finds. Progress and results are read
// from the instances: how many are still running, done or stopped, and the `outcome` variable each
// finished with (counts per outcome).
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { admits } from '../access/index.ts';
import { TesseraError, type Problem } from '../errors.ts';
import type { RecordContext, RecordService } from '../records/index.ts';
import type { JsonObject } from '../workflows/expression.ts';
import type { WorkflowRuntime } from '../workflows/runtime/index.ts';
import type { RunProgress } from '../../metadata/index.ts';
import type { RecordJobKind } from './jobs.ts';

/** At most this many records in one bulk request (the web app sends a selection in chunks). */
export const BULK_MAX_RECORDS = 200;

export interface RecordSetServices {
  readonly knex: Knex;
  readonly records: RecordService;
  readonly processes: WorkflowRuntime;
}

export interface MemberStart {
  readonly id: string;
  readonly instanceId?: string;
  readonly status?: string;
  readonly error?: { readonly code: string; readonly detail: string };
}

export interface RunResult {
  readonly runId: string;
  readonly started: number;
  readonly failed: number;
  readonly members: readonly MemberStart[];
}

export type { RunProgress };

export interface BulkRequest {
  readonly entity: string;
  readonly ids: readonly string[];
  readonly processId: string;
  readonly variables?: JsonObject;
  /** Continue a run the client sends in chunks (progress over the whole selection). */
  readonly runId?: string;
}

/** Whether the actor may start a process about this record: workflow administrators, or whoever may change it. */
export async function mayStartAbout(records: RecordService, ctx: RecordContext, entity: string, id: string): Promise<void> {
  const access = ctx.actor.access;
  if (!access || access.can('administerWorkflows')) {
    await records.get(ctx, entity, id, { fields: ['id'] });
    return;
  }
  const current = await records.get(ctx, entity, id);
  if (!access.subject || !admits(access.entity(entity).update, access.subject, entity, current)) {
    throw new TesseraError('FORBIDDEN', `starting a process about this ${entity} needs the right to change it`);
  }
}

/**
 * Starts `processId` once per record, each instance about its record, acting as the request's user
 * (their rights, unless the process runs with platform rights). A record the user may not start it
 * for is reported, not fatal: the others start.
 */
export async function runForRecords(services: RecordSetServices, ctx: RecordContext, request: BulkRequest): Promise<RunResult> {
  const problems: Problem[] = [];
  if (request.ids.length === 0) problems.push({ pointer: '/ids', detail: 'select at least one record' });
  if (request.ids.length > BULK_MAX_RECORDS) problems.push({ pointer: '/ids', detail: `at most ${BULK_MAX_RECORDS} per request; send the rest with the same runId` });
  if (problems.length) throw new TesseraError('VALIDATION_FAILED', 'invalid bulk action', { problems });
  services.records.runtime.entity(request.entity);
  const runId = request.runId ?? randomUUID();
  return startMembers(services, ctx, { runId, memberEntity: request.entity, ids: request.ids, processId: request.processId, variables: request.variables ?? {}, check: true });
}

export interface MemberRun {
  readonly runId: string;
  readonly source?: { readonly entity: string; readonly id: string };
  readonly memberEntity: string;
  readonly ids: readonly string[];
  readonly processId: string;
  readonly variables: JsonObject;
  /** Check per record that the user may start a process about it (bulk); a marketing action checked its own right. */
  readonly check: boolean;
  /** Variables per member, beside `variables` (the member record itself). */
  readonly memberVariables?: (id: string) => JsonObject;
}

/**
 * Starts the run's process for each member. Inside a transaction (`ctx.trx`, a job's chunk) each
 * member runs in a savepoint: one refused start does not undo the others.
 */
export async function startMembers(services: RecordSetServices, ctx: RecordContext, run: MemberRun): Promise<RunResult> {
  const members: MemberStart[] = [];
  const db = ctx.trx ?? services.knex;
  for (const id of run.ids) {
    let start: MemberStart;
    const begin = async (trx?: Knex.Transaction): Promise<MemberStart> => {
      const at: RecordContext = trx ? { ...ctx, trx } : ctx;
      if (run.check) await mayStartAbout(services.records, at, run.memberEntity, id);
      const instanceId = await services.processes.startInstance(at, {
        processId: run.processId,
        record: { entity: run.memberEntity, id },
        variables: { ...run.variables, ...(run.memberVariables?.(id) ?? {}), runId: run.runId },
      });
      const row = (await (trx ?? services.knex)('tessera.process_instances').where({ id: instanceId }).first('status')) as { status: string } | undefined;
      return { id, instanceId, status: row?.status ?? 'active' };
    };
    try {
      start = ctx.trx ? await ctx.trx.transaction((savepoint) => begin(savepoint)) : await begin();
    } catch (error) {
      if (!(error instanceof TesseraError) || error.code === 'INTERNAL') throw error;
      start = { id, error: { code: error.code, detail: error.message } };
    }
    members.push(start);
    await db('tessera.record_set_members').insert({
      run_id: run.runId,
      source_entity: run.source?.entity ?? null,
      source_id: run.source?.id ?? null,
      member_entity: run.memberEntity,
      member_id: id,
      process_id: run.processId,
      instance_id: start.instanceId ?? null,
      error: start.error ? `${start.error.code}: ${start.error.detail}` : null,
      started_by: ctx.actor.userId,
    });
  }
  return { runId: run.runId, started: members.filter((m) => m.instanceId).length, failed: members.filter((m) => m.error).length, members };
}

/** Progress of a run, or of every run of a source record (a marketing action). */
export async function runProgress(knex: Knex, where: { readonly runId: string } | { readonly source: { readonly entity: string; readonly id: string } }): Promise<RunProgress> {
  const filter = 'runId' in where ? { sql: 'm.run_id = ?', values: [where.runId] } : { sql: 'm.source_entity = ? AND m.source_id = ?', values: [where.source.entity, where.source.id] };
  const result = (await knex.raw(
    `SELECT CASE WHEN i.id IS NULL THEN 'failed' WHEN i.status = 'active' THEN 'running' WHEN i.status = 'completed' THEN 'completed' ELSE 'failed' END AS state,
            CASE WHEN i.status = 'completed' THEN coalesce(i.state -> 'variables' -> (i.state ->> 'rootElementInstanceId') ->> 'outcome', 'none') END AS outcome,
            count(*)::int AS n
       FROM tessera.record_set_members m LEFT JOIN tessera.process_instances i ON i.id = m.instance_id
      WHERE ${filter.sql}
      GROUP BY 1, 2`,
    filter.values,
  )) as { rows: { state: 'running' | 'completed' | 'failed'; outcome: string | null; n: number }[] };
  const progress = { total: 0, running: 0, completed: 0, failed: 0, outcomes: {} as Record<string, number> };
  for (const row of result.rows) {
    progress.total += row.n;
    progress[row.state] += row.n;
    if (row.outcome !== null) progress.outcomes[row.outcome] = (progress.outcomes[row.outcome] ?? 0) + row.n;
  }
  return progress;
}

/** The record job kind of a bulk workflow run (engine/record-sets/jobs.ts): the job's id is the run's id. */
export const WORKFLOW_JOB = 'workflow';

export function workflowJobKind(services: RecordSetServices): RecordJobKind {
  return {
    name: WORKFLOW_JOB,
    async handle({ trx, actor, job, records }) {
      const variables = job.params.variables;
      const result = await startMembers(services, { actor, trx }, {
        runId: job.id,
        memberEntity: job.entity,
        ids: records.map((r) => String(r.id)),
        processId: String(job.params.processId),
        variables: typeof variables === 'object' && variables !== null && !Array.isArray(variables) ? variables : {},
        check: true,
      });
      return result.members.map((m) => (m.error ? { id: m.id, ok: false, code: m.error.code, detail: m.error.detail } : { id: m.id, ok: true }));
    },
  };
}
