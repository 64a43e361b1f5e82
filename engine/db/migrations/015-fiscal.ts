import type { Knex } from 'knex';

// Fiscal printers (connectors/fiscal, docs/fiscal.md):
// - fiscal_receipts: the shared print queue, one row per receipt and idempotency key (a key prints
//   at most once). `journal` holds how far an interrupted print got (receipt counter before it, the
//   close sent and its token), so the next attempt, even in another process, reconciles instead of
//   printing twice. `log` keeps every step.
// - fiscal_printers: per configured printer, the lease of the one process serving it (leader) and
//   its last status (paper, cover, transaction) for the UI.
// - fiscal_reports: daily reports and cash in/out requested through the queue, with their outcome.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE tessera.fiscal_receipts (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      printer_id varchar(64) NOT NULL,
      idempotency_key text NOT NULL UNIQUE,
      state varchar(10) NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'printing', 'printed', 'failed')),
      receipt jsonb NOT NULL,
      entity varchar(64),
      record_id uuid,
      journal jsonb,
      total bigint,
      receipt_number integer,
      unique_number text,
      attempts integer NOT NULL DEFAULT 0,
      error_code text,
      last_error text,
      log jsonb NOT NULL DEFAULT '[]',
      requested_by uuid REFERENCES tessera.users(id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      next_attempt_at timestamptz NOT NULL DEFAULT now(),
      printed_at timestamptz
    )`);
  await knex.raw(`CREATE INDEX fiscal_receipts_queue_ix ON tessera.fiscal_receipts (printer_id, state, created_at)`);
  await knex.raw(`CREATE INDEX fiscal_receipts_record_ix ON tessera.fiscal_receipts (entity, record_id)`);
  await knex.raw(`
    CREATE TABLE tessera.fiscal_printers (
      printer_id varchar(64) PRIMARY KEY,
      leader text,
      lease_until timestamptz,
      status jsonb,
      status_at timestamptz,
      last_error text
    )`);
  await knex.raw(`
    CREATE TABLE tessera.fiscal_reports (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      printer_id varchar(64) NOT NULL,
      kind varchar(20) NOT NULL CHECK (kind IN ('daily', 'cash-in', 'cash-out')),
      report_date date,
      amount bigint,
      state varchar(10) NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'printed', 'failed')),
      error_code text,
      last_error text,
      requested_by uuid REFERENCES tessera.users(id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      done_at timestamptz
    )`);
  await knex.raw(`CREATE INDEX fiscal_reports_printer_ix ON tessera.fiscal_reports (printer_id, created_at DESC)`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`DROP TABLE tessera.fiscal_reports, tessera.fiscal_printers, tessera.fiscal_receipts`);
}
