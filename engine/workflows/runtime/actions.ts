// Built-in engine actions: inline task types that change records through the records service in
// the step transaction (validation, state machines and the audit trail apply as for any client) and
// write notifications. Parameters come from the task's input mappings (FEEL), falling back to its
// static headers; the record defaults to the one the instance is about.
import { ACTIVITY_ENTITY } from '../../../metadata/index.ts';
import { TesseraError } from '../../errors.ts';
import { MAX_LIMIT, type ApiRecord, type RecordContext } from '../../records/index.ts';
import { toJsonValue, type JsonObject, type JsonValue } from '../expression.ts';
import { IN_APP, writeNotification } from './notifications.ts';
import { issueRecurringTask } from './recurring-task.ts';
import { sqlOf } from './sql.ts';
import type { InlineTaskContext, InlineTaskType, TaskInput } from './task-types.ts';
import { activityPriority, isoDateTime, resolveAssignee } from './user-tasks.ts';

function param(input: TaskInput, name: string): JsonValue | undefined {
  const value = input.parameters[name];
  if (value !== undefined && value !== null) return value;
  return input.headers[name];
}

function invalid(input: TaskInput, name: string, detail: string): TesseraError {
  return new TesseraError('VALIDATION_FAILED', `${input.jobType}: parameter "${name}" ${detail}`, { problems: [{ pointer: `/${name}`, detail }] });
}

function text(input: TaskInput, name: string): string | null;
function text(input: TaskInput, name: string, required: true): string;
function text(input: TaskInput, name: string, required = false): string | null {
  const value = param(input, name);
  if (value === undefined || value === null || value === '') {
    if (required) throw invalid(input, name, 'is required (an input mapping or a task header)');
    return null;
  }
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value !== 'string') throw invalid(input, name, `must be text, got ${JSON.stringify(value)}`);
  return value;
}

function object(input: TaskInput, name: string): JsonObject {
  const value = param(input, name);
  if (value === undefined || value === null) return {};
  const parsed = typeof value === 'string' ? safeJson(value) : value;
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw invalid(input, name, 'must be an object of field values');
  return parsed;
}

function safeJson(text: string): JsonValue | undefined {
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    return undefined;
  }
}

function target(input: TaskInput, ctx: InlineTaskContext): { entity: string; id: string } {
  const entity = text(input, 'entity') ?? ctx.record?.entity;
  const id = text(input, 'id') ?? ctx.record?.id;
  if (!entity || !id) throw invalid(input, 'id', 'is required when the instance is not about a record (give "entity" and "id")');
  return { entity, id };
}

/** The records service acts as the instance does: the starter's rights, or the platform's (run-as.ts). */
function recordCtx(ctx: InlineTaskContext): RecordContext {
  return { actor: ctx.actor, trx: ctx.trx };
}

function result(input: TaskInput, record: ApiRecord, fallback: string | null): JsonObject {
  const name = text(input, 'resultVariable') ?? fallback;
  return name ? { [name]: toJsonValue(record) } : {};
}

const createRecord: InlineTaskType = {
  type: 'tessera:create-record',
  mode: 'inline',
  description: 'Creates a record: parameters entity, values (object), resultVariable.',
  async handler(input, ctx) {
    const entity = text(input, 'entity', true);
    const record = await ctx.records.create(recordCtx(ctx), entity, object(input, 'values'));
    return result(input, record, null);
  },
};

const updateRecord: InlineTaskType = {
  type: 'tessera:update-record',
  mode: 'inline',
  description: "Updates a record (default: the instance's record): parameters values (object), entity, id, resultVariable.",
  async handler(input, ctx) {
    const { entity, id } = target(input, ctx);
    const current = await ctx.records.get(recordCtx(ctx), entity, id, { fields: ['id', 'version'] });
    const record = await ctx.records.update(recordCtx(ctx), entity, id, object(input, 'values'), { expectedVersion: current.version as number });
    return result(input, record, null);
  },
};

const getRecord: InlineTaskType = {
  type: 'tessera:get-record',
  mode: 'inline',
  readOnly: true,
  description: "Reads a record into a variable (default: the instance's record into `record`): parameters entity, id, resultVariable.",
  async handler(input, ctx) {
    const { entity, id } = target(input, ctx);
    const record = await ctx.records.get(recordCtx(ctx), entity, id);
    return result(input, record, 'record');
  },
};

