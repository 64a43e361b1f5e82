// The designer's list view and board editor, as pure operations on a view item (docs/metadata.md#views):
// its columns (order and widths), default sort, filter, and for boards the grouping field and the
// column total. Every operation returns a new view; a width follows its column (a removed column
// loses its width), so what the editor writes into the draft is one the validator accepts.
import type { EntityModel, View } from '../metadata/browser.ts';

export const MIN_WIDTH = 40;
export const MAX_WIDTH = 800;

// Columns a list may show besides the fields (as in the lists' column chooser).
const SYSTEM = ['created_at', 'updated_at', 'created_by', 'updated_by', 'owner'] as const;
const SKIPPED = new Set(['json', 'attachment', 'lines', 'secret']);

/** The columns a view of the type may show: its fields (not json, files, lines or secrets), then the system columns. */
export function columnChoices(entity: EntityModel): string[] {
  return [...entity.fields.filter((f) => !SKIPPED.has(f.type)).map((f) => f.name), ...SYSTEM];
}

/** The view with the column added at the end (once). */
export function addColumn(view: View, column: string): View {
  const columns = view.columns ?? [];
  return columns.includes(column) ? view : { ...view, columns: [...columns, column] };
}

/** The view without the column and its width; the last column stays (a view shows at least one). */
export function removeColumn(view: View, column: string): View {
  const columns = (view.columns ?? []).filter((c) => c !== column);
  if (columns.length === 0) return view;
  return withWidths({ ...view, columns }, Object.fromEntries(Object.entries(view.widths ?? {}).filter(([name]) => name !== column)));
}

/** The view with the column moved to an index (clamped to the list), e.g. by a drop or by Alt+arrow keys. */
export function moveColumn(view: View, column: string, index: number): View {
  const columns = [...(view.columns ?? [])];
  const from = columns.indexOf(column);
  if (from < 0) return view;
  columns.splice(from, 1);
  const to = Math.max(0, Math.min(columns.length, index));
  columns.splice(to, 0, column);
  return { ...view, columns };
}

/** The view with the column's width in pixels (clamped to 40–800), or its natural width for null. */
export function setWidth(view: View, column: string, width: number | null): View {
  const rest = Object.fromEntries(Object.entries(view.widths ?? {}).filter(([name]) => name !== column));
  if (width === null || !Number.isFinite(width) || !(view.columns ?? []).includes(column)) return withWidths(view, rest);
  return withWidths(view, { ...rest, [column]: Math.round(Math.max(MIN_WIDTH, Math.min(MAX_WIDTH, width))) });
}

/** The view sorted by one field (or by the type's default sort for null). */
export function setSort(view: View, field: string | null, direction: 'asc' | 'desc' = 'asc'): View {
  const { sort: _drop, ...rest } = view;
  return field ? { ...rest, sort: [{ field, direction }] } : rest;
}

/** The view with a filter, or none for undefined. */
export function setFilter(view: View, filter: unknown): View {
  const { filter: _drop, ...rest } = view;
  return filter === undefined ? rest : { ...rest, filter: filter as Record<string, unknown> };
}

/** The fields a board may be grouped by: the type's state fields (pipeline stages, statuses) and enums. */
export function groupChoices(entity: EntityModel): string[] {
  return entity.fields.filter((f) => f.type === 'state' || f.type === 'enum').map((f) => f.name);
}

/** The fields a board's columns may total: money and number fields. */
export function totalChoices(entity: EntityModel): string[] {
  return entity.fields.filter((f) => f.type === 'money' || f.type === 'integer' || f.type === 'decimal').map((f) => f.name);
}

/** The board grouped by a field (or by the type's pipeline / first status machine for null). */
export function setGroupBy(view: View, field: string | null): View {
  const { groupBy: _drop, ...rest } = view;
  return field ? { ...rest, groupBy: field } : rest;
}

/** The board's column total over a field (or the pipeline's amount field for null). */
export function setTotal(view: View, field: string | null): View {
  const { total: _drop, ...rest } = view;
  return field ? { ...rest, total: field } : rest;
}

/** A new view of the type: its display field as the first column, a board grouped by its first state or enum field. */
export function newView(entity: EntityModel, name: string, type: 'table' | 'board', label: string): View {
  const group = groupChoices(entity)[0];
  return {
    kind: 'view',
    id: `custom.view.${entity.name}.${name}`,
    name,
    label: { en: label },
    entity: entity.name,
    type,
    columns: [entity.displayField],
    ...(type === 'board' && group ? { groupBy: group } : {}),
  };
}

function withWidths(view: View, widths: Record<string, number>): View {
  const { widths: _drop, ...rest } = view;
  return Object.keys(widths).length ? { ...rest, widths } : rest;
}
