// The AT-command driver of a GSM modem: one command at a time, unsolicited codes handled between
// and during commands, PDU-mode sending per part, delivery reports and incoming messages passed to
// the ports, and re-opening with backoff when the port vanishes (USB replug).
import { createHash } from 'node:crypto';
import { AtLineDecoder, type AtEvent, type FinalResult, type Unsolicited, parseMessageList, parseRegistration, parseSignal, parseStoredMessage } from './at-lines.ts';
import { IncomingAssembly, type AssembledSms } from './incoming-assembly.ts';
import { type ModemLink, type OpenLink, openSerialLink } from './link.ts';
import { type DecodedDeliver, type DecodedPdu, MessageReferenceBook, decodePdu, deliveryOutcome, encodeSubmitParts } from '../codec/index.ts';
import { SmsError, cmeError, cmsError, smsError } from '../errors.ts';
import type { ModemHealth, SmsPorts } from '../ports.ts';
import { type OutgoingSms, type SendResult, type SmsProvider, type SmsStatus, type StatusUpdate, combinePartStatuses } from '../provider.ts';

export interface GsmModemOptions {
  path: string;
  baudRate?: number;
  /** SIM PIN; never retried automatically after a refusal (three wrong tries lock the card). */
  pin?: string;
  /** Shown as `to` on incoming messages (the SIM's number or the account name). */
  modemId?: string;
  ports: SmsPorts;
  commandTimeoutMs?: number;
  /** +CMGS waits for the network: much longer than a local command. */
  sendTimeoutMs?: number;
  reconnect?: { initialMs?: number; maxMs?: number };
  openLink?: OpenLink;
}

interface Pending {
  command: string;
  lines: string[];
  resolve(lines: string[]): void;
  reject(error: Error): void;
  timer: ReturnType<typeof setTimeout>;
  /** For +CMGS: written after the `>` prompt. */
  afterPrompt?: string;
}

interface SentMessage {
  providerId: string;
  statuses: SmsStatus[];
  /** Reports that came while later parts were still being sent: held until `send` has answered,
   * so the outbox learns the provider id before any status change for it. */
  held: StatusUpdate[] | null;
}

const CTRL_Z = '\u001a';
const ESC = '\u001b';

export class GsmModem implements SmsProvider {
  readonly kind = 'modem' as const;
  private readonly options: Required<Omit<GsmModemOptions, 'pin' | 'reconnect' | 'modemId'>> & Pick<GsmModemOptions, 'pin' | 'modemId'> & { reconnect: { initialMs: number; maxMs: number } };
  private link: ModemLink | null = null;
  private decoder = new AtLineDecoder();
  private pending: Pending | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private closing = false;
  private resync = false;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private backoffMs: number;
  private concatReference = Math.floor(Math.random() * 256);
  private readonly book = new MessageReferenceBook<{ message: SentMessage; part: number }>();
  private readonly assembly = new IncomingAssembly();
  private readyWaiters: { resolve(): void; reject(e: Error): void }[] = [];
  /** Why the modem cannot be used until reconfigured (wrong PIN, no SIM…). */
  private fatal: SmsError | null = null;
  health: ModemHealth = { state: 'closed', signalDbm: null, registration: 'unknown', error: null };
  /** Times the link was re-opened after vanishing. */
  reconnects = 0;

  constructor(options: GsmModemOptions) {
    this.options = {
      baudRate: 115200,
      commandTimeoutMs: 5000,
      sendTimeoutMs: 60_000,
      openLink: openSerialLink,
      ...options,
      reconnect: { initialMs: 250, maxMs: 30_000, ...options.reconnect },
    };
    this.backoffMs = this.options.reconnect.initialMs;
  }

  /** Opens the port and prepares the modem; rejects if it cannot be used (e.g. wrong PIN). If the
   * port is missing it keeps trying in the background and resolves when the modem is ready. */
  async start(): Promise<void> {
    this.closing = false;
    this.fatal = null;
    const ready = this.whenReady();
    void this.connect();
    return ready;
  }

