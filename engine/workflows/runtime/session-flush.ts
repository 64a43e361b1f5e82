// The end of a step session: everything the session changed in the platform's tables (instance
// states, history, index rows of timers, subscriptions, user tasks and incidents, audit rows and
// notifications) as ONE
// statement of data-modifying CTEs, so a step costs one round trip to write however much it did.
// Pure: it drains the pending writes it is given and returns the SQL with its parameters.
import type { ProcessGraph } from '../definition.ts';
import type { HistoryEntry } from '../events.ts';
import type { InstanceState } from '../state.ts';
import { auditInsert, type AuditRow } from '../../records/index.ts';
import type { InstanceMeta } from './session.ts';
import type { JobStatement } from './jobs.ts';
import { notificationColumns, notificationsInsert, type NotificationInput } from './notifications.ts';

export interface LoadedInstance {
  readonly meta: InstanceMeta;
  readonly graph: ProcessGraph;
  state: InstanceState;
  /** Not yet in the table: the flush inserts it. */
  isNew: boolean;
  dirty: boolean;
}

/** Rows of one index table the session added and removed, written at the flush. */
export class IndexTable {
  readonly inserts = new Map<string, Record<string, unknown>>();
  readonly deletes = new Set<string>();
  readonly #removed = new Set<string>();

  add(id: string, row: Record<string, unknown>): void {
    this.inserts.set(id, { id, ...row });
  }

