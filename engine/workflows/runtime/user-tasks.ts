// User tasks are activities of kind `task`: what the operator sees in "my tasks", with assignee,
// deadline and priority, linked to the record the instance is about. This module turns a
// createUserTask effect into that activity and back.
import type { Knex } from 'knex';
import { ACTIVITY_ENTITY, isUuid, USER_TARGET } from '../../../metadata/index.ts';
import type { Subject } from '../../access/index.ts';
import { isTesseraError } from '../../errors.ts';
import { holdLivePlatformRows, type RecordContext, type RecordService } from '../../records/index.ts';
import type { Effect } from '../events.ts';
import type { Sql } from './sql.ts';
import { isTaskLanguage, taskTexts, type TaskLanguage, type TaskRecordName } from './task-texts.ts';

export const TASK_KIND = 'task';

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

/** A platform table that user tasks name rows of, by id or by a name (case-insensitive). */
interface Lookup {
  readonly byId: string;
  readonly byName: string;
  /** The cache passes ids on unchecked (the records service checks them anyway). */
  readonly trustIds: boolean;
}

/** Users: active ones, by id or login. Every user task with an assignee names one. */
const USERS: Lookup = {
  byId: `SELECT id FROM tessera.users WHERE id = $1 AND active`,
  byName: `SELECT id FROM tessera.users WHERE lower(login) = lower($1) AND active`,
  trustIds: true,
};

/** Teams, by id or name: a task's candidate groups. Ids are checked, to find the first group that exists. */
const TEAMS: Lookup = {
  byId: `SELECT id FROM tessera.teams WHERE id = $1`,
  byName: `SELECT id FROM tessera.teams WHERE lower(name) = lower($1)`,
  trustIds: false,
};

async function lookUp(sql: Sql, lookup: Lookup, text: string): Promise<string | null> {
  const [row] = await sql<{ id: string }>(isUuid(text) ? lookup.byId : lookup.byName, [text]);
  return row?.id ?? null;
}

/** An assignee given as a user id or a login (case-insensitive); null when no active user matches. */
export async function resolveAssignee(sql: Sql, assignee: string | null): Promise<string | null> {
  const text = assignee?.trim();
  return text ? lookUp(sql, USERS, text) : null;
}

