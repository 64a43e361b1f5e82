// Read models of the runtime for the API and the UI: an instance with what a diagram needs to
// highlight (active element ids), its variables, waits, incidents, user tasks and history; lists of
// instances and definitions.
import type { Knex } from 'knex';
import { TesseraError } from '../../errors.ts';
import type { JsonObject } from '../expression.ts';
import type { InstanceState, Wait } from '../state.ts';
import { isUuid, type InstanceStartedVia, type InstanceStatus, type InstanceSummary } from '../../../metadata/index.ts';

export type { InstanceSummary };

export interface IncidentView {
  readonly id: string;
  readonly instanceId: string;
  readonly elementId: string;
  readonly elementInstanceId: string;
  readonly code: string;
  readonly message: string;
  readonly createdAt: string;
  readonly resolvedAt: string | null;
}

export interface InstanceView extends InstanceSummary {
  readonly variables: JsonObject;
  readonly elementInstances: readonly { id: string; elementId: string; elementType: string; status: string; parentId: string | null; loopCounter: number | null }[];
  readonly waits: readonly WaitView[];
  readonly incidents: readonly IncidentView[];
  readonly userTasks: readonly { id: string; activityId: string; elementId: string; formKey: string | null; createdAt: string; endedAt: string | null; outcome: string | null }[];
  readonly history: readonly { id: number; elementInstanceId: string; elementId: string; elementType: string; event: string; at: string }[];
}

export type WaitView = { readonly id: string; readonly kind: Wait['kind']; readonly elementId: string } & Readonly<Record<string, unknown>>;

interface InstanceRow {
  id: string;
  process_id: string;
  version: number;
  status: InstanceStatus;
  state: InstanceState;
  business_entity: string | null;
  business_id: string | null;
  parent_instance_id: string | null;
  started_by: string | null;
  started_via: InstanceStartedVia | null;
  run_as: 'user' | 'platform';
  record_owner: string | null;
  started_at: Date;
  updated_at: Date;
  ended_at: Date | null;
  open_incidents?: number | string;
}


function summary(row: InstanceRow): InstanceSummary {
  const active = new Set<string>();
  for (const element of Object.values(row.state.elementInstances)) if (element.kind !== 'process') active.add(element.elementId);
  for (const token of Object.values(row.state.tokens)) active.add(token.elementId);
  return {
    id: row.id,
    processId: row.process_id,
    version: row.version,
    status: row.status,
    record: row.business_entity && row.business_id ? { entity: row.business_entity, id: row.business_id } : null,
    parentInstanceId: row.parent_instance_id,
    startedBy: row.started_by,
    startedVia: row.started_via,
    runAs: row.run_as,
    recordOwner: row.record_owner,
    startedAt: row.started_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    endedAt: row.ended_at?.toISOString() ?? null,
    activeElementIds: [...active],
    openIncidents: Number(row.open_incidents ?? Object.keys(row.state.incidents).length),
  };
}

function waitView(wait: Wait): WaitView {
  const { id, kind, elementId, elementInstanceId: _owner, ...rest } = wait;
  return { id, kind, elementId, ...rest };
}

export async function instanceView(knex: Knex | Knex.Transaction, id: string): Promise<InstanceView> {
  const row = isUuid(id) ? ((await knex('tessera.process_instances').where({ id }).first()) as InstanceRow | undefined) : undefined;
  if (!row) throw new TesseraError('NOT_FOUND', `no process instance ${id}`);
  const [incidents, tasks, history] = await Promise.all([
    knex('tessera.process_incidents').where({ instance_id: id }).orderBy('created_at') as Promise<Record<string, unknown>[]>,
    knex('tessera.process_user_tasks').where({ instance_id: id }).orderBy('created_at') as Promise<Record<string, unknown>[]>,
    knex('tessera.process_history').where({ instance_id: id }).orderBy('id') as Promise<Record<string, unknown>[]>,
  ]);
  const state = row.state;
  return {
    ...summary(row),
    variables: state.variables[state.rootElementInstanceId] ?? {},
    elementInstances: Object.values(state.elementInstances).map((e) => ({ id: e.id, elementId: e.elementId, elementType: e.elementType, status: e.status, parentId: e.parentId, loopCounter: e.loopCounter })),
    waits: Object.values(state.waits).map(waitView),
    incidents: incidents.map(incidentView),
    userTasks: tasks.map((t) => ({
      id: t.id as string,
      activityId: t.activity_id as string,
      elementId: t.element_id as string,
      formKey: (t.form_key as string | null) ?? null,
      createdAt: (t.created_at as Date).toISOString(),
      endedAt: (t.ended_at as Date | null)?.toISOString() ?? null,
      outcome: (t.outcome as string | null) ?? null,
    })),
    history: history.map((h) => ({
      id: Number(h.id),
      elementInstanceId: h.element_instance_id as string,
      elementId: h.element_id as string,
      elementType: h.element_type as string,
      event: h.event as string,
      at: (h.at as Date).toISOString(),
    })),
  };
}

