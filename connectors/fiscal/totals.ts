// The printer's day totals (POSNET `stot`): gross sales per VAT slot for receipts and invoices,
// counters, cancellations and the next daily report's number. Read just before a daily report,
// they are what the report prints and what Tessera keeps of it (the cash-register report record):
// net, VAT and gross per slot, computed here the way the printer does (VAT from the gross total
// of the slot, not summed per line). Pure.
import type { VatSlot } from './vat.ts';

export interface DeviceTotals {
  /** The number the next daily report will get (POSNET `no`); null: the protocol does not say. */
  readonly nextReportNumber: number | null;
  /** Gross sales per slot since the last daily report, grosze, A–G. */
  readonly receiptGross: readonly number[];
  readonly invoiceGross: readonly number[];
  readonly receipts: number;
  readonly invoices: number;
  readonly cancelledReceipts: number;
  readonly cancelledTotal: number;
  /** Nothing sold since the last daily report (a report now would be a zero report). */
  readonly zero: boolean;
  /** Whether a daily report was ever made (a zero report after one is refused). */
  readonly reportedBefore: boolean;
  /** The device's slots as they were when read. */
  readonly slots: readonly VatSlot[];
}

export interface SlotTotal {
  readonly letter: string;
  /** Percent, 'exempt' or 'inactive'. */
  readonly rate: number | 'exempt' | 'inactive';
  readonly gross: number;
  readonly vat: number;
  readonly net: number;
}

/** What a daily report held, as kept with the report's row. Amounts in grosze. */
export interface DailyReportContents {
  readonly reportNumber: number | null;
  readonly slots: readonly SlotTotal[];
  readonly gross: number;
  readonly vat: number;
  readonly net: number;
  readonly receipts: number;
  readonly invoices: number;
  readonly cancelledReceipts: number;
  readonly cancelledTotal: number;
}

/** VAT contained in a slot's gross total: gross × rate / (100 + rate), rounded half up. */
export function vatOf(gross: number, rate: VatSlot['rate']): number {
  if (rate === 'exempt' || rate === 'inactive' || rate === 0) return 0;
  return Math.round((gross * rate) / (100 + rate));
}

export function dailyReportContents(totals: DeviceTotals): DailyReportContents {
  const slots: SlotTotal[] = [];
  for (const slot of totals.slots) {
    const gross = (totals.receiptGross[slot.index] ?? 0) + (totals.invoiceGross[slot.index] ?? 0);
    if (gross === 0) continue;
    const vat = vatOf(gross, slot.rate);
    slots.push({ letter: slot.letter, rate: slot.rate, gross, vat, net: gross - vat });
  }
  const sum = (k: 'gross' | 'vat' | 'net') => slots.reduce((s, x) => s + x[k], 0);
  return {
    reportNumber: totals.nextReportNumber,
    slots,
    gross: sum('gross'),
    vat: sum('vat'),
    net: sum('net'),
    receipts: totals.receipts,
    invoices: totals.invoices,
    cancelledReceipts: totals.cancelledReceipts,
    cancelledTotal: totals.cancelledTotal,
  };
}
