// A sale record (seed entity `sale`: lines and payments as JSON, amounts in złoty) as a receipt.
// Problems come back with the JSON pointer of each bad value, for problem+json answers.
import { PAYMENT_FORMS, type InvoiceData, type PaymentForm, type Receipt, type ReceiptLine, type ReceiptPayment } from './receipt.ts';
import type { VatRate } from './vat.ts';

export interface SaleProblem {
  readonly pointer: string;
  readonly detail: string;
}

const grosze = (v: unknown): number | null => {
  const n = typeof v === 'string' ? Number(v.replace(',', '.')) : v;
  return typeof n === 'number' && Number.isFinite(n) ? Math.round(n * 100) : null;
};

function vatRateOf(v: unknown): VatRate | null {
  if (v === 'zw' || v === 'exempt') return 'exempt';
  const n = typeof v === 'string' ? Number(v.replace('%', '').replace(',', '.')) : v;
  return typeof n === 'number' && Number.isFinite(n) && n >= 0 && n < 100 ? n : null;
}

export function receiptFromSale(sale: Readonly<Record<string, unknown>>): { receipt: Receipt } | { problems: SaleProblem[] } {
  const problems: SaleProblem[] = [];
  const lines: ReceiptLine[] = [];
  const payments: ReceiptPayment[] = [];
  const rawLines = Array.isArray(sale.lines) ? (sale.lines as unknown[]) : null;
  if (!rawLines || rawLines.length === 0) problems.push({ pointer: '/lines', detail: 'a sale needs at least one line' });
  for (const [i, raw] of (rawLines ?? []).entries()) {
    const l = (raw ?? {}) as Record<string, unknown>;
    const name = typeof l.name === 'string' ? l.name : '';
    const quantity = typeof l.quantity === 'number' ? l.quantity : Number(l.quantity ?? 1);
    const price = grosze(l.price);
    const vat = vatRateOf(l.vat_rate);
    const discount = l.discount === undefined || l.discount === null ? 0 : grosze(l.discount);
    if (!name.trim()) problems.push({ pointer: `/lines/${i}/name`, detail: 'is required' });
    if (!(quantity > 0)) problems.push({ pointer: `/lines/${i}/quantity`, detail: 'must be a positive number' });
    if (price === null || price <= 0) problems.push({ pointer: `/lines/${i}/price`, detail: 'must be a positive amount' });
    if (vat === null) problems.push({ pointer: `/lines/${i}/vat_rate`, detail: 'must be a rate in percent or "zw"' });
    if (discount === null || discount < 0) problems.push({ pointer: `/lines/${i}/discount`, detail: 'must be a non-negative amount' });
    if (name.trim() && quantity > 0 && price && vat !== null && discount !== null) lines.push({ name, quantity, unitPrice: price, vatRate: vat, ...(discount ? { discount } : {}) });
  }
  const rawPayments = Array.isArray(sale.payments) ? (sale.payments as unknown[]) : null;
  if (!rawPayments || rawPayments.length === 0) problems.push({ pointer: '/payments', detail: 'a sale needs a payment' });
  for (const [i, raw] of (rawPayments ?? []).entries()) {
    const p = (raw ?? {}) as Record<string, unknown>;
    const form = p.form as PaymentForm;
    const amount = grosze(p.amount);
    if (!(PAYMENT_FORMS as readonly string[]).includes(String(p.form))) problems.push({ pointer: `/payments/${i}/form`, detail: `must be one of ${PAYMENT_FORMS.join(', ')}` });
    else if (amount === null || amount <= 0) problems.push({ pointer: `/payments/${i}/amount`, detail: 'must be a positive amount' });
    else payments.push({ form, amount });
  }
  if (problems.length) return { problems };
  const nip = typeof sale.buyer_nip === 'string' && sale.buyer_nip.trim() ? sale.buyer_nip.trim() : undefined;
  return { receipt: { lines, payments, ...(nip ? { buyerNip: nip } : {}), ...(typeof sale.number === 'string' ? { reference: sale.number } : {}) } };
}

const textOf = (v: unknown): string => (typeof v === 'string' ? v.trim() : '');

/**
 * A sale as a VAT invoice printed by the fiscal printer: the receipt's lines, the sale's number as
 * the invoice number, the buyer from the sale's contractor (name, address) and the NIP from the
 * sale (`buyer_nip`) or else the contractor's tax id.
 */
export function invoiceFromSale(sale: Readonly<Record<string, unknown>>, contractor: Readonly<Record<string, unknown>> | null): { receipt: Receipt } | { problems: SaleProblem[] } {
  const built = receiptFromSale(sale);
  const problems: SaleProblem[] = 'problems' in built ? [...built.problems] : [];
  const number = textOf(sale.number);
  const buyerName = textOf(contractor?.name);
  const buyerNip = textOf(sale.buyer_nip) || textOf(contractor?.tax_id);
  if (!number) problems.push({ pointer: '/number', detail: 'an invoice needs the sale’s number' });
  if (!buyerName) problems.push({ pointer: '/contractor', detail: 'an invoice needs the buyer (a contractor with a name)' });
  if (!buyerNip) problems.push({ pointer: '/buyer_nip', detail: 'an invoice needs the buyer’s NIP' });
  if (problems.length || 'problems' in built) return { problems };
  const street = textOf(contractor?.street);
  const town = [textOf(contractor?.postal_code), textOf(contractor?.locality)].filter(Boolean).join(' ');
  const address = [street, town].filter(Boolean).join('\n');
  const invoice: InvoiceData = { number, buyerName, buyerNip, ...(address ? { buyerAddress: address } : {}) };
  // The NIP is the invoice's (trfvbuyer), not a receipt's "NIP nabywcy" line.
  const { buyerNip: _receiptNip, ...rest } = built.receipt;
  return { receipt: { ...rest, invoice } };
}
