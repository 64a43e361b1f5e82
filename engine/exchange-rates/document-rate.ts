// A document's exchange rate filled on save (an entity type's `exchangeRate`, docs/metadata.md):
// the stored central bank's rate under the country's rule, written with the record in its
// transaction. The rate of an issued document does not move when rates are fetched later: it is
// taken again only when the record is new or its currency or date changes.
import type { Knex } from 'knex';
import type { EntityModel } from '../../metadata/index.ts';
import { SOURCE_CURRENCY, documentRateRule, findRate, type RateSource } from './rates.ts';

type Values = Readonly<Record<string, unknown>>;

const dayOf = (value: unknown): string | null => (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}/.test(value) ? value.slice(0, 10) : null);

/**
 * The rate fields to write with the record (empty: nothing to change). `next`: the record as it
 * will be stored; `previous`: as it was (null for a new one); `written`: what the caller sent (a
 * rate typed by hand stays when no rate is stored).
 */
export async function documentRateValues(db: Knex | Knex.Transaction, entity: EntityModel, next: Values, previous: Values | null, written: Values): Promise<Record<string, unknown>> {
  const spec = entity.exchangeRate;
  if (!spec) return {};
  const currency = typeof next[spec.currencyField] === 'string' ? (next[spec.currencyField] as string).toUpperCase() : '';
  const day = dayOf(next[spec.dateField]);
  const changed = previous === null || previous[spec.currencyField] !== next[spec.currencyField] || dayOf(previous[spec.dateField]) !== day;
  // A document saved before its day's rates were fetched gets its rate on a later save.
  const missing = previous !== null && previous[spec.rateField] == null && !Object.hasOwn(written, spec.rateField);
  if (!changed && !missing) return {};
  // A rate given with the day of its table was copied from the document it comes from (a
  // correction takes its invoice's rate): it is kept.
  if (previous === null && spec.rateDateField && written[spec.rateField] != null && written[spec.rateDateField] != null) return {};
  const source: RateSource = spec.source ?? 'nbp';
  const fill = (rate: unknown, table: string | null, rateDay: string | null) => ({
    [spec.rateField]: rate,
    ...(spec.tableField ? { [spec.tableField]: table } : {}),
    ...(spec.rateDateField ? { [spec.rateDateField]: rateDay } : {}),
  });
  // No currency, or the bank's own: nothing is converted, so no rate.
  if (currency === '' || currency === SOURCE_CURRENCY[source]) return fill(null, null, null);
  const found = day === null ? null : await findRate(db, source, currency, day, documentRateRule(source));
  if (found) return fill(found.rate, found.table, found.date);
  return fill(Object.hasOwn(written, spec.rateField) ? written[spec.rateField] : null, null, null);
}
