// The `print` action of the fiscal connector (ConnectorAction): what a Node-RED
// `tessera-fiscal-print` node calls, as its identity. The rules of the "print receipt" button:
// printing needs the right to update sales, and a sale is read with the caller's own rights. The
// receipt of a sale has the sale's key (`sale:<id>`), like the button's, so a sale prints once
// whoever asks; a receipt given as lines and payments has the caller's idempotency key.
import { TesseraError, type ConnectorAction, type JsonObject } from '../../engine/connectors/index.ts';
import { receiptByKey } from './queue/print-queue.ts';
import { mayPrint } from './routes.ts';
import { receiptFromSale } from './sales.ts';
import { fiscalSettings, queueReceipt, SALE_ENTITY } from './service.ts';

export const fiscalPrintAction: ConnectorAction = {
  description: 'Queues the fiscal receipt of a sale (or of lines and payments) on a printer, as the caller; a sale prints once.',
  async run(input, ctx, call) {
    const access = call.actor.access;
    if (!access || !mayPrint(access)) throw new TesseraError('FORBIDDEN', `printing fiscal receipts needs the right to update ${SALE_ENTITY} records`);
    const settings = await fiscalSettings(ctx);
    const printerId = typeof input.printer === 'string' && input.printer ? input.printer : settings.defaultPrinter;
    if (!printerId || !settings.printers.some((p) => p.id === printerId)) throw new TesseraError('VALIDATION_FAILED', `no fiscal printer ${printerId ?? '(none configured)'}`, { problems: [{ pointer: '/printer', detail: 'no such printer in the fiscal connector’s settings' }] });
    const saleId = typeof input.sale === 'string' && input.sale ? input.sale : null;
    const receiptInput = input.receipt;
    if (!saleId && (typeof receiptInput !== 'object' || receiptInput === null || Array.isArray(receiptInput))) throw new TesseraError('VALIDATION_FAILED', 'give a sale (its id) or a receipt (lines, payments)', { problems: [{ pointer: '/sale', detail: 'give a sale or a receipt' }] });
    const source = saleId ? await ctx.records.get({ actor: call.actor }, SALE_ENTITY, saleId) : (receiptInput as JsonObject);
    const built = receiptFromSale(source);
    if ('problems' in built) throw new TesseraError('VALIDATION_FAILED', 'the receipt cannot be printed', { problems: built.problems.map((p) => ({ pointer: saleId ? p.pointer : `/receipt${p.pointer}`, detail: p.detail })) });
    const key = saleId ? `sale:${saleId}` : call.idempotencyKey;
    const existing = await receiptByKey(ctx.knex, key);
    const { receipt, created } = existing ? { receipt: existing, created: false } : await queueReceipt(ctx, { printerId, idempotencyKey: key, receipt: built.receipt, saleId, requestedBy: call.actor.userId });
    return { ...(receipt as unknown as JsonObject), created };
  },
};
