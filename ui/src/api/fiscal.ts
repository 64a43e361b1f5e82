// The fiscal printer connector's routes (/api/connectors/fiscal/): printer status, printing a
// sale's receipt, its place in the queue.
import { api } from './client.ts';

export interface FiscalPrinterStatus {
  readonly online: boolean;
  readonly paperOut?: boolean;
  readonly coverOpen?: boolean;
  readonly powerLoss?: boolean;
  readonly inTransaction?: boolean;
}

export interface FiscalPrinter {
  readonly id: string;
  readonly name: string;
  readonly protocol: string;
  readonly status: FiscalPrinterStatus | null;
  readonly lastError: string | null;
  readonly served: boolean;
  readonly waiting: number;
}

export interface FiscalReceiptRow {
  readonly id: string;
  readonly state: 'queued' | 'printing' | 'printed' | 'failed';
  readonly receiptNumber: number | null;
  readonly errorCode: string | null;
  readonly lastError: string | null;
}

export const fiscalApi = {
  printers: async () => (await api.get<{ enabled: boolean; defaultPrinter: string | null; printers: FiscalPrinter[] }>('/connectors/fiscal/printers')).data,
  print: async (saleId: string) => (await api.post<FiscalReceiptRow>(`/connectors/fiscal/sales/${saleId}/receipt`, {})).data,
  receiptOf: async (saleId: string) => (await api.get<{ receipts: FiscalReceiptRow[] }>(`/connectors/fiscal/queue?sale=${saleId}`)).data.receipts[0] ?? null,
};
