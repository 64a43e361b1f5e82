// User tasks are activities of kind `task`: what the operator sees in "my tasks", with assignee,
// deadline and priority, linked to the record the instance is about. This module turns a
// createUserTask effect into that activity and back.
import { ACTIVITY_ENTITY, isUuid } from '../../../metadata/index.ts';
import { isTesseraError } from '../../errors.ts';
import type { RecordContext, RecordService } from '../../records/index.ts';
import type { Effect } from '../events.ts';
import type { Sql } from './sql.ts';

export const TASK_KIND = 'task';
const WORKFLOW_ACTOR = { userId: null, via: 'workflow' } as const;

export type CreateUserTask = Extract<Effect, { type: 'createUserTask' }>;

export interface TaskOwner {
  readonly instanceId: string;
  readonly processId: string;
  readonly version: number;
  readonly record: { readonly entity: string; readonly id: string } | null;
}

/** Zeebe priority 0–100 (default 50) onto the activity's four levels. */
export function activityPriority(priority: number): 'low' | 'normal' | 'high' | 'urgent' {
  if (priority < 25) return 'low';
  if (priority < 60) return 'normal';
  if (priority < 85) return 'high';
  return 'urgent';
}

/** An assignee given as a user id or a login (case-insensitive); null when no active user matches. */
export async function resolveAssignee(sql: Sql, assignee: string | null): Promise<string | null> {
  const text = assignee?.trim();
  if (!text) return null;
  const [row] = isUuid(text)
    ? await sql<{ id: string }>(`SELECT id FROM tessera.users WHERE id = $1 AND active`, [text])
    : await sql<{ id: string }>(`SELECT id FROM tessera.users WHERE lower(login) = lower($1) AND active`, [text]);
  return row?.id ?? null;
}

/** An ISO date or date-time as the activity's datetime; null when it is not one. */
export function isoDateTime(value: string | null): string | null {
  if (!value) return null;
  const text = /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value;
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

const ASSIGNEE_TTL_MS = 30_000;

/**
 * Assignees of user tasks, resolved once per login for a while (every user task needs one). A user
 * id is passed on unchecked: the records service checks it anyway. A stale answer (a user who left,
 * or a wrong id) is caught when the activity is written, and the task is created unassigned.
 */
export class AssigneeCache {
  readonly #byLogin = new Map<string, { readonly id: string | null; readonly until: number }>();

  async resolve(sql: Sql, assignee: string | null): Promise<string | null> {
    const text = assignee?.trim();
    if (!text) return null;
    if (isUuid(text)) return text;
    const key = text.toLowerCase();
    const hit = this.#byLogin.get(key);
    if (hit && hit.until > Date.now()) return hit.id;
    const id = await resolveAssignee(sql, text);
    this.#byLogin.set(key, { id, until: Date.now() + ASSIGNEE_TTL_MS });
    return id;
  }

  forget(assignee: string | null): void {
    if (assignee) this.#byLogin.delete(assignee.trim().toLowerCase());
  }
}

/** Creates the activity of a user task in the step transaction; returns its id. */
export async function createTaskActivity(records: RecordService, ctx: RecordContext & { sql: Sql }, task: CreateUserTask, owner: TaskOwner, assignees: AssigneeCache): Promise<string> {
  const assignee = await assignees.resolve(ctx.sql, task.assignee);
  const values: Record<string, unknown> = {
    kind: TASK_KIND,
    subject: (task.name ?? task.elementId).slice(0, 300),
    status: 'open',
    priority: activityPriority(task.priority),
  };
  values.description = describe(task, owner);
  if (assignee) values.assignee = assignee;
  const deadline = isoDateTime(task.dueDate);
  if (deadline) values.deadline = deadline;
  const start = isoDateTime(task.followUpDate);
  if (start) values.start_at = start;
  const entity = owner.record ? records.runtime.snapshot.model.entities.get(owner.record.entity) : undefined;
  if (owner.record && entity?.activities) values[owner.record.entity] = owner.record.id;
  const workflow: RecordContext = { actor: WORKFLOW_ACTOR, ...(ctx.trx ? { trx: ctx.trx } : {}) };
  try {
    return (await records.create(workflow, ACTIVITY_ENTITY, values)).id as string;
  } catch (error) {
    // References are checked before anything is written: retrying without the assignee is safe.
    if (!values.assignee || !isTesseraError(error) || error.code !== 'REFERENCE_NOT_FOUND' || !error.problems.some((p) => p.pointer === '/assignee')) throw error;
    assignees.forget(task.assignee);
    delete values.assignee;
    return (await records.create(workflow, ACTIVITY_ENTITY, values)).id as string;
  }
}

/**
 * The activity's description: which workflow it belongs to (the web app reads this first line:
 * "Workflow task of process <id> (instance <uuid>).") and hints (form key, candidate groups).
 */
function describe(task: CreateUserTask, owner: TaskOwner): string {
  const lines = [`Workflow task of process ${owner.processId} (instance ${owner.instanceId}).`];
  if (task.formKey) lines.push(`Form: ${task.formKey}`);
  if (task.candidateGroups.length > 0) lines.push(`Groups: ${task.candidateGroups.join(', ')}`);
  if (task.assignee && !isUuid(task.assignee)) lines.push(`Assignee: ${task.assignee}`);
  return lines.join('\n');
}

/** A cancelled user task cancels its activity, unless someone already closed or deleted it. */
export async function cancelTaskActivity(records: RecordService, ctx: RecordContext, activityId: string): Promise<void> {
  const workflow: RecordContext = { actor: WORKFLOW_ACTOR, ...(ctx.trx ? { trx: ctx.trx } : {}) };
  try {
    const activity = await records.get(workflow, ACTIVITY_ENTITY, activityId, { fields: ['status', 'version'] });
    if (activity.status !== 'open') return;
    await records.update(workflow, ACTIVITY_ENTITY, activityId, { status: 'cancelled' }, { expectedVersion: activity.version as number });
  } catch (error) {
    if (isTesseraError(error) && error.code === 'NOT_FOUND') return;
    throw error;
  }
}
