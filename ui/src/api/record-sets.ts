// Work over sets of records (docs/api.md): a workflow run for records selected in a list as a
// background job whose progress is read while it runs; a marketing action started for its members; progress and
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
/** A bulk action running as a background job (GET /api/record-jobs/:id). */
export interface RecordJobReport {
  readonly id: string;
  readonly kind: string;
  readonly entity: string;
  readonly status: 'queued' | 'running' | 'cancelling' | 'cancelled' | 'done' | 'failed';
  readonly total: number;
  readonly done: number;
  readonly failed: number;
  readonly error: string | null;
  readonly failures: readonly { readonly id: string; readonly code: string | null; readonly detail: string | null }[];
}

export const jobOpen = (job: RecordJobReport): boolean => job.status === 'queued' || job.status === 'running' || job.status === 'cancelling';

/** A workflow per record as a job: the records by ids or by a list filter, any number of them. */
export async function startWorkflowJob(entity: string, processId: string, selection: { readonly ids: readonly string[] } | { readonly filter: unknown }): Promise<RecordJobReport> {
  return (await api.post<RecordJobReport>(`/records/${enc(entity)}/bulk/workflow/jobs`, { processId, ...selection })).data;
}

/** A declared conversion per record as a job (offers → sales orders). */
export async function startConversionJob(entity: string, conversion: string, selection: { readonly ids: readonly string[] } | { readonly filter: unknown }): Promise<RecordJobReport> {
  return (await api.post<RecordJobReport>(`/records/${enc(entity)}/bulk/conversion/jobs`, { conversion, ...selection })).data;
}

/** A fan-out: one source (a template) converted once per recipient of the selection, as a job. */
export async function startFanOutJob(source: { readonly entity: string; readonly id: string }, conversion: string, selection: { readonly ids: readonly string[] } | { readonly filter: unknown }): Promise<RecordJobReport> {
  return (await api.post<RecordJobReport>(`/records/${enc(source.entity)}/${enc(source.id)}/convert/${enc(conversion)}/jobs`, selection)).data;
}

export async function recordJob(id: string): Promise<RecordJobReport> {
  return (await api.get<RecordJobReport>(`/record-jobs/${enc(id)}`)).data;
}

export async function cancelRecordJob(id: string): Promise<RecordJobReport> {
  return (await api.post<RecordJobReport>(`/record-jobs/${enc(id)}/cancel`, {})).data;
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
