// The SMS connector's routes for the compose dialog (any signed-in user; sending acts with the
// user's rights on the record): its accounts and templates, sending one message, and serial SMS to a list.
import { api } from './client.ts';
import type { RecordJobReport } from './record-sets.ts';

export interface SmsComposeInfo {
  readonly accounts: readonly { readonly id: string; readonly label: string; readonly kind: 'modem' | 'smsapi' | 'twilio'; readonly usable: boolean }[];
  readonly defaultAccount: string | null;
  readonly templates: readonly { readonly id: string; readonly purpose: 'transactional' | 'marketing'; readonly text: Readonly<Partial<Record<'pl' | 'en' | 'ro', string>>> }[];
}

export interface SmsSendRequest {
  readonly record: { readonly entity: string; readonly id: string };
  readonly to?: string;
  readonly text?: string;
  readonly template?: string;
  readonly values?: Record<string, unknown>;
  readonly language?: string;
  readonly account?: string;
  readonly purpose: 'transactional' | 'marketing';
  readonly idempotencyKey: string;
}

export interface SmsSent {
  readonly id: string;
  readonly status: string;
  readonly to: string;
  readonly account: string;
  readonly activityId: string | null;
}

/** Serial SMS to a list: one text, its placeholders filled per record on the server. */
export interface SmsBulkRequest {
  readonly entity: string;
  readonly ids: readonly string[];
  readonly text: string;
  readonly account?: string;
  readonly purpose: 'transactional' | 'marketing';
  readonly idempotencyKey: string;
}

export interface SmsBulkResult {
  readonly queued: number;
  readonly repeated: number;
  readonly refused: readonly { readonly id: string; readonly code: string; readonly detail: string }[];
}

/** More than 1,000 recipients: a background job (its progress at /api/record-jobs/:id). */
export interface SmsBulkJob {
  readonly job: RecordJobReport;
}

export const smsApi = {
  compose: async (signal?: AbortSignal) => (await api.get<SmsComposeInfo>('/connectors/sms/compose', signal ? { signal } : {})).data,
  send: async (request: SmsSendRequest) => (await api.post<SmsSent>('/connectors/sms/messages', request)).data,
  bulk: async (request: SmsBulkRequest) => (await api.post<SmsBulkResult | SmsBulkJob>('/connectors/sms/bulk', request)).data,
};
