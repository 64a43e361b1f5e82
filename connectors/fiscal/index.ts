// The fiscal printer connector: POSNET (online protocol, serial or TCP) and Thermal (serial)
// printers shared through a database-backed queue served by the one process holding each
// printer's lease; a receipt prints at most once per idempotency key (a sale's id), and an
// interrupted one is reconciled with the printer before anything is printed again. BPMN task type
// `fiscal:print-receipt`; routes under /api/connectors/fiscal/. Reference: docs/fiscal.md.
import { TaskBpmnError, type Connector, type JsonObject } from '../../engine/connectors/index.ts';
import { configSchema } from './printers.ts';
import { getReceipt, receiptByKey } from './queue/print-queue.ts';
import { fiscalRoutes } from './routes.ts';
import { fiscalPrintAction } from './flow-action.ts';
import { receiptFromSale } from './sales.ts';
import { fiscalSettings, queueReceipt, SALE_ENTITY, stopWorkers, syncWorkers } from './service.ts';

export { FiscalError, fiscalError, type FiscalErrorInfo, type FiscalErrorReason } from './errors.ts';
export { FISCAL_WORDING } from './wording.ts';
export { type FiscalDriver, type PrinterStatus, type PrinterCounters, type PrintJournal, type PrintedReceipt, printReceipt, reconcile } from './driver.ts';
export { printWithRecovery, memoryJournal, type JournalStore } from './printing.ts';
export { planReceipt, type Receipt, type ReceiptLine, type ReceiptPayment, type ReceiptPlan, type PaymentForm } from './receipt.ts';
export { slotFor, slotsFromValues, type VatRate, type VatSlot, type VatLetter } from './vat.ts';
export { PosnetDriver, type PosnetOptions } from './posnet/driver.ts';
export { ThermalDriver, type ThermalOptions } from './thermal/driver.ts';
export { openLink, type ByteLink, type PrinterTransport } from './link.ts';
export { driverFor, printersOf, type PrinterConfig } from './printers.ts';
export { receiptFromSale, invoiceFromSale } from './sales.ts';
// For other modules (the Node-RED print node): queue a receipt/invoice and follow its row.
export { enqueueFiscalPrint } from './service.ts';
// The print agent of a till PC over HTTP (the CLI's `fiscal agent --server`).
export { startHttpAgent, type HttpAgentOptions } from './agent/http-agent.ts';
export { getReceipt, receiptByKey, type QueuedReceipt, type ReceiptState, type FiscalDocument } from './queue/print-queue.ts';
export { type InvoiceData } from './receipt.ts';
export { type DailyReportContents, type DeviceTotals } from './totals.ts';

export const FISCAL = 'fiscal';

function text(v: unknown): string | null {
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : null;
}

