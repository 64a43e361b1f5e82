// One receipt through a driver with recovery: open the link, reconcile an interrupted earlier
// attempt (its journal says how far it got), then print. A link failure (dropped cable, power loss,
// no reply) closes the link, waits, reopens and reconciles again; a printer refusal ends it. The
// journal is the caller's (the print queue keeps it in the receipt's row), so a process that dies
// mid-receipt is reconciled by the next one.
import { fiscalError, isLinkFailure } from './errors.ts';
import { printReceipt, reconcile, type FiscalDriver, type PrintJournal, type PrintedReceipt } from './driver.ts';
import type { ReceiptPlan } from './receipt.ts';

export interface JournalStore {
  /** The journal of an interrupted attempt, or null. */
  current(): PrintJournal | null;
  save(journal: PrintJournal | null): Promise<void>;
}

export interface RecoveryOptions {
  /** Reconnects before giving up (default 5). */
  readonly attempts?: number;
  /** Wait before reconnecting, doubled each time (default 200 ms). */
  readonly reconnectDelayMs?: number;
  readonly log?: (step: string) => void;
}

export function memoryJournal(initial: PrintJournal | null = null): JournalStore {
  let journal = initial;
  return { current: () => journal, save: async (j) => void (journal = j) };
}

export async function printWithRecovery(driver: FiscalDriver, plan: ReceiptPlan, store: JournalStore, options: RecoveryOptions = {}): Promise<PrintedReceipt & { recovered: boolean }> {
  const log = options.log ?? (() => undefined);
  const attempts = options.attempts ?? 5;
  let delay = options.reconnectDelayMs ?? 200;
  for (let attempt = 1; ; attempt++) {
    try {
      if (!driver.isOpen) await driver.open();
      const journal = store.current();
      if (journal) {
        const result = await reconcile(driver, journal, log);
        if (result.outcome === 'printed') {
          await store.save(null);
          return { ...result.printed!, total: plan.total, recovered: true };
        }
        if (result.outcome === 'unknown') throw fiscalError('printerError', false, 'tessera', null, 'the printer cannot tell whether the interrupted receipt was printed: compare the paper roll and mark the receipt by hand');
        await store.save(null);
        log('printing the whole receipt again');
      }
      const printed = await printReceipt(driver, plan, { journal: (j) => store.save(j), log });
      await store.save(null);
      return { ...printed, recovered: attempt > 1 };
    } catch (error) {
      if (!isLinkFailure(error)) {
        // Refused mid-receipt (a line the printer rejects): leave no transaction open on the printer.
        await cancelOpenTransaction(driver, log);
        throw error;
      }
      if (attempt >= attempts) throw error;
      log(`link failure (${error instanceof Error ? error.message : String(error)}); reconnecting`);
      await driver.close().catch(() => undefined);
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 5000);
    }
  }
}

async function cancelOpenTransaction(driver: FiscalDriver, log: (step: string) => void): Promise<void> {
  try {
    if (driver.isOpen && (await driver.status()).inTransaction) {
      await driver.cancel();
      log('the refused receipt was cancelled on the printer');
    }
  } catch {
    // The next receipt cancels it anyway (printReceipt starts by cancelling an open transaction).
  }
}
