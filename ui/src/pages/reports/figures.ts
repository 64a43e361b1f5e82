// What a report shows, computed from the aggregate API's answer (pure): the text of group keys and
// measures, a pivot's rows and columns, chart series, the CSV, the list a cell drills down to, and
// the query a report runs under a dashboard's filters.
import type { AggregateQuery, EntityModel, Label, Report } from '../../../../metadata/browser.ts';
import type { AggregateResult, AggregateRow, GroupKey } from '../../../../metadata/browser.ts';

export interface Texts {
  readonly label: (l: Label) => string;
  readonly locale: string;
  readonly empty: string;
  /** A record the reader may not see (its title is not given). */
  readonly hidden: string;
  readonly yes: string;
  readonly no: string;
  readonly days: string;
  readonly weekOf: string;
}

type Group = AggregateResult['groups'][number];
type Measure = AggregateResult['measures'][number];

/** A group key as text: labels of choices, titles of records, periods of date buckets. */
export function keyText(key: GroupKey, group: Group, texts: Texts): string {
  const { value, label } = key;
  if (value === null || value === undefined) return texts.empty;
  if (label !== undefined && label !== null) return typeof label === 'string' ? label : texts.label(label);
  if (label === null) return texts.hidden;
  if (typeof value === 'boolean') return value ? texts.yes : texts.no;
  if (group.bucket === 'age') return `${String(value)} ${texts.days}`;
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const date = new Date(`${value}T00:00:00`);
    switch (group.bucket) {
      case 'year':
        return value.slice(0, 4);
      case 'quarter':
        return `Q${Math.floor(date.getMonth() / 3) + 1} ${value.slice(0, 4)}`;
      case 'month':
        return date.toLocaleDateString(texts.locale, { month: 'long', year: 'numeric' });
      case 'week':
        return `${texts.weekOf} ${date.toLocaleDateString(texts.locale)}`;
      default:
        return date.toLocaleDateString(texts.locale);
    }
  }
  return String(value);
}

