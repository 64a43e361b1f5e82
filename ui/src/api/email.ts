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
}

export interface ToFileItem {
  readonly id: string;
  readonly subject: string;
  readonly from_address: string | null;
  readonly to_addresses: string | null;
  readonly start_at: string | null;
  readonly account: string | null;
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
  dismiss: async (id: string) => {
    await api.post(`${BASE}/to-file/${id}/dismiss`, {});
  },
};
