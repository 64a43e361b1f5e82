// Serves one printer: the process holding its lease (tessera.fiscal_printers) opens the link and
// prints the queue one receipt at a time; every other process only enqueues. The lease is renewed
// while the worker runs and taken over when it lapses (a dead leader), and the next leader finds
// the interrupted receipt with its journal and reconciles it first. Status (paper, cover,
// transaction) is written after each job and every few seconds, for the UI.
import { FiscalError, fiscalError } from '../errors.ts';
import { statusProblem, type FiscalDriver, type PrintedReceipt, type PrinterStatus } from '../driver.ts';
import { printWithRecovery, type JournalStore } from '../printing.ts';
import { planReceipt } from '../receipt.ts';
import { checkSlotMap, type VatSlot } from '../vat.ts';
import type { PrinterConfig } from '../printers.ts';
import type { QueuedReceipt } from './print-queue.ts';
import { dailyReportContents, type DailyReportContents } from '../totals.ts';
import type { PrinterQueueStore } from './queue-store.ts';

export interface WorkerHooks {
  printed?(receipt: QueuedReceipt, printed: PrintedReceipt): Promise<void>;
  failed?(receipt: QueuedReceipt, error: FiscalError): Promise<void>;
  log(message: string, error?: unknown): void;
}

export interface WorkerOptions {
  readonly owner: string;
  readonly makeDriver: (printer: PrinterConfig) => FiscalDriver;
  readonly hooks: WorkerHooks;
  /** Idle poll of the queue (default 250 ms); `wake()` cuts it short. */
  readonly pollMs?: number;
  readonly leaseMs?: number;
  readonly statusEveryMs?: number;
  readonly reconnectDelayMs?: number;
}

export class PrinterWorker {
  private readonly store: PrinterQueueStore;
  readonly printer: PrinterConfig;
  private readonly options: WorkerOptions;
  private driver: FiscalDriver | null = null;
  private running = false;
  private loop: Promise<void> | null = null;
  private wakeUp: (() => void) | null = null;
  private leaseRenewedAt = 0;
  private leader = false;
  private statusAt = 0;

