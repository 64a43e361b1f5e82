// The POSNET "online" driver over any byte link (serial or TCP). One command at a time: a frame
// out, the reply matched by command and token. Commands that change the printer carry a token, so
// a reply lost to a bad CRC or a dropped link can be replayed with `rpt` instead of resending the
// command (which would sell twice). A frame the printer received damaged (`ERR ?5`) did not run and
// is resent; a full buffer (11, 14) is waited out.
import { fiscalError, FiscalError, posnetCommandError, posnetFrameError } from '../errors.ts';
import { textCodec, type PrinterEncoding, type TextCodec } from '../encoding.ts';
import { openLink as defaultOpenLink, describeTransport, type ByteLink, type OpenLink, type PrinterTransport } from '../link.ts';
import { counterOf, notSupported, type FiscalDriver, type PrintJournal, type PrinterCounters, type PrinterStatus } from '../driver.ts';
import type { PlannedLine, ReceiptPayment, ReceiptPlan } from '../receipt.ts';
import type { DeviceTotals } from '../totals.ts';
import { slotsFromValues, type VatSlot } from '../vat.ts';
import { amountField, encodeCommand, PosnetDeframer, parseReply, quantityField, type PosnetParams, type PosnetReply } from './frame.ts';

export const POSNET_PAYMENT_TYPES: Readonly<Record<ReceiptPayment['form'], number>> = { cash: 0, card: 2, cheque: 3, voucher: 7, credit: 5, transfer: 8, other: 6 };

export interface PosnetOptions {
  readonly transport: PrinterTransport;
  readonly encoding?: PrinterEncoding;
  /** Reply timeout for ordinary commands (default 3 s); printing commands get `printTimeoutMs`. */
  readonly timeoutMs?: number;
  readonly printTimeoutMs?: number;
  readonly openLink?: OpenLink;
  /** Formatka for non-fiscal printouts (default 201, 80 mm paper) and its free-text line. */
  readonly nonFiscalForm?: { readonly form: number; readonly line: number };
}

