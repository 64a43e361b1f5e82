// The fiscal printer connector's routes (/api/connectors/fiscal/): printer status (also as a live
// feed), printing a sale's receipt, the queue with its step log, retry/cancel, daily reports.
import { api } from './client.ts';

export interface FiscalPrinterStatus {
  readonly online: boolean;
  readonly paperOut?: boolean;
  readonly coverOpen?: boolean;
  readonly powerLoss?: boolean;
  readonly inTransaction?: boolean;
  readonly waitingForUser?: boolean;
  readonly dailyReportMissing?: boolean | null;
}

export interface FiscalPrinter {
  readonly id: string;
  readonly name: string;
  readonly protocol: string;
  readonly transport: string;
  readonly agent: boolean;
  readonly status: FiscalPrinterStatus | null;
  readonly statusAt: string | null;
  readonly lastError: string | null;
  readonly served: boolean;
  readonly waiting: number;
}

export interface FiscalPrinters {
  readonly enabled: boolean;
  readonly defaultPrinter: string | null;
  readonly problems: readonly string[];
  readonly printers: readonly FiscalPrinter[];
}

type Words = Readonly<Record<'pl' | 'en' | 'ro', string>>;

export type FiscalReceiptState = 'queued' | 'printing' | 'printed' | 'failed' | 'cancelled';

export interface FiscalReceiptRow {
  readonly id: string;
  readonly printerId: string;
  readonly idempotencyKey: string;
  readonly state: FiscalReceiptState;
  readonly document: 'receipt' | 'invoice';
  readonly recordId: string | null;
  readonly receipt: { readonly reference?: string };
  readonly journal: unknown;
  readonly total: number | null;
  readonly receiptNumber: number | null;
  readonly uniqueNumber: string | null;
  readonly attempts: number;
  readonly errorCode: string | null;
  readonly errorWords: Words | null;
  readonly lastError: string | null;
  readonly log: readonly { readonly at: string; readonly step: string }[];
  readonly createdAt: string;
  readonly printedAt: string | null;
}

export interface FiscalReport {
  readonly id: string;
  readonly printerId: string;
  readonly kind: 'daily' | 'cash-in' | 'cash-out';
  readonly reportDate: string | null;
  readonly amount: number | null;
  readonly state: 'queued' | 'printed' | 'failed';
  readonly errorCode: string | null;
  readonly errorWords: Words | null;
  readonly createdAt: string;
  readonly doneAt: string | null;
  readonly reportNumber: number | null;
  readonly contents: { readonly gross: number; readonly vat: number; readonly net: number; readonly receipts: number; readonly slots: readonly { letter: string; gross: number; vat: number }[] } | null;
}

/** What the live feed sends: the printers, and marks that change with the queue and the reports. */
export interface FiscalFeedEvent {
  readonly printers: FiscalPrinters;
  readonly queueMark: string;
  readonly reportsMark: string;
}

const base = '/connectors/fiscal';

export const fiscalApi = {
  printers: async () => (await api.get<FiscalPrinters>(`${base}/printers`)).data,
  print: async (saleId: string) => (await api.post<FiscalReceiptRow>(`${base}/sales/${saleId}/receipt`, {})).data,
  invoice: async (saleId: string) => (await api.post<FiscalReceiptRow>(`${base}/sales/${saleId}/invoice`, {})).data,
  receiptOf: async (saleId: string) => (await api.get<{ receipts: FiscalReceiptRow[] }>(`${base}/queue?sale=${saleId}`)).data.receipts[0] ?? null,
  queue: async (printerId: string) => (await api.get<{ receipts: FiscalReceiptRow[] }>(`${base}/queue?printer=${encodeURIComponent(printerId)}`)).data.receipts,
  reports: async (printerId: string) => (await api.get<{ reports: FiscalReport[] }>(`${base}/reports?printer=${encodeURIComponent(printerId)}`)).data.reports,
  retry: async (id: string) => (await api.post<FiscalReceiptRow>(`${base}/queue/${id}/retry`, {})).data,
  cancel: async (id: string) => (await api.post<FiscalReceiptRow>(`${base}/queue/${id}/cancel`, {})).data,
  dailyReport: async (printerId: string) => (await api.post<FiscalReport>(`${base}/printers/${encodeURIComponent(printerId)}/daily-report`, {})).data,
  /** The live feed (server-sent events, the session cookie); the browser reconnects by itself. */
  stream(onEvent: (event: FiscalFeedEvent) => void): () => void {
    const source = new EventSource(`/api${base}/stream`);
    source.addEventListener('fiscal', (event) => onEvent(JSON.parse((event as MessageEvent<string>).data) as FiscalFeedEvent));
    return () => source.close();
  },
};

/** The status word's message key for a printer (worst first). */
export function printerStatusKey(p: FiscalPrinter): 'fiscal.status.offline' | 'fiscal.status.paperOut' | 'fiscal.status.coverOpen' | 'fiscal.status.reportMissing' | 'fiscal.status.busy' | 'fiscal.status.ready' {
  if (!p.served || !p.status || !p.status.online) return 'fiscal.status.offline';
  if (p.status.paperOut) return 'fiscal.status.paperOut';
  if (p.status.coverOpen) return 'fiscal.status.coverOpen';
  if (p.status.dailyReportMissing) return 'fiscal.status.reportMissing';
  if (p.status.waitingForUser) return 'fiscal.status.busy';
  return 'fiscal.status.ready';
}
