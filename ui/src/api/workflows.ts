// The workflow API (docs/api.md, Workflows): deploy, instances and their state, the XML of a
// deployed version, and a workflow user task through its activity: its form, completing it.
import type { InstanceSummary } from '../../../metadata/browser.ts';
import { api, ApiError, request } from './client.ts';

export type { InstanceSummary };

export interface InstanceView extends InstanceSummary {
  readonly variables: Readonly<Record<string, unknown>>;
  /** The variables are withheld from this reader (they could not read everything the instance read). */
  readonly variablesHidden?: boolean;
  readonly incidents: readonly { readonly elementId?: string; readonly message?: string; readonly [key: string]: unknown }[];
  readonly userTasks: readonly { readonly activityId: string; readonly elementId: string; readonly formKey: string | null; readonly endedAt: string | null }[];
}

const enc = encodeURIComponent;

export interface DeployedProcess {
  readonly processId: string;
  readonly version: number;
  readonly platformRights: boolean;
}

/** `platformRights`: the processes act with platform rights even when a user starts them (administrators only). */
export async function deployWorkflow(xml: string, name: string, platformRights = false): Promise<{ processes: DeployedProcess[] }> {
  const query = `name=${enc(name)}${platformRights ? '&platformRights=true' : ''}`;
  return (await request<{ processes: DeployedProcess[] }>('POST', `/workflows?${query}`, { body: xml, headers: { 'content-type': 'application/xml' } })).data;
}

/** Whether a deployed version runs with platform rights (null: no such version). */
export async function definitionPlatformRights(processId: string, version: number): Promise<boolean | null> {
  const { data } = (await api.get<{ data: { processId: string; versions: { version: number; platformRights: boolean }[] }[] }>('/workflows')).data;
  return data.find((d) => d.processId === processId)?.versions.find((v) => v.version === version)?.platformRights ?? null;
}

export async function listInstances(params: { record?: string; limit?: number } = {}): Promise<InstanceSummary[]> {
  const q = new URLSearchParams();
  if (params.record) q.set('record', params.record);
  if (params.limit) q.set('limit', String(params.limit));
  return (await api.get<{ data: InstanceSummary[] }>(`/instances${q.size ? `?${q}` : ''}`)).data.data;
}

export async function getInstance(id: string): Promise<InstanceView> {
  return (await api.get<InstanceView>(`/instances/${enc(id)}`)).data;
}

export async function definitionXml(processId: string, version: number): Promise<string> {
  return (await api.get<string>(`/workflows/${enc(processId)}/xml?version=${version}`, { headers: { accept: 'application/xml' } })).data;
}

/** The workflow task of an activity (what the task dialog uses of it): the Camunda form its completion is checked against, null for none. */
export interface ActivityTask {
  readonly instanceId: string;
  readonly form: unknown;
  readonly endedAt: string | null;
}

export async function activityTask(activityId: string): Promise<ActivityTask> {
  return (await api.get<ActivityTask>(`/activities/${enc(activityId)}/task`)).data;
}

export async function completeWorkflowTask(activityId: string, formData: Record<string, unknown>): Promise<void> {
  await api.post(`/activities/${enc(activityId)}/complete`, formData);
}

/** The workflow task of an activity, null when it is an ordinary activity (the server answers 404). */
export async function workflowTaskOf(activityId: string): Promise<ActivityTask | null> {
  try {
    return await activityTask(activityId);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}