export function incidentView(row: Record<string, unknown>): IncidentView {
  return {
    id: row.id as string,
    instanceId: row.instance_id as string,
    elementId: row.element_id as string,
    elementInstanceId: row.element_instance_id as string,
    code: row.code as string,
    message: row.message as string,
    createdAt: (row.created_at as Date).toISOString(),
    resolvedAt: (row.resolved_at as Date | null)?.toISOString() ?? null,
  };
}

export interface InstanceFilter {
  readonly record?: { readonly entity: string; readonly id: string };
  readonly processId?: string;
  readonly status?: string;
  readonly limit?: number;
  /** Instances started before this one (keyset paging, newest first). */
  readonly before?: string;
}

export async function listInstances(knex: Knex, filter: InstanceFilter): Promise<InstanceSummary[]> {
  const query = knex('tessera.process_instances as i')
    .select('i.*', knex.raw(`(SELECT count(*) FROM tessera.process_incidents x WHERE x.instance_id = i.id AND x.resolved_at IS NULL) AS open_incidents`))
    .orderBy([{ column: 'i.started_at', order: 'desc' }, { column: 'i.id', order: 'desc' }])
    .limit(filter.limit ?? 50);
  if (filter.record) query.where({ 'i.business_entity': filter.record.entity, 'i.business_id': filter.record.id });
  if (filter.processId) query.where('i.process_id', filter.processId);
  if (filter.status) query.where('i.status', filter.status);
  if (filter.before) query.whereRaw('(i.started_at, i.id) < (SELECT started_at, id FROM tessera.process_instances WHERE id = ?)', [filter.before]);
  return ((await query) as InstanceRow[]).map(summary);
}

export interface DefinitionSummary {
  readonly processId: string;
  readonly name: string | null;
  readonly latestVersion: number;
  readonly versions: readonly { version: number; versionTag: string | null; deploymentId: string; deployedAt: string; source: string; platformRights: boolean }[];
  readonly activeInstances: number;
}

export async function listDefinitions(knex: Knex): Promise<DefinitionSummary[]> {
  const rows = (await knex('tessera.process_definitions as p')
    .join('tessera.process_deployments as d', 'd.id', 'p.deployment_id')
    .orderBy([{ column: 'p.process_id' }, { column: 'p.version', order: 'desc' }])
    .select('p.process_id', 'p.version', 'p.name', 'p.version_tag', 'p.deployment_id', 'p.deployed_at', 'p.platform_rights', 'd.source')) as Record<string, unknown>[];
  const active = (await knex('tessera.process_instances').where({ status: 'active' }).groupBy('process_id').select('process_id').count({ n: '*' })) as { process_id: string; n: number | string }[];
  const counts = new Map(active.map((a) => [a.process_id, Number(a.n)]));
  const result = new Map<string, { processId: string; name: string | null; latestVersion: number; versions: DefinitionSummary['versions'][number][]; activeInstances: number }>();
  for (const row of rows) {
    const processId = row.process_id as string;
    let entry = result.get(processId);
    if (!entry) {
      entry = { processId, name: (row.name as string | null) ?? null, latestVersion: row.version as number, versions: [], activeInstances: counts.get(processId) ?? 0 };
      result.set(processId, entry);
    }
    entry.versions.push({ version: row.version as number, versionTag: (row.version_tag as string | null) ?? null, deploymentId: row.deployment_id as string, deployedAt: (row.deployed_at as Date).toISOString(), source: row.source as string, platformRights: row.platform_rights === true });
  }
  return [...result.values()];
}

export async function listIncidents(knex: Knex, options: { readonly open?: boolean; readonly instanceId?: string; readonly limit?: number } = {}): Promise<IncidentView[]> {
  const query = knex('tessera.process_incidents').orderBy('created_at', 'desc').limit(options.limit ?? 100);
  if (options.open) query.whereNull('resolved_at');
  if (options.instanceId) query.where({ instance_id: options.instanceId });
  return ((await query) as Record<string, unknown>[]).map(incidentView);
}
