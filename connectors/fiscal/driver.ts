// The driver interface every protocol implements, and the printing of one receipt with its
// recovery. A receipt is printed at most once per idempotency key: before the closing command the
// caller persists that it is being sent (and under which token); after a link or power loss,
// `reconcile` learns from the printer whether that close took effect (replayed reply, transaction
// state, receipt counter) and the receipt is then marked printed, or the open transaction is
// cancelled and the whole receipt printed again.
import { fiscalError, FiscalError } from './errors.ts';
import type { PlannedLine, ReceiptPayment, ReceiptPlan } from './receipt.ts';
import type { DeviceTotals } from './totals.ts';
import type { VatSlot } from './vat.ts';

export type FiscalProtocol = 'posnet' | 'thermal';

export interface PrinterStatus {
  readonly online: boolean;
  readonly paperOut: boolean;
  readonly coverOpen: boolean;
  /** POSNET mechanism status 7: a momentary power loss since the last check. */
  readonly powerLoss: boolean;
  readonly inTransaction: boolean;
  /** Waiting for someone at the keyboard after an error. */
  readonly waitingForUser: boolean;
  /** null: the protocol does not say. */
  readonly dailyReportMissing: boolean | null;
  /** The printer's own mechanism/status code, for the log. */
  readonly code: number | null;
}

export interface PrinterCounters {
  /** Receipts completed since fiscalisation (POSNET `bn`); null: the protocol does not say. */
  readonly receipts: number | null;
  /** VAT invoices completed (POSNET `fn`); null: the protocol does not say. */
  readonly invoices?: number | null;
  /** Number of the last receipt (POSNET `bt`). */
  readonly lastReceiptNumber: number | null;
  /** The printer's unique number (POSNET `nu`). */
  readonly uniqueNumber: string | null;
}

/** What the caller persists while a receipt prints: enough to reconcile after a loss. */
export interface PrintJournal {
  /** What is being printed: the counter compared after a loss is the receipts' or the invoices'. */
  readonly document?: 'receipt' | 'invoice';
  readonly counterBefore: number | null;
  readonly closeSent: boolean;
  readonly closeToken: number | null;
}

export interface PrintedReceipt {
  readonly receiptNumber: number | null;
  readonly uniqueNumber: string | null;
  readonly total: number;
}

export interface FiscalDriver {
  readonly protocol: FiscalProtocol;
  open(): Promise<void>;
  close(): Promise<void>;
  readonly isOpen: boolean;
  status(): Promise<PrinterStatus>;
  vatRates(): Promise<VatSlot[]>;
  counters(): Promise<PrinterCounters>;
  beginReceipt(plan: ReceiptPlan): Promise<void>;
  line(line: PlannedLine, index: number): Promise<void>;
  payment(payment: ReceiptPayment): Promise<void>;
  /** The closing command; `token` is the one the journal holds (POSNET `rpt`). */
  endReceipt(plan: ReceiptPlan, token: number | null): Promise<void>;
  /** A token for the next closing command (null where the protocol has none). */
  nextToken(): number | null;
  cancel(): Promise<void>;
  /** `date` as yyyy-mm-dd: the printer checks it against its clock. */
  dailyReport(date: string): Promise<void>;
  cash(direction: 'in' | 'out', amount: number): Promise<void>;
  nonFiscal(lines: readonly string[]): Promise<void>;
  /** The day's totals since the last daily report (null where the protocol does not give them). */
  totals(): Promise<DeviceTotals | null>;
  /**
   * Whether the printer will refuse sales until a daily report is made (sales left from an earlier
   * day); null where the protocol does not say. Not part of `status()`: it costs extra commands,
   * and a receipt learns it anyway from the printer's refusal.
   */
  dailyReportDue(): Promise<boolean | null>;
  /** Whether the closing command recorded in the journal took effect, as far as the printer can tell. */
  closeOutcome(journal: PrintJournal): Promise<'printed' | 'not-printed' | 'unknown'>;
}

export interface PrintHooks {
  /** Awaited: persist the journal before the printer is told more. */
  journal(journal: PrintJournal): Promise<void>;
  log(step: string): void;
}