/** An ISO date or date-time as the activity's datetime; null when it is not one. */
export function isoDateTime(value: string | null): string | null {
  if (!value) return null;
  const text = /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value;
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

const DIRECTORY_TTL_MS = 30_000;

/**
 * Names of one platform table resolved to ids once per name for a while (every user task needs
 * them). A stale answer (a user who left, a team deleted, a wrong id) is caught when the activity is
 * written, and the task is created without that reference.
 */
export class DirectoryCache {
  readonly #lookup: Lookup;
  readonly #byName = new Map<string, { readonly id: string | null; readonly until: number }>();

  constructor(lookup: Lookup) {
    this.#lookup = lookup;
  }

  async resolve(sql: Sql, name: string | null): Promise<string | null> {
    const text = name?.trim();
    if (!text) return null;
    if (this.#lookup.trustIds && isUuid(text)) return text;
    const key = text.toLowerCase();
    const hit = this.#byName.get(key);
    if (hit && hit.until > Date.now()) return hit.id;
    const id = await lookUp(sql, this.#lookup, text);
    this.#byName.set(key, { id, until: Date.now() + DIRECTORY_TTL_MS });
    return id;
  }

  forget(name: string | null): void {
    if (name) this.#byName.delete(name.trim().toLowerCase());
  }
}

/** Who user tasks go to: assignees (users) and candidate groups (teams), cached. */
export class TaskDirectory {
  readonly users = new DirectoryCache(USERS);
  readonly teams = new DirectoryCache(TEAMS);

  /** The first candidate group that names a team (its id, or its name in any case); null when none does. */
  async firstTeam(sql: Sql, groups: readonly string[]): Promise<{ readonly id: string; readonly group: string } | null> {
    for (const group of groups) {
      const id = await this.teams.resolve(sql, group);
      if (id) return { id, group };
    }
    return null;
  }
}

/** Creates the activity of a user task in the step transaction; returns its id. */
export async function createTaskActivity(records: RecordService, ctx: RecordContext & { sql: Sql }, task: CreateUserTask, owner: TaskOwner, directory: TaskDirectory): Promise<string> {
  const assignee = await directory.users.resolve(ctx.sql, task.assignee);
  // The task goes to the first candidate group that is a team; the others stay in the description.
  const team = await directory.firstTeam(ctx.sql, task.candidateGroups);
  const workflow: RecordContext = { actor: ctx.actor, ...(ctx.trx ? { trx: ctx.trx } : {}) };
  const language = await taskLanguage(records, ctx, assignee);
  const texts = taskTexts(task, language, await recordName(records, workflow, owner.record, language), task.candidateGroups.filter((g) => g !== team?.group));
  const values: Record<string, unknown> = {
    kind: TASK_KIND,
    subject: texts.subject,
    status: 'open',
    priority: activityPriority(task.priority),
    description: texts.description,
  };
  if (assignee) values.assignee = assignee;
  if (team) values.team = team.id;
  const deadline = isoDateTime(task.dueDate);
  if (deadline) values.deadline = deadline;
  const start = isoDateTime(task.followUpDate);
  if (start) values.start_at = start;
  const entity = owner.record ? records.runtime.snapshot.model.entities.get(owner.record.entity) : undefined;
  if (owner.record && entity?.activities) values[owner.record.entity] = owner.record.id;
  try {
    return (await records.create(workflow, ACTIVITY_ENTITY, values)).id as string;
  } catch (error) {
    // References are checked before anything is written: retrying without a stale user or team is safe.
    if (!isTesseraError(error) || error.code !== 'REFERENCE_NOT_FOUND') throw error;
    const stale = [
      { field: 'assignee', forget: () => directory.users.forget(task.assignee) },
      { field: 'team', forget: () => directory.teams.forget(team?.group ?? null) },
    ].filter((ref) => values[ref.field] !== undefined && error.problems.some((p) => p.pointer === `/${ref.field}`));
    if (stale.length === 0) throw error;
    for (const ref of stale) {
      ref.forget();
      delete values[ref.field];
    }
    return (await records.create(workflow, ACTIVITY_ENTITY, values)).id as string;
  }
}

/**
 * The assignee's language; the business language (the package's default) for a task nobody has yet.
 * The assignee is read as the activity's reference check would (active, held FOR SHARE), which
 * then takes this read for its own: one statement for both.
 */
async function taskLanguage(records: RecordService, ctx: RecordContext & { sql: Sql }, assignee: string | null): Promise<TaskLanguage> {
  if (assignee) {
    const [row] = await ctx.sql<{ language: string }>(`SELECT language FROM tessera.users WHERE id = $1 AND active FOR SHARE`, [assignee]);
    if (row && ctx.trx) holdLivePlatformRows(ctx.trx, USER_TARGET, [assignee]);
    if (isTaskLanguage(row?.language)) return row.language;
  }
  const business = records.runtime.snapshot.model.pkg.manifest.defaultLanguage;
  return isTaskLanguage(business) ? business : 'en';
}

/** The record a task is about, named as people know it; its title only when the workflow may read it. */
async function recordName(records: RecordService, ctx: RecordContext, record: TaskOwner['record'], language: TaskLanguage): Promise<TaskRecordName | null> {
  const entity = record ? records.runtime.snapshot.model.entities.get(record.entity) : undefined;
  if (!record || !entity) return null;
  const label = entity.label[language] ?? entity.label.en ?? entity.name;
  try {
    const row = await records.get(ctx, record.entity, record.id, { fields: [entity.displayField] });
    const title = row[entity.displayField];
    return { label, title: typeof title === 'string' || typeof title === 'number' ? String(title) : null };
  } catch (error) {
    if (isTesseraError(error) && (error.code === 'NOT_FOUND' || error.code === 'FORBIDDEN')) return { label, title: null };
    throw error;
  }
}

/** A cancelled user task cancels its activity, unless someone already closed or deleted it. */
export async function cancelTaskActivity(records: RecordService, ctx: RecordContext, activityId: string): Promise<void> {
  try {
    const activity = await records.get(ctx, ACTIVITY_ENTITY, activityId, { fields: ['status', 'version'] });
    if (activity.status !== 'open') return;
    await records.update(ctx, ACTIVITY_ENTITY, activityId, { status: 'cancelled' }, { expectedVersion: activity.version as number });
  } catch (error) {
    if (isTesseraError(error) && error.code === 'NOT_FOUND') return;
    throw error;
  }
}

/**
 * Whether the user has an open workflow task about the record: assigned to them, or unassigned in
 * the queue of one of their teams. Such a user may open the record (read only) while the task is
 * open, whatever their scope: the task asks them to work on it (a stage delegate's follow-up).
 */
export async function hasOpenTaskAbout(db: Knex | Knex.Transaction, activityTable: string, subject: Subject, entity: string, id: string): Promise<boolean> {
  const result = (await db.raw(
    `SELECT 1 FROM tessera.process_instances i
       JOIN tessera.process_user_tasks t ON t.instance_id = i.id AND t.ended_at IS NULL
       JOIN ${activityTable} a ON a.id = t.activity_id AND a.deleted_at IS NULL AND a.status = 'open'
      WHERE i.business_entity = ? AND i.business_id = ?
        AND (a.assignee = ? OR (a.assignee IS NULL AND a.team IN (SELECT value::uuid FROM jsonb_array_elements_text(?::jsonb))))
      LIMIT 1`,
    [entity, id, subject.userId, JSON.stringify(subject.teamIds)],
  )) as { rows: unknown[] };
  return result.rows.length > 0;
}
