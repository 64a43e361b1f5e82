// What a report shows, computed from the aggregate API's answer (pure): a pivot's rows and columns,
// chart series, the CSV, the list a cell drills down to. The text of keys and measures, the table of a
// result and a report's query under filters are shared with the server's export (metadata/report-figures.ts).
import { keyText, reportTable, rowCurrency, type AggregateResult, type AggregateRow, type GroupKey, type ReportHeadings, type Texts } from '../../../../metadata/browser.ts';

export { keyText, measureText, periodRange, PERIODS, REPORT_CURRENCIES, reportHasMoney, reportQuery, rowCurrency, type Period, type ReportFilters, type Texts } from '../../../../metadata/browser.ts';

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
export function reportCsv(result: AggregateResult, headers: ReportHeadings, texts: Texts): string {
  const table = reportTable(result, headers, texts);
  const lines = table.rows.map((r) => [...r.texts, ...(r.currency === null ? [] : [r.currency]), ...r.values.map((v) => (v === null ? '' : String(v)))]);
  return `\uFEFF${[table.head, ...lines].map((l) => l.map(csvCell).join(',')).join('\r\n')}\r\n`;
}
