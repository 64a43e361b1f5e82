// A POSNET "online" fiscal printer, protocol-exact as far as Tessera uses it: frames checked by
// CRC-16/XMODEM (a bad one answered `ERR ?5`), command tokens kept for `rpt` (32 replies), the
// transaction state machine (trinit → trline → trpayment → trend, prncancel; VAT invoices trfvinit →
// trfvbuyer → trfvnumber → trline → trend), totals checked
// (2008), VAT slots (2000), product-rate locking (2106), receipt counters (scnt), mechanism status
// (paper out 5, cover open 1, power loss 7), daily reports (382 on a second zero report).
// Faults: damaged replies, damaged incoming frames, lost replies, replies split into single bytes,
// slow replies, the link dropped before or after a command runs, power lost (the open transaction
// and the `rpt` memory are gone). Runs on TCP or a pty (printer-hosts.ts).
import { textCodec } from '../../connectors/fiscal/encoding.ts';
import { frameOf, PosnetDeframer, parseReply, replyBody, type PosnetReply } from '../../connectors/fiscal/posnet/frame.ts';
import { formatSlotRate, parseSlotRate } from '../../connectors/fiscal/vat.ts';
import type { DeviceIo, EmulatedDevice } from './printer-hosts.ts';

export interface EmulatedInvoice {
  /** The printer's invoice count after it. */
  count: number;
  number: string;
  buyer: { name: string; nip: string; address: string | null };
  lines: { name: string; vt: number; amount: number }[];
  total: number;
}

export interface EmulatedReceipt {
  number: number;
  lines: { name: string; vt: number; amount: number }[];
  total: number;
  payments: { type: number; amount: number }[];
  change: number;
  nip: string | null;
}

type Trigger = { command: string; nth: number };

export class PosnetPrinterEmulator implements EmulatedDevice {
  private io: DeviceIo | null = null;
  private deframer = new PosnetDeframer();
  private readonly codec = textCodec('windows-1250');
  vat = ['23,00', '8,00', '5,00', '0,00', '100,00', '101,00', '101,00'];
  uniqueNumber = 'ABC12345678';
  /** Receipts printed, in order. */
  readonly printed: EmulatedReceipt[] = [];
  /** VAT invoices printed (trfvinit … trend), in order. */
  readonly invoices: EmulatedInvoice[] = [];
  cancelled = 0;
  dailyReports: string[] = [];
  cashMoves: number[] = [];
  nonFiscal: string[][] = [];
  /** Every command received (with a good CRC), in order. */
  readonly commands: string[] = [];
  receiptCounter = 0;
  lastReceiptNumber = 0;
  private soldSinceReport = 0;
  /** The printer's clock (date only) and the day of the first sale since the last daily report. */
  today = '2026-12-03';
  private salesDay: string | null = null;
  /** Day totalizers since the last daily report (stot): gross per slot, receipts and invoices. */
  private receiptTotals = [0, 0, 0, 0, 0, 0, 0];
  private invoiceTotals = [0, 0, 0, 0, 0, 0, 0];
  private dayReceipts = 0;
  private dayInvoices = 0;
  private dayCancelled = 0;
  private dayCancelledTotal = 0;
  private transaction: {
    lines: EmulatedReceipt['lines'];
    payments: EmulatedReceipt['payments'];
    change: number;
    nip: string | null;
    invoice: { number: string | null; buyer: EmulatedInvoice['buyer'] | null } | null;
  } | null = null;
  private form: string[] | null = null;
  private readonly replies = new Map<number, Buffer>();
  private readonly productRates = new Map<string, number>();
  mechanism = 0;
  private counts = new Map<string, number>();
  private held: (() => void)[] = [];
  readonly faults = {
    corruptReplies: 0,
    /** Damage the next reply to this command (the command has run). */
    corruptReplyOf: null as string | null,
    corruptIncoming: 0,
    /** Run the next such command but never answer it. */
    silentReplyOf: null as string | null,
    splitReplies: false,
    replyDelayMs: 0,
    /** Drop the link when the nth such command arrives: before running it, or after running it but before the reply. */
    dropLink: null as (Trigger & { when: 'before' | 'after'; downMs: number }) | null,
    /** Lose power after running the nth such command (before replying): transaction and rpt memory gone, status 7. */
    powerLoss: null as (Trigger & { downMs: number }) | null,
  };

