// A GSM modem on the far end of a socat pty pair, answering AT commands as a real modem does
// (V.250 framing, echo until ATE0, `> ` prompt, +CMS/+CME errors, +CMTI/+CDS unsolicited codes).
// It decodes the PDUs it is sent, so tests check the text that would reach the handset, and it
// injects faults: CMS errors, silence, garbage bytes, replies split into single bytes, the port
// vanishing and coming back (USB replug), delayed and temporary delivery reports, incoming SMS.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SerialPort } from 'serialport';
import { closePtyPair, openPtyPair, socatPath } from './pty-pair.ts';
import { type DecodedSubmit, decodePdu, encodeDeliver, encodeStatusReport, splitMessage } from '../../connectors/sms/codec/index.ts';


export interface ReceivedSms {
  to: string;
  text: string;
  parts: number;
  mrs: number[];
  statusReport: boolean;
}

export interface EmulatorOptions {
  /** SIM PIN; the emulator starts locked when set. */
  pin?: string;
  /** First TP-MR handed out (e.g. 254 to watch the wrap). */
  firstMessageReference?: number;
  /** Delay before each delivery report. */
  reportDelayMs?: number;
  /** The TP-ST sequence reported per part, e.g. [0x21, 0x00]: temporary, then delivered. */
  reportStatuses?: number[];
  /** Whether +CDS carries the SMSC field (varies by modem). */
  reportWithSmsc?: boolean;
  /** Keep the delivery reports until `releaseReports()` (a report arriving after the host restarted). */
  holdReports?: boolean;
}

export class GsmModemEmulator {
  readonly dir: string;
  readonly hostPath: string;
  private readonly modemPath: string;
  private socat: ChildProcess | null = null;
  private port: SerialPort | null = null;
  private buffer = '';
  private pduLength: number | null = null;
  private echo = true;
  private pinLocked: boolean;
  private nextMr: number;
  private readonly storage = new Map<number, string>();
  private readonly partials = new Map<string, DecodedSubmit[]>();
  private timers = new Set<ReturnType<typeof setTimeout>>();
  private heldReports: string[] = [];
  readonly options: EmulatorOptions;
  /** Every command line received, in order. */
  readonly commands: string[] = [];
  /** Every SUBMIT decoded. */
  readonly submits: DecodedSubmit[] = [];
  /** Whole messages (parts joined) as the handset would show them. */
  readonly received: ReceivedSms[] = [];
  /** Fault injection, consumed as used. */
  readonly faults = {
    cmsErrors: [] as number[],
    silentCommands: 0,
    garbageBeforeReply: false,
    splitReplies: false,
    /** The modem resets (drops off the bus for `downMs`) instead of answering the PDU after this many accepted ones. */
    resetAfterSubmits: null as { submits: number; downMs: number } | null,
  };
  /** Times the modem restarted (AT+CFUN=1,1 or an injected reset). */
  resets = 0;

  private constructor(options: EmulatorOptions) {
    this.options = options;
    this.dir = mkdtempSync(join(tmpdir(), 'tessera-modem-'));
    this.hostPath = join(this.dir, 'host');
    this.modemPath = join(this.dir, 'modem');
    this.pinLocked = Boolean(options.pin);
    this.nextMr = options.firstMessageReference ?? 1;
  }

  static async start(options: EmulatorOptions = {}): Promise<GsmModemEmulator> {
    const emulator = new GsmModemEmulator(options);
    await emulator.plugIn();
    return emulator;
  }

  /** Creates the pty pair and opens the modem end. */
  private async plugIn(): Promise<void> {
    const { socat, port } = await openPtyPair(this.modemPath, this.hostPath, (chunk: Buffer) => this.onInput(chunk.toString('latin1')));
    this.socat = socat;
    this.port = port;
    this.buffer = '';
    this.pduLength = null;
    this.echo = true;
  }

  /** Pulls the plug: the host end disappears (the driver sees EIO/close) for `ms`, then comes back
   * at the same path, as a USB modem re-enumerates. The modem restarts: echo on, PIN locked. */
  async vanish(ms: number): Promise<void> {
    await this.unplug();
    await new Promise((r) => setTimeout(r, ms));
    this.pinLocked = Boolean(this.options.pin);
    await this.plugIn();
  }

