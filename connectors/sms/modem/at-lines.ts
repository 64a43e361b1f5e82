// Framing of what a modem prints: lines ended by CR LF, the `> ` prompt of +CMGS (no line end),
// final result codes, and unsolicited result codes that can arrive between any two lines —
// including in the middle of a command's response. Pure: bytes in, events out.

export type FinalResult = { ok: true } | { ok: false; kind: 'cms' | 'cme' | 'error'; code: number | null };

export type Unsolicited =
  /** A message was stored: read it with AT+CMGR=<index>. */
  | { type: 'cmti'; storage: string; index: number }
  /** A message routed straight to us (CNMI mt=2). */
  | { type: 'cmt'; pdu: string }
  /** A status report routed straight to us (CNMI ds=1). */
  | { type: 'cds'; pdu: string }
  /** A status report was stored (CNMI ds=2). */
  | { type: 'cdsi'; storage: string; index: number }
  | { type: 'other'; line: string };

export type AtEvent = { type: 'line'; text: string } | { type: 'final'; result: FinalResult } | { type: 'prompt' } | { type: 'urc'; urc: Unsolicited };

const FINAL_OK = /^OK$/;
const FINAL_ERROR = /^(ERROR|NO CARRIER|NO DIALTONE|BUSY|NO ANSWER|COMMAND NOT SUPPORT)$/;
const CMS = /^\+CMS ERROR:\s*(\d+)/;
const CME = /^\+CME ERROR:\s*(\d+)/;
const STORED = /^\+(CMTI|CDSI):\s*"?([A-Z]*)"?\s*,\s*(\d+)/;
const WITH_PDU = /^\+(CMT|CDS):/;
const OTHER_URC = /^(RING|\+CREG:\s*\d+$|\+CGREG:\s*\d+$|\^[A-Z]+:|\+CIEV:|\+CUSD:|RDY|\+CPIN: (?:READY|NOT READY)$|Call Ready|SMS Ready)/;

export function parseFinal(line: string): FinalResult | null {
  if (FINAL_OK.test(line)) return { ok: true };
  const cms = CMS.exec(line);
  if (cms) return { ok: false, kind: 'cms', code: Number(cms[1]) };
  const cme = CME.exec(line);
  if (cme) return { ok: false, kind: 'cme', code: Number(cme[1]) };
  if (FINAL_ERROR.test(line) || /^\+CM[SE] ERROR/.test(line)) return { ok: false, kind: 'error', code: null };
  return null;
}

/** Keeps the partial input between chunks; `feed` returns the events completed by a chunk. */
export class AtLineDecoder {
  private buffer = '';
  /** +CMT/+CDS announce a PDU on the next line. */
  private pduFor: 'cmt' | 'cds' | null = null;
  /** Whether a `> ` prompt is expected now (only right after AT+CMGS). */
  expectPrompt = false;
  /** Whether a `+CPIN: READY` line is the answer to our AT+CPIN? rather than an unsolicited one. */
  commandPending = false;

  feed(chunk: string): AtEvent[] {
    // Line noise: NULs, control and 8-bit bytes a replug or a baud mismatch leaves behind. In PDU
    // mode every meaningful byte is printable ASCII.
    this.buffer += chunk.replace(/[^\r\n\x20-\x7e]/g, '');
    const events: AtEvent[] = [];
    for (;;) {
      if (this.expectPrompt) {
        const trimmed = this.buffer.replace(/^[\r\n]+/, '');
        if (trimmed.startsWith('>')) {
          this.buffer = trimmed.slice(trimmed.startsWith('> ') ? 2 : 1);
          this.expectPrompt = false;
          events.push({ type: 'prompt' });
          continue;
        }
      }
      const end = this.buffer.search(/[\r\n]/);
      if (end < 0) break;
      const line = this.buffer.slice(0, end).trim();
      this.buffer = this.buffer.slice(end + 1);
      if (!line) continue;
      events.push(...this.onLine(line));
    }
    return events;
  }

  private onLine(line: string): AtEvent[] {
    if (this.pduFor) {
      const kind = this.pduFor;
      this.pduFor = null;
      if (/^[0-9A-Fa-f]+$/.test(line)) return [{ type: 'urc', urc: { type: kind, pdu: line.toUpperCase() } }];
      // Not a PDU: the announcement was cut off; read this line normally.
    }
    const stored = STORED.exec(line);
    if (stored) return [{ type: 'urc', urc: { type: stored[1] === 'CMTI' ? 'cmti' : 'cdsi', storage: stored[2] || 'SM', index: Number(stored[3]) } }];
    const withPdu = WITH_PDU.exec(line);
    if (withPdu) {
      this.pduFor = withPdu[1] === 'CMT' ? 'cmt' : 'cds';
      return [];
    }
    const final = parseFinal(line);
    if (final) {
      this.expectPrompt = false;
      return [{ type: 'final', result: final }];
    }
    if (!this.commandPending && OTHER_URC.test(line)) return [{ type: 'urc', urc: { type: 'other', line } }];
    return [{ type: 'line', text: line }];
  }
}

/** `+CSQ: <rssi>,<ber>` → dBm (27.007 §8.5), null for 99 "not known". */
export function parseSignal(lines: readonly string[]): number | null {
  const m = lines.map((l) => /^\+CSQ:\s*(\d+)\s*,/.exec(l)).find(Boolean);
  if (!m) return null;
  const rssi = Number(m[1]);
  if (rssi === 99 || rssi > 31) return null;
  return -113 + 2 * rssi;
}

export type Registration = 'home' | 'roaming' | 'searching' | 'denied' | 'not-registered' | 'unknown';

/** `+CREG: <n>,<stat>` (or `+CREG: <stat>` unsolicited) → registration state. */
export function parseRegistration(lines: readonly string[]): Registration {
  const m = lines.map((l) => /^\+C(?:E|G)?REG:\s*(?:\d+\s*,\s*)?(\d+)/.exec(l)).find(Boolean);
  const stat = m ? Number(m[1]) : -1;
  return ({ 0: 'not-registered', 1: 'home', 2: 'searching', 3: 'denied', 5: 'roaming' } as Record<number, Registration>)[stat] ?? 'unknown';
}

/** `+CMGR: <stat>,[<alpha>],<length>` followed by the PDU line. */
export function parseStoredMessage(lines: readonly string[]): string | null {
  const at = lines.findIndex((l) => l.startsWith('+CMGR:'));
  if (at < 0) return null;
  const pdu = lines[at + 1];
  return pdu && /^[0-9A-Fa-f]+$/.test(pdu) ? pdu.toUpperCase() : null;
}

/** `+CMGL: <index>,<stat>,[<alpha>],<length>` + PDU, repeated. */
export function parseMessageList(lines: readonly string[]): { index: number; pdu: string }[] {
  const out: { index: number; pdu: string }[] = [];
  lines.forEach((l, i) => {
    const m = /^\+CMGL:\s*(\d+)/.exec(l);
    const pdu = lines[i + 1];
    if (m && pdu && /^[0-9A-Fa-f]+$/.test(pdu)) out.push({ index: Number(m[1]), pdu: pdu.toUpperCase() });
  });
  return out;
}
