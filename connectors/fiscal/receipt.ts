// The receipt as Tessera hands it to a printer, and its plan: every line's amount and VAT slot,
// the total, payments and change, checked against the protocol's limits before a byte is sent, so
// a receipt is refused whole rather than half printed.
import { fiscalError, type FiscalError } from './errors.ts';
import { missingRates, slotFor, type VatRate, type VatSlot } from './vat.ts';

export const PAYMENT_FORMS = ['cash', 'card', 'cheque', 'voucher', 'credit', 'transfer', 'other'] as const;
export type PaymentForm = (typeof PAYMENT_FORMS)[number];

export interface ReceiptLine {
  readonly name: string;
  /** Up to 3 decimals. */
  readonly quantity: number;
  /** Gross unit price in grosze. */
  readonly unitPrice: number;
  readonly vatRate: VatRate;
  /** Discount on the line in grosze (positive). */
  readonly discount?: number;
  readonly unit?: string;
}

export interface ReceiptPayment {
  readonly form: PaymentForm;
  /** Grosze. */
  readonly amount: number;
}

/** A VAT invoice printed by the fiscal printer instead of a receipt (POSNET `trfvinit`). */
export interface InvoiceData {
  /** The invoice's number as printed ("FV/12/2026"): the sale's number. */
  readonly number: string;
  readonly buyerName: string;
  readonly buyerNip: string;
  readonly buyerAddress?: string;
}

export interface Receipt {
  readonly lines: readonly ReceiptLine[];
  /** Given: a VAT invoice for this buyer rather than a receipt. */
  readonly invoice?: InvoiceData;
  readonly payments: readonly ReceiptPayment[];
  /** Printed on the receipt ("NIP nabywcy") when given. */
  readonly buyerNip?: string;
  /** The sale's number, printed as the system number where the protocol has one. */
  readonly reference?: string;
}

export interface PlannedLine {
  readonly name: string;
  readonly quantity: number;
  readonly unitPrice: number;
  /** round(quantity × unitPrice). */
  readonly gross: number;
  readonly discount: number;
  /** gross − discount. */
  readonly amount: number;
  readonly slot: VatSlot;
  readonly unit?: string;
}

export interface ReceiptPlan {
  readonly lines: readonly PlannedLine[];
  readonly total: number;
  readonly payments: readonly ReceiptPayment[];
  readonly paid: number;
  /** Paid beyond the total, returned in cash. */
  readonly change: number;
  readonly buyerNip: string | null;
  readonly reference: string | null;
  readonly invoice: InvoiceData | null;
}

export const LIMITS = { lines: 500, invoiceLines: 120, name: 80, unit: 4, amount: 9_999_999_999, invoiceNumber: 40, buyerName: 256, buyerNip: 20, buyerAddress: 256 } as const;

export function lineGross(line: Pick<ReceiptLine, 'quantity' | 'unitPrice'>): number {
  return Math.round(line.quantity * line.unitPrice);
}

const invalid = (detail: string): FiscalError => fiscalError('invalidReceipt', false, 'tessera', null, detail);

/** Checks and plans a receipt for a device's VAT slots; returns the plan or the first problem. */
export function planReceipt(receipt: Receipt, slots: readonly VatSlot[]): ReceiptPlan | FiscalError {
  if (receipt.lines.length === 0) return invalid('a receipt needs at least one line');
  if (receipt.lines.length > LIMITS.lines) return invalid(`at most ${LIMITS.lines} lines per receipt`);
  const invoice = receipt.invoice ? planInvoice(receipt.invoice) : null;
  if (invoice && !('number' in invoice)) return invoice;
  if (invoice && receipt.lines.length > LIMITS.invoiceLines) return invalid(`at most ${LIMITS.invoiceLines} lines per invoice`);
  const missing = missingRates(slots, receipt.lines.map((l) => l.vatRate));
  if (missing) return missing;
  const lines: PlannedLine[] = [];
  for (const [i, line] of receipt.lines.entries()) {
    const name = line.name.trim();
    if (name === '' || name.length > LIMITS.name) return invalid(`line ${i + 1}: the name must have 1–${LIMITS.name} characters`);
    if (!(line.quantity > 0) || Math.round(line.quantity * 1000) !== line.quantity * 1000) return invalid(`line ${i + 1}: the quantity must be positive with at most 3 decimals`);
    if (!Number.isSafeInteger(line.unitPrice) || line.unitPrice <= 0) return invalid(`line ${i + 1}: the price must be a positive amount in grosze`);
    const discount = line.discount ?? 0;
    const gross = lineGross(line);
    if (!Number.isSafeInteger(discount) || discount < 0 || discount >= gross) return invalid(`line ${i + 1}: the discount must be below the line's value`);
    if (line.unit !== undefined && line.unit.length > LIMITS.unit) return invalid(`line ${i + 1}: the unit has at most ${LIMITS.unit} characters`);
    lines.push({ name, quantity: line.quantity, unitPrice: line.unitPrice, gross, discount, amount: gross - discount, slot: slotFor(slots, line.vatRate)!, ...(line.unit ? { unit: line.unit } : {}) });
  }
  const total = lines.reduce((s, l) => s + l.amount, 0);
  if (total > LIMITS.amount) return invalid('the total is above the printer’s limit');
  if (receipt.payments.length === 0) return invalid('a receipt needs a payment');
  for (const p of receipt.payments) {
    if (!(PAYMENT_FORMS as readonly string[]).includes(p.form)) return invalid(`unknown payment form ${p.form}`);
    if (!Number.isSafeInteger(p.amount) || p.amount <= 0) return invalid('a payment must be a positive amount in grosze');
  }
  const paid = receipt.payments.reduce((s, p) => s + p.amount, 0);
  if (paid < total) return fiscalError('paymentShort', false, 'tessera', null, `paid ${paid} of ${total} grosze`);
  const change = paid - total;
  const cash = receipt.payments.filter((p) => p.form === 'cash').reduce((s, p) => s + p.amount, 0);
  // Change is given in cash: paying a card beyond the total is a mistake, not change.
  if (change > cash) return invalid('change is only given from a cash payment');
  const nip = receipt.buyerNip?.replace(/[\s-]/g, '') ?? '';
  if (nip !== '' && !/^[A-Z]{0,2}\d{10}$/.test(nip)) return invalid('the buyer’s NIP must have 10 digits');
  return { lines, total, payments: receipt.payments, paid, change, buyerNip: nip || null, reference: receipt.reference ?? null, invoice };
}

/** The invoice's buyer and number within the printer's limits (POSNET trfvbuyer/trfvnumber). */
function planInvoice(data: InvoiceData): InvoiceData | FiscalError {
  const number = data.number.trim();
  const buyerName = data.buyerName.trim();
  const buyerNip = data.buyerNip.trim();
  const buyerAddress = data.buyerAddress?.trim() ?? '';
  if (number === '' || number.length > LIMITS.invoiceNumber) return invalid(`the invoice number must have 1–${LIMITS.invoiceNumber} characters`);
  if (buyerName === '' || buyerName.length > LIMITS.buyerName) return invalid(`the buyer’s name must have 1–${LIMITS.buyerName} characters`);
  if (buyerNip === '' || buyerNip.length > LIMITS.buyerNip) return invalid('an invoice needs the buyer’s NIP');
  if (buyerAddress.length > LIMITS.buyerAddress) return invalid(`the buyer’s address has at most ${LIMITS.buyerAddress} characters`);
  return { number, buyerName, buyerNip, ...(buyerAddress ? { buyerAddress } : {}) };
}
