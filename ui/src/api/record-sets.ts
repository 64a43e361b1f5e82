// Work over sets of records (docs/api.md): a workflow run for records selected in a list, in
// chunks so the dialog shows progress; a marketing action started for its members; progress and
// results (counts per outcome) of both.
import type { RunProgress } from '../../../metadata/browser.ts';
import { api } from './client.ts';

export type { RunProgress };

export interface RunAnswer {
  readonly runId: string;
  readonly started: number;
  readonly failed: number;
  readonly members: readonly { readonly id: string; readonly instanceId?: string; readonly error?: { readonly code: string; readonly detail: string } }[];
  readonly progress: RunProgress;
}

const enc = encodeURIComponent;
/** Records per request: the dialog's progress moves in steps of this many. */
export const BULK_CHUNK = 25;

export async function runWorkflowFor(entity: string, processId: string, ids: readonly string[], runId?: string): Promise<RunAnswer> {
  return (await api.post<RunAnswer>(`/records/${enc(entity)}/bulk/workflow`, { processId, ids, ...(runId ? { runId } : {}) })).data;
}

export async function processIds(): Promise<string[]> {
  return (await api.get<{ data: { processId: string }[] }>('/workflows')).data.data.map((d) => d.processId);
}

export async function startMarketingAction(id: string): Promise<RunAnswer & { readonly found: number }> {
  return (await api.post<RunAnswer & { found: number }>(`/records/marketing_action/${enc(id)}/start`, {})).data;
}

export async function recordRunProgress(entity: string, id: string): Promise<RunProgress> {
  return (await api.get<RunProgress>(`/records/${enc(entity)}/${enc(id)}/progress`)).data;
}
