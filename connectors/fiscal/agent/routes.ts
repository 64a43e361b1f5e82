// The server's side of a print agent on a till PC that has no database connection: the queue
// operations of its one printer over HTTP (/api/connectors/fiscal/agent/…), with an API token of a
// user who may print (update rights on sales). Only printers marked `agent` in the settings are
// served this way, and every write names the agent's lease owner: a receipt or report is touched
// only by the process holding its printer's lease, as in the database path.
import type { Request, Response, Router } from 'express';
import type { ConnectorContext } from '../../../engine/connectors/index.ts';
import type { PrinterConfig } from '../printers.ts';
import { getReceipt } from '../queue/print-queue.ts';
import { databaseStore, type ReportOutcome } from '../queue/queue-store.ts';
import { getReport } from '../queue/reports.ts';
import { fiscalSettings, printedValues, updateSale } from '../service.ts';

type Problem = (res: Response, status: number, code: string, detail: string, errors?: readonly { pointer: string; detail: string }[]) => void;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function agentRoutes(router: Router, ctx: ConnectorContext, may: (req: Request, res: Response) => boolean, problem: Problem): void {
  const store = databaseStore(ctx.knex);

  const agentPrinter = async (res: Response, id: string): Promise<PrinterConfig | null> => {
    const printer = (await fiscalSettings(ctx)).printers.find((p) => p.id === id && p.agent);
    if (!printer) problem(res, 404, 'NOT_FOUND', 'No such agent printer (mark the printer `agent` in the fiscal settings)');
    return printer ?? null;
  };
  /** The owner named in the body, which must hold the printer's lease. */
  const owner = (req: Request, res: Response): string | null => {
    const value = isObject(req.body) ? req.body.owner : undefined;
    if (typeof value !== 'string' || value.length < 1 || value.length > 200) {
      problem(res, 400, 'VALIDATION_FAILED', 'Invalid agent request', [{ pointer: '/owner', detail: 'must be the agent’s lease owner name' }]);
      return null;
    }
    return value;
  };
  const holds = async (res: Response, printerId: string, who: string): Promise<boolean> => {
    const row = (await ctx.knex('tessera.fiscal_printers').where({ printer_id: printerId }).first('leader', 'lease_until')) as { leader: string | null; lease_until: Date | null } | undefined;
    const ok = !!row && row.leader === who && !!row.lease_until && new Date(row.lease_until).getTime() > Date.now();
    if (!ok) problem(res, 409, 'CONFLICT', 'this agent does not hold the printer’s lease');
    return ok;
  };
  /** A receipt of an agent printer whose lease the caller holds. */
  const receiptFor = async (req: Request, res: Response) => {
    if (!may(req, res)) return null;
    const who = owner(req, res);
    if (!who) return null;
    const row = UUID.test(String(req.params.id)) ? await getReceipt(ctx.knex, String(req.params.id)) : null;
    if (!row) {
      problem(res, 404, 'NOT_FOUND', 'No such receipt');
      return null;
    }
    if (!(await agentPrinter(res, row.printerId)) || !(await holds(res, row.printerId, who))) return null;
    return row;
  };
  const printerFor = async (req: Request, res: Response, needLease = true): Promise<{ printer: PrinterConfig; who: string } | null> => {
    if (!may(req, res)) return null;
    const who = owner(req, res);
    if (!who) return null;
    const printer = await agentPrinter(res, String(req.params.id));
    if (!printer || (needLease && !(await holds(res, printer.id, who)))) return null;
    return { printer, who };
  };

  router.get('/agent/printers/:id', async (req, res) => {
    if (!may(req, res)) return;
    const printer = await agentPrinter(res, req.params.id);
    if (printer) res.json(printer);
  });
  router.post('/agent/printers/:id/lease', async (req, res) => {
    const p = await printerFor(req, res, false);
    if (!p) return;
    if (isObject(req.body) && req.body.release === true) {
      await store.releaseLease(p.printer.id, p.who);
      return void res.json({ leader: false });
    }
    const leaseMs = isObject(req.body) && typeof req.body.leaseMs === 'number' ? Math.min(Math.max(req.body.leaseMs, 1000), 60_000) : 15_000;
    res.json({ leader: await store.holdLease(p.printer.id, p.who, leaseMs) });
  });
  router.post('/agent/printers/:id/status', async (req, res) => {
    const p = await printerFor(req, res);
    if (!p) return;
    const body = req.body as Record<string, unknown>;
    if (!isObject(body.status)) return problem(res, 400, 'VALIDATION_FAILED', 'Invalid status', [{ pointer: '/status', detail: 'must be an object' }]);
    await store.writeStatus(p.printer.id, body.status, typeof body.lastError === 'string' ? body.lastError.slice(0, 1000) : null);
    res.json({ ok: true });
  });
  router.post('/agent/printers/:id/claim', async (req, res) => {
    const p = await printerFor(req, res);
    if (p) res.json({ receipt: await store.claimNext(p.printer.id) });
  });
  router.post('/agent/printers/:id/next-report', async (req, res) => {
    const p = await printerFor(req, res);
    if (p) res.json({ report: await store.nextReport(p.printer.id) });
  });
  router.post('/agent/printers/:id/zero-report', async (req, res) => {
    const p = await printerFor(req, res);
    if (p) res.json({ zero: await store.wouldBeZeroReport(p.printer.id) });
  });
  router.post('/agent/receipts/:id/journal', async (req, res) => {
    const row = await receiptFor(req, res);
    if (!row) return;
    const journal = (req.body as Record<string, unknown>).journal;
    if (journal !== null && !(isObject(journal) && typeof journal.closeSent === 'boolean')) return problem(res, 400, 'VALIDATION_FAILED', 'Invalid journal', [{ pointer: '/journal', detail: 'must be a print journal or null' }]);
    await store.saveJournal(row.id, journal as never);
    res.json({ ok: true });
  });
  router.post('/agent/receipts/:id/log', async (req, res) => {
    const row = await receiptFor(req, res);
    if (!row) return;
    const step = (req.body as Record<string, unknown>).step;
    if (typeof step !== 'string' || step.length > 2000) return problem(res, 400, 'VALIDATION_FAILED', 'Invalid step', [{ pointer: '/step', detail: 'must be a text' }]);
    await store.appendLog(row.id, step);
    res.json({ ok: true });
  });
  router.post('/agent/receipts/:id/printed', async (req, res) => {
    const row = await receiptFor(req, res);
    if (!row) return;
    const body = req.body as Record<string, unknown>;
    const printed = body.printed;
    if (!isObject(printed) || typeof printed.total !== 'number') return problem(res, 400, 'VALIDATION_FAILED', 'Invalid outcome', [{ pointer: '/printed', detail: 'must be the printed receipt' }]);
    const value = { receiptNumber: typeof printed.receiptNumber === 'number' ? printed.receiptNumber : null, uniqueNumber: typeof printed.uniqueNumber === 'string' ? printed.uniqueNumber : null, total: printed.total };
    await store.markPrinted(row.id, value, body.recovered === true);
    // The sale is written here, by the server: the agent has no access to records.
    await updateSale(ctx, row, printedValues(value, row));
    res.json({ ok: true });
  });
  router.post('/agent/receipts/:id/problem', async (req, res) => {
    const row = await receiptFor(req, res);
    if (!row) return;
    const body = req.body as Record<string, unknown>;
    const error = body.error;
    if (!isObject(error) || typeof error.code !== 'string' || !error.code.startsWith('fiscal.error.') || typeof error.retry !== 'boolean') {
      return problem(res, 400, 'VALIDATION_FAILED', 'Invalid problem', [{ pointer: '/error', detail: 'must be {code: fiscal.error.*, retry, detail?}' }]);
    }
    const retryInMs = typeof body.retryInMs === 'number' ? Math.min(Math.max(body.retryInMs, 0), 300_000) : 1000;
    await store.markProblem(row.id, { code: error.code, retry: error.retry, ...(typeof error.detail === 'string' ? { detail: error.detail.slice(0, 1000) } : {}) }, retryInMs);
    if (!error.retry) await updateSale(ctx, row, { receipt_state: 'failed' });
    res.json({ ok: true });
  });
  router.post('/agent/reports/:id/finish', async (req, res) => {
    if (!may(req, res)) return;
    const who = owner(req, res);
    if (!who) return;
    const report = UUID.test(req.params.id) ? await getReport(ctx.knex, req.params.id) : null;
    if (!report) return problem(res, 404, 'NOT_FOUND', 'No such report');
    if (!(await agentPrinter(res, report.printerId)) || !(await holds(res, report.printerId, who))) return;
    const outcome = (req.body as Record<string, unknown>).outcome;
    if (!isObject(outcome) || typeof outcome.ok !== 'boolean') return problem(res, 400, 'VALIDATION_FAILED', 'Invalid outcome', [{ pointer: '/outcome', detail: 'must be {ok, …}' }]);
    await store.finishReport(report, outcome as ReportOutcome);
    res.json({ ok: true });
  });
}
