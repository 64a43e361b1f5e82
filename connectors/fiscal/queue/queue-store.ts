// What a printer's worker needs from the shared queue, as one interface with two sides: the
// database (a server process, or a till PC's agent with a database connection) and HTTP (a till
// PC's agent reaching the server over HTTPS with an API token: agent/http-store.ts). The worker's
// logic (lease, reconcile, print, report) is the same on both.
import type { Knex } from 'knex';
import type { PrintJournal, PrintedReceipt, PrinterStatus } from '../driver.ts';
import type { DailyReportContents } from '../totals.ts';
import { appendLog, claimNext, markPrinted, markProblem, saveJournal, type QueuedReceipt } from './print-queue.ts';
import { finishReport, nextReport, releaseReceiptsAfterReport, wouldBeZeroReport, type ReportRequest } from './reports.ts';

export type ReportOutcome = { ok: true; contents?: DailyReportContents | null } | { ok: false; code: string; detail: string };
export interface ProblemInfo {
  readonly code: string;
  readonly retry: boolean;
  readonly detail?: string;
}

export interface PrinterQueueStore {
  /** Takes or renews the printer's lease for `owner`; false while another owner holds it. */
  holdLease(printerId: string, owner: string, leaseMs: number): Promise<boolean>;
  releaseLease(printerId: string, owner: string): Promise<void>;
  /** The printer's last status (or that it cannot be reached, with why), for the UI. */
  writeStatus(printerId: string, status: Partial<PrinterStatus>, lastError: string | null): Promise<void>;
  claimNext(printerId: string): Promise<QueuedReceipt | null>;
  saveJournal(receiptId: string, journal: PrintJournal | null): Promise<void>;
  appendLog(receiptId: string, step: string): Promise<void>;
  markPrinted(receiptId: string, printed: PrintedReceipt, recovered: boolean): Promise<void>;
  markProblem(receiptId: string, problem: ProblemInfo, retryInMs: number): Promise<void>;
  nextReport(printerId: string): Promise<ReportRequest | null>;
  /** A printed daily report also releases the receipts that waited for it. */
  finishReport(report: ReportRequest, outcome: ReportOutcome): Promise<void>;
  wouldBeZeroReport(printerId: string): Promise<boolean>;
}

export function databaseStore(knex: Knex): PrinterQueueStore {
  return {
    async holdLease(printerId, owner, leaseMs) {
      const result = (await knex.raw(
        `INSERT INTO tessera.fiscal_printers (printer_id, leader, lease_until) VALUES (?, ?, now() + (? || ' milliseconds')::interval)
         ON CONFLICT (printer_id) DO UPDATE SET leader = EXCLUDED.leader, lease_until = EXCLUDED.lease_until
          WHERE fiscal_printers.leader = EXCLUDED.leader OR fiscal_printers.lease_until IS NULL OR fiscal_printers.lease_until < now()
         RETURNING leader`,
        [printerId, owner, String(leaseMs)],
      )) as { rows: unknown[] };
      return result.rows.length > 0;
    },
    async releaseLease(printerId, owner) {
      await knex('tessera.fiscal_printers').where({ printer_id: printerId, leader: owner }).update({ lease_until: null });
    },
    async writeStatus(printerId, status, lastError) {
      await knex('tessera.fiscal_printers').where({ printer_id: printerId }).update({ status: JSON.stringify(status), status_at: knex.fn.now(), last_error: lastError });
    },
    claimNext: (printerId) => claimNext(knex, printerId),
    saveJournal: (id, journal) => saveJournal(knex, id, journal),
    appendLog: (id, step) => appendLog(knex, id, step),
    markPrinted: (id, printed, recovered) => markPrinted(knex, id, printed, recovered),
    markProblem: (id, problem, retryInMs) => markProblem(knex, id, problem, retryInMs),
    nextReport: (printerId) => nextReport(knex, printerId),
    async finishReport(report, outcome) {
      await finishReport(knex, report.id, outcome);
      if (outcome.ok && report.kind === 'daily') await releaseReceiptsAfterReport(knex, report.printerId);
    },
    wouldBeZeroReport: (printerId) => wouldBeZeroReport(knex, printerId),
  };
}