  /** Resolves when the modem is ready; rejects at once if it failed for good (e.g. wrong PIN) or
   * was closed, and after `timeoutMs` (retryable) if it does not come back in time. */
  whenReady(timeoutMs?: number): Promise<void> {
    if (this.health.state === 'ready') return Promise.resolve();
    if (this.fatal) return Promise.reject(this.fatal);
    if (this.closing) return Promise.reject(smsError('portClosed', true, 'modem'));
    return new Promise((resolve, reject) => {
      const waiter = { resolve, reject };
      this.readyWaiters.push(waiter);
      if (timeoutMs === undefined) return;
      const timer = setTimeout(() => {
        this.readyWaiters = this.readyWaiters.filter((w) => w !== waiter);
        reject(smsError('portClosed', true, 'modem', null, 'modem not back in time'));
      }, timeoutMs);
      const settle = <T extends unknown[]>(f: (...a: T) => void) => (...a: T): void => {
        clearTimeout(timer);
        f(...a);
      };
      waiter.resolve = settle(resolve);
      waiter.reject = settle(reject);
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.failPending(smsError('portClosed', true, 'modem'));
    const link = this.link;
    this.link = null;
    if (link) await link.close();
    this.setHealth({ state: 'closed' });
  }

  private setHealth(change: Partial<ModemHealth>): void {
    this.health = { ...this.health, ...change };
    this.options.ports.health?.(this.health);
  }

  private async connect(): Promise<void> {
    if (this.closing) return;
    this.setHealth({ state: this.reconnects || this.health.state === 'reconnecting' ? 'reconnecting' : 'opening' });
    let link: ModemLink;
    try {
      link = await this.options.openLink(this.options.path, this.options.baudRate);
    } catch {
      this.scheduleReconnect();
      return;
    }
    if (this.closing) {
      await link.close();
      return;
    }
    this.link = link;
    this.decoder = new AtLineDecoder();
    link.onData((chunk) => this.onData(chunk));
    link.onClose(() => {
      if (this.link !== link) return;
      this.link = null;
      this.failPending(smsError('portClosed', true, 'modem'));
      if (!this.closing) {
        this.setHealth({ state: 'reconnecting' });
        this.reconnects++;
        this.scheduleReconnect();
      }
    });
    try {
      // Through the queue, so a +CMTI arriving meanwhile waits until the modem is set up.
      await this.enqueue(() => this.initialise());
      // What arrived while we were away is read before we call the modem ready; a message the
      // ports fail to store stays on the SIM for the next start.
      await this.enqueue(() => this.readStorage()).catch(() => undefined);
      this.backoffMs = this.options.reconnect.initialMs;
      this.setHealth({ state: 'ready', error: null });
      for (const w of this.readyWaiters.splice(0)) w.resolve();
    } catch (error) {
      if (error instanceof SmsError && !error.retry) {
        // Wrong PIN, no SIM…: retrying would not help and could lock the SIM.
        this.fatal = error;
        this.setHealth({ state: 'failed', error: error.code });
        for (const w of this.readyWaiters.splice(0)) w.reject(error);
        this.closing = true;
        await link.close();
        return;
      }
      if (this.link === link) {
        this.link = null;
        await link.close();
        this.scheduleReconnect();
      }
    }
  }

  private scheduleReconnect(): void {
    if (this.closing || this.reconnectTimer) return;
    const delay = this.backoffMs;
    this.backoffMs = Math.min(this.backoffMs * 2, this.options.reconnect.maxMs);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      void this.connect();
    }, delay);
  }