  attach(io: DeviceIo | null): void {
    this.io = io;
    this.deframer = new PosnetDeframer();
  }

  get paperOut(): boolean {
    return this.mechanism === 5;
  }

  /** Paper out: printing commands wait (no reply) until paper is loaded, as the printer queues them. */
  setPaper(present: boolean): void {
    this.mechanism = present ? 0 : 5;
    if (present) for (const release of this.held.splice(0)) release();
  }

  setCover(open: boolean): void {
    this.mechanism = open ? 1 : 0;
  }

  /** Sales left from a day before the printer's today: sales refused (383) until the daily report. */
  get dailyReportDue(): boolean {
    return this.salesDay !== null && this.salesDay < this.today;
  }

  get inTransaction(): boolean {
    return this.transaction !== null;
  }

  /** Bytes on the wire each way, for the link-speed bound of the benchmark. */
  bytesIn = 0;
  bytesOut = 0;

  receive(chunk: Buffer): void {
    this.bytesIn += chunk.length;
    for (const frame of this.deframer.feed(chunk)) {
      if (!frame.ok) {
        this.send(replyBody('ERR', { error: 5 }, this.codec));
        continue;
      }
      if (this.faults.corruptIncoming > 0) {
        this.faults.corruptIncoming--;
        this.send(replyBody('ERR', { error: 5 }, this.codec));
        continue;
      }
      this.onCommand(parseReply(frame.body, this.codec));
    }
  }

  private send(body: Buffer, command: string | null = null): void {
    const frame = Buffer.from(frameOf(body));
    const targeted = command !== null && this.faults.corruptReplyOf === command;
    if (targeted) this.faults.corruptReplyOf = null;
    if (targeted || (this.faults.corruptReplies > 0 && this.faults.corruptReplies-- > 0)) {
      frame[frame.length - 2] = frame[frame.length - 2] === 0x30 ? 0x31 : 0x30;
    }
    const io = this.io;
    if (!io) return;
    this.bytesOut += frame.length;
    const out = (): void => {
      if (!this.faults.splitReplies) return io.write(frame);
      for (const b of frame) io.write(Buffer.of(b));
    };
    if (this.faults.replyDelayMs > 0) setTimeout(out, this.faults.replyDelayMs);
    else out();
  }

  private hit(trigger: Trigger | null, command: string): boolean {
    return trigger !== null && trigger.command === command && this.counts.get(command) === trigger.nth;
  }

  private onCommand(cmd: PosnetReply): void {
    const name = cmd.command;
    this.commands.push(name);
    this.counts.set(name, (this.counts.get(name) ?? 0) + 1);
    const drop = this.faults.dropLink;
    if (drop && drop.when === 'before' && this.hit(drop, name)) {
      this.faults.dropLink = null;
      return this.io?.drop(drop.downMs);
    }
    if (name === 'rpt') {
      const stored = cmd.token !== null ? this.replies.get(cmd.token) : undefined;
      return this.send(stored ?? this.codec.encode(`ERR\t@${String(cmd.token ?? 0).padStart(4, '0')}\ter13\tcmrpt\t`));
    }
    const respond = (fields: [string, string][] = [], error: number | null = null): void => {
      const body = replyBody(name, { token: cmd.token, fields, error }, this.codec);
      if (cmd.token !== null) {
        this.replies.set(cmd.token, body);
        while (this.replies.size > 32) this.replies.delete(this.replies.keys().next().value!);
      }
      const loss = this.faults.powerLoss;
      if (loss && this.hit(loss, name)) {
        this.faults.powerLoss = null;
        this.transaction = null;
        this.replies.clear();
        this.mechanism = 7;
        return this.io?.drop(loss.downMs);
      }
      if (drop && drop.when === 'after' && this.hit(drop, name)) {
        this.faults.dropLink = null;
        return this.io?.drop(drop.downMs);
      }
      if (this.faults.silentReplyOf === name) {
        this.faults.silentReplyOf = null;
        return;
      }
      this.send(body, name);
    };
    const printing = ['trinit', 'trend', 'dailyrep', 'formstart', 'cash'].includes(name);
    if (printing && this.paperOut) {
      this.held.push(() => this.execute(cmd, respond));
      return;
    }
    this.execute(cmd, respond);
  }