/** Refuses to start a receipt on a printer that cannot finish it. */
export function statusProblem(status: PrinterStatus): FiscalError | null {
  if (status.paperOut) return fiscalError('paperOut', true, 'tessera', status.code);
  if (status.coverOpen) return fiscalError('coverOpen', true, 'tessera', status.code);
  if (status.waitingForUser) return fiscalError('printerBusy', true, 'tessera', status.code);
  // Waits in the queue like paper out: it prints once someone makes the daily report.
  if (status.dailyReportMissing) return fiscalError('dailyReportMissing', true, 'tessera', status.code);
  return null;
}

/** Prints a planned receipt from scratch (any open transaction is cancelled first). */
export async function printReceipt(driver: FiscalDriver, plan: ReceiptPlan, hooks: PrintHooks): Promise<PrintedReceipt> {
  const status = await driver.status();
  if (status.inTransaction) {
    hooks.log('a transaction was open on the printer: cancelled');
    await driver.cancel();
  }
  const problem = statusProblem(status);
  if (problem) throw problem;
  const document = plan.invoice ? 'invoice' : 'receipt';
  const before = await driver.counters();
  const counterBefore = counterOf(before, document);
  await hooks.journal({ document, counterBefore, closeSent: false, closeToken: null });
  await driver.beginReceipt(plan);
  hooks.log(`${document} begun`);
  for (const [i, line] of plan.lines.entries()) await driver.line(line, i);
  hooks.log(`${plan.lines.length} line(s) sent`);
  // An invoice carries no payment forms on the printer (POSNET refuses them after trfvinit).
  if (!plan.invoice) for (const p of plan.payments) await driver.payment(p);
  const token = driver.nextToken();
  await hooks.journal({ document, counterBefore, closeSent: true, closeToken: token });
  await driver.endReceipt(plan, token);
  hooks.log(`${document} closed`);
  return printedFrom(await driver.counters(), document, plan.total);
}

/** The counter that grows when the document prints. */
export function counterOf(counters: PrinterCounters, document: 'receipt' | 'invoice' = 'receipt'): number | null {
  return document === 'invoice' ? (counters.invoices ?? null) : counters.receipts;
}

/** A receipt's number is the printer's; an invoice's is its own (the sale's), the printer's invoice count is kept. */
function printedFrom(counters: PrinterCounters, document: 'receipt' | 'invoice', total: number): PrintedReceipt {
  return { receiptNumber: document === 'invoice' ? (counters.invoices ?? null) : counters.lastReceiptNumber, uniqueNumber: counters.uniqueNumber, total };
}

/**
 * After a loss mid-receipt: an open transaction is cancelled (not printed); a close that was never
 * sent printed nothing; a sent close is checked with the protocol's means. 'unknown' is left to the
 * caller, which must not reprint blindly (it fails the receipt for a person to check).
 */
export async function reconcile(driver: FiscalDriver, journal: PrintJournal, log: (step: string) => void): Promise<{ outcome: 'printed' | 'not-printed' | 'unknown'; printed: PrintedReceipt | null }> {
  const status = await driver.status();
  if (status.powerLoss) log('the printer reports a power loss');
  if (status.inTransaction) {
    await driver.cancel();
    log('the interrupted receipt was still open: cancelled');
    return { outcome: 'not-printed', printed: null };
  }
  if (!journal.closeSent) {
    log('the receipt was never closed: nothing printed');
    return { outcome: 'not-printed', printed: null };
  }
  const outcome = await driver.closeOutcome(journal);
  log(`the close ${outcome === 'printed' ? 'took effect' : outcome === 'not-printed' ? 'did not take effect' : 'cannot be confirmed'}`);
  if (outcome !== 'printed') return { outcome, printed: null };
  return { outcome, printed: printedFrom(await driver.counters(), journal.document ?? 'receipt', 0) };
}

export function notSupported(what: string): FiscalError {
  return fiscalError('unsupported', false, 'tessera', null, what);
}

export { FiscalError };
