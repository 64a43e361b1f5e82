// The e-mail connector's routes (/api/connectors/email/…): the accounts the user may send from,
// composing, and the "to file" queue. The connector answers 404 while it is disabled: no accounts.
import { api, ApiError } from './client.ts';

export interface MailAccountInfo {
  readonly id: string;
  readonly name: string;
  readonly address: string;
  readonly shared: boolean;
}

export interface ComposeInput {
  readonly account: string;
  readonly to: string;
  readonly cc?: string;
  readonly subject: string;
  readonly text: string;
  readonly replyTo?: string | null;
  readonly links?: Readonly<Record<string, string>>;
  readonly idempotencyKey: string;
  /** tessera.files ids: own uploads or the record's files (recordFiles). */
  readonly attachments?: readonly string[];
}

export interface RecordFile {
  readonly id: string;
  readonly name: string;
  readonly mediaType: string;
  readonly size: number;
}

export interface ToFileItem {
  readonly id: string;
  readonly subject: string;
  readonly from_address: string | null;
  readonly to_addresses: string | null;
  readonly start_at: string | null;
  readonly account: string | null;
}

/** A template rendered for one record: what that recipient would get. */
export interface RenderedMail {
  readonly subject: string;
  readonly html: string | null;
  readonly text: string;
  /** The template's SMS text filled (templates are shared with SMS); absent: e-mail only. */
  readonly sms?: string;
}

/** The template to render: a saved one (code or id, and language) or what the editor holds. */
export type PreviewTemplate = { readonly template: string; readonly language: string } | { readonly draft: { readonly subject: string; readonly body_html: string; readonly body_text: string; readonly body_sms?: string } };

export interface MergeInput {
  readonly account: string;
  readonly template: string;
  readonly language: string;
  readonly entity: string;
  readonly ids?: readonly string[];
  readonly filter?: unknown;
  readonly idempotencyKey: string;
}

export interface MergeQueued {
  readonly id: string;
  readonly total: number;
  readonly queued: number;
  readonly skipped: number;
}

export interface MergeFailure {
  readonly recordId: string;
  readonly address: string | null;
  readonly status: number | null;
  readonly error: string | null;
}

export interface MergeProgress {
  readonly id: string;
  readonly total: number;
  readonly skipped: Readonly<Record<string, number>>;
  readonly states: Readonly<Record<string, number>>;
  readonly failures: readonly MergeFailure[];
  readonly done: boolean;
}

const BASE = '/connectors/email';

export const emailApi = {
  accounts: async (signal?: AbortSignal): Promise<MailAccountInfo[]> => {
    try {
      return (await api.get<{ data: MailAccountInfo[] }>(`${BASE}/accounts`, signal ? { signal } : {})).data.data;
    } catch (error) {
      if (error instanceof ApiError && (error.status === 404 || error.status === 403)) return [];
      throw error;
    }
  },
  send: async (input: ComposeInput) => (await api.post<{ queued: boolean }>(`${BASE}/send`, input)).data,
  toFile: async (account: string | null, signal?: AbortSignal) => (await api.get<{ data: ToFileItem[] }>(`${BASE}/to-file${account ? `?account=${encodeURIComponent(account)}` : ''}`, signal ? { signal } : {})).data.data,
  link: async (id: string, entity: string, record: string) => (await api.post<{ linked: number }>(`${BASE}/to-file/${id}/link`, { entity, id: record })).data,
  recordFiles: async (entity: string, id: string, signal?: AbortSignal) => (await api.get<{ data: RecordFile[] }>(`${BASE}/record-files?entity=${encodeURIComponent(entity)}&id=${encodeURIComponent(id)}`, signal ? { signal } : {})).data.data,
  signature: async (signal?: AbortSignal) => (await api.get<{ signature: string }>(`${BASE}/signature`, signal ? { signal } : {})).data.signature,
  setSignature: async (signature: string) => (await api.put<{ signature: string }>(`${BASE}/signature`, { signature })).data.signature,
  preview: async (template: PreviewTemplate, entity: string, id: string, signal?: AbortSignal) => (await api.post<RenderedMail>(`${BASE}/templates/preview`, { ...template, entity, id }, signal ? { signal } : {})).data,
  merge: async (input: MergeInput) => (await api.post<MergeQueued>(`${BASE}/merges`, input)).data,
  mergeProgress: async (id: string, signal?: AbortSignal) => (await api.get<MergeProgress>(`${BASE}/merges/${encodeURIComponent(id)}`, signal ? { signal } : {})).data,
  /** A new lead or contractor from a queued message, the thread filed on it. */
  createFrom: async (id: string, entity: 'lead' | 'contractor') => (await api.post<{ entity: string; id: string }>(`${BASE}/to-file/${encodeURIComponent(id)}/create`, { entity })).data,
  dismiss: async (id: string) => {
    await api.post(`${BASE}/to-file/${id}/dismiss`, {});
  },
};