const setStage: InlineTaskType = {
  type: 'tessera:set-stage',
  mode: 'inline',
  description: "Moves a record to a stage or status through its pipeline or status machine (transitions and guards apply): parameters state, field, values, entity, id.",
  async handler(input, ctx) {
    const { entity, id } = target(input, ctx);
    const state = text(input, 'state', true);
    const model = ctx.records.runtime.entity(entity).entity;
    const field = text(input, 'field') ?? (model.machines.size === 1 ? [...model.machines.keys()][0]! : null);
    if (!field || !model.machines.has(field)) throw invalid(input, 'field', `must name the state field of ${entity} (${[...model.machines.keys()].join(', ') || 'it has none'})`);
    const current = await ctx.records.get(recordCtx(ctx), entity, id, { fields: ['id', 'version', field] });
    if (current[field] === state) return result(input, current, null);
    const record = await ctx.records.update(recordCtx(ctx), entity, id, { ...object(input, 'values'), [field]: state }, { expectedVersion: current.version as number });
    return result(input, record, null);
  },
};

const createActivity: InlineTaskType = {
  type: 'tessera:create-activity',
  mode: 'inline',
  description: "Creates an activity linked to the instance's record: parameters kind (task), subject, assignee (user id or login), deadline, priority, description, values, resultVariable.",
  async handler(input, ctx) {
    const { sql } = await sqlOf(ctx.trx);
    const values: Record<string, unknown> = { kind: text(input, 'kind') ?? 'task', subject: text(input, 'subject', true), ...object(input, 'values') };
    const assignee = text(input, 'assignee');
    if (assignee) {
      const user = await resolveAssignee(sql, assignee);
      if (!user) throw invalid(input, 'assignee', `"${assignee}" is not an active user (id or login)`);
      values.assignee = user;
    }
    const deadline = isoDateTime(text(input, 'deadline'));
    if (deadline) values.deadline = deadline;
    const priority = param(input, 'priority');
    if (typeof priority === 'number') values.priority = activityPriority(priority);
    else if (typeof priority === 'string' && priority !== '') values.priority = /^\d+$/.test(priority) ? activityPriority(Number(priority)) : priority;
    const description = text(input, 'description');
    if (description) values.description = description;
    const linked = ctx.record ? ctx.records.runtime.snapshot.model.entities.get(ctx.record.entity) : undefined;
    if (ctx.record && linked?.activities && values[ctx.record.entity] === undefined) values[ctx.record.entity] = ctx.record.id;
    const activity = await ctx.records.create(recordCtx(ctx), ACTIVITY_ENTITY, values);
    return result(input, activity, null);
  },
};

const OUTBOX_ADDRESS_FIELDS: Readonly<Record<string, readonly string[]>> = { sms: ['mobile', 'phone'], email: ['email'] };

