// HTTP routes under /api/connectors/fiscal/ (behind sign-in). Reading printers, the queue and the
// reports needs read rights on sales; printing, retrying, daily reports and cash moves need update
// rights on sales (a sale is read with the caller's own rights, so row-level scopes apply). Bad
// input is answered as application/problem+json with the JSON pointer of each bad value.
import type { Request, Response } from 'express';
import type { ConnectorRoutes } from '../../engine/connectors/index.ts';
import { cancelReceipt, getReceipt, listReceipts, RECEIPT_STATES, retryReceipt, type FiscalDocument, type ReceiptState } from './queue/print-queue.ts';
import { getReport, listReports, requestReport } from './queue/reports.ts';
import { invoiceFromSale, receiptFromSale, type SaleProblem } from './sales.ts';
import { fiscalSettings, queueReceipt, SALE_ENTITY, updateSale, wakeWorker } from './service.ts';
import { printersSummary, streamFiscalState } from './status-feed.ts';
import { FISCAL_WORDING } from './wording.ts';
import { agentRoutes } from './agent/routes.ts';

type Access = NonNullable<ReturnType<Parameters<ConnectorRoutes>[1]['access']>>;

function problem(res: Response, status: number, code: string, detail: string, errors: readonly SaleProblem[] = []): void {
  res
    .status(status)
    .type('application/problem+json')
    .send(JSON.stringify({ type: `https://tessera.dev/problems/${code.toLowerCase().replace(/[_.]/g, '-')}`, title: detail, status, detail, code, ...(errors.length ? { errors } : {}) }));
}

const mayRead = (a: Access): boolean => a.unrestricted || a.can('administerConnectors') || a.entity(SALE_ENTITY).read.length > 0;
export const mayPrint = (a: Pick<Access, 'unrestricted' | 'entity'>): boolean => a.unrestricted || a.entity(SALE_ENTITY).update.length > 0;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const STATES = RECEIPT_STATES;

/** The error's wording in the three languages, beside its code (the app shows its user's). */
function withWords<T extends { errorCode: string | null }>(row: T): T & { errorWords: Record<'pl' | 'en' | 'ro', string> | null } {
  const code = row.errorCode as keyof (typeof FISCAL_WORDING)['en'] | null;
  const en = code ? FISCAL_WORDING.en[code] : undefined;
  return { ...row, errorWords: code && en ? { pl: FISCAL_WORDING.pl[code], en, ro: FISCAL_WORDING.ro[code] } : null };
}