/** A measure's value as text; money in the row's currency of its field. */
export function measureText(value: number | string | null, measure: Measure, row: AggregateRow, locale: string): string {
  if (value === null) return '';
  if (typeof value === 'string') return /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T00:00:00`).toLocaleDateString(locale) : value;
  const currency = measure.money && measure.field ? row.currency?.[measure.field] : null;
  if (currency) {
    try {
      return new Intl.NumberFormat(locale, { style: 'currency', currency, maximumFractionDigits: 2 }).format(value);
    } catch {
      return `${value} ${currency}`;
    }
  }
  return new Intl.NumberFormat(locale, { maximumFractionDigits: measure.fn === 'count' ? 0 : 2 }).format(value);
}

/** The currency a row's money is in (the first money measure's), or '' without money. */
export const rowCurrency = (result: AggregateResult, row: AggregateRow): string => {
  const money = result.measures.find((m) => m.money && m.field);
  return (money && row.currency?.[money.field!]) ?? '';
};

/** The list of the records behind a row: the list page with the row's filter in the address. */
export const drillPath = (entity: string, filter: unknown): string => `/r/${entity}?view=*&filter=${encodeURIComponent(JSON.stringify(filter))}`;

export interface Pivot {
  readonly rows: readonly { readonly key: string; readonly text: string }[];
  readonly columns: readonly { readonly key: string; readonly text: string }[];
  readonly cell: (row: string, column: string) => AggregateRow | undefined;
}

const keyOf = (keys: readonly GroupKey[]) => JSON.stringify(keys.map((k) => k.value));

/** Rows: the first group; columns: the other groups (and the currency of money), in the answer's order. */
export function pivot(result: AggregateResult, texts: Texts): Pivot {
  const rows = new Map<string, string>();
  const columns = new Map<string, string>();
  const cells = new Map<string, AggregateRow>();
  for (const row of result.rows) {
    const r = keyOf(row.keys.slice(0, 1));
    const currency = rowCurrency(result, row);
    const c = keyOf(row.keys.slice(1)) + currency;
    if (!rows.has(r)) rows.set(r, keyText(row.keys[0]!, result.groups[0]!, texts));
    if (!columns.has(c))
      columns.set(
        c,
        [...row.keys.slice(1).map((k, i) => keyText(k, result.groups[i + 1]!, texts)), ...(currency ? [currency] : [])].join(' · '),
      );
    cells.set(`${r}|${c}`, row);
  }
  // Columns of dates sort by date whatever order the rows brought them in.
  const sortedColumns = [...columns].sort(([a], [b]) => (result.groups[1]?.bucket && result.groups[1].bucket !== 'age' ? a.localeCompare(b) : 0));
  return {
    rows: [...rows].map(([key, text]) => ({ key, text })),
    columns: sortedColumns.map(([key, text]) => ({ key, text })),
    cell: (row, column) => cells.get(`${row}|${column}`),
  };
}

export interface Slice {
  readonly text: string;
  readonly value: number;
  readonly color?: string;
  readonly row: AggregateRow;
}

export interface Series {
  readonly name: string;
  readonly currency: string;
  readonly slices: readonly Slice[];
}

/**
 * Chart series of the first measure: one per value of the second group (if any) and per currency —
 * amounts in different currencies are never drawn on one scale as if they added up.
 */
export function chartSeries(result: AggregateResult, texts: Texts): Series[] {
  const series = new Map<string, { name: string; currency: string; slices: Slice[] }>();
  for (const row of result.rows) {
    const value = row.values[0];
    if (typeof value !== 'number') continue;
    const currency = rowCurrency(result, row);
    const second = row.keys[1] ? keyText(row.keys[1], result.groups[1]!, texts) : '';
    const id = `${second}|${currency}`;
    const s = series.get(id) ?? { name: [second, currency].filter(Boolean).join(' · '), currency, slices: [] };
    s.slices.push({ text: row.keys[0] ? keyText(row.keys[0], result.groups[0]!, texts) : '', value, ...(row.keys[0]?.color ? { color: row.keys[0].color } : {}), row });
    series.set(id, s);
  }
  return [...series.values()];
}

const csvCell = (v: string) => (/[",\n\r;]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

/** The report as CSV: one line per row, the groups' texts, the currency, the measures' raw numbers. */
export function reportCsv(result: AggregateResult, headers: { groups: readonly string[]; measures: readonly string[]; currency: string }, texts: Texts): string {
  const money = result.measures.some((m) => m.money);
  const head = [...headers.groups, ...(money ? [headers.currency] : []), ...headers.measures];
  const lines = result.rows.map((row) => [...row.keys.map((k, i) => keyText(k, result.groups[i]!, texts)), ...(money ? [rowCurrency(result, row)] : []), ...row.values.map((v) => (v === null ? '' : String(v)))]);
  return `\uFEFF${[head, ...lines].map((l) => l.map(csvCell).join(',')).join('\r\n')}\r\n`;
}

export const PERIODS = ['all', 'thisMonth', 'lastMonth', 'thisQuarter', 'thisYear', 'last30', 'last365'] as const;
export type Period = (typeof PERIODS)[number];

const iso = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;

/** The first and last day of a period, counted from `today` (local dates). */
export function periodRange(period: Period, today: Date): [string, string] | null {
  const y = today.getFullYear();
  const m = today.getMonth();
  switch (period) {
    case 'all':
      return null;
    case 'thisMonth':
      return [iso(new Date(y, m, 1)), iso(new Date(y, m + 1, 0))];
    case 'lastMonth':
      return [iso(new Date(y, m - 1, 1)), iso(new Date(y, m, 0))];
    case 'thisQuarter': {
      const q = Math.floor(m / 3) * 3;
      return [iso(new Date(y, q, 1)), iso(new Date(y, q + 3, 0))];
    }
    case 'thisYear':
      return [iso(new Date(y, 0, 1)), iso(new Date(y, 11, 31))];
    case 'last30':
      return [iso(new Date(y, m, today.getDate() - 29)), iso(today)];
    case 'last365':
      return [iso(new Date(y, m, today.getDate() - 364)), iso(today)];
  }
}

/** The currencies a report's money can be converted to (the aggregate API's convertTo). */
export const REPORT_CURRENCIES = ['PLN', 'EUR', 'RON', 'USD'] as const;

export interface ReportFilters {
  readonly period?: Period;
  /** Money converted to this currency at today's central bank rates; absent: each in its own. */
  readonly currency?: string;
  /** A record or user id; "$me" for the signed-in user. */
  readonly owner?: string;
  readonly campaign?: string;
}

/** The aggregate query of a report under a dashboard's filters (those the report declares a parameter for). */
export function reportQuery(report: Report, entity: EntityModel, filters: ReportFilters, today: Date): AggregateQuery {
  const parts: unknown[] = report.filter ? [report.filter] : [];
  const params = report.parameters ?? {};
  const range = filters.period ? periodRange(filters.period, today) : null;
  if (range && params.period) {
    const datetime = entity.fieldsByName.get(params.period)?.type === 'datetime' || ['created_at', 'updated_at'].includes(params.period);
    const end = new Date(`${range[1]}T00:00:00`);
    end.setDate(end.getDate() + 1);
    parts.push({ [params.period]: datetime ? { gte: new Date(`${range[0]}T00:00:00`).toISOString(), lt: end.toISOString() } : { gte: range[0], lte: range[1] } });
  }
  if (filters.owner && params.owner) parts.push({ [params.owner]: { eq: filters.owner } });
  if (filters.campaign && params.campaign) parts.push({ [params.campaign]: { eq: filters.campaign } });
  return {
    groupBy: report.groupBy ?? [],
    measures: report.measures,
    ...(parts.length ? { filter: parts.length === 1 ? parts[0] : { and: parts } } : {}),
    ...(filters.currency && reportHasMoney(report, entity) ? { convertTo: filters.currency } : {}),
  };
}

/** Whether a report measures a money field (only then is there anything to convert). */
export function reportHasMoney(report: Report, entity: EntityModel): boolean {
  return report.measures.some((m) => {
    const field = typeof m === 'string' ? m.split(':')[1] : m.field;
    return field !== undefined && entity.fieldsByName.get(field)?.type === 'money';
  });
}