const notify: InlineTaskType = {
  type: 'tessera:notify',
  mode: 'inline',
  description:
    'Sends a notification: parameters subject, message, channel (in-app | sms | email), to (user ids or logins: in-app, or their own address on email), recipient ({entity, id}: a contact, for sms and email), address. In-app is delivered at once; sms and email wait in the outbox for their connector.',
  async handler(input, ctx) {
    const { sql } = await sqlOf(ctx.trx);
    const subject = text(input, 'subject', true);
    const body = text(input, 'message') ?? text(input, 'body');
    const channel = text(input, 'channel') ?? IN_APP;
    const ids: number[] = [];
    const common = { subject, body, record: ctx.record, instanceId: ctx.instanceId };
    if (channel === IN_APP) {
      const raw = param(input, 'to');
      const names = Array.isArray(raw) ? raw.filter((v): v is string => typeof v === 'string') : typeof raw === 'string' ? raw.split(',').map((s) => s.trim()).filter(Boolean) : [];
      if (names.length === 0) throw invalid(input, 'to', 'is required for in-app notifications (user ids or logins)');
      let n = 0;
      for (const name of names) {
        const userId = await resolveAssignee(sql, name);
        // Someone who left (inactive) simply is not notified; the task goes on.
        if (!userId) continue;
        const id = await writeNotification(sql, { ...common, channel, userId, idempotencyKey: `${ctx.idempotencyKey}:${n++}` });
        if (id !== null) ids.push(id);
      }
      return { notified: ids.length };
    }
    // `to` users on the e-mail channel (a reminder "by e-mail"): each user's own address, when they have one.
    const users = param(input, 'to');
    const userNames = Array.isArray(users) ? users.filter((v): v is string => typeof v === 'string') : typeof users === 'string' ? users.split(',').map((s) => s.trim()).filter(Boolean) : [];
    if (channel === 'email' && userNames.length > 0 && !text(input, 'address') && param(input, 'recipient') === undefined) {
      let n = 0;
      for (const name of userNames) {
        const userId = await resolveAssignee(sql, name);
        const address = userId ? (await sql<{ email: string | null }>(`SELECT email FROM tessera.users WHERE id = $1`, [userId]))[0]?.email : null;
        if (!userId || !address) continue;
        const id = await writeNotification(sql, { ...common, channel, userId, address, idempotencyKey: `${ctx.idempotencyKey}:${n++}` });
        if (id !== null) ids.push(id);
      }
      return { notified: ids.length };
    }
    const recipientValue = param(input, 'recipient');
    const recipient = isRef(recipientValue) ? recipientValue : null;
    let address = text(input, 'address');
    if (!address && recipient) {
      const contact = await ctx.records.get(recordCtx(ctx), recipient.entity, recipient.id);
      for (const field of OUTBOX_ADDRESS_FIELDS[channel] ?? []) {
        if (typeof contact[field] === 'string' && contact[field] !== '') {
          address = contact[field] as string;
          break;
        }
      }
    }
    const id = await writeNotification(sql, { ...common, channel, recipient, address, idempotencyKey: `${ctx.idempotencyKey}:0` });
    return { notified: id === null ? 0 : 1 };
  },
};

function isRef(value: JsonValue | undefined): value is { entity: string; id: string } {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && typeof value.entity === 'string' && typeof value.id === 'string';
}

/** At most this many records one query task collects (its `limit` may ask for fewer). */
export const QUERY_MAX_RECORDS = 10_000;

const queryRecords: InlineTaskType = {
  type: 'tessera:query-records',
  mode: 'inline',
  readOnly: true,
  description:
    'Reads the records a list filter matches into a collection (for a multi-instance activity), with the instance\'s rights: parameters entity, filter (as lists take it), sort, limit (default and at most 10,000), fields, resultVariable (default records).',
  async handler(input, ctx) {
    const entity = text(input, 'entity', true);
    const raw = param(input, 'filter');
    const filter = typeof raw === 'string' ? (raw === '' ? undefined : raw) : raw ?? undefined;
    const sort = text(input, 'sort') ?? undefined;
    const limitValue = param(input, 'limit');
    const limit = limitValue === undefined || limitValue === null || limitValue === '' ? QUERY_MAX_RECORDS : Number(limitValue);
    if (!Number.isInteger(limit) || limit < 1 || limit > QUERY_MAX_RECORDS) throw invalid(input, 'limit', `must be a whole number from 1 to ${QUERY_MAX_RECORDS}`);
    const fieldsValue = param(input, 'fields');
    const fields = Array.isArray(fieldsValue) ? fieldsValue.map(String) : typeof fieldsValue === 'string' && fieldsValue !== '' ? fieldsValue.split(',').map((f) => f.trim()) : undefined;
    const records: ApiRecord[] = [];
    let after: string | undefined;
    while (records.length < limit) {
      const page = await ctx.records.list(recordCtx(ctx), entity, {
        ...(filter !== undefined ? { filter } : {}),
        ...(sort ? { sort } : {}),
        ...(fields ? { fields: fields.includes('id') ? fields : ['id', ...fields] } : {}),
        limit: Math.min(MAX_LIMIT, limit - records.length),
        ...(after ? { after } : {}),
      });
      records.push(...page.data);
      if (!page.next) break;
      after = page.next;
    }
    const name = text(input, 'resultVariable') ?? 'records';
    return { [name]: toJsonValue(records), [`${name}Count`]: records.length };
  },
};

export const BUILT_IN_TASK_TYPES: readonly InlineTaskType[] = [createRecord, updateRecord, getRecord, setStage, createActivity, notify, queryRecords, issueRecurringTask];
