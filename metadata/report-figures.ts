// What a report's figures read as (pure, shared by the web app's report pages and the server's XLSX
// and PDF export): the text of group keys and measures, the table of a result (headings, one line per
// row, the currency apart), and the aggregate query a report runs under the filters offered above it
// (period, owner, campaign).
import type { AggregateQuery } from './aggregate.ts';
import type { Label, Report } from './schema/types.generated.ts';
import type { AggregateResult, AggregateRow, GroupKey } from './aggregate-result.ts';
import type { EntityModel } from './model.ts';
import type { ReportWord } from './report-words.ts';

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

/** The headings of a result's table: the groups' field labels, the currency (with money), the measures. */
export interface ReportHeadings {
  readonly groups: readonly string[];
  readonly measures: readonly string[];
  readonly currency: string;
}

/** The headings of a result: its groups' field labels and its measures' names, in the words of `word`. */
export function reportHeadings(entity: EntityModel, result: AggregateResult, word: (key: ReportWord, params?: Record<string, string>) => string, label: (l: Label) => string): ReportHeadings {
  const fieldLabel = (name: string | undefined) => {
    const field = name ? entity.fieldsByName.get(name) : undefined;
    return field ? label(field.label) : (name ?? '');
  };
  return {
    groups: result.groups.map((g) => fieldLabel(g.field)),
    measures: result.measures.map((m) => (m.fn === 'count' ? word('report.measure.count') : word(`report.measure.${m.fn}`, { field: fieldLabel(m.field), weight: fieldLabel(m.weight) }))),
    currency: word('report.currency'),
  };
}

/** A result as a table: the heading line, then per row the groups' texts, the currency and the raw figures. */
export function reportTable(result: AggregateResult, headings: ReportHeadings, texts: Texts): { head: string[]; rows: { texts: string[]; currency: string | null; values: (number | string | null)[]; row: AggregateRow }[] } {
  const money = result.measures.some((m) => m.money);
  return {
    head: [...headings.groups, ...(money ? [headings.currency] : []), ...headings.measures],
    rows: result.rows.map((row) => ({ texts: row.keys.map((k, i) => keyText(k, result.groups[i]!, texts)), currency: money ? rowCurrency(result, row) : null, values: [...row.values], row })),
  };
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

/** Whether a report measures a money field (only then is there anything to convert). */
export function reportHasMoney(report: Report, entity: EntityModel): boolean {
  return report.measures.some((m) => {
    const field = typeof m === 'string' ? m.split(':')[1] : m.field;
    return field !== undefined && entity.fieldsByName.get(field)?.type === 'money';
  });
}

export interface ReportFilters {
  readonly period?: Period;
  /** Money converted to this currency at the central banks' rates; absent: each in its own. */
  readonly currency?: string;
  /** A record or user id; "$me" for the signed-in user. */
  readonly owner?: string;
  readonly campaign?: string;
}

/** The instant a local day starts in this process's time zone (the browser's); the server passes the business time zone's. */
const localDayStart = (day: string): string => new Date(`${day}T00:00:00`).toISOString();

/** The aggregate query of a report under a dashboard's filters (those the report declares a parameter for). */
export function reportQuery(report: Report, entity: EntityModel, filters: ReportFilters, today: Date, dayStart: (day: string) => string = localDayStart): AggregateQuery {
  const parts: unknown[] = report.filter ? [report.filter] : [];
  const params = report.parameters ?? {};
  const range = filters.period ? periodRange(filters.period, today) : null;
  if (range && params.period) {
    const datetime = entity.fieldsByName.get(params.period)?.type === 'datetime' || ['created_at', 'updated_at'].includes(params.period);
    const end = new Date(`${range[1]}T00:00:00`);
    end.setDate(end.getDate() + 1);
    parts.push({ [params.period]: datetime ? { gte: dayStart(range[0]), lt: dayStart(iso(end)) } : { gte: range[0], lte: range[1] } });
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
