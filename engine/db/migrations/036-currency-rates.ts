import type { Knex } from 'knex';

// Central banks' exchange rates (docs/exchange-rates.md): one row per source (nbp, bnr), currency
// and day the bank published a table. `rate` is per ONE unit of the currency in the source's own
// currency (PLN for NBP, RON for BNR): BNR's `multiplier` (100 HUF, 100 JPY) is divided out when
// stored and kept beside it, so a printout can still show the rate as published.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE tessera.currency_rates (
      source text NOT NULL,
      currency char(3) NOT NULL,
      rate_date date NOT NULL,
      rate numeric(24, 10) NOT NULL CHECK (rate > 0),
      multiplier integer NOT NULL DEFAULT 1 CHECK (multiplier > 0),
      table_no text,
      fetched_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (source, currency, rate_date)
    )`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`DROP TABLE tessera.currency_rates`);
}
