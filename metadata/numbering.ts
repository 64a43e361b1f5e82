// Numbering series as text (pure): the counter key of a series for a moment and the number a counter
// value renders to. The engine numbers records with these (engine/rules/numbering.ts takes the
// counter row inside the record's transaction) and the designer previews the next numbers of a
// series with the very same functions, so a preview cannot drift from what the server gives out.
import { localDate } from './calendar.ts';
import type { Numbering } from './schema/types.generated.ts';

export type NumberingReset = NonNullable<Numbering['reset']>;

/** One series as the counter sees it: the numbered field, its pattern and reset, its name (null: the field's own pattern) and `per` values. */
export interface SeriesSpec {
  readonly field: string;
  readonly pattern: string;
  readonly reset?: NumberingReset;
  readonly name?: string | null;
  readonly per?: readonly unknown[];
}

/** The counter key and the text around {seq} for a moment. `per`: values keeping separate counters. */
export function seriesFor(entity: string, numbering: SeriesSpec, at: Date, timeZone = 'UTC'): { key: string; render: (seq: number) => string } {
  const local = localDate(at, timeZone);
  const yyyy = String(local.year);
  const mm = String(local.month).padStart(2, '0');
  const period = numbering.reset === 'monthly' ? `${yyyy}-${mm}` : numbering.reset === 'never' ? '' : yyyy;
  const scope = numbering.per && numbering.per.length > 0 ? `[${numbering.per.map((v) => (v === null || v === undefined ? '' : String(v))).join('|')}]` : '';
  const key = `${entity}.${numbering.field}${numbering.name ? `.${numbering.name}` : ''}${scope}${period ? `@${period}` : ''}`;
  const render = (seq: number) =>
    numbering.pattern
      .replace(/\{YYYY\}/g, yyyy)
      .replace(/\{YY\}/g, yyyy.slice(2))
      .replace(/\{MM\}/g, mm)
      .replace(/\{seq(?::(\d))?\}/g, (_m, width: string | undefined) => String(seq).padStart(width ? Number(width) : 1, '0'));
  return { key, render };
}

/**
 * The moment whose year and month number a record: its `dateField`'s day when it has one (an invoice
 * issued on 30 November is a November one, whatever day it is typed in), else `at` in the business
 * time zone.
 */
export function numberingMoment(dateField: string | undefined, values: Readonly<Record<string, unknown>>, at: Date, timeZone = 'UTC'): { at: Date; timeZone: string } {
  const dated = dateField ? values[dateField] : undefined;
  return typeof dated === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(dated) ? { at: new Date(`${dated}T12:00:00Z`), timeZone: 'UTC' } : { at, timeZone };
}

/**
 * The next `count` numbers a series gives out after its counter stood at `lastValue` (0 or null: a
 * fresh counter, as on a new period), with the counter key they are taken from.
 */
export function nextNumbers(entity: string, numbering: SeriesSpec, lastValue: number | null, count: number, at: Date, timeZone = 'UTC'): { key: string; numbers: string[] } {
  const { key, render } = seriesFor(entity, numbering, at, timeZone);
  const from = (lastValue ?? 0) + 1;
  return { key, numbers: Array.from({ length: Math.max(0, count) }, (_, i) => render(from + i)) };
}
