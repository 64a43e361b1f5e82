import type { Knex } from 'knex';

// Fiscal printers, second part (connectors/fiscal, docs/fiscal.md):
// - fiscal_reports keeps what a daily report held (`contents`: net, VAT and gross per VAT slot,
//   receipt and invoice counts, cancellations, read from the printer's totals just before it) and
//   the printer's number of the report: the cash-register report record.
// - fiscal_receipts: `document` says whether the row prints a receipt or a VAT invoice (POSNET
//   `trfvinit`); a queued or failed row may be `cancelled` by a person (never one being printed),
//   and an index on `updated_at` serves the printers page's live feed.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`ALTER TABLE tessera.fiscal_reports ADD COLUMN contents jsonb, ADD COLUMN report_number integer`);
  await knex.raw(`ALTER TABLE tessera.fiscal_receipts ADD COLUMN document varchar(10) NOT NULL DEFAULT 'receipt' CHECK (document IN ('receipt', 'invoice'))`);
  await knex.raw(`ALTER TABLE tessera.fiscal_receipts DROP CONSTRAINT fiscal_receipts_state_check`);
  await knex.raw(`ALTER TABLE tessera.fiscal_receipts ADD CONSTRAINT fiscal_receipts_state_check CHECK (state IN ('queued', 'printing', 'printed', 'failed', 'cancelled'))`);
  // The printers page's live feed asks "did any row change?" every second: max(updated_at) by index.
  await knex.raw(`CREATE INDEX fiscal_receipts_updated_ix ON tessera.fiscal_receipts (updated_at)`);
  // …and counts the receipts waiting per printer: a partial index keeps that small as the table grows.
  await knex.raw(`CREATE INDEX fiscal_receipts_waiting_ix ON tessera.fiscal_receipts (printer_id) WHERE state IN ('queued', 'printing')`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`DROP INDEX tessera.fiscal_receipts_waiting_ix`);
  await knex.raw(`DROP INDEX tessera.fiscal_receipts_updated_ix`);
  await knex.raw(`ALTER TABLE tessera.fiscal_receipts DROP CONSTRAINT fiscal_receipts_state_check`);
  await knex.raw(`ALTER TABLE tessera.fiscal_receipts ADD CONSTRAINT fiscal_receipts_state_check CHECK (state IN ('queued', 'printing', 'printed', 'failed'))`);
  await knex.raw(`ALTER TABLE tessera.fiscal_receipts DROP COLUMN document`);
  await knex.raw(`ALTER TABLE tessera.fiscal_reports DROP COLUMN contents, DROP COLUMN report_number`);
}