  private async initialise(): Promise<void> {
    // After a replug the modem may hold half a line: a few bare ATs resynchronise it.
    let alive = false;
    for (let i = 0; i < 3 && !alive; i++) alive = await this.raw('AT', 1000).then(() => true, () => false);
    if (!alive) throw smsError('modemTimeout', true, 'modem');
    await this.raw('ATE0');
    await this.raw('AT+CMEE=1');
    const pin = await this.raw('AT+CPIN?');
    const state = pin.find((l) => l.startsWith('+CPIN:'))?.slice(6).trim() ?? 'READY';
    if (state === 'SIM PIN') {
      if (!this.options.pin) throw smsError('pinRequired', false, 'modem');
      await this.raw(`AT+CPIN="${this.options.pin}"`);
    } else if (state === 'SIM PUK') throw smsError('pukRequired', false, 'modem');
    else if (state !== 'READY') throw smsError('pinRequired', false, 'modem', null, state);
    await this.raw('AT+CMGF=0');
    // New messages stored with +CMTI (read, then deleted once the ports stored them); status
    // reports routed as +CDS: stored reports are lost on some modems (Quectel "SR" quirk).
    await this.raw('AT+CNMI=2,1,0,1,0');
    await this.refreshStatus();
  }

  /** Restarts the modem (AT+CFUN=1,1), e.g. when it stopped answering; the port usually drops and
   * the driver re-opens it and runs the start-up again. Resolves when the modem is ready. */
  async reset(): Promise<void> {
    await this.command('AT+CFUN=1,1');
    this.setHealth({ state: 'reconnecting' });
    // Until the port actually drops, keep commands from reaching a modem that is restarting.
    const link = this.link;
    await new Promise<void>((resolve) => {
      const started = Date.now();
      const poll = (): void => (this.link !== link || Date.now() - started > 5000 ? resolve() : void setTimeout(poll, 20));
      poll();
    });
    if (this.link === link && link) {
      // The modem restarted without dropping the port (serial modems): start it up again here.
      await this.enqueue(() => this.initialise());
      this.setHealth({ state: 'ready' });
      return;
    }
    return this.whenReady();
  }

  /** Signal (dBm) and network registration, as also shown in `health`. */
  async refreshStatus(): Promise<ModemHealth> {
    const csq = await this.raw('AT+CSQ');
    const creg = await this.raw('AT+CREG?');
    this.setHealth({ signalDbm: parseSignal(csq), registration: parseRegistration(creg) });
    return this.health;
  }

  /** Runs an AT command after the ones before it. */
  command(command: string, timeoutMs = this.options.commandTimeoutMs): Promise<string[]> {
    return this.enqueue(() => this.raw(command, timeoutMs));
  }

  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Writes one command and collects its response; callers serialise through `enqueue`. */
  private async raw(command: string, timeoutMs = this.options.commandTimeoutMs, afterPrompt?: string): Promise<string[]> {
    const link = this.link;
    if (!link) throw smsError('portClosed', true, 'modem');
    if (this.resync) {
      // The last command timed out and its answer may still come: flush it with a bare AT.
      this.resync = false;
      await this.raw('AT', 1000).catch(() => undefined);
    }
    return new Promise<string[]>((resolve, reject) => {
      const timer = setTimeout(() => {
        if (this.pending?.timer !== timer) return;
        this.pending = null;
        this.decoder.commandPending = false;
        this.decoder.expectPrompt = false;
        this.resync = true;
        // A modem stuck at the `>` prompt waits for the PDU forever: ESC cancels the send.
        if (afterPrompt !== undefined) void link.write(ESC).catch(() => undefined);
        reject(smsError('modemTimeout', true, 'modem', null, command));
      }, timeoutMs);
      this.pending = { command, lines: [], resolve, reject, timer, ...(afterPrompt !== undefined ? { afterPrompt } : {}) };
      this.decoder.commandPending = true;
      this.decoder.expectPrompt = afterPrompt !== undefined;
      link.write(`${command}\r`).catch((error: Error) => this.settle({ ok: false, kind: 'error', code: null }, error));
    });
  }

