// The aggregate API and dashboards (docs/reports.md): a report's groups and measures computed by the
// server with the user's rights; the dashboards of the user's roles and their own.
import type { AggregateQuery, DashboardWidget, DateBucket, GroupKind, Label, MeasureFunction } from '../../../metadata/browser.ts';
import { api } from './client.ts';

export interface GroupKey {
  readonly value: string | number | boolean | null;
  readonly label?: Label | string | null;
  readonly color?: string;
}

export interface AggregateRow {
  readonly keys: readonly GroupKey[];
  readonly currency?: Readonly<Record<string, string | null>>;
  readonly values: readonly (number | string | null)[];
  /** The list filter of the records behind the row (drill-down). */
  readonly filter: unknown;
}

export interface AggregateResult {
  readonly entity: string;
  readonly groups: readonly { readonly name: string; readonly field: string; readonly bucket?: DateBucket; readonly kind: GroupKind }[];
  readonly measures: readonly { readonly name: string; readonly fn: MeasureFunction; readonly field?: string; readonly weight?: string; readonly money: boolean }[];
  readonly rows: readonly AggregateRow[];
  readonly truncated: boolean;
}

export async function aggregate(entity: string, query: AggregateQuery, signal?: AbortSignal): Promise<AggregateResult> {
  return (await api.post<AggregateResult>(`/records/${encodeURIComponent(entity)}/aggregate`, query, signal ? { signal } : {})).data;
}

export type DashboardFilter = 'period' | 'owner' | 'campaign';

export interface DashboardView {
  readonly name: string;
  readonly label?: Label;
  readonly source: 'role' | 'user';
  readonly default: boolean;
  readonly filters: readonly DashboardFilter[];
  readonly widgets: readonly DashboardWidget[];
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
