// Imports (docs/import.md): the file is uploaded to /api/files, then previewed, dry-run and imported
// by its id; a running import is polled for its progress.
import { api, request } from './client.ts';

export interface ImportPreview {
  readonly format: 'csv' | 'xlsx';
  readonly encoding: string | null;
  readonly delimiter: string | null;
  readonly headers: readonly string[];
  readonly total: number;
  readonly sample: readonly (readonly string[])[];
  readonly mapping: Readonly<Record<string, string | null>>;
  readonly targets: readonly string[];
}

export interface ImportProblem {
  readonly row: number;
  readonly pointer: string;
  readonly code: string | null;
  readonly detail: string;
  readonly params: Readonly<Record<string, unknown>> | null;
}

export interface ImportReport {
  readonly id: string;
  readonly entity: string;
  readonly dryRun: boolean;
  readonly status: 'queued' | 'running' | 'cancelling' | 'cancelled' | 'done' | 'failed' | 'undone';
  readonly total: number;
  readonly processed: number;
  readonly created: number;
  readonly updated: number;
  readonly skipped: number;
  readonly failed: number;
  readonly error: string | null;
  readonly problemCount: number;
  readonly problems: readonly ImportProblem[];
}

export interface ImportSettings {
  readonly type: string;
  readonly fileId: string;
  readonly mapping: Readonly<Record<string, string | null>>;
  readonly key: string | null;
  readonly onDuplicate: 'skip' | 'update' | 'create';
  readonly delimiter?: string;
  readonly encoding?: string;
}

export const RUNNING: ReadonlySet<ImportReport['status']> = new Set(['queued', 'running', 'cancelling']);

export async function uploadImportFile(file: File): Promise<string> {
  const res = await request<{ id: string }>('POST', `/files?name=${encodeURIComponent(file.name)}`, { blob: file });
  return res.data.id;
}

export async function previewImport(type: string, fileId: string, options: { delimiter?: string; encoding?: string } = {}): Promise<ImportPreview> {
  return (await api.post<ImportPreview>('/imports/preview', { type, fileId, ...options })).data;
}

export async function startImport(settings: ImportSettings, dryRun: boolean): Promise<ImportReport> {
  return (await api.post<ImportReport>('/imports', { ...settings, dryRun })).data;
}

export async function getImport(id: string): Promise<ImportReport> {
  return (await api.get<ImportReport>(`/imports/${id}`)).data;
}

export async function cancelImport(id: string): Promise<ImportReport> {
  return (await api.post<ImportReport>(`/imports/${id}/cancel`, {})).data;
}

export async function undoImport(id: string): Promise<ImportReport> {
  return (await api.post<ImportReport>(`/imports/${id}/undo`, {})).data;
}