  private onData(chunk: string): void {
    for (const event of this.decoder.feed(chunk)) this.onEvent(event);
  }

  private onEvent(event: AtEvent): void {
    const p = this.pending;
    switch (event.type) {
      case 'urc':
        this.onUnsolicited(event.urc);
        return;
      case 'prompt':
        if (p?.afterPrompt !== undefined) void this.link?.write(p.afterPrompt + CTRL_Z).catch(() => undefined);
        return;
      case 'line':
        // The echo of our own command (before ATE0 took effect) is not part of the answer.
        if (p && event.text !== p.command) p.lines.push(event.text);
        return;
      case 'final':
        this.settle(event.result);
    }
  }

  private settle(result: FinalResult, cause?: Error): void {
    const p = this.pending;
    if (!p) return;
    clearTimeout(p.timer);
    this.pending = null;
    this.decoder.commandPending = false;
    if (result.ok) return p.resolve(p.lines);
    if (cause) return p.reject(smsError('portClosed', true, 'modem', null, cause.message));
    if (result.kind === 'cms' && result.code !== null) return p.reject(cmsError(result.code));
    if (result.kind === 'cme' && result.code !== null) return p.reject(cmeError(result.code));
    p.reject(smsError('unknown', false, 'modem', null, `${p.command} → ERROR`));
  }

  private failPending(error: SmsError): void {
    const p = this.pending;
    if (!p) return;
    clearTimeout(p.timer);
    this.pending = null;
    p.reject(error);
  }

  // --- sending ---------------------------------------------------------------------------------

  /** Sends each part with its own AT+CMGS, asking for a status report. Resolves with the TP-MR of
   * every part; the reports then arrive through `ports.statusChanged`. */
  async send(message: OutgoingSms): Promise<SendResult> {
    await this.whenReady(this.options.sendTimeoutMs);
    const reference = this.concatReference;
    this.concatReference = (this.concatReference + 1) & 0xff;
    const parts = encodeSubmitParts({ destination: message.to, text: message.text, reference, statusReport: true });
    const providerId = `modem:${message.messageId}`;
    const sent: SentMessage = { providerId, statuses: parts.map(() => 'queued'), held: [] };
    const mrs: string[] = [];
    const release = (): void => {
      const held = sent.held ?? [];
      sent.held = null;
      // After the caller has the send result (or the error): the next macrotask.
      if (held.length) setImmediate(() => held.forEach((u) => void this.options.ports.statusChanged(u)));
    };
    await this.enqueue(async () => {
      for (const [i, part] of parts.entries()) {
        const lines = await this.raw(`AT+CMGS=${part.tpduLength}`, this.options.sendTimeoutMs, part.hex);
        const mr = Number(/^\+CMGS:\s*(\d+)/.exec(lines.find((l) => l.startsWith('+CMGS:')) ?? '')?.[1] ?? NaN);
        if (!Number.isInteger(mr)) throw smsError('unknown', true, 'modem', null, `no +CMGS reference in ${JSON.stringify(lines)}`);
        sent.statuses[i] = 'sent';
        this.book.add(mr, { message: sent, part: i });
        mrs.push(String(mr));
      }
    }).finally(release);
    return { providerId, parts: parts.length, partIds: mrs, status: 'sent' };
  }

  // --- unsolicited codes -------------------------------------------------------------------------

  private onUnsolicited(urc: Unsolicited): void {
    switch (urc.type) {
      case 'cds':
        return this.onStatusReport(urc.pdu);
      case 'cmt':
        void this.deliverDecoded(this.tryDecode(urc.pdu));
        return;
      case 'cmti':
        void this.enqueue(() => this.readAndDelete(urc.index)).catch(() => undefined);
        return;
      case 'cdsi':
        void this.enqueue(async () => {
          const pdu = parseStoredMessage(await this.raw(`AT+CMGR=${urc.index}`));
          if (pdu) this.onStatusReport(pdu);
          await this.raw(`AT+CMGD=${urc.index}`);
        }).catch(() => undefined);
        return;
      case 'other':
        if (urc.line.startsWith('+CREG:')) this.setHealth({ registration: parseRegistration([urc.line]) });
    }
  }

