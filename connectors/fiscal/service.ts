// What the connector's routes and task type share: the printers of the settings, the workers this
// process runs (one per printer; the lease decides which process actually prints), enqueueing a
// receipt for a sale, and writing the outcome back on the sale.
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { ConnectorContext } from '../../engine/connectors/index.ts';
import { fiscalError, type FiscalError } from './errors.ts';
import type { PrintedReceipt } from './driver.ts';
import { driverFor, printersOf, printersToServe, type AgentTarget, type PrinterConfig } from './printers.ts';
import { enqueueReceipt, getReceipt, retryReceipt, type FiscalDocument, type QueuedReceipt } from './queue/print-queue.ts';
import { PrinterWorker } from './queue/printer-worker.ts';
import { databaseStore } from './queue/queue-store.ts';
import type { Receipt } from './receipt.ts';

export const SALE_ENTITY = 'sale';
const OWNER = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
const workers = new Map<string, PrinterWorker>();

export interface FiscalSettings {
  readonly enabled: boolean;
  readonly printers: PrinterConfig[];
  readonly defaultPrinter: string | null;
  readonly problems: string[];
}

export async function fiscalSettings(ctx: ConnectorContext): Promise<FiscalSettings> {
  const settings = await ctx.settings();
  const { printers, problems } = printersOf(settings.config);
  const configured = typeof settings.config.defaultPrinter === 'string' ? settings.config.defaultPrinter : null;
  return { enabled: settings.enabled, printers, defaultPrinter: configured ?? printers[0]?.id ?? null, problems };
}

/** Writes the receipt's state (and number) on the sale it was printed for; the audit names the requester. */
export async function updateSale(ctx: ConnectorContext, receipt: QueuedReceipt, values: Record<string, unknown>): Promise<void> {
  if (receipt.entity !== SALE_ENTITY || !receipt.recordId) return;
  const rc = { actor: { userId: receipt.requestedBy, via: 'system' as const } };
  for (let attempt = 1; ; attempt++) {
    try {
      // The version read just before: a concurrent edit of the sale makes this retry, never overwrite it.
      const current = await ctx.records.get(rc, SALE_ENTITY, receipt.recordId);
      await ctx.records.update(rc, SALE_ENTITY, receipt.recordId, values, { expectedVersion: Number(current.version) });
      return;
    } catch (error) {
      if ((error as { code?: string }).code === 'VERSION_CONFLICT' && attempt < 5) continue;
      ctx.log(`sale ${receipt.recordId}: the receipt's state could not be written`, error);
      return;
    }
  }
}

/** For an invoice the sale keeps the invoice's own number (the sale's), not the printer's count. */
export function printedValues(printed: PrintedReceipt, row?: Pick<QueuedReceipt, 'document' | 'receipt'>): Record<string, unknown> {
  const invoiceNumber = row?.document === 'invoice' ? (row.receipt.invoice?.number ?? null) : null;
  return {
    receipt_state: 'printed',
    receipt_number: invoiceNumber ?? (printed.receiptNumber === null ? null : String(printed.receiptNumber)),
    printer_unique_number: printed.uniqueNumber,
    receipt_printed_at: new Date().toISOString(),
  };
}

/** Set by `tessera fiscal agent --printer <id> --device <path>`: this process serves that printer only. */
export function agentFromEnv(): AgentTarget | null {
  const printer = process.env.TESSERA_FISCAL_AGENT_PRINTER;
  const device = process.env.TESSERA_FISCAL_AGENT_DEVICE;
  return printer && device ? { printer, device } : null;
}

