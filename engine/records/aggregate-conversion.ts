// Money converted in an aggregate query (`convertTo`, docs/reports.md): each amount times the
// factor from its currency to the target at its rate day, from tessera.currency_rates. The rates
// are those of the bank quoting in the target currency (BNR for RON, NBP for PLN and any other
// target, through PLN: EUR → USD is EUR/PLN ÷ USD/PLN of the day). The factors are computed once
// per (currency, day) pair the rows hold — a few, or one per day of a period — and joined to the
// rows as a small table, so the GROUP BY multiplies instead of looking a rate up per row. A rate
// that is missing is refused (422 at /convertTo), never summed as zero or as an old rate.
import type { Knex } from 'knex';
import { CURRENCY_SUFFIX, type EntityModel, type ParsedAggregate, type RateDate } from '../../metadata/index.ts';
import { MAX_RATE_AGE_DAYS, SOURCE_CURRENCY, sourceOfCurrency } from '../exchange-rates/index.ts';
import { TesseraError } from '../errors.ts';

const quote = (text: string) => `'${text.replace(/'/g, "''")}'`;

/** The SQL of the day a record's amounts are converted at. */
function daySql(table: string, rateDate: RateDate, timeZone: string): string {
  if ('day' in rateDate) return `${quote(rateDate.day)}::date`;
  if ('today' in rateDate) return `(now() AT TIME ZONE ${quote(timeZone)})::date`;
  const column = `"${table}"."${rateDate.field}"`;
  return rateDate.kind === 'date' ? column : `(${column} AT TIME ZONE ${quote(timeZone)})::date`;
}

/** The target and rate day of a converting query. */
export interface Conversion {
  readonly to: string;
  /** SQL of the rate day. */
  readonly day: string;
  /** The record's field the day is taken from, when it is one. */
  readonly field?: string;
}

export function conversionOf(query: ParsedAggregate, table: string, timeZone: string): Conversion | null {
  if (!query.convertTo || !query.rateDate) return null;
  return { to: query.convertTo, day: daySql(table, query.rateDate, timeZone), ...('field' in query.rateDate ? { field: query.rateDate.field } : {}) };
}

/** The alias of the factor table of the i-th money field; its factor column is `<alias>.fx_factor`. */
export const factorAlias = (i: number) => `fx${i}`;

/**
 * The factor of one unit of `code` into the target on `day` (SQL over a pair's columns); NULL when
 * a rate it needs is not stored within MAX_RATE_AGE_DAYS. The currency code was checked as three
 * capitals and the rest is fixed text: nothing a client sends is spliced in unquoted.
 */
function factorSql(code: string, day: string, to: string): string {
  const source = sourceOfCurrency(to) ?? 'nbp';
  const base = SOURCE_CURRENCY[source];
  const rate = (c: string) =>
    `(CASE WHEN ${c} = ${quote(base)} THEN 1 ELSE (SELECT r.rate FROM tessera.currency_rates r WHERE r.source = ${quote(source)} AND r.currency = ${c} AND r.rate_date BETWEEN ${day} - ${MAX_RATE_AGE_DAYS} AND ${day} ORDER BY r.rate_date DESC LIMIT 1) END)`;
  return `(CASE WHEN ${code} = ${quote(to)} THEN 1 ELSE ${rate(code)} / ${rate(quote(to))} END)`;
}

/**
 * Joins `base` (in place: a query builder returned from an async function would be run as a
 * promise) to one factor table per money field (`fx<i>`: the factor of each currency and day its
 * rows hold). Refuses the query when a record's amount needs a rate that is not stored (422
 * RATE_MISSING naming the currency and day) or has no rate day (RATE_DATE_MISSING).
 */
export async function joinFactors(db: Knex | Knex.Transaction, base: Knex.QueryBuilder, entity: EntityModel, fields: readonly string[], conversion: Conversion, pointer: string): Promise<void> {
  const t = entity.table;
  const source = sourceOfCurrency(conversion.to) ?? 'nbp';
  const joins: [string, string[][]][] = [];
  for (const [i, field] of fields.entries()) {
    const currency = `"${t}"."${field}${CURRENCY_SUFFIX}"`;
    const pairs = base
      .clone()
      .clearSelect()
      .clearOrder()
      .distinct(db.raw(`upper(${currency}) AS c, ${conversion.day} AS d`))
      .whereNotNull(`${t}.${field}`)
      .whereNotNull(`${t}.${field}${CURRENCY_SUFFIX}`)
      .toSQL();
    const result = (await db.raw(`SELECT p.c, p.d::text AS d, ${factorSql('p.c', 'p.d', conversion.to)}::text AS f FROM (${pairs.sql}) AS p ORDER BY p.d NULLS FIRST, p.c`, pairs.bindings as Knex.RawBinding[])) as { rows: { c: string; d: string | null; f: string | null }[] };
    for (const row of result.rows) {
      if (row.d === null) {
        const dateField = conversion.field!;
        throw new TesseraError('VALIDATION_FAILED', `a ${entity.name} with ${field} in ${row.c} has no ${dateField} to take the rate of`, {
          problems: [{ pointer, detail: `a record has no ${dateField} to take the rate of`, code: 'RATE_DATE_MISSING', params: { field: dateField, entity: entity.name } }],
        });
      }
      if (row.f === null) {
        const needed = row.c === SOURCE_CURRENCY[source] ? conversion.to : row.c;
        throw new TesseraError('VALIDATION_FAILED', `no ${source.toUpperCase()} rate of ${needed} on or before ${row.d} to convert ${field} to ${conversion.to}`, {
          problems: [{ pointer, detail: `no ${source.toUpperCase()} rate of ${needed} on or before ${row.d}`, code: 'RATE_MISSING', params: { currency: needed, date: row.d, source: source.toUpperCase() } }],
        });
      }
    }
    const alias = factorAlias(i);
    joins.push([`LEFT JOIN unnest(?::text[], ?::date[], ?::numeric[]) AS ${alias}(fx_currency, fx_day, fx_factor) ON ${alias}.fx_currency = upper(${currency}) AND ${alias}.fx_day = ${conversion.day}`, [
      result.rows.map((r) => r.c),
      result.rows.map((r) => r.d!),
      result.rows.map((r) => r.f!),
    ]]);
  }
  // Joined after every pair query, which read the rows without them.
  for (const [sql, bindings] of joins) base.joinRaw(sql, bindings);
}
