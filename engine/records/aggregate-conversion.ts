// Money converted in an aggregate query (`convertTo`, docs/reports.md): each amount times the
// factor from its currency to the target at its rate day, computed in the GROUP BY from
// tessera.currency_rates. The rates are those of the bank quoting in the target currency (BNR for
// RON, NBP for PLN and any other target, through PLN: EUR → USD is EUR/PLN ÷ USD/PLN of the day).
// A rate that is missing is refused (422 at /convertTo), never summed as zero or as an old rate.
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

/** The target and rate day of a converting query; null when the query converts nothing. */
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

/**
 * The factor turning one unit of a money field's currency into the target currency at the record's
 * rate day; NULL when a rate it needs is not stored. Names come from the model and a fixed list,
 * the currency code was checked as three capitals: nothing a client sends is spliced in unquoted.
 */
export function factorSql(table: string, field: string, conversion: Conversion): string {
  const source = sourceOfCurrency(conversion.to) ?? 'nbp';
  const base = SOURCE_CURRENCY[source];
  const currency = `upper("${table}"."${field}${CURRENCY_SUFFIX}")`;
  const rate = (code: string) =>
    `(CASE WHEN ${code} = ${quote(base)} THEN 1 ELSE (SELECT r.rate FROM tessera.currency_rates r WHERE r.source = ${quote(source)} AND r.currency = ${code} AND r.rate_date BETWEEN ${conversion.day} - ${MAX_RATE_AGE_DAYS} AND ${conversion.day} ORDER BY r.rate_date DESC LIMIT 1) END)`;
  return `(CASE WHEN ${currency} = ${quote(conversion.to)} THEN 1 ELSE ${rate(currency)} / ${rate(quote(conversion.to))} END)`;
}

/**
 * Refuses the query when a record's amount needs a rate that is not stored (the rates of that day
 * not fetched, or a currency the bank does not quote): 422, pointing at the parameter, naming the
 * currency and the day.
 */
export async function refuseMissingRates(db: Knex | Knex.Transaction, base: Knex.QueryBuilder, entity: EntityModel, fields: readonly string[], conversion: Conversion, pointer: string): Promise<void> {
  const t = entity.table;
  for (const field of fields) {
    const missing = base
      .clone()
      .clearSelect()
      .clearOrder()
      .select(db.raw(`upper(??) AS currency, (${conversion.day})::text AS day`, [`${t}.${field}${CURRENCY_SUFFIX}`]))
      .whereNotNull(`${t}.${field}`)
      .whereNotNull(`${t}.${field}${CURRENCY_SUFFIX}`)
      .whereRaw(`${factorSql(t, field, conversion)} IS NULL`)
      .limit(1);
    const [row] = (await missing) as { currency: string; day: string | null }[];
    if (!row) continue;
    if (row.day === null) {
      const dateField = conversion.field!;
      throw new TesseraError('VALIDATION_FAILED', `a ${entity.name} with ${field} in ${row.currency} has no ${dateField} to take the rate of`, {
        problems: [{ pointer, detail: `a record has no ${dateField} to take the rate of`, code: 'RATE_DATE_MISSING', params: { field: dateField, entity: entity.name } }],
      });
    }
    const source = sourceOfCurrency(conversion.to) ?? 'nbp';
    const needed = row.currency === SOURCE_CURRENCY[source] ? conversion.to : row.currency;
    throw new TesseraError('VALIDATION_FAILED', `no ${source.toUpperCase()} rate of ${needed} on or before ${row.day} to convert ${field} to ${conversion.to}`, {
      problems: [{ pointer, detail: `no ${source.toUpperCase()} rate of ${needed} on or before ${row.day}`, code: 'RATE_MISSING', params: { currency: needed, date: row.day, source: source.toUpperCase() } }],
    });
  }
}
