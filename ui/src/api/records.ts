// The records API (docs/api.md): lists with keyset paging, one record with its version, writes with
// optimistic locking (If-Match), the timeline and the audit trail; file uploads for attachments.
import { api, etagVersion, request } from './client.ts';

export type ApiRecord = { readonly id: string; readonly version: number } & Readonly<Record<string, unknown>>;

export interface ListParams {
  readonly filter?: unknown;
  readonly sort?: string;
  readonly limit?: number;
  readonly after?: string | null;
  readonly search?: string;
  readonly include?: readonly string[];
  readonly fields?: readonly string[];
  readonly count?: boolean;
  /** Soft-deleted records: left out (default), included, or only they (the trash). */
  readonly deleted?: 'exclude' | 'include' | 'only';
}

export interface ListPage<T = ApiRecord> {
  readonly data: readonly T[];
  readonly next: string | null;
  readonly count?: number;
}

export function listQuery(params: ListParams): string {
  const q = new URLSearchParams();
  if (params.filter !== undefined && params.filter !== null) q.set('filter', JSON.stringify(params.filter));
  if (params.sort) q.set('sort', params.sort);
  if (params.limit) q.set('limit', String(params.limit));
  if (params.after) q.set('after', params.after);
  if (params.search) q.set('search', params.search);
  if (params.include?.length) q.set('include', params.include.join(','));
  if (params.fields?.length) q.set('fields', params.fields.join(','));
  if (params.count) q.set('count', 'true');
  if (params.deleted && params.deleted !== 'exclude') q.set('deleted', params.deleted);
  const text = q.toString();
  return text ? `?${text}` : '';
}

const enc = encodeURIComponent;

export async function listRecords(type: string, params: ListParams = {}, signal?: AbortSignal): Promise<ListPage> {
  return (await api.get<ListPage>(`/records/${enc(type)}${listQuery(params)}`, signal ? { signal } : {})).data;
}

/** Every page of a list (for exports and boards), up to `max` records. */
export async function listAll(type: string, params: ListParams, options: { max?: number; onProgress?: (n: number) => void; signal?: AbortSignal } = {}): Promise<{ data: ApiRecord[]; truncated: boolean }> {
  const max = options.max ?? 100_000;
  const data: ApiRecord[] = [];
  let after: string | null = null;
  do {
    const page: ListPage = await listRecords(type, { ...params, limit: 500, after }, options.signal);
    data.push(...page.data);
    options.onProgress?.(data.length);
    after = page.next;
  } while (after && data.length < max);
  return { data: data.slice(0, max), truncated: after !== null || data.length > max };
}

export async function getRecord(type: string, id: string, include: readonly string[] = []): Promise<ApiRecord> {
  const res = await api.get<ApiRecord>(`/records/${enc(type)}/${enc(id)}${listQuery({ include })}`);
  return { ...res.data, version: etagVersion(res.headers) ?? res.data.version };
}

export async function createRecord(type: string, values: Record<string, unknown>): Promise<ApiRecord> {
  return (await api.post<ApiRecord>(`/records/${enc(type)}`, values)).data;
}

/** PATCH with If-Match: the server refuses (409) if someone changed the record since `version`. */
export async function updateRecord(type: string, id: string, version: number, values: Record<string, unknown>): Promise<ApiRecord> {
  return (await api.patch<ApiRecord>(`/records/${enc(type)}/${enc(id)}`, values, { headers: { 'if-match': `"${version}"` } })).data;
}

/** A choice for a part of a lead conversion: an existing record, or values for a new one (over the lead's). */
export type ConversionChoice = { readonly id: string } | { readonly values: Record<string, unknown> };

export interface LeadConversion {
  readonly lead: ApiRecord;
  readonly contractor: ApiRecord;
  readonly person: ApiRecord | null;
  readonly deal: ApiRecord;
  readonly activities: { readonly linked: number; readonly skipped: number };
}

/** Converts a lead into contractor, contact person and deal in one step (POST /api/records/lead/:id/convert). */
export async function convertLead(id: string, body: { contractor?: ConversionChoice; person?: ConversionChoice | null; deal?: { values: Record<string, unknown> } }): Promise<LeadConversion> {
  return (await api.post<LeadConversion>(`/records/lead/${enc(id)}/convert`, body)).data;
}

/** What a declared conversion created (POST /api/records/:type/:id/convert/:conversion). */
export interface DeclaredConversion {
  readonly conversion: string;
  readonly target: string;
  readonly source: ApiRecord;
  readonly records: readonly ApiRecord[];
}

/** What a declared record action did (POST /api/records/:type/:id/actions/:action). */
export type RecordActionOutcome = { readonly action: string; readonly kind: 'conversion'; readonly result: DeclaredConversion } | { readonly action: string; readonly kind: 'workflow'; readonly instance: string };

/** Runs a declared record action (a conversion, or a workflow started about the record). */
export async function runRecordAction(type: string, id: string, action: string): Promise<RecordActionOutcome> {
  return (await api.post<RecordActionOutcome>(`/records/${enc(type)}/${enc(id)}/actions/${enc(action)}`, {})).data;
}

export async function deleteRecord(type: string, id: string, version?: number): Promise<ApiRecord> {
  return (await api.delete<ApiRecord>(`/records/${enc(type)}/${enc(id)}`, version ? { headers: { 'if-match': `"${version}"` } } : {})).data;
}

