// Central banks' exchange rates as the platform keeps them (tessera.currency_rates, migration 036):
// written by the exchange-rates connector, read by the invoice rule and by the aggregate API's
// conversion. Each source quotes in its own currency: NBP in PLN, BNR in RON.
import type { Knex } from 'knex';

export const RATE_SOURCES = ['nbp', 'bnr'] as const;
export type RateSource = (typeof RATE_SOURCES)[number];

/** The currency each source quotes its rates in. */
export const SOURCE_CURRENCY: Readonly<Record<RateSource, string>> = { nbp: 'PLN', bnr: 'RON' };

/**
 * How far back a rate is looked for before it counts as missing: the longest run of days without a
 * table (Easter, Christmas to the new year, with a weekend) is well under it, so only a gap in the
 * stored rates (no backfill) reaches it.
 */
export const MAX_RATE_AGE_DAYS = 10;

export interface CurrencyRate {
  readonly source: RateSource;
  /** ISO 4217, upper case. */
  readonly currency: string;
  /** YYYY-MM-DD: the day the table is effective. */
  readonly date: string;
  /** In the source's currency per ONE unit (a published multiplier divided out). */
  readonly rate: number;
  /** The units the bank quoted the rate for (BNR: 100 for HUF, JPY, KRW); 1 otherwise. */
  readonly multiplier: number;
  /** NBP's table number ("058/A/NBP/2026"); null for BNR, which numbers none. */
  readonly table: string | null;
}

const DAY = 86_400_000;

/** The day `n` days after `day` (YYYY-MM-DD; negative n goes back). */
export const addDays = (day: string, n: number): string => new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10);

/**
 * The rate a document dated `date` uses. Poland (art. 31a of the VAT act): the NBP average rate of
 * the last business day BEFORE the date. Romania (Codul fiscal art. 290): the BNR rate of the day,
 * or the last one published before it.
 */
export const documentRateRule = (source: RateSource): 'before' | 'onOrBefore' => (source === 'nbp' ? 'before' : 'onOrBefore');

/** The source whose own currency a document is kept in (PLN → NBP, RON → BNR); null for others. */
export function sourceOfCurrency(currency: string): RateSource | null {
  const upper = currency.toUpperCase();
  return RATE_SOURCES.find((s) => SOURCE_CURRENCY[s] === upper) ?? null;
}

interface RateRow {
  source: RateSource;
  currency: string;
  rate_date: string | Date;
  rate: string | number;
  multiplier: number;
  table_no: string | null;
}

const dayText = (value: string | Date): string => (typeof value === 'string' ? value.slice(0, 10) : new Date(value.getTime() - value.getTimezoneOffset() * 60_000).toISOString().slice(0, 10));

const fromRow = (row: RateRow): CurrencyRate => ({ source: row.source, currency: row.currency, date: dayText(row.rate_date), rate: Number(row.rate), multiplier: row.multiplier, table: row.table_no });

/** Stores rates (a day fetched again replaces what was stored for it: banks correct tables). */
export async function saveRates(db: Knex | Knex.Transaction, rates: readonly CurrencyRate[]): Promise<number> {
  if (rates.length === 0) return 0;
  const rows = rates.map((r) => ({ source: r.source, currency: r.currency.toUpperCase(), rate_date: r.date, rate: r.rate, multiplier: r.multiplier, table_no: r.table, fetched_at: db.fn.now() }));
  for (let at = 0; at < rows.length; at += 500) {
    await db('tessera.currency_rates').insert(rows.slice(at, at + 500)).onConflict(['source', 'currency', 'rate_date']).merge(['rate', 'multiplier', 'table_no', 'fetched_at']);
  }
  return rows.length;
}

/**
 * The rate of `currency` a day `date` uses under `rule` (the newest stored on or strictly before
 * it, at most MAX_RATE_AGE_DAYS back); null when none is stored.
 */
export async function findRate(db: Knex | Knex.Transaction, source: RateSource, currency: string, date: string, rule: 'before' | 'onOrBefore'): Promise<CurrencyRate | null> {
  const last = rule === 'before' ? addDays(date, -1) : date;
  const row = (await db('tessera.currency_rates')
    .where({ source, currency: currency.toUpperCase() })
    .whereRaw('rate_date BETWEEN ?::date AND ?::date', [addDays(last, -MAX_RATE_AGE_DAYS), last])
    .orderBy('rate_date', 'desc')
    .first()) as RateRow | undefined;
  return row ? fromRow(row) : null;
}

/** The days of a source that have a stored table between two days (inclusive), for backfill. */
export async function storedDays(db: Knex | Knex.Transaction, source: RateSource, from: string, to: string): Promise<Set<string>> {
  const rows = (await db('tessera.currency_rates').distinct('rate_date').where({ source }).whereRaw('rate_date BETWEEN ?::date AND ?::date', [from, to])) as { rate_date: string | Date }[];
  return new Set(rows.map((r) => dayText(r.rate_date)));
}
