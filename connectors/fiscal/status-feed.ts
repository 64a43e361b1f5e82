// The printers' state for the app: the configured printers with their last status (written by the
// process serving each one: paper, cover, daily report missing, link), and a live feed of it as
// server-sent events (GET /api/connectors/fiscal/stream). The status rows are written by whichever
// process holds a printer's lease, possibly on another machine (a till PC's agent), so the feed
// reads the database once a second and sends only what changed; the connector API gives connectors
// no LISTEN channel, and one indexed query a second per open page is cheap.
import type { Request, Response } from 'express';
import type { ConnectorContext } from '../../engine/connectors/index.ts';
import type { PrinterStatus } from './driver.ts';
import { queueMark } from './queue/print-queue.ts';
import { fiscalSettings } from './service.ts';

export interface PrinterSummary {
  readonly id: string;
  readonly name: string;
  readonly protocol: 'posnet' | 'thermal';
  readonly transport: 'serial' | 'tcp';
  readonly agent: boolean;
  readonly status: Partial<PrinterStatus> | null;
  readonly statusAt: string | null;
  readonly lastError: string | null;
  /** A process holds the printer's lease (it is being served). */
  readonly served: boolean;
  /** Receipts queued or printing. */
  readonly waiting: number;
}

export interface PrintersSummary {
  readonly enabled: boolean;
  readonly defaultPrinter: string | null;
  readonly problems: readonly string[];
  readonly printers: readonly PrinterSummary[];
}

export async function printersSummary(ctx: ConnectorContext): Promise<PrintersSummary> {
  const settings = await fiscalSettings(ctx);
  const rows = (await ctx.knex('tessera.fiscal_printers').select('printer_id', 'status', 'status_at', 'last_error', 'lease_until')) as {
    printer_id: string;
    status: Partial<PrinterStatus> | null;
    status_at: Date | null;
    last_error: string | null;
    lease_until: Date | null;
  }[];
  const byId = new Map(rows.map((r) => [r.printer_id, r]));
  const waiting = (await ctx.knex('tessera.fiscal_receipts').whereIn('state', ['queued', 'printing']).groupBy('printer_id').select('printer_id').count('* as n')) as { printer_id: string; n: string | number }[];
  return {
    enabled: settings.enabled,
    defaultPrinter: settings.defaultPrinter,
    problems: settings.problems,
    printers: settings.printers.map((p) => {
      const row = byId.get(p.id);
      return {
        id: p.id,
        name: p.name,
        protocol: p.protocol,
        transport: p.transport.kind,
        agent: p.agent,
        status: row?.status ?? null,
        statusAt: row?.status_at ? new Date(row.status_at).toISOString() : null,
        lastError: row?.last_error ?? null,
        served: row?.lease_until ? new Date(row.lease_until).getTime() > Date.now() : false,
        waiting: Number(waiting.find((w) => w.printer_id === p.id)?.n ?? 0),
      };
    }),
  };
}

/** What the feed sends: the printers, and marks that change when the queue or the reports change. */
export interface FiscalFeedEvent {
  readonly printers: PrintersSummary;
  readonly queueMark: string;
  readonly reportsMark: string;
}

async function reportsMark(ctx: ConnectorContext): Promise<string> {
  const row = (await ctx.knex('tessera.fiscal_reports').max('created_at as c').max('done_at as d').first()) as { c: Date | string | null; d: Date | string | null } | undefined;
  return `${row?.c ? new Date(row.c).getTime() : 0}:${row?.d ? new Date(row.d).getTime() : 0}`;
}

const HEARTBEAT_MS = 20_000;
// The stream ends after this long and EventSource reconnects by itself; a session that ended
// meanwhile is refused then (the same rule as the notification stream).
const STREAM_MS = 120_000;

/** Serves one SSE stream until the client goes away (the caller checked the rights). */
export async function streamFiscalState(ctx: ConnectorContext, _req: Request, res: Response): Promise<void> {
  const everyMs = Number(process.env.TESSERA_FISCAL_FEED_MS ?? 1000);
  // no-transform keeps the compression middleware from buffering the events.
  res.status(200).set({ 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store, no-transform', 'X-Accel-Buffering': 'no' });
  res.flushHeaders();
  const write = (text: string): void => {
    res.write(text);
    (res as Response & { flush?: () => void }).flush?.();
  };
  write('retry: 3000\n\n');
  let closed = false;
  let last = '';
  const tick = async (): Promise<void> => {
    const event: FiscalFeedEvent = { printers: await printersSummary(ctx), queueMark: await queueMark(ctx.knex), reportsMark: await reportsMark(ctx) };
    // statusAt moves on every refresh of an idle printer: leave it out of "did anything change".
    const key = JSON.stringify({ ...event, printers: { ...event.printers, printers: event.printers.printers.map((p) => ({ ...p, statusAt: null })) } });
    if (closed || key === last) return;
    last = key;
    write(`event: fiscal\ndata: ${JSON.stringify(event)}\n\n`);
  };
  let running = false;
  const poll = setInterval(() => {
    if (running) return;
    running = true;
    tick()
      .catch((error: unknown) => ctx.log('fiscal feed: reading the state failed', error))
      .finally(() => (running = false));
  }, everyMs);
  const heartbeat = setInterval(() => write(': keep-alive\n\n'), HEARTBEAT_MS);
  const end = setTimeout(() => res.end(), STREAM_MS);
  res.on('close', () => {
    closed = true;
    clearInterval(poll);
    clearInterval(heartbeat);
    clearTimeout(end);
  });
  await tick().catch((error: unknown) => ctx.log('fiscal feed: reading the state failed', error));
}