  private execute(cmd: PosnetReply, respond: (fields?: [string, string][], error?: number | null) => void): void {
    const f = cmd.fields;
    const amount = (field: string): number | null => (f.has(field) && /^\d+$/.test(f.get(field)!) ? Number(f.get(field)) : null);
    switch (cmd.command) {
      case 'sprn': {
        const pr = this.mechanism;
        if (pr === 7) this.mechanism = 0; // a momentary loss is reported once
        return respond([['pr', String(pr)]]);
      }
      case 'sdev':
        return respond([['ds', '0'], ['qe', '1']]);
      case 'strns': {
        const t = this.transaction;
        const total = t ? t.lines.reduce((s, l) => s + l.amount, 0) : 0;
        return respond([['to', t ? '1' : '0'], ['ts', t ? (t.invoice ? '33' : '16') : '0'], ['va', String(total)], ['fe', '0']]);
      }
      case 'scomm':
        return respond([['fs', '1'], ['tz', this.soldSinceReport === 0 ? '1' : '0'], ['ts', this.transaction ? '16' : '0'], ['nu', this.uniqueNumber], ['td', '0']]);
      case 'rtcget':
        return respond([['da', `${this.today};12:00`]]);
      case 'stot': {
        const letters = 'abcdefg';
        return respond([
          ['no', String(this.dailyReports.length + 1)],
          ...this.invoiceTotals.map((v, i): [string, string] => [`f${letters[i]}`, String(v)]),
          ['fn', String(this.dayInvoices)],
          ...this.receiptTotals.map((v, i): [string, string] => [`p${letters[i]}`, String(v)]),
          ['pn', String(this.dayReceipts)],
          ['ct', String(this.dayCancelledTotal)],
          ['cn', String(this.dayCancelled)],
          ...this.vat.map((v, i): [string, string] => [`v${letters[i]}`, v]),
          ['ds', this.salesDay ? `${this.salesDay};08:00` : '2000-01-01;01:00'],
        ]);
      }
      case 'scnt':
        return respond([['bn', String(this.receiptCounter)], ['bt', String(this.lastReceiptNumber)], ['nu', this.uniqueNumber], ['bc', String(this.cancelled)], ['fn', String(this.invoices.length)]]);
      case 'vatget':
        return respond(this.vat.map((v, i) => [`v${'abcdefg'[i]}`, v]));
      case 'trinit':
        if (this.transaction) return respond([], 2038);
        if (this.dailyReportDue) return respond([], 383);
        this.transaction = { lines: [], payments: [], change: 0, nip: null, invoice: null };
        return respond();
      case 'trfvinit':
        if (this.transaction) return respond([], 2038);
        if (this.dailyReportDue) return respond([], 383);
        this.transaction = { lines: [], payments: [], change: 0, nip: null, invoice: { number: null, buyer: null } };
        return respond();
      case 'trfvbuyer':
        if (!this.transaction?.invoice) return respond([], 2005);
        if (!f.get('na') || !f.get('ni') || !f.has('sc')) return this.send(this.codec.encode(`ERR\t?2\tcmtrfvbuyer\t`));
        this.transaction.invoice.buyer = { name: f.get('na')!, nip: f.get('ni')!, address: f.get('ad') ?? null };
        return respond();
      case 'trfvnumber':
        if (!this.transaction?.invoice) return respond([], 2005);
        if (!f.get('nb')?.trim() || !f.has('sc')) return this.send(this.codec.encode(`ERR\t?2\tcmtrfvnumber\t`));
        this.transaction.invoice.number = f.get('nb')!;
        return respond();
      case 'trnipset':
        if (!this.transaction) return respond([], 2005);
        if (!f.get('ni')) return this.send(replyBody('ERR', { token: cmd.token, error: 2 }, this.codec));
        this.transaction.nip = f.get('ni')!;
        return respond();
      case 'trline': {
        if (!this.transaction) return respond([], 2005);
        const vt = Number(f.get('vt'));
        const price = amount('pr');
        if (!f.get('na') || price === null) return this.send(this.codec.encode(`ERR\t?${price === null ? 3 : 2}\tcmtrline\t`));
        const rate = Number.isInteger(vt) && vt >= 0 && vt <= 6 ? parseSlotRate(this.vat[vt]!) : null;
        if (rate === null || rate === 'inactive') return respond([], 2000);
        const numeric = rate === 'exempt' ? -1 : rate;
        const earlier = this.productRates.get(f.get('na')!);
        if (earlier !== undefined && numeric > earlier) return respond([], 2106);
        const qty = Number((f.get('il') ?? '1').replace(',', '.'));
        const gross = amount('wa') ?? Math.round(price * qty);
        if (gross !== Math.round(price * qty)) return respond([], 2008);
        const discount = amount('rw') ?? 0;
        this.transaction.lines.push({ name: f.get('na')!, vt, amount: gross - discount });
        return respond();
      }
      case 'trpayment': {
        if (!this.transaction) return respond([], 2005);
        // No payment forms on an invoice (spec, trfvinit remark 3); the number is the emulator's choice.
        if (this.transaction.invoice) return respond([], 2005);
        const wa = amount('wa') ?? 0;
        if (f.get('re') === '1') this.transaction.change += wa;
        else this.transaction.payments.push({ type: Number(f.get('ty')), amount: wa });
        return respond();
      }
      case 'trend': {
        const t = this.transaction;
        if (!t) return respond([], 2005);
        const total = t.lines.reduce((s, l) => s + l.amount, 0);
        if (t.invoice) {
          // An invoice without its buyer or number is not closed (the spec requires both after trfvinit).
          if (amount('to') !== total || !t.invoice.buyer || !t.invoice.number) return respond([], 2008);
          this.soldSinceReport += total;
          this.salesDay ??= this.today;
          this.dayInvoices++;
          for (const l of t.lines) this.invoiceTotals[l.vt]! += l.amount;
          this.invoices.push({ count: this.invoices.length + 1, number: t.invoice.number, buyer: t.invoice.buyer, lines: t.lines, total });
          this.transaction = null;
          return respond();
        }
        const paid = t.payments.reduce((s, p) => s + p.amount, 0);
        if (amount('to') !== total || (amount('fp') !== null && amount('fp') !== paid) || paid - t.change < total) return respond([], 2008);
        for (const l of t.lines) {
          const rate = parseSlotRate(this.vat[l.vt]!);
          this.productRates.set(l.name, rate === 'exempt' ? -1 : (rate as number));
        }
        this.receiptCounter++;
        this.lastReceiptNumber++;
        this.soldSinceReport += total;
        this.salesDay ??= this.today;
        this.dayReceipts++;
        for (const l of t.lines) this.receiptTotals[l.vt]! += l.amount;
        this.printed.push({ number: this.lastReceiptNumber, lines: t.lines, total, payments: t.payments, change: t.change, nip: t.nip });
        this.transaction = null;
        return respond();
      }
      case 'prncancel':
      case 'trcancel':
        if (this.transaction) {
          this.cancelled++;
          this.dayCancelled++;
          this.dayCancelledTotal += this.transaction.lines.reduce((s, l) => s + l.amount, 0);
        }
        this.transaction = null;
        this.form = null;
        return respond();
      case 'dailyrep':
        if (this.transaction) return respond([], 2038);
        if (this.soldSinceReport === 0 && this.dailyReports.length > 0) return respond([], 382);
        this.dailyReports.push(f.get('da') ?? '');
        this.soldSinceReport = 0;
        this.salesDay = null;
        this.receiptTotals = [0, 0, 0, 0, 0, 0, 0];
        this.invoiceTotals = [0, 0, 0, 0, 0, 0, 0];
        this.dayReceipts = this.dayInvoices = this.dayCancelled = this.dayCancelledTotal = 0;
        return respond();
      case 'cash': {
        const kw = amount('kw');
        if (kw === null) return this.send(this.codec.encode('ERR\t?3\tcmcash\tfdkw\t'));
        this.cashMoves.push(f.get('wp') === '1' || f.get('wp') === 'T' ? kw : -kw);
        return respond();
      }
      case 'formstart':
        this.form = [];
        return respond();
      case 'formline':
        if (!this.form) return respond([], 2005);
        this.form.push(f.get('s1') ?? '');
        return respond();
      case 'formend':
        if (this.form) this.nonFiscal.push(this.form);
        this.form = null;
        return respond();
      default:
        return this.send(this.codec.encode(`ERR\t?1\tcm${cmd.command}\t`));
    }
  }

  /** Reprograms a slot (as a service technician would). */
  setRate(index: number, rate: number | 'exempt' | 'inactive'): void {
    this.vat[index] = formatSlotRate(rate, ',');
  }
}
