// Daily reports and cash in/out through the same leader as the receipts (tessera.fiscal_reports):
// requested from any process, run by the one serving the printer, their outcome kept.
import type { Knex } from 'knex';
import type { DailyReportContents } from '../totals.ts';

export type ReportKind = 'daily' | 'cash-in' | 'cash-out';

export interface ReportRequest {
  readonly id: string;
  readonly printerId: string;
  readonly kind: ReportKind;
  readonly reportDate: string | null;
  readonly amount: number | null;
  readonly state: 'queued' | 'printed' | 'failed';
  readonly errorCode: string | null;
  readonly lastError: string | null;
  readonly requestedBy: string | null;
  readonly createdAt: string;
  readonly doneAt: string | null;
  /** A printed daily report: its number on the printer and what it held (null where the protocol does not say). */
  readonly reportNumber: number | null;
  readonly contents: DailyReportContents | null;
}

const TABLE = 'tessera.fiscal_reports';

interface Row {
  id: string;
  printer_id: string;
  kind: ReportKind;
  report_date: string | Date | null;
  amount: string | number | null;
  state: ReportRequest['state'];
  error_code: string | null;
  last_error: string | null;
  requested_by: string | null;
  created_at: Date | string;
  done_at: Date | string | null;
  report_number: number | null;
  contents: DailyReportContents | null;
}

const day = (v: string | Date | null): string | null => (v === null ? null : v instanceof Date ? `${v.getFullYear()}-${String(v.getMonth() + 1).padStart(2, '0')}-${String(v.getDate()).padStart(2, '0')}` : v.slice(0, 10));

function fromRow(r: Row): ReportRequest {
  return {
    id: r.id,
    printerId: r.printer_id,
    kind: r.kind,
    reportDate: day(r.report_date),
    amount: r.amount === null ? null : Number(r.amount),
    state: r.state,
    errorCode: r.error_code,
    lastError: r.last_error,
    requestedBy: r.requested_by,
    createdAt: new Date(r.created_at).toISOString(),
    doneAt: r.done_at === null ? null : new Date(r.done_at).toISOString(),
    reportNumber: r.report_number ?? null,
    contents: r.contents ?? null,
  };
}

export async function requestReport(knex: Knex, input: { printerId: string; kind: ReportKind; reportDate?: string | null; amount?: number | null; requestedBy: string | null }): Promise<ReportRequest> {
  const [row] = (await knex(TABLE)
    .insert({ printer_id: input.printerId, kind: input.kind, report_date: input.reportDate ?? null, amount: input.amount ?? null, requested_by: input.requestedBy })
    .returning('*')) as Row[];
  return fromRow(row!);
}

export async function getReport(knex: Knex, id: string): Promise<ReportRequest | null> {
  const row = (await knex(TABLE).where({ id }).first()) as Row | undefined;
  return row ? fromRow(row) : null;
}

export async function listReports(knex: Knex, printerId: string | null, limit = 50): Promise<ReportRequest[]> {
  const q = knex(TABLE).orderBy('created_at', 'desc').limit(limit);
  if (printerId) q.where({ printer_id: printerId });
  return ((await q) as Row[]).map(fromRow);
}

export async function nextReport(knex: Knex, printerId: string): Promise<ReportRequest | null> {
  const row = (await knex(TABLE).where({ printer_id: printerId, state: 'queued' }).orderBy('created_at').first()) as Row | undefined;
  return row ? fromRow(row) : null;
}

export async function finishReport(knex: Knex, id: string, outcome: { ok: true; contents?: DailyReportContents | null } | { ok: false; code: string; detail: string }): Promise<void> {
  await knex(TABLE)
    .where({ id })
    .update(
      outcome.ok
        ? { state: 'printed', done_at: knex.fn.now(), contents: outcome.contents ? JSON.stringify(outcome.contents) : null, report_number: outcome.contents?.reportNumber ?? null }
        : { state: 'failed', error_code: outcome.code, last_error: outcome.detail, done_at: knex.fn.now() },
    );
}

/** After a daily report: the receipts that waited for it are due now, not after their back-off. */
export async function releaseReceiptsAfterReport(knex: Knex, printerId: string): Promise<void> {
  await knex('tessera.fiscal_receipts').where({ printer_id: printerId, state: 'queued', error_code: 'fiscal.error.dailyReportMissing' }).update({ next_attempt_at: knex.fn.now() });
}

/**
 * The guard against two zero daily reports in a row: refused when the last daily report of the
 * printer came after its last printed receipt (the printer refuses too, error 382; this says why
 * before anything is sent).
 */
export async function wouldBeZeroReport(knex: Knex, printerId: string): Promise<boolean> {
  const last = (await knex(TABLE).where({ printer_id: printerId, kind: 'daily', state: 'printed' }).max('done_at as at').first()) as { at: Date | string | null } | undefined;
  if (!last?.at) return false;
  const sold = (await knex('tessera.fiscal_receipts').where({ printer_id: printerId, state: 'printed' }).where('printed_at', '>', last.at).first('id')) as { id: string } | undefined;
  return !sold;
}