/** Starts (or restarts, when the printers changed) this process's workers. */
export function syncWorkers(ctx: ConnectorContext, settings: FiscalSettings, options: { pollMs?: number; leaseMs?: number; statusEveryMs?: number } = {}): void {
  const wanted = new Map((settings.enabled ? printersToServe(settings.printers, agentFromEnv()) : []).map((p) => [p.id, p]));
  for (const [id, worker] of workers) {
    if (JSON.stringify(wanted.get(id)) !== JSON.stringify(worker.printer)) {
      workers.delete(id);
      void worker.stop();
    }
  }
  for (const [id, printer] of wanted) {
    if (workers.has(id)) continue;
    const worker = new PrinterWorker(databaseStore(ctx.knex), printer, {
      owner: OWNER,
      makeDriver: (p) => driverFor(p),
      ...options,
      hooks: {
        log: (m, e) => ctx.log(m, e),
        printed: (row, printed) => updateSale(ctx, row, printedValues(printed, row)),
        failed: (row: QueuedReceipt, error: FiscalError) => {
          ctx.log(`receipt ${row.id} failed: ${error.message}`);
          return updateSale(ctx, row, { receipt_state: 'failed' });
        },
      },
    });
    workers.set(id, worker);
    worker.start();
  }
}

export async function stopWorkers(): Promise<void> {
  const all = [...workers.values()];
  workers.clear();
  await Promise.all(all.map((w) => w.stop()));
}

export function wakeWorker(printerId: string): void {
  workers.get(printerId)?.wake();
}

export async function queueReceipt(
  ctx: ConnectorContext,
  input: { printerId: string; idempotencyKey: string; receipt: Receipt; document?: FiscalDocument; saleId?: string | null; requestedBy: string | null },
): Promise<{ receipt: QueuedReceipt; created: boolean }> {
  let result = await enqueueReceipt(ctx.knex, {
    printerId: input.printerId,
    idempotencyKey: input.idempotencyKey,
    receipt: input.receipt,
    ...(input.document ? { document: input.document } : {}),
    entity: input.saleId ? SALE_ENTITY : null,
    recordId: input.saleId ?? null,
    requestedBy: input.requestedBy,
  });
  // A cancelled receipt asked for again: the same row (the key stays one receipt) back in the queue.
  if (!result.created && result.receipt.state === 'cancelled' && (await retryReceipt(ctx.knex, result.receipt.id, null, ['cancelled'], { receipt: input.receipt, document: input.document ?? 'receipt' }))) {
    result = { receipt: (await getReceipt(ctx.knex, result.receipt.id)) ?? result.receipt, created: true };
  }
  if (result.created) {
    await updateSale(ctx, result.receipt, { receipt_state: 'queued' });
    wakeWorker(input.printerId);
    // A worker may have printed it before 'queued' was written: the row is the truth.
    const now = await getReceipt(ctx.knex, result.receipt.id);
    if (now && now.state !== 'queued' && now.state !== 'printing') {
      await updateSale(ctx, now, now.state === 'printed' ? printedValues({ receiptNumber: now.receiptNumber, uniqueNumber: now.uniqueNumber, total: now.total ?? 0 }, now) : { receipt_state: now.state });
    }
  }
  return result;
}

/**
 * The queue's entry point for other modules (a Node-RED node, a workflow): a receipt or invoice on
 * a named printer (the default one when none is named), once per idempotency key. Resolves with
 * the queue row (`created: false`: the key was queued before, the same row). A printer that is not
 * configured is a `fiscal.error.unknownPrinter` FiscalError.
 */
export async function enqueueFiscalPrint(
  ctx: ConnectorContext,
  input: { readonly printer?: string; readonly idempotencyKey: string; readonly receipt: Receipt; readonly document?: FiscalDocument; readonly saleId?: string | null; readonly requestedBy?: string | null },
): Promise<{ receipt: QueuedReceipt; created: boolean }> {
  const settings = await fiscalSettings(ctx);
  const printerId = input.printer ?? settings.defaultPrinter;
  if (!printerId || !settings.printers.some((p) => p.id === printerId)) throw fiscalError('unknownPrinter', false, 'tessera', null, printerId ?? '(none configured)');
  return queueReceipt(ctx, {
    printerId,
    idempotencyKey: input.idempotencyKey,
    receipt: input.receipt,
    document: input.document ?? (input.receipt.invoice ? 'invoice' : 'receipt'),
    saleId: input.saleId ?? null,
    requestedBy: input.requestedBy ?? null,
  });
}