export interface HistoryEntry {
  readonly id?: number | string;
  readonly at: string;
  readonly actor?: string | null;
  readonly via?: string;
  /** The Node-RED flow and node that made the change (via automation). */
  readonly origin?: { readonly flow: string; readonly flowName?: string; readonly node: string; readonly nodeName?: string } | { readonly conversion: string; readonly source: { readonly entity: string; readonly id: string } } | null;
  readonly action: string;
  readonly changes?: Readonly<Record<string, unknown>>;
  /** Titles of the records the changed reference values name; null for one the reader may not read (or that is gone). */
  readonly names?: Readonly<Record<string, string | null>>;
  readonly [key: string]: unknown;
}

/** A record's trail; `archived`: months past the audit retention were archived (the kept trail is whole from `before`). */
export interface RecordHistory {
  readonly data: readonly HistoryEntry[];
  readonly archived: { readonly before: string; readonly complete: boolean } | null;
}

export async function recordHistory(type: string, id: string): Promise<RecordHistory> {
  const body = (await api.get<{ data: HistoryEntry[]; archived?: RecordHistory['archived'] }>(`/records/${enc(type)}/${enc(id)}/history`)).data;
  return { data: body.data, archived: body.archived ?? null };
}

/** The record's timeline: its activities and those of the related records its type rolls in (`timeline.include`); `kinds` limits the kinds. */
export async function recordActivities(type: string, id: string, params: ListParams & { readonly kinds?: readonly string[] } = {}): Promise<ListPage> {
  const { kinds, ...list } = params;
  const query = listQuery(list);
  const kindQuery = kinds?.length ? `${query ? '&' : '?'}kind=${enc(kinds.join(','))}` : '';
  return (await api.get<ListPage>(`/records/${enc(type)}/${enc(id)}/activities${query}${kindQuery}`)).data;
}

/** The records one duplicate rule matches (POST /api/records/:type/duplicates). */
export interface DuplicateMatches {
  readonly rule: string;
  readonly action: 'refuse' | 'warn';
  readonly fields: readonly string[];
  readonly label?: { readonly en: string; readonly pl?: string; readonly ro?: string };
  readonly records: readonly ApiRecord[];
}

export async function findDuplicates(type: string, values: Record<string, unknown>, exclude?: string, signal?: AbortSignal): Promise<DuplicateMatches[]> {
  const query = exclude ? `?exclude=${enc(exclude)}` : '';
  return (await api.post<{ data: DuplicateMatches[] }>(`/records/${enc(type)}/duplicates${query}`, values, signal ? { signal } : {})).data.data;
}

export interface MergeResult {
  readonly record: ApiRecord;
  readonly merged: string;
  readonly moved: readonly { entity: string; field: string; count: number }[];
  readonly filled: readonly string[];
}

/** Merges `duplicate` into the record `id` (kept), with If-Match of the kept record. */
export async function mergeRecord(type: string, id: string, version: number, duplicate: string): Promise<MergeResult> {
  return (await api.post<MergeResult>(`/records/${enc(type)}/${enc(id)}/merge`, { duplicate }, { headers: { 'if-match': `"${version}"` } })).data;
}

export interface FileInfo {
  readonly id: string;
  readonly name: string;
  readonly mediaType: string;
  readonly size: number;
}

export async function uploadFile(file: File): Promise<FileInfo> {
  return (await request<FileInfo>('POST', `/files?name=${enc(file.name)}`, { blob: file })).data;
}

export async function fileInfo(id: string): Promise<FileInfo> {
  return (await api.get<FileInfo>(`/files/${enc(id)}/info`)).data;
}

export const fileUrl = (id: string) => `/api/files/${enc(id)}`;

/** One change to many records, all or nothing (POST /api/records/:type/mass-update). */
export async function massUpdate(type: string, records: readonly { id: string; version: number }[], values: Record<string, unknown>): Promise<ApiRecord[]> {
  return (await api.post<{ data: ApiRecord[] }>(`/records/${enc(type)}/mass-update`, { records: records.map((r) => ({ id: r.id, version: r.version })), values })).data.data;
}

export async function restoreRecord(type: string, id: string): Promise<ApiRecord> {
  return (await api.post<ApiRecord>(`/records/${enc(type)}/${enc(id)}/restore`)).data;
}

/** A record's stream (GET /api/records/:type/:id/stream): comments and changes, newest first. */
export interface StreamPerson {
  readonly id: string;
  readonly login: string;
  readonly displayName: string;
}

export type StreamItem =
  | { readonly kind: 'comment'; readonly id: string; readonly at: string; readonly author: StreamPerson | null; readonly body: string; readonly mentions: readonly StreamPerson[] }
  | { readonly kind: 'change'; readonly id: number; readonly at: string; readonly action: string; readonly actorName: string | null; readonly via: string; readonly fields: readonly string[] };

export async function recordStream(type: string, id: string, signal?: AbortSignal): Promise<StreamItem[]> {
  return (await api.get<{ data: StreamItem[] }>(`/records/${enc(type)}/${enc(id)}/stream`, signal ? { signal } : {})).data.data;
}

export async function postComment(type: string, id: string, body: string): Promise<StreamItem> {
  return (await api.post<StreamItem>(`/records/${enc(type)}/${enc(id)}/comments`, { body })).data;
}

/** The prices and discounts the server would give the lines of a record being edited (POST /api/records/:type/prices). */
export async function quotePrices(type: string, values: Readonly<Record<string, unknown>>): Promise<Record<string, unknown>> {
  return (await api.post<Record<string, unknown>>(`/records/${enc(type)}/prices`, values)).data;
}