  /** `store`: the queue in the database, or over HTTP for a till PC's agent (queue-store.ts). */
  constructor(store: PrinterQueueStore, printer: PrinterConfig, options: WorkerOptions) {
    this.store = store;
    this.printer = printer;
    this.options = options;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  wake(): void {
    this.wakeUp?.();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loop;
    await this.driver?.close().catch(() => undefined);
    this.driver = null;
    if (this.leader) await this.store.releaseLease(this.printer.id, this.options.owner).catch(() => undefined);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = done;
    });
  }

  private async holdLease(): Promise<boolean> {
    const leaseMs = this.options.leaseMs ?? 15_000;
    if (this.leader && Date.now() - this.leaseRenewedAt < leaseMs / 3) return true;
    const leader = await this.store.holdLease(this.printer.id, this.options.owner, leaseMs);
    if (leader && !this.leader) this.options.hooks.log(`printer ${this.printer.id}: serving it (${this.options.owner})`);
    this.leader = leader;
    if (leader) this.leaseRenewedAt = Date.now();
    return leader;
  }

  private async run(): Promise<void> {
    const poll = this.options.pollMs ?? 250;
    while (this.running) {
      let busy = false;
      try {
        if (!(await this.holdLease())) {
          if (this.driver) {
            await this.driver.close().catch(() => undefined);
            this.driver = null;
          }
          await this.sleep(poll * 8);
          continue;
        }
        busy = (await this.runReport()) || (await this.runReceipt());
        if (!busy && Date.now() - this.statusAt > (this.options.statusEveryMs ?? 5000)) await this.refreshStatus();
      } catch (error) {
        this.options.hooks.log(`printer ${this.printer.id}: ${error instanceof Error ? error.message : String(error)}`, error);
      }
      if (!busy && this.running) await this.sleep(poll);
    }
  }

  private get driverNow(): FiscalDriver {
    this.driver ??= this.options.makeDriver(this.printer);
    return this.driver;
  }

  private async refreshStatus(): Promise<PrinterStatus | null> {
    this.statusAt = Date.now();
    const driver = this.driverNow;
    try {
      if (!driver.isOpen) await driver.open();
      const status = { ...(await driver.status()), dailyReportMissing: await driver.dailyReportDue() };
      await this.store.writeStatus(this.printer.id, status, null);
      return status;
    } catch (error) {
      await driver.close().catch(() => undefined);
      const text = error instanceof FiscalError ? error.code : 'fiscal.error.linkUnavailable';
      await this.store.writeStatus(this.printer.id, { online: false }, `${text}${error instanceof Error ? `: ${error.message}` : ''}`);
      return null;
    }
  }

  /** Read for every receipt: a device reprogrammed between two receipts must not get lines under the wrong letter. */
  private async vatSlots(driver: FiscalDriver): Promise<VatSlot[]> {
    const slots = await driver.vatRates();
    const mismatch = this.printer.vatSlots ? checkSlotMap(slots, this.printer.vatSlots) : null;
    if (mismatch) throw mismatch;
    return slots;
  }

  private async runReceipt(): Promise<boolean> {
    const row = await this.store.claimNext(this.printer.id);
    if (!row) return false;
    const driver = this.driverNow;
    const log = (step: string): void => void this.store.appendLog(row.id, step).catch(() => undefined);
    let journal = row.journal;
    const store: JournalStore = {
      current: () => journal,
      save: async (j) => {
        journal = j;
        await this.store.saveJournal(row.id, j);
      },
    };
    try {
      if (!driver.isOpen) await driver.open();
      const plan = planReceipt(row.receipt, await this.vatSlots(driver));
      if (plan instanceof FiscalError) throw plan;
      const printed = await printWithRecovery(driver, plan, store, { log, reconnectDelayMs: this.options.reconnectDelayMs ?? 200 });
      await this.store.markPrinted(row.id, printed, printed.recovered);
      await this.options.hooks.printed?.(row, printed);
    } catch (raw) {
      const error = raw instanceof FiscalError ? raw : fiscalError('printerError', false, 'tessera', null, raw instanceof Error ? raw.message : String(raw));
      if (error.retry) await driver.close().catch(() => undefined);
      await this.store.markProblem(row.id, error.info, Math.min(30_000, 1000 * 2 ** Math.min(row.attempts, 5)));
      if (!error.retry) await this.options.hooks.failed?.(row, error);
      // After a problem the UI should show why at once; after a success the idle refresh will do.
      await this.refreshStatus();
    }
    return true;
  }

  private async runReport(): Promise<boolean> {
    const report = await this.store.nextReport(this.printer.id);
    if (!report) return false;
    const driver = this.driverNow;
    try {
      if (!driver.isOpen) await driver.open();
      const problem = statusProblem(await driver.status());
      if (problem) throw problem;
      let contents: DailyReportContents | null = null;
      if (report.kind === 'daily') {
        // The printer's own totals decide where it gives them (sales made at its keyboard count too);
        // otherwise the queue's records: nothing printed through it since the last report.
        const totals = await driver.totals();
        const zero = totals ? totals.zero && totals.reportedBefore : await this.store.wouldBeZeroReport(this.printer.id);
        if (zero) throw fiscalError('zeroDailyReport', false, 'tessera', null, 'nothing was sold since the last daily report');
        await driver.dailyReport(report.reportDate ?? new Date().toISOString().slice(0, 10));
        contents = totals ? dailyReportContents(totals) : null;
      } else await driver.cash(report.kind === 'cash-in' ? 'in' : 'out', report.amount ?? 0);
      await this.store.finishReport(report, { ok: true, contents });
    } catch (raw) {
      const error = raw instanceof FiscalError ? raw : fiscalError('printerError', false, 'tessera', null, raw instanceof Error ? raw.message : String(raw));
      if (error.retry) await driver.close().catch(() => undefined);
      await this.store.finishReport(report, { ok: false, code: error.code, detail: error.message });
    }
    await this.refreshStatus();
    return true;
  }
}

