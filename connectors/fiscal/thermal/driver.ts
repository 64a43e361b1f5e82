// The Thermal driver (old POSNET Thermal, classic Novitus) over a serial link, 9600 8N1. At open it
// asks for the automatic error reply (`3#e`): every command is then answered with `<n>#Z`, 0 = OK.
// Status comes from the one-byte DLE and ENQ answers. Text is Mazovia. The closing command's
// layout (`$y`) varies by firmware; this one follows the POSNET Thermal layout (docs/fiscal.md).
import { encodeMazovia } from '../mazovia.ts';
import { fiscalError, thermalError } from '../errors.ts';
import { openLink as defaultOpenLink, describeTransport, type ByteLink, type OpenLink, type PrinterTransport } from '../link.ts';
import { notSupported, type FiscalDriver, type PrintJournal, type PrinterCounters, type PrinterStatus } from '../driver.ts';
import type { PlannedLine, ReceiptPayment, ReceiptPlan } from '../receipt.ts';
import { slotsFromValues, type VatSlot } from '../vat.ts';
import { DLE, ENQ, encodeThermal, ThermalDeframer, thermalAmount, type ThermalCommand } from './frame.ts';
import { decodeDle, decodeEnq } from './status.ts';

/** Payment form numbers of the `$y` close (Novitus classic numbering). */
export const THERMAL_PAYMENT_TYPES: Readonly<Record<ReceiptPayment['form'], number>> = { cash: 0, card: 1, cheque: 2, voucher: 10, credit: 5, transfer: 8, other: 4 };

export interface ThermalOptions {
  readonly transport: PrinterTransport;
  readonly timeoutMs?: number;
  readonly printTimeoutMs?: number;
  readonly openLink?: OpenLink;
  /** Printed in the close: the till and the cashier. */
  readonly cashbox?: string;
  readonly cashier?: string;
}

type Waiter = { kind: 'byte'; resolve(b: number): void } | { kind: 'frame'; resolve(body: Buffer): void };

export class ThermalDriver implements FiscalDriver {
  readonly protocol = 'thermal' as const;
  private link: ByteLink | null = null;
  private deframer = new ThermalDeframer();
  private waiter: (Waiter & { reject(e: Error): void; timer: ReturnType<typeof setTimeout> }) | null = null;
  private readonly queued: ({ kind: 'byte'; value: number } | { kind: 'frame'; body: Buffer })[] = [];
  private chain: Promise<unknown> = Promise.resolve();
  private readonly openLinkFn: OpenLink;

  private readonly options: ThermalOptions;

  constructor(options: ThermalOptions) {
    this.options = options;
    this.openLinkFn = options.openLink ?? defaultOpenLink;
  }

  get isOpen(): boolean {
    return this.link !== null;
  }

  async open(): Promise<void> {
    if (this.link) return;
    const link = await this.openLinkFn(this.options.transport);
    this.deframer = new ThermalDeframer();
    this.queued.length = 0;
    link.onData((chunk) => {
      for (const item of this.deframer.feed(chunk)) this.deliver(item);
    });
    link.onClose((error) => {
      if (this.link === link) this.link = null;
      this.fail(fiscalError('linkClosed', true, 'link', null, `${describeTransport(this.options.transport)}${error ? `: ${error.message}` : ''}`));
    });
    this.link = link;
    await this.command({ params: [3], command: '#e' });
  }

  async close(): Promise<void> {
    const link = this.link;
    this.link = null;
    await link?.close();
  }

  nextToken(): null {
    return null;
  }

  private deliver(item: { kind: 'byte'; value: number } | { kind: 'frame'; body: Buffer }): void {
    const w = this.waiter;
    if (w && w.kind === item.kind) {
      this.waiter = null;
      clearTimeout(w.timer);
      if (w.kind === 'byte' && item.kind === 'byte') w.resolve(item.value);
      else if (w.kind === 'frame' && item.kind === 'frame') w.resolve(item.body);
      return;
    }
    this.queued.push(item);
  }

  private fail(error: Error): void {
    const w = this.waiter;
    this.waiter = null;
    if (w) {
      clearTimeout(w.timer);
      w.reject(error);
    }
  }