export const fiscalRoutes: ConnectorRoutes = (router, ctx) => {
  /** The caller's rights, or an answer already sent. */
  const guard = (req: Request, res: Response, need: (a: Access) => boolean): Access | null => {
    const access = ctx.access(res);
    if (!access) {
      problem(res, 401, 'UNAUTHENTICATED', 'Not signed in');
      return null;
    }
    if (!need(access)) {
      problem(res, 403, 'FORBIDDEN', `no right to ${req.method === 'GET' ? 'read' : 'print'} fiscal receipts (rights on ${SALE_ENTITY} needed)`);
      return null;
    }
    return access;
  };

  router.get('/printers', async (req, res) => {
    if (!guard(req, res, mayRead)) return;
    res.json(await printersSummary(ctx));
  });

  /** The printers' status and queue changes as server-sent events (`event: fiscal`). */
  router.get('/stream', async (req, res) => {
    if (!guard(req, res, mayRead)) return;
    await streamFiscalState(ctx, req, res);
  });

  router.get('/queue', async (req, res) => {
    if (!guard(req, res, mayRead)) return;
    const state = typeof req.query.state === 'string' ? req.query.state : undefined;
    if (state !== undefined && !(STATES as readonly string[]).includes(state)) return problem(res, 400, 'BAD_QUERY', 'Invalid query', [{ pointer: '/query/state', detail: `must be one of ${STATES.join(', ')}` }]);
    const sale = typeof req.query.sale === 'string' ? req.query.sale : undefined;
    if (sale !== undefined && !UUID.test(sale)) return problem(res, 400, 'BAD_QUERY', 'Invalid query', [{ pointer: '/query/sale', detail: 'must be a record id' }]);
    const printer = typeof req.query.printer === 'string' ? req.query.printer : undefined;
    res.json({ receipts: (await listReceipts(ctx.knex, { ...(printer ? { printerId: printer } : {}), ...(state ? { state: state as ReceiptState } : {}), ...(sale ? { entity: SALE_ENTITY, recordId: sale } : {}) })).map(withWords) });
  });

  router.get('/queue/:id', async (req, res) => {
    if (!guard(req, res, mayRead)) return;
    const row = UUID.test(req.params.id) ? await getReceipt(ctx.knex, req.params.id) : null;
    if (!row) return problem(res, 404, 'NOT_FOUND', 'No such receipt');
    res.json(withWords(row));
  });

  /**
   * Print a sale's receipt, or its VAT invoice: one fiscal document per sale (the idempotency key is
   * the sale's id), so asking again returns the same row, and asking for the other kind is refused.
   */
  const printSale = (document: FiscalDocument) => async (req: Request, res: Response) => {
    const access = guard(req, res, mayPrint);
    if (!access) return;
    const id = String(req.params.id);
    if (!UUID.test(id)) return problem(res, 404, 'NOT_FOUND', 'No such sale');
    const body = (req.body ?? {}) as Record<string, unknown>;
    const settings = await fiscalSettings(ctx);
    const printerId = typeof body.printer === 'string' ? body.printer : settings.defaultPrinter;
    const printer = settings.printers.find((p) => p.id === printerId);
    if (!printerId || !printer) return problem(res, 400, 'VALIDATION_FAILED', 'Unknown printer', [{ pointer: '/printer', detail: 'no such printer in the fiscal connector’s settings' }]);
    if (document === 'invoice' && printer.protocol !== 'posnet') return problem(res, 400, 'VALIDATION_FAILED', 'This printer cannot print invoices', [{ pointer: '/printer', detail: 'VAT invoices need a POSNET printer' }]);
    // Read with the caller's own rights: a sale (or buyer) they may not see cannot be printed by them.
    const rc = { actor: { userId: access.subject?.userId ?? null, via: 'api' as const, access } };
    const sale = await ctx.records.get(rc, SALE_ENTITY, id);
    let built: ReturnType<typeof receiptFromSale>;
    if (document === 'invoice') {
      const contractorId = typeof sale.contractor === 'string' ? sale.contractor : null;
      built = invoiceFromSale(sale, contractorId ? await ctx.records.get(rc, 'contractor', contractorId) : null);
    } else built = receiptFromSale(sale);
    if ('problems' in built) return problem(res, 422, 'VALIDATION_FAILED', `The sale cannot be printed as ${document === 'invoice' ? 'an invoice' : 'a receipt'}`, built.problems);
    const { receipt, created } = await queueReceipt(ctx, { printerId, idempotencyKey: `sale:${id}`, receipt: built.receipt, document, saleId: id, requestedBy: access.subject?.userId ?? null });
    if (receipt.document !== document) return problem(res, 409, 'CONFLICT', `this sale already has a fiscal ${receipt.document} (${receipt.state}): one fiscal document per sale`);
    res.status(created ? 202 : 200).json(withWords(receipt));
  };
  router.post('/sales/:id/receipt', printSale('receipt'));
  router.post('/sales/:id/invoice', printSale('invoice'));

  router.post('/queue/:id/retry', async (req, res) => {
    const access = guard(req, res, mayPrint);
    if (!access) return;
    const row = UUID.test(req.params.id) ? await getReceipt(ctx.knex, req.params.id) : null;
    if (!row) return problem(res, 404, 'NOT_FOUND', 'No such receipt');
    if (!(await retryReceipt(ctx.knex, row.id, access.subject?.login ?? null))) return problem(res, 409, 'CONFLICT', `only a failed or cancelled receipt can be retried (this one is ${row.state})`);
    await updateSale(ctx, row, { receipt_state: 'queued' });
    wakeWorker(row.printerId);
    res.json(await getReceipt(ctx.knex, row.id));
  });

  /** Out of the queue where safe: failed, or queued and never sent to the printer (see cancelReceipt). */
  router.post('/queue/:id/cancel', async (req, res) => {
    const access = guard(req, res, mayPrint);
    if (!access) return;
    const row = UUID.test(req.params.id) ? await getReceipt(ctx.knex, req.params.id) : null;
    if (!row) return problem(res, 404, 'NOT_FOUND', 'No such receipt');
    if (!(await cancelReceipt(ctx.knex, row.id, access.subject?.login ?? null))) {
      return problem(res, 409, 'CONFLICT', `this receipt cannot be cancelled now (it is ${row.state}${row.journal ? ', interrupted while printing: the printer is checked first' : ''})`);
    }
    // The sale has no receipt any more: it can be printed again (Retry on the same row).
    await updateSale(ctx, row, { receipt_state: null });
    res.json(await getReceipt(ctx.knex, row.id));
  });

  router.get('/reports', async (req, res) => {
    if (!guard(req, res, mayRead)) return;
    res.json({ reports: (await listReports(ctx.knex, typeof req.query.printer === 'string' ? req.query.printer : null)).map(withWords) });
  });

  /** A daily report or a cash move; answered once the printer's process ran it (or 202 while it waits). */
  router.post('/printers/:id/:action', async (req, res) => {
    if (!['daily-report', 'cash-in', 'cash-out'].includes(req.params.action)) return problem(res, 404, 'NOT_FOUND', 'No such action');
    const access = guard(req, res, mayPrint);
    if (!access) return;
    const settings = await fiscalSettings(ctx);
    if (!settings.printers.some((p) => p.id === req.params.id)) return problem(res, 404, 'NOT_FOUND', 'No such printer');
    const body = (req.body ?? {}) as Record<string, unknown>;
    const kind = req.params.action === 'daily-report' ? 'daily' : (req.params.action as 'cash-in' | 'cash-out');
    const errors: SaleProblem[] = [];
    const date = body.date === undefined ? new Date().toISOString().slice(0, 10) : body.date;
    if (kind === 'daily' && (typeof date !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(date))) errors.push({ pointer: '/date', detail: 'must be a date (yyyy-mm-dd)' });
    const amount = typeof body.amount === 'number' ? Math.round(body.amount * 100) : NaN;
    if (kind !== 'daily' && !(amount > 0 && amount <= 9_999_999_999)) errors.push({ pointer: '/amount', detail: 'must be a positive amount in złoty' });
    if (errors.length) return problem(res, 400, 'VALIDATION_FAILED', 'Invalid report request', errors);
    let report = await requestReport(ctx.knex, { printerId: req.params.id, kind, reportDate: kind === 'daily' ? (date as string) : null, amount: kind === 'daily' ? null : amount, requestedBy: access.subject?.userId ?? null });
    wakeWorker(req.params.id);
    const until = Date.now() + 20_000;
    while (report.state === 'queued' && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 100));
      report = (await getReport(ctx.knex, report.id)) ?? report;
    }
    res.status(report.state === 'queued' ? 202 : report.state === 'printed' ? 200 : 409).json(withWords(report));
  });

  // A till PC's print agent without a database connection (agent/routes.ts).
  agentRoutes(router, ctx, (req, res) => guard(req, res, mayPrint) !== null, problem);
};