  /** A row inserted and removed before the flush is never written. Removing twice is harmless. */
  remove(id: string): void {
    if (this.#removed.has(id)) return;
    this.#removed.add(id);
    if (!this.inserts.delete(id)) this.deletes.add(id);
  }

  get empty(): boolean {
    return this.inserts.size === 0 && this.deletes.size === 0;
  }
}

/** What a session has to write; `flushStatement` empties it. */
export interface PendingWrites {
  readonly instances: Iterable<LoadedInstance>;
  readonly history: HistoryEntry[];
  readonly timers: IndexTable;
  readonly messageSubscriptions: IndexTable;
  readonly signalSubscriptions: IndexTable;
  readonly userTasks: IndexTable;
  readonly userTaskEnds: Map<string, 'completed' | 'cancelled'>;
  readonly incidents: IndexTable;
  readonly resolvedIncidents: Set<string>;
  readonly audits: AuditRow[];
  /** Notifications written on the step's transaction (an assignment's), held for the flush. */
  readonly notifications: NotificationInput[];
  /** Statements built elsewhere (pg-boss's job inserts), each carried as a CTE with its parameters renumbered. */
  readonly statements: JobStatement[];
}

/** Pending writes of audit rows and notifications alone (written ahead of a savepoint, or at a session's close). */
export function heldWrites(audits: AuditRow[], notifications: NotificationInput[]): PendingWrites {
  const none = new IndexTable();
  return { instances: [], history: [], timers: none, messageSubscriptions: none, signalSubscriptions: none, userTasks: none, userTaskEnds: new Map(), incidents: none, resolvedIncidents: new Set(), audits, notifications, statements: [] };
}

/** The one statement writing everything pending (null when nothing is), with its parameters. */
export function flushStatement(pending: PendingWrites): { readonly text: string; readonly values: unknown[] } | null {
  const parts: string[] = [];
  const values: unknown[] = [];
  const add = (statement: (param: string) => string, value: unknown): void => {
    values.push(value);
    parts.push(`w${parts.length} AS (${statement(`$${values.length}::jsonb`)})`);
  };
  const table = (name: string, index: IndexTable, columns: readonly (readonly [string, string])[]): void => {
    if (index.inserts.size > 0) {
      const names = columns.map(([column]) => column).join(', ');
      add((p) => `INSERT INTO ${name} (${names}) SELECT ${names} FROM jsonb_to_recordset(${p}) AS x(${columns.map(([n, t]) => `${n} ${t}`).join(', ')})`, JSON.stringify([...index.inserts.values()]));
      index.inserts.clear();
    }
    if (index.deletes.size > 0) {
      add((p) => `DELETE FROM ${name} WHERE id IN ${idsOf(p, index.deletes.size)}`, JSON.stringify([...index.deletes]));
      index.deletes.clear();
    }
  };
  table('tessera.process_timers', pending.timers, [
    ['id', 'uuid'],
    ['instance_id', 'uuid'],
    ['element_instance_id', 'uuid'],
    ['element_id', 'text'],
    ['process_id', 'text'],
    ['version', 'integer'],
    ['repetitions', 'integer'],
    ['cycle', 'jsonb'],
    ['due_at', 'timestamptz'],
  ]);
  table('tessera.process_message_subscriptions', pending.messageSubscriptions, [
    ['id', 'uuid'],
    ['instance_id', 'uuid'],
    ['element_instance_id', 'uuid'],
    ['element_id', 'text'],
    ['message_name', 'text'],
    ['correlation_key', 'text'],
    ['interrupting', 'boolean'],
  ]);
  table('tessera.process_signal_subscriptions', pending.signalSubscriptions, [
    ['id', 'uuid'],
    ['instance_id', 'uuid'],
    ['element_instance_id', 'uuid'],
    ['element_id', 'text'],
    ['signal_name', 'text'],
  ]);
  table('tessera.process_incidents', pending.incidents, [
    ['id', 'uuid'],
    ['instance_id', 'uuid'],
    ['element_instance_id', 'uuid'],
    ['element_id', 'text'],
    ['code', 'text'],
    ['message', 'text'],
  ]);
  if (pending.userTasks.inserts.size > 0) {
    add(
      (p) => `INSERT INTO tessera.process_user_tasks (id, activity_id, instance_id, element_instance_id, element_id, process_id, version, form_key, assignee, candidate_groups, candidate_users, ended_at, outcome)
       SELECT id, activity_id, instance_id, element_instance_id, element_id, process_id, version, form_key, assignee,
              ARRAY(SELECT jsonb_array_elements_text(candidate_groups)), ARRAY(SELECT jsonb_array_elements_text(candidate_users)),
              CASE WHEN ended_outcome IS NULL THEN NULL ELSE now() END, ended_outcome
         FROM jsonb_to_recordset(${p}) AS x(id uuid, activity_id uuid, instance_id uuid, element_instance_id uuid, element_id text, process_id text, version integer,
              form_key text, assignee text, candidate_groups jsonb, candidate_users jsonb, ended_outcome text)`,
      JSON.stringify([...pending.userTasks.inserts.values()]),
    );
    pending.userTasks.inserts.clear();
  }
  if (pending.userTaskEnds.size > 0) {
    add(
      (p) => `UPDATE tessera.process_user_tasks t SET ended_at = now(), outcome = x.outcome FROM ${rowsOf(p, 'id uuid, outcome text', pending.userTaskEnds.size)} WHERE t.id = x.id AND t.ended_at IS NULL`,
      JSON.stringify([...pending.userTaskEnds.entries()].map(([id, outcome]) => ({ id, outcome }))),
    );
    pending.userTaskEnds.clear();
  }
  if (pending.resolvedIncidents.size > 0) {
    add((p) => `UPDATE tessera.process_incidents SET resolved_at = now() WHERE id IN ${idsOf(p, pending.resolvedIncidents.size)} AND resolved_at IS NULL`, JSON.stringify([...pending.resolvedIncidents]));
    pending.resolvedIncidents.clear();
  }
  const fresh: Record<string, unknown>[] = [];
  const changed: Record<string, unknown>[] = [];
  for (const loaded of pending.instances) {
    if (!loaded.dirty) continue;
    loaded.dirty = false;
    const { meta, state } = loaded;
    if (loaded.isNew) {
      loaded.isNew = false;
      fresh.push({
        id: meta.id,
        process_id: meta.processId,
        version: meta.version,
        status: state.status,
        state,
        business_entity: meta.record?.entity ?? null,
        business_id: meta.record?.id ?? null,
        parent_instance_id: meta.parentInstanceId,
        started_by: meta.startedBy,
        started_via: meta.startedVia,
        record_owner: meta.owner,
        run_as: meta.runAs,
      });
    } else changed.push({ id: meta.id, status: state.status, state });
  }
  if (fresh.length > 0) {
    add(
      (p) => `INSERT INTO tessera.process_instances (id, process_id, version, status, state, business_entity, business_id, parent_instance_id, started_by, started_via, record_owner, run_as, ended_at)
       SELECT id, process_id, version, status, state, business_entity, business_id, parent_instance_id, started_by, started_via, record_owner, run_as, CASE WHEN status = 'active' THEN NULL ELSE now() END
         FROM jsonb_to_recordset(${p}) AS x(id uuid, process_id text, version integer, status text, state jsonb, business_entity text, business_id uuid, parent_instance_id uuid, started_by uuid,
              started_via text, record_owner uuid, run_as text)`,
      JSON.stringify(fresh),
    );
  }
  if (changed.length > 0) {
    add(
      (p) => `UPDATE tessera.process_instances i SET state = x.state, status = x.status, updated_at = now(),
              ended_at = CASE WHEN x.status = 'active' THEN NULL ELSE coalesce(i.ended_at, now()) END
         FROM ${rowsOf(p, 'id uuid, status text, state jsonb', changed.length)} WHERE i.id = x.id`,
      JSON.stringify(changed),
    );
  }
  if (pending.history.length > 0) {
    const rows = pending.history.splice(0).map((h) => ({ instance_id: h.instanceId, element_instance_id: h.elementInstanceId, element_id: h.elementId, element_type: h.elementType, event: h.event, at: h.at }));
    add(
      (p) => `INSERT INTO tessera.process_history (instance_id, element_instance_id, element_id, element_type, event, at)
       SELECT instance_id, element_instance_id, element_id, element_type, event, at
         FROM jsonb_to_recordset(${p}) AS x(instance_id uuid, element_instance_id uuid, element_id text, element_type text, event text, at timestamptz)`,
      JSON.stringify(rows),
    );
  }
  if (pending.audits.length > 0) add(auditInsert, JSON.stringify(pending.audits.splice(0)));
  if (pending.notifications.length > 0) add(notificationsInsert, JSON.stringify(pending.notifications.splice(0).map(notificationColumns)));
  for (const statement of pending.statements.splice(0)) {
    const offset = values.length;
    values.push(...statement.values);
    parts.push(`w${parts.length} AS (${statement.text.replace(/\$(\d+)/g, (_, n: string) => `$${offset + Number(n)}`)})`);
  }
  return parts.length > 0 ? { text: `WITH ${parts.join(',\n')} SELECT 1`, values } : null;
}

// The planner guesses 100 rows for a set-returning function over a parameter and then joins by
// scanning the whole table; saying how many rows there are (a LIMIT equal to the count) makes it
// look each one up by its primary key instead.

/** The rows of a jsonb array parameter as `x`, for joining an UPDATE by id. */
function rowsOf(param: string, columns: string, count: number): string {
  return `(SELECT * FROM jsonb_to_recordset(${param}) AS r(${columns}) LIMIT ${count}) AS x`;
}

/** The ids of a jsonb array parameter, for `WHERE id IN …`. */
function idsOf(param: string, count: number): string {
  return `(SELECT value::uuid FROM jsonb_array_elements_text(${param}) LIMIT ${count})`;
}