  private async unplug(): Promise<void> {
    const { port, socat } = this;
    this.port = null;
    this.socat = null;
    await closePtyPair(port, socat);
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await this.unplug();
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** An SMS arrives from the network: stored in the SIM (one slot per part) and announced by +CMTI. */
  injectIncoming(from: string, text: string, at = new Date()): number[] {
    const texts = splitMessage(text);
    const reference = Math.floor(Math.random() * 256);
    const indexes: number[] = [];
    texts.forEach((part, i) => {
      let index = 0;
      while (this.storage.has(index)) index++;
      const concatenation = texts.length > 1 ? { reference, total: texts.length, sequence: i + 1 } : null;
      this.storage.set(index, encodeDeliver({ originator: from, text: part, at, offsetMinutes: 60, smsc: '+48790998250', concatenation }).hex);
      indexes.push(index);
      this.writeLine(`+CMTI: "SM",${index}`);
    });
    return indexes;
  }

  /** An SMS routed straight to the host (CNMI mt=2): `+CMT: ,<length>` and the PDU, nothing stored. */
  injectDirect(from: string, text: string, at = new Date()): void {
    const pdu = encodeDeliver({ originator: from, text, at, smsc: '+48790998250' });
    this.write(`\r\n+CMT: ,${pdu.tpduLength}\r\n${pdu.hex}\r\n`);
  }

  /** Stores a message without announcing it (it came while the host was away). */
  storeSilently(from: string, text: string, at = new Date()): void {
    let index = 0;
    while (this.storage.has(index)) index++;
    this.storage.set(index, encodeDeliver({ originator: from, text, at, smsc: '+48790998250' }).hex);
  }

  get storedCount(): number {
    return this.storage.size;
  }

  // --- the AT interpreter ----------------------------------------------------------------------

  private onInput(chunk: string): void {
    this.buffer += chunk;
    for (;;) {
      if (this.pduLength !== null) {
        const ctrlZ = this.buffer.indexOf('\u001a');
        const esc = this.buffer.indexOf('\u001b');
        const end = ctrlZ < 0 ? esc : esc < 0 ? ctrlZ : Math.min(ctrlZ, esc);
        if (end < 0) return;
        const hex = this.buffer.slice(0, end).trim();
        const aborted = this.buffer[end] === '\u001b';
        this.buffer = this.buffer.slice(end + 1);
        const length = this.pduLength;
        this.pduLength = null;
        if (aborted) this.reply(['OK']);
        else this.onPdu(hex, length);
        continue;
      }
      const end = this.buffer.indexOf('\r');
      if (end < 0) return;
      const line = this.buffer.slice(0, end).replace(/^\n+/, '').trim();
      this.buffer = this.buffer.slice(end + 1);
      if (!line) continue;
      this.commands.push(line);
      if (this.echo) this.write(`${line}\r`);
      if (this.faults.silentCommands > 0) {
        this.faults.silentCommands--;
        continue;
      }
      this.onCommand(line);
    }
  }

  private onCommand(line: string): void {
    const cmd = line.toUpperCase();
    let m: RegExpExecArray | null;
    if (cmd === 'AT' || cmd === 'AT+CMEE=1' || cmd.startsWith('AT+CNMI=') || cmd === 'AT+CMGF=0') return this.reply(['OK']);
    if (cmd === 'ATE0' || cmd === 'ATE1') {
      this.echo = cmd === 'ATE1';
      return this.reply(['OK']);
    }
    if (cmd === 'AT+CPIN?') return this.reply([this.pinLocked ? '+CPIN: SIM PIN' : '+CPIN: READY', 'OK']);
    if ((m = /^AT\+CPIN="?(\d+)"?$/.exec(cmd))) {
      if (m[1] !== this.options.pin) return this.reply(['+CME ERROR: 16']);
      this.pinLocked = false;
      return this.reply(['OK']);
    }
    if (this.pinLocked) return this.reply(['+CME ERROR: 11']);
    if (cmd === 'AT+CFUN=1,1') {
      // A full restart: USB modems re-enumerate, so the port goes away for a moment.
      this.reply(['OK']);
      this.resets++;
      setTimeout(() => void this.vanish(200), 20);
      return;
    }
    if (cmd === 'AT+CSQ') return this.reply(['+CSQ: 21,99', 'OK']);
    if (cmd === 'AT+CREG?') return this.reply(['+CREG: 0,1', 'OK']);
    if ((m = /^AT\+CMGS=(\d+)$/.exec(cmd))) {
      this.pduLength = Number(m[1]);
      return this.write('\r\n> ');
    }
    if ((m = /^AT\+CMGR=(\d+)$/.exec(cmd))) {
      const pdu = this.storage.get(Number(m[1]));
      if (!pdu) return this.reply(['+CMS ERROR: 321']);
      return this.reply([`+CMGR: 0,,${pdu.length / 2 - 1 - parseInt(pdu.slice(0, 2), 16)}`, pdu, 'OK']);
    }
    if ((m = /^AT\+CMGD=(\d+)/.exec(cmd))) {
      this.storage.delete(Number(m[1]));
      return this.reply(['OK']);
    }
    if (cmd === 'AT+CMGL=4') {
      const lines = [...this.storage].flatMap(([i, pdu]) => [`+CMGL: ${i},0,,${pdu.length / 2 - 1 - parseInt(pdu.slice(0, 2), 16)}`, pdu]);
      return this.reply([...lines, 'OK']);
    }
    this.reply(['ERROR']);
  }

  private onPdu(hex: string, announcedLength: number): void {
    let submit: DecodedSubmit;
    try {
      const decoded = decodePdu(hex);
      if (decoded.type !== 'submit') throw new Error('not a SUBMIT');
      const smscOctets = parseInt(hex.slice(0, 2), 16) + 1;
      if (hex.length / 2 - smscOctets !== announcedLength) throw new Error('length mismatch');
      submit = decoded;
    } catch {
      return this.reply(['+CMS ERROR: 304']);
    }
    const reset = this.faults.resetAfterSubmits;
    if (reset && this.submits.length >= reset.submits) {
      this.faults.resetAfterSubmits = null;
      this.resets++;
      void this.vanish(reset.downMs);
      return;
    }
    const cms = this.faults.cmsErrors.shift();
    if (cms !== undefined) return this.reply([`+CMS ERROR: ${cms}`]);
    const mr = this.nextMr;
    this.nextMr = (this.nextMr + 1) & 0xff;
    this.submits.push(submit);
    this.collect(submit, mr);
    this.reply([`+CMGS: ${mr}`, 'OK']);
    if (submit.statusReport) this.scheduleReports(mr, submit.destination);
  }

  private collect(submit: DecodedSubmit, mr: number): void {
    const c = submit.concatenation;
    if (!c || c.total === 1) {
      this.received.push({ to: submit.destination, text: submit.text, parts: 1, mrs: [mr], statusReport: submit.statusReport });
      return;
    }
    const key = `${submit.destination}:${c.reference}`;
    const list = this.partials.get(key) ?? [];
    list[c.sequence - 1] = submit;
    (submit as DecodedSubmit & { mr?: number }).mr = mr;
    this.partials.set(key, list);
    if (list.filter(Boolean).length === c.total) {
      this.partials.delete(key);
      this.received.push({ to: submit.destination, text: list.map((p) => p.text).join(''), parts: c.total, mrs: list.map((p) => (p as DecodedSubmit & { mr?: number }).mr!), statusReport: submit.statusReport });
    }
  }

  private scheduleReports(mr: number, recipient: string): void {
    const submittedAt = new Date();
    (this.options.reportStatuses ?? [0x00]).forEach((status, i) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        const report = encodeStatusReport({ messageReference: mr, recipient, submittedAt, dischargedAt: new Date(), status, smsc: '+48790998250' });
        const pdu = this.options.reportWithSmsc === false ? report.hex.slice(2 + 2 * parseInt(report.hex.slice(0, 2), 16)) : report.hex;
        const line = `\r\n+CDS: ${report.tpduLength}\r\n${pdu}\r\n`;
        if (this.options.holdReports) this.heldReports.push(line);
        else this.write(line);
      }, (this.options.reportDelayMs ?? 20) * (i + 1));
      this.timers.add(timer);
    });
  }

  /** Delivery reports kept by `holdReports`, how many. */
  get heldReportCount(): number {
    return this.heldReports.length;
  }

  /** Writes the kept delivery reports now, in order (the first `count` of them, else all). */
  releaseReports(count = this.heldReports.length): void {
    const lines = this.heldReports.splice(0, count);
    for (const line of lines) this.write(line);
  }

  private reply(lines: string[]): void {
    this.write(lines.map((l) => `\r\n${l}\r\n`).join(''));
  }

  private writeLine(line: string): void {
    this.write(`\r\n${line}\r\n`);
  }

  private out = '';
  private pumping = false;

  private write(text: string): void {
    if (!this.port?.isOpen) return;
    if (this.faults.garbageBeforeReply) {
      this.faults.garbageBeforeReply = false;
      text = '\u0000\u00ff\u00fe\u0013\u0088' + text;
    }
    if (!this.faults.splitReplies && !this.pumping) {
      this.port.write(Buffer.from(text, 'latin1'));
      return;
    }
    // One byte per write, a millisecond apart, in order: the host must rebuild lines across chunks.
    this.out += text;
    if (this.pumping) return;
    this.pumping = true;
    const next = (): void => {
      const port = this.port;
      if (!this.out || !port?.isOpen) {
        this.pumping = false;
        this.out = '';
        return;
      }
      port.write(Buffer.from(this.out[0]!, 'latin1'));
      this.out = this.out.slice(1);
      setTimeout(next, 1);
    };
    next();
  }
}

export { socatPath };