export const fiscal: Connector = {
  id: FISCAL,
  label: { pl: 'Drukarki fiskalne', en: 'Fiscal printers', ro: 'Imprimante fiscale' },
  description: {
    pl: 'Drukuje paragony ze sprzedaży na drukarkach POSNET i Thermal (port szeregowy lub sieć), przez wspólną kolejkę; paragon nigdy nie drukuje się dwa razy.',
    en: 'Prints receipts of sales on POSNET and Thermal printers (serial port or network) through a shared queue; a receipt never prints twice.',
    ro: 'Tipărește bonuri fiscale din vânzări pe imprimante POSNET și Thermal (port serial sau rețea) printr-o coadă comună; un bon nu se tipărește niciodată de două ori.',
  },
  configSchema,
  taskTypes: [
    {
      type: 'fiscal:print-receipt',
      mode: 'job',
      timeoutSeconds: 120,
      async handler(input, ctx) {
        const settings = await fiscalSettings(ctx.connector);
        const printerId = text(input.parameters.printer) ?? settings.defaultPrinter;
        if (!printerId || !settings.printers.some((p) => p.id === printerId)) throw new TaskBpmnError('FISCAL_PRINTER_UNKNOWN', `no fiscal printer ${printerId ?? '(none configured)'}`);
        const saleId = text(input.parameters.sale) ?? (ctx.record?.entity === SALE_ENTITY ? ctx.record.id : null);
        let source: Record<string, unknown>;
        if (saleId) source = await ctx.records.get({ actor: ctx.actor }, SALE_ENTITY, saleId);
        else if (input.parameters.receipt && typeof input.parameters.receipt === 'object') source = input.parameters.receipt as JsonObject;
        else throw new TaskBpmnError('FISCAL_RECEIPT_INVALID', 'give the task a sale (record id) or a receipt (lines, payments)');
        const built = receiptFromSale(source);
        if ('problems' in built) throw new TaskBpmnError('FISCAL_RECEIPT_INVALID', built.problems.map((p) => `${p.pointer} ${p.detail}`).join('; '));
        const key = text(input.parameters.idempotencyKey) ?? (saleId ? `sale:${saleId}` : `process:${ctx.idempotencyKey}`);
        const existing = await receiptByKey(ctx.connector.knex, key);
        const { receipt } = existing ? { receipt: existing } : await queueReceipt(ctx.connector, { printerId, idempotencyKey: key, receipt: built.receipt, saleId, requestedBy: ctx.actor.userId });
        // Wait for the printer's process; still waiting at the end: the job is retried (the key keeps it one receipt).
        const waitMs = (typeof input.parameters.waitSeconds === 'number' ? input.parameters.waitSeconds : 60) * 1000;
        const until = Date.now() + waitMs;
        let row = receipt;
        while ((row.state === 'queued' || row.state === 'printing') && Date.now() < until && !ctx.signal.aborted) {
          await new Promise((r) => setTimeout(r, 100));
          row = (await getReceipt(ctx.connector.knex, receipt.id)) ?? row;
        }
        if (row.state === 'printed') return { receiptNumber: row.receiptNumber, printerUniqueNumber: row.uniqueNumber, receiptState: 'printed', receiptId: row.id };
        if (row.state === 'failed') throw new TaskBpmnError('FISCAL_RECEIPT_FAILED', row.lastError ?? 'the receipt failed', { receiptId: row.id, errorCode: row.errorCode });
        throw new Error(`receipt ${row.id} still ${row.state}${row.lastError ? ` (${row.lastError})` : ''}`);
      },
    },
  ],
  routes: fiscalRoutes,
  actions: { print: fiscalPrintAction },
  async start(ctx) {
    // TESSERA_FISCAL_WORKER=0 keeps a process from serving printers (it still enqueues).
    if (process.env.TESSERA_FISCAL_WORKER === '0') return;
    let stopped = false;
    const sync = async (): Promise<void> => {
      try {
        const settings = await fiscalSettings(ctx);
        // Checked after the read: a sync in flight when the platform stops must not start workers again.
        if (!stopped) syncWorkers(ctx, settings, { pollMs: Number(process.env.TESSERA_FISCAL_POLL_MS ?? 250), statusEveryMs: Number(process.env.TESSERA_FISCAL_STATUS_MS ?? 5000) });
      } catch (error) {
        ctx.log('fiscal: reading the settings failed', error);
      }
    };
    // Every process kind starts connectors, CLI commands included: serving printers only after a
    // grace period keeps a short `tessera meta apply` from opening a printer's port or taking its lease.
    let timer: ReturnType<typeof setInterval> | null = null;
    const delay = setTimeout(() => {
      void sync();
      timer = setInterval(() => void sync(), 2000);
      timer.unref();
    }, Number(process.env.TESSERA_FISCAL_START_DELAY_MS ?? 5000));
    delay.unref();
    return async () => {
      stopped = true;
      clearTimeout(delay);
      if (timer) clearInterval(timer);
      await stopWorkers();
    };
  },
};