  private next<K extends 'byte' | 'frame'>(kind: K, timeoutMs: number, what: string): Promise<K extends 'byte' ? number : Buffer> {
    const i = this.queued.findIndex((q) => q.kind === kind);
    if (i >= 0) {
      const [item] = this.queued.splice(i, 1);
      return Promise.resolve((item!.kind === 'byte' ? item!.value : item!.body) as K extends 'byte' ? number : Buffer);
    }
    if (!this.link) return Promise.reject(fiscalError('linkClosed', true, 'link', null, describeTransport(this.options.transport)));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.fail(fiscalError('timeout', true, 'link', null, `${what}: no reply within ${timeoutMs} ms`)), timeoutMs);
      this.waiter = { kind, resolve: resolve as (v: number & Buffer) => void, reject, timer } as typeof this.waiter;
    });
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.chain.then(fn, fn);
    this.chain = result.catch(() => undefined);
    return result;
  }

  private async write(bytes: Uint8Array): Promise<void> {
    if (!this.link) throw fiscalError('linkClosed', true, 'link', null, describeTransport(this.options.transport));
    await this.link.write(bytes);
  }

  /** Sends a command; with `answer`, reads its data frame first; then the `#Z` error reply. A checksum error (2) is resent. */
  private command(cmd: ThermalCommand, answer = false): Promise<Buffer | null> {
    return this.serial(async () => {
      const timeoutMs = ['$y', '$e', '#r'].includes(cmd.command) ? (this.options.printTimeoutMs ?? 15_000) : (this.options.timeoutMs ?? 3000);
      for (let attempt = 1; ; attempt++) {
        this.queued.length = 0;
        await this.write(encodeThermal(cmd));
        let data: Buffer | null = null;
        let reply = (await this.next('frame', timeoutMs, cmd.command)).toString('latin1');
        // A refused query gets only its error reply, no data frame.
        if (answer && !/^\d+#Z$/.test(reply)) {
          data = Buffer.from(reply, 'latin1');
          reply = (await this.next('frame', timeoutMs, cmd.command)).toString('latin1');
        }
        const m = /^(\d+)#Z$/.exec(reply);
        const code = m ? Number(m[1]) : -1;
        if (code === 0 && (!answer || data)) return data;
        const error = thermalError(code, cmd.command);
        if (error.retry && attempt <= 3) continue;
        throw error;
      }
    });
  }

  private statusByte(request: number): Promise<number> {
    return this.serial(async () => {
      this.queued.length = 0;
      await this.write(Buffer.of(request));
      return this.next('byte', this.options.timeoutMs ?? 3000, request === DLE ? 'DLE' : 'ENQ');
    });
  }

  async status(): Promise<PrinterStatus> {
    const dle = decodeDle(await this.statusByte(DLE));
    const enq = decodeEnq(await this.statusByte(ENQ));
    return { online: dle.online, paperOut: dle.paperOut, coverOpen: false, powerLoss: false, inTransaction: enq.inTransaction, waitingForUser: dle.error && !dle.paperOut, dailyReportMissing: null, code: null };
  }

  async vatRates(): Promise<VatSlot[]> {
    const data = (await this.command({ params: [23], command: '#s' }, true))!.toString('latin1');
    // The rates follow the first '/', each ended by '/': 23.00/8.00/…/100.00/101.00/
    const values = data.slice(data.indexOf('/') + 1).split('/').slice(0, 7);
    return slotsFromValues(values);
  }

  async counters(): Promise<PrinterCounters> {
    return { receipts: null, lastReceiptNumber: null, uniqueNumber: null };
  }

  async beginReceipt(plan: ReceiptPlan): Promise<void> {
    if (plan.invoice) throw notSupported('VAT invoices over the Thermal protocol');
    if (plan.buyerNip) throw notSupported('the buyer’s NIP on a Thermal receipt');
    await this.command({ params: [0], command: '$h' });
  }

  async line(line: PlannedLine, index: number): Promise<void> {
    const text = `${line.name}\r${quantity(line.quantity)}\r${line.slot.letter}/${thermalAmount(line.unitPrice)}/${thermalAmount(line.gross)}/${thermalAmount(line.discount)}/`;
    await this.command({ params: [index + 1, line.discount > 0 ? 1 : 0], command: '$l', data: encodeMazovia(text) });
  }

  /** Payments go with the close in this protocol. */
  async payment(): Promise<void> {}

  async endReceipt(plan: ReceiptPlan): Promise<void> {
    const cash = plan.payments.filter((p) => p.form === 'cash').reduce((s, p) => s + p.amount, 0);
    const others = plan.payments.filter((p) => p.form !== 'cash');
    // Parameters: footer lines, end mode, short summary, DSP negative, discount kind, deposits in/out,
    // system number, count of other payment forms, change given, cash paid, then each form's number.
    const params = [0, 0, 1, 0, 0, 0, 0, 0, others.length, plan.change > 0 ? 1 : 0, cash > 0 ? 1 : 0, ...others.map((p) => THERMAL_PAYMENT_TYPES[p.form])];
    const text =
      `${this.options.cashbox ?? '1'}\r${this.options.cashier ?? 'Tessera'}\r` +
      others.map((p) => `${p.form}\r`).join('') +
      `${thermalAmount(plan.total)}/${thermalAmount(plan.total)}/0.00/${thermalAmount(cash)}/` +
      others.map((p) => `${thermalAmount(p.amount)}/`).join('') +
      `${thermalAmount(plan.change)}/`;
    await this.command({ params, command: '$y', data: encodeMazovia(text) });
  }

  async cancel(): Promise<void> {
    await this.command({ params: [0], command: '$e' });
  }

  async dailyReport(date: string): Promise<void> {
    const [y, m, d] = date.split('-').map(Number) as [number, number, number];
    await this.command({ params: [1, y % 100, m, d], command: '#r' });
  }

  async cash(direction: 'in' | 'out', amount: number): Promise<void> {
    await this.command({ params: [0], command: direction === 'in' ? '#i' : '#d', data: Buffer.from(`${thermalAmount(amount)}/`, 'latin1') });
  }

  async nonFiscal(): Promise<void> {
    throw notSupported('non-fiscal printouts over the Thermal protocol');
  }

  /** The protocol as used here reads no day totals: the queue's own records guard the zero report. */
  async totals(): Promise<null> {
    return null;
  }

  async dailyReportDue(): Promise<null> {
    return null;
  }

  /** No replayable reply here: after a sent close, a closed transaction with TRF set means it printed. */
  async closeOutcome(journal: PrintJournal): Promise<'printed' | 'not-printed' | 'unknown'> {
    if (!journal.closeSent) return 'not-printed';
    const enq = decodeEnq(await this.statusByte(ENQ));
    if (enq.inTransaction) return 'not-printed';
    return enq.lastTransactionOk ? 'printed' : 'not-printed';
  }
}

function quantity(q: number): string {
  return String(Math.round(q * 1000) / 1000);
}
