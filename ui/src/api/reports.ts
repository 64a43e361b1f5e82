// The aggregate API and dashboards (docs/reports.md): a report's groups and measures computed by the
// server with the user's rights; the dashboards of the user's roles and their own.
import type { AggregateQuery, AggregateResult, DashboardFilter, DashboardView, DashboardWidget } from '../../../metadata/browser.ts';
import { api, API_BASE } from './client.ts';

export type { AggregateResult, AggregateRow, DashboardFilter, DashboardView, GroupKey } from '../../../metadata/browser.ts';

export async function aggregate(entity: string, query: AggregateQuery, signal?: AbortSignal): Promise<AggregateResult> {
  return (await api.post<AggregateResult>(`/records/${encodeURIComponent(entity)}/aggregate`, query, signal ? { signal } : {})).data;
}

export async function listDashboards(signal?: AbortSignal): Promise<DashboardView[]> {
  return (await api.get<{ data: DashboardView[] }>('/dashboards', signal ? { signal } : {})).data.data;
}

export async function saveOwnDashboard(definition: { widgets: readonly DashboardWidget[]; filters: readonly DashboardFilter[] }): Promise<DashboardView> {
  return (await api.put<DashboardView>('/dashboards/mine', definition)).data;
}

export async function removeOwnDashboard(): Promise<void> {
  await api.delete('/dashboards/mine');
}

/** The address of a report exported as a file (XLSX or PDF) under its filters, in a language. */
export function reportExportUrl(name: string, format: 'xlsx' | 'pdf', language: string, filters: Readonly<Record<string, string | undefined>>): string {
  const q = new URLSearchParams({ format, lang: language });
  for (const [k, v] of Object.entries(filters)) if (v && v !== 'all') q.set(k, v);
  return `${API_BASE}/reports/${encodeURIComponent(name)}/export?${q}`;
}
