// The queue as a till PC's print agent sees it over HTTP (no database connection): each operation
// of PrinterQueueStore is one request to the server's agent routes (agent/routes.ts) with the API
// token. A request that fails throws: the worker logs it and tries again later; a receipt whose
// "printed" did not reach the server stays `printing` with its journal and is reconciled with the
// printer at the next claim, so nothing prints twice.
import type { PrintJournal, PrintedReceipt, PrinterStatus } from '../driver.ts';
import type { PrinterConfig } from '../printers.ts';
import type { QueuedReceipt } from '../queue/print-queue.ts';
import type { PrinterQueueStore, ProblemInfo, ReportOutcome } from '../queue/queue-store.ts';
import type { ReportRequest } from '../queue/reports.ts';

export interface AgentServer {
  /** The server's address, e.g. https://crm.example.com */
  readonly url: string;
  /** An API token of a user who may print (update rights on sales). */
  readonly token: string;
}

async function call<T>(server: AgentServer, method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${server.url.replace(/\/+$/, '')}/api/connectors/fiscal/agent${path}`, {
    method,
    headers: { authorization: `Bearer ${server.token}`, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(20_000),
  });
  const text = await res.text();
  if (!res.ok) {
    let detail = text.slice(0, 300);
    try {
      detail = (JSON.parse(text) as { detail?: string }).detail ?? detail;
    } catch {
      // not JSON: keep the text
    }
    throw new Error(`${method} ${path}: ${res.status} ${detail}`);
  }
  return JSON.parse(text) as T;
}

/** The agent printer's configuration as the server's settings hold it. */
export function agentPrinterConfig(server: AgentServer, printerId: string): Promise<PrinterConfig> {
  return call<PrinterConfig>(server, 'GET', `/printers/${encodeURIComponent(printerId)}`);
}

export function httpStore(server: AgentServer, owner: string): PrinterQueueStore {
  const printer = (id: string, what: string) => `/printers/${encodeURIComponent(id)}/${what}`;
  return {
    holdLease: async (printerId, _owner, leaseMs) => (await call<{ leader: boolean }>(server, 'POST', printer(printerId, 'lease'), { owner, leaseMs })).leader,
    releaseLease: async (printerId) => void (await call(server, 'POST', printer(printerId, 'lease'), { owner, release: true })),
    writeStatus: async (printerId, status: Partial<PrinterStatus>, lastError) => void (await call(server, 'POST', printer(printerId, 'status'), { owner, status, lastError })),
    claimNext: async (printerId) => (await call<{ receipt: QueuedReceipt | null }>(server, 'POST', printer(printerId, 'claim'), { owner })).receipt,
    saveJournal: async (id, journal: PrintJournal | null) => void (await call(server, 'POST', `/receipts/${id}/journal`, { owner, journal })),
    appendLog: async (id, step) => void (await call(server, 'POST', `/receipts/${id}/log`, { owner, step })),
    markPrinted: async (id, printed: PrintedReceipt, recovered) => void (await call(server, 'POST', `/receipts/${id}/printed`, { owner, printed, recovered })),
    markProblem: async (id, problem: ProblemInfo, retryInMs) => void (await call(server, 'POST', `/receipts/${id}/problem`, { owner, error: { code: problem.code, retry: problem.retry, detail: problem.detail }, retryInMs })),
    nextReport: async (printerId) => (await call<{ report: ReportRequest | null }>(server, 'POST', printer(printerId, 'next-report'), { owner })).report,
    finishReport: async (report: ReportRequest, outcome: ReportOutcome) => void (await call(server, 'POST', `/reports/${report.id}/finish`, { owner, outcome })),
    wouldBeZeroReport: async (printerId) => (await call<{ zero: boolean }>(server, 'POST', printer(printerId, 'zero-report'), { owner })).zero,
  };
}
