// The connector platform's administration (administerConnectors): connectors with their settings
// (secrets are never sent back: `secretsSet` lists where one is set) and the outbox.
import { api } from './client.ts';
import { OUTBOX_STATES, type OutboxEntry, type OutboxState } from '../../../metadata/browser.ts';

export type Labels = Readonly<Record<'pl' | 'en' | 'ro', string>>;

export interface ConnectorInfo {
  readonly id: string;
  readonly label: Labels;
  readonly description?: Labels;
  readonly configSchema: Record<string, unknown> | null;
  readonly uiSchema: Record<string, unknown> | null;
  readonly taskTypes: readonly { readonly type: string; readonly mode: string; readonly description: string | null }[];
  readonly channels: readonly string[];
  readonly enabled: boolean;
  readonly config: Record<string, unknown>;
  readonly secretsSet: readonly string[];
  readonly version: number;
}

export { OUTBOX_STATES, type OutboxEntry, type OutboxState };

export const connectorsApi = {
  /** The ids of the connectors switched on (any signed-in user). */
  enabled: async (signal?: AbortSignal) => (await api.get<{ data: string[] }>('/connectors/enabled', signal ? { signal } : {})).data.data,
  list: async () => (await api.get<{ data: ConnectorInfo[] }>('/connectors')).data.data,
  save: async (id: string, settings: { enabled: boolean; config: Record<string, unknown>; version: number }) => (await api.put<ConnectorInfo>(`/connectors/${id}/settings`, settings)).data,
  outbox: async (state?: OutboxState) => (await api.get<{ data: OutboxEntry[] }>(`/outbox${state ? `?state=${state}` : ''}`)).data.data,
  retry: async (id: string) => (await api.post<OutboxEntry>(`/outbox/${id}/retry`)).data,
};
