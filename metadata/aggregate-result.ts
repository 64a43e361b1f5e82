// The answers of the aggregate API and of the dashboards API (docs/reports.md), as the server sends
// them and the app reads them: one definition for both sides.
import type { DateBucket, GroupKind, MeasureFunction } from './aggregate.ts';
import type { DashboardWidget, Label } from './schema/types.generated.ts';

/** One group value of a result row: the value, and how to show it. */
export interface GroupKey {
  readonly value: string | number | boolean | null;
  /** Choices: the value's label; references and users: the record's title (null when the reader may not see it). */
  readonly label?: Label | string | null;
  readonly color?: string;
}

export interface AggregateRow {
  readonly keys: readonly GroupKey[];
  /** Money measures: the currency of their amounts (by field name); amounts in different currencies never add up. */
  readonly currency?: Readonly<Record<string, string | null>>;
  readonly values: readonly (number | string | null)[];
  /** The list filter selecting the records behind this row (the request's filter and the row's group values). */
  readonly filter: unknown;
}

export interface AggregateResult {
  readonly entity: string;
  readonly groups: readonly { readonly name: string; readonly field: string; readonly bucket?: DateBucket; readonly kind: GroupKind }[];
  readonly measures: readonly { readonly name: string; readonly fn: MeasureFunction; readonly field?: string; readonly weight?: string; readonly money: boolean }[];
  readonly rows: readonly AggregateRow[];
  readonly truncated: boolean;
}

export const DASHBOARD_FILTERS = ['period', 'owner', 'campaign'] as const;
export type DashboardFilter = (typeof DASHBOARD_FILTERS)[number];

/** A dashboard as a user opens it: one of their roles' (metadata) or their own. */
export interface DashboardView {
  readonly name: string;
  readonly label?: Label;
  readonly source: 'role' | 'user';
  readonly default: boolean;
  readonly filters: readonly DashboardFilter[];
  readonly widgets: readonly DashboardWidget[];
}