interface Pending {
  readonly command: string;
  readonly token: number | null;
  resolve(reply: PosnetReply): void;
  reject(error: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

const PRINTING = new Set(['trend', 'dailyrep', 'prncancel', 'formend', 'cash']);

export class PosnetDriver implements FiscalDriver {
  readonly protocol = 'posnet' as const;
  private readonly codec: TextCodec;
  private readonly openLinkFn: OpenLink;
  private link: ByteLink | null = null;
  private deframer = new PosnetDeframer();
  private pending: Pending | null = null;
  private chain: Promise<unknown> = Promise.resolve();
  private token = Math.floor(Math.random() * 9000);
  /** Replies whose CRC failed since the last command: the reply is replayed with `rpt`. */
  private badReply = false;

  private readonly options: PosnetOptions;

  constructor(options: PosnetOptions) {
    this.options = options;
    this.codec = textCodec(options.encoding ?? 'windows-1250');
    this.openLinkFn = options.openLink ?? defaultOpenLink;
  }

  get isOpen(): boolean {
    return this.link !== null;
  }

  async open(): Promise<void> {
    if (this.link) return;
    const link = await this.openLinkFn(this.options.transport);
    this.deframer = new PosnetDeframer();
    link.onData((chunk) => this.onData(chunk));
    link.onClose((error) => {
      if (this.link === link) this.link = null;
      this.failPending(fiscalError('linkClosed', true, 'link', null, `${describeTransport(this.options.transport)}${error ? `: ${error.message}` : ''}`));
    });
    this.link = link;
  }

  async close(): Promise<void> {
    const link = this.link;
    this.link = null;
    await link?.close();
  }

  nextToken(): number {
    this.token = (this.token + 1) % 10000;
    return this.token;
  }

  private failPending(error: Error): void {
    const p = this.pending;
    if (!p) return;
    this.pending = null;
    clearTimeout(p.timer);
    p.reject(error);
  }

  private onData(chunk: Buffer): void {
    for (const frame of this.deframer.feed(chunk)) {
      const p = this.pending;
      if (!p) continue;
      if (!frame.ok) {
        // Damaged on the way back: no need to wait for the timeout, the caller replays it.
        this.badReply = true;
        this.failPending(fiscalError('badChecksum', true, 'link', null, `${p.command}: the reply's CRC is wrong`));
        continue;
      }
      const reply = parseReply(frame.body, this.codec);
      const forUs = reply.command === p.command || reply.command === 'ERR' || (p.command === 'rpt' && reply.token === p.token);
      if (!forUs || (p.token !== null && reply.token !== null && reply.token !== p.token)) continue;
      this.pending = null;
      clearTimeout(p.timer);
      p.resolve(reply);
    }
  }

  /** Sends one frame and waits for its reply (frame and command errors come back as values). */
  private exchange(command: string, params: PosnetParams, token: number | null): Promise<PosnetReply> {
    const link = this.link;
    if (!link) return Promise.reject(fiscalError('linkClosed', true, 'link', null, describeTransport(this.options.transport)));
    const timeoutMs = PRINTING.has(command) ? (this.options.printTimeoutMs ?? 15_000) : (this.options.timeoutMs ?? 3000);
    return new Promise<PosnetReply>((resolve, reject) => {
      const timer = setTimeout(() => this.failPending(fiscalError('timeout', true, 'link', null, `${command}: no reply within ${timeoutMs} ms`)), timeoutMs);
      this.pending = { command, token, resolve, reject, timer };
      this.badReply = false;
      link.write(encodeCommand({ command, params, ...(token !== null ? { token } : {}) }, this.codec)).catch((e: Error) => this.failPending(fiscalError('linkClosed', true, 'link', null, e.message)));
    });
  }

  /**
   * A command with recovery of transmission faults; resolves with the OK reply, rejects with a
   * typed error. `tokened` commands replay a lost reply with `rpt` rather than running twice.
   */
  request(command: string, params: PosnetParams = [], options: { tokened?: boolean; token?: number | null } = {}): Promise<PosnetReply> {
    const run = async (): Promise<PosnetReply> => {
      const token = options.token ?? (options.tokened ? this.nextToken() : null);
      for (let attempt = 1; ; attempt++) {
        let reply: PosnetReply;
        try {
          reply = await this.exchange(command, params, token);
        } catch (error) {
          // A reply that arrived damaged: the command ran; ask for the reply again.
          if (this.badReply && token !== null && attempt <= 3) {
            reply = await this.replay(token, command);
          } else if (this.badReply && token === null && attempt <= 3) {
            continue; // a query: running it again is harmless
          } else throw error;
        }
        if (reply.error?.kind === 'frame') {
          const err = posnetFrameError(reply.error.code, reply.failedField ? `field ${reply.failedField} of ${command}` : command);
          if (err.retry && attempt <= 3) {
            if (err.info.reason === 'bufferFull') await new Promise((r) => setTimeout(r, 100 * attempt));
            continue;
          }
          throw err;
        }
        if (reply.error?.kind === 'command') throw posnetCommandError(reply.error.code, command);
        return reply;
      }
    };
    return this.serial(run);
  }

  /** One exchange at a time on the link, whatever the caller. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.chain.then(fn, fn);
    this.chain = result.catch(() => undefined);
    return result;
  }

  private async replay(token: number, command: string): Promise<PosnetReply> {
    for (let i = 0; i < 3; i++) {
      try {
        const reply = await this.exchange('rpt', [], token);
        if (reply.command === command || reply.command === 'ERR') return reply;
      } catch (error) {
        if (!this.badReply) throw error;
      }
    }
    throw fiscalError('badChecksum', true, 'link', null, `${command}: the reply stayed damaged`);
  }

  async status(): Promise<PrinterStatus> {
    const prn = await this.request('sprn');
    const trns = await this.request('strns');
    const dev = await this.request('sdev');
    const pr = Number(prn.fields.get('pr') ?? '0');
    return {
      online: true,
      paperOut: pr === 5,
      coverOpen: pr === 1 || pr === 3 || pr === 10,
      powerLoss: pr === 7,
      inTransaction: trns.fields.get('to') === '1',
      waitingForUser: dev.fields.get('ds') === '3',
      dailyReportMissing: null,
      code: pr,
    };
  }

  async vatRates(): Promise<VatSlot[]> {
    const reply = await this.request('vatget');
    return slotsFromValues(['va', 'vb', 'vc', 'vd', 've', 'vf', 'vg'].map((f) => reply.fields.get(f) ?? '101,00'));
  }

  async counters(): Promise<PrinterCounters> {
    const reply = await this.request('scnt');
    const num = (f: string): number | null => (reply.fields.has(f) ? Number(reply.fields.get(f)) : null);
    return { receipts: num('bn'), invoices: num('fn'), lastReceiptNumber: num('bt'), uniqueNumber: reply.fields.get('nu') ?? null };
  }

  async beginReceipt(plan: ReceiptPlan): Promise<void> {
    if (plan.invoice) return this.beginInvoice(plan.invoice);
    await this.request('trinit', [['bm', '0']], { tokened: true });
    if (plan.buyerNip) await this.request('trnipset', [['ni', plan.buyerNip]], { tokened: true });
  }

  /** `trfvinit` (no copy), then the buyer and the number in the header section (sc0), as the spec orders. */
  private async beginInvoice(invoice: NonNullable<ReceiptPlan['invoice']>): Promise<void> {
    await this.request('trfvinit', [['cc', '0']], { tokened: true });
    const buyer: [string, string][] = [['na', invoice.buyerName], ['ni', invoice.buyerNip]];
    if (invoice.buyerAddress) buyer.push(['ad', invoice.buyerAddress]);
    await this.request('trfvbuyer', [...buyer, ['sc', '0']], { tokened: true });
    await this.request('trfvnumber', [['nb', invoice.number], ['sc', '0']], { tokened: true });
  }

  async line(line: PlannedLine): Promise<void> {
    const params: [string, string][] = [
      ['na', line.name],
      ['vt', String(line.slot.index)],
      ['pr', amountField(line.unitPrice)],
      ['il', quantityField(line.quantity)],
      ['wa', amountField(line.gross)],
    ];
    if (line.unit) params.push(['jm', line.unit]);
    if (line.discount > 0) params.push(['rd', '1'], ['rw', amountField(line.discount)]);
    await this.request('trline', params, { tokened: true });
  }

  async payment(payment: ReceiptPayment): Promise<void> {
    await this.request('trpayment', [['ty', String(POSNET_PAYMENT_TYPES[payment.form])], ['wa', amountField(payment.amount)], ['re', '0']], { tokened: true });
  }

  async endReceipt(plan: ReceiptPlan, token: number | null): Promise<void> {
    if (plan.invoice) {
      await this.request('trend', [['to', amountField(plan.total)]], { token: token ?? this.nextToken() });
      return;
    }
    if (plan.change > 0) await this.request('trpayment', [['ty', '0'], ['wa', amountField(plan.change)], ['re', '1']], { tokened: true });
    await this.request('trend', [['to', amountField(plan.total)], ['fp', amountField(plan.paid)], ['re', amountField(plan.change)]], { token: token ?? this.nextToken() });
  }

  async cancel(): Promise<void> {
    await this.request('prncancel', [], { tokened: true });
  }

  async dailyReport(date: string): Promise<void> {
    await this.request('dailyrep', [['da', date]], { tokened: true });
  }

  async cash(direction: 'in' | 'out', amount: number): Promise<void> {
    await this.request('cash', [['kw', amountField(amount)], ['wp', direction === 'in' ? '1' : '0']], { tokened: true });
  }

  async nonFiscal(lines: readonly string[]): Promise<void> {
    const { form, line } = this.options.nonFiscalForm ?? { form: 201, line: 0 };
    if (lines.length === 0) throw notSupported('an empty non-fiscal printout');
    await this.request('formstart', [['fn', String(form)], ['fh', '0']], { tokened: true });
    for (const text of lines) await this.request('formline', [['s1', text.slice(0, 54)], ['fn', String(form)], ['fl', String(line)]], { tokened: true });
    await this.request('formend', [['fn', String(form)]], { tokened: true });
  }

  /** `stot` (totalizers since the last daily report) and `scomm` (whether they are all zero). */
  async totals(): Promise<DeviceTotals> {
    const stot = await this.request('stot');
    const comm = await this.request('scomm');
    const num = (f: string): number => Number(stot.fields.get(f) ?? '0') || 0;
    const slots = slotsFromValues(['va', 'vb', 'vc', 'vd', 've', 'vf', 'vg'].map((f) => stot.fields.get(f) ?? '101,00'));
    const next = stot.fields.has('no') ? num('no') : null;
    return {
      nextReportNumber: next,
      receiptGross: ['pa', 'pb', 'pc', 'pd', 'pe', 'pf', 'pg'].map(num),
      invoiceGross: ['fa', 'fb', 'fc', 'fd', 'fe', 'ff', 'fg'].map(num),
      receipts: num('pn'),
      invoices: num('fn'),
      cancelledReceipts: num('cn'),
      cancelledTotal: num('ct'),
      zero: isTrue(comm.fields.get('tz')),
      reportedBefore: next === null ? true : next > 1,
      slots,
    };
  }

  /**
   * Sales are left in the totals (`scomm tz` false) from a day before the printer's today (`stot ds`,
   * the first sale's date, against `rtcget`): the printer refuses sales (383) until the daily report.
   */
  async dailyReportDue(): Promise<boolean> {
    const comm = await this.request('scomm');
    if (isTrue(comm.fields.get('tz'))) return false;
    const started = (await this.request('stot')).fields.get('ds')?.slice(0, 10);
    const today = (await this.request('rtcget')).fields.get('da')?.slice(0, 10);
    return !!started && !!today && started !== '2000-01-01' && started < today;
  }

  /** `rpt` of the close's token: its stored reply says whether it ran; if the printer forgot it (13), the receipt counter decides. */
  async closeOutcome(journal: PrintJournal): Promise<'printed' | 'not-printed' | 'unknown'> {
    if (journal.closeToken !== null) {
      const token = journal.closeToken;
      const reply = await this.serial(() => this.exchange('rpt', [], token));
      if (reply.command === 'trend' && reply.error === null) return 'printed';
      if (reply.command === 'trend' && reply.error?.kind === 'command') return 'not-printed';
    }
    if (journal.counterBefore === null) return 'unknown';
    const now = counterOf(await this.counters(), journal.document);
    if (now === null) return 'unknown';
    return now > journal.counterBefore ? 'printed' : 'not-printed';
  }
}

/** POSNET booleans: 1/0, T/N, t/n, y (spec: "1/0 (also t/T/y, n/N)"). */
function isTrue(v: string | undefined): boolean {
  return v === '1' || v === 'T' || v === 't' || v === 'y' || v === 'Y';
}

export { FiscalError };