  private tryDecode(pdu: string): DecodedPdu | null {
    // Modems differ on whether +CDS/+CMT carry the SMSC field: try with it, then without.
    let fallback: DecodedPdu | null = null;
    for (const withSmsc of [true, false]) {
      try {
        const decoded = decodePdu(pdu, { withSmsc });
        if (decoded.type !== 'submit') return decoded;
        fallback ??= decoded;
      } catch {
        /* try the other way */
      }
    }
    return fallback;
  }

  private onStatusReport(pdu: string): void {
    const decoded = this.tryDecode(pdu);
    if (decoded?.type !== 'status-report') return;
    const match = this.book.match(decoded.messageReference, decoded.status);
    if (!match) {
      // Sent before a restart: the connector knows the part from the database.
      const verdict = deliveryOutcome(decoded.status);
      void this.options.ports.partReport?.({ messageReference: decoded.messageReference, recipient: decoded.recipient, outcome: verdict.outcome, status: verdict.status, at: decoded.dischargedAt.utc });
      return;
    }
    const { message, part } = match.value;
    const verdict = match.verdict;
    message.statuses[part] = verdict.outcome === 'pending' ? 'sent' : verdict.outcome;
    const update: StatusUpdate = {
      providerId: message.providerId,
      partId: String(decoded.messageReference),
      part: { index: part, status: message.statuses[part]! },
      status: combinePartStatuses(message.statuses),
      at: decoded.dischargedAt.utc,
      providerStatus: `TP-ST 0x${verdict.status.toString(16).padStart(2, '0')}`,
      error: verdict.outcome === 'failed' || verdict.outcome === 'expired' ? smsError('rejected', false, 'modem', verdict.status).info : null,
    };
    if (message.held) message.held.push(update);
    else void this.options.ports.statusChanged(update);
  }

  private async readAndDelete(index: number): Promise<void> {
    const pdu = parseStoredMessage(await this.raw(`AT+CMGR=${index}`));
    if (pdu) await this.deliverDecoded(this.tryDecode(pdu));
    // Deleted only after the ports stored it: a crash in between reads it again, not loses it.
    await this.raw(`AT+CMGD=${index}`);
  }

  /** Reads and deletes whatever waits in the SIM storage (messages that came while we were away). */
  private async readStorage(): Promise<void> {
    for (const { index, pdu } of parseMessageList(await this.raw('AT+CMGL=4'))) {
      const decoded = this.tryDecode(pdu);
      if (decoded?.type === 'status-report') this.onStatusReport(pdu);
      else await this.deliverDecoded(decoded);
      await this.raw(`AT+CMGD=${index}`);
    }
  }

  private async deliverDecoded(decoded: DecodedPdu | null): Promise<void> {
    // Parts whose siblings never came are passed on as they are rather than lost.
    for (const stale of this.assembly.expire()) await this.emitIncoming(stale);
    if (decoded?.type !== 'deliver') return;
    const whole = this.assembly.add(decoded as DecodedDeliver);
    if (whole) await this.emitIncoming(whole);
  }

  private async emitIncoming(sms: AssembledSms): Promise<void> {
    await this.options.ports.received({
      from: sms.originator,
      to: this.options.modemId ?? null,
      text: sms.text,
      receivedAt: sms.receivedAt,
      // The network's time stamp has a one-second resolution and single messages carry no
      // reference: the text tells two messages from one sender in the same second apart.
      providerId: `${sms.originator}:${sms.receivedAt}:${sms.reference ?? 0}:${createHash('sha256').update(sms.text).digest('hex').slice(0, 12)}`,
      parts: sms.parts,
    });
  }
}
