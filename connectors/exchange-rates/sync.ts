// Keeping tessera.currency_rates filled: the day's tables, and the days of a period not stored yet
// (backfill; a new installation, a server that was down). NBP is asked day by day (a 404 is a day
// without a table), BNR by its yearly files.
import type { Knex } from 'knex';
import { addDays, saveRates, storedDays, type CurrencyRate, type RateSource } from '../../engine/connectors/index.ts';
import { bnrLatest, bnrYear, nbpTable, type FeedOptions } from './client.ts';

export interface SyncReport {
  /** Rates written per source. */
  readonly saved: Readonly<Partial<Record<RateSource, number>>>;
  /** Days NBP answered 404 for (weekends excluded: they are never asked). */
  readonly daysWithoutTable: readonly string[];
}

/** Saturday or Sunday: neither bank publishes then, so those days are not asked for. */
const weekend = (day: string) => [0, 6].includes(new Date(`${day}T00:00:00Z`).getUTCDay());

const daysBetween = (from: string, to: string): string[] => {
  const days: string[] = [];
  for (let day = from; day <= to && days.length <= 3660; day = addDays(day, 1)) days.push(day);
  return days;
};

/**
 * Fetches and stores the rates of the days from `from` to `to` (inclusive) not stored yet, and with
 * `latest` also BNR's current feed. Each source's rates are written as they arrive, so a failure of
 * one source leaves what the other fetched (the next run asks for the missing days again).
 */
export async function syncRates(knex: Knex, sources: readonly RateSource[], from: string, to: string, options: FeedOptions, latest = true): Promise<SyncReport> {
  const saved: Partial<Record<RateSource, number>> = {};
  const daysWithoutTable: string[] = [];
  const failures: Error[] = [];
  if (sources.includes('nbp')) {
    const have = await storedDays(knex, 'nbp', from, to);
    let count = 0;
    try {
      for (const day of daysBetween(from, to)) {
        if (weekend(day) || have.has(day)) continue;
        const table = await nbpTable(day, options);
        if (table === null) daysWithoutTable.push(day);
        else count += await saveRates(knex, table);
      }
    } catch (error) {
      failures.push(error as Error);
    }
    saved.nbp = count;
  }
  if (sources.includes('bnr')) {
    const have = await storedDays(knex, 'bnr', from, to);
    let count = 0;
    try {
      const missing = daysBetween(from, to).filter((d) => !weekend(d) && !have.has(d));
      const years = [...new Set(missing.map((d) => Number(d.slice(0, 4))))];
      for (const year of years) {
        const rates = (await bnrYear(year, options)).filter((r) => r.date >= from && r.date <= to && !have.has(r.date));
        count += await saveRates(knex, rates);
      }
      if (latest) count += await saveRates(knex, await bnrLatest(options));
    } catch (error) {
      failures.push(error as Error);
    }
    saved.bnr = count;
  }
  if (failures.length) throw new AggregateError(failures, `exchange rates: ${failures.map((f) => f.message).join('; ')}`);
  return { saved, daysWithoutTable };
}

export type { CurrencyRate };
