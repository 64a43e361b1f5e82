// The aggregate API's answer as the app reads it (GET/POST /api/records/<type>/aggregate, docs/reports.md).
import type { DateBucket, GroupKind, Label, MeasureFunction } from '../../../../metadata/browser.ts';

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
