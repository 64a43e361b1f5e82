// POSNET "online" frames: STX, command, TAB, per parameter a 2-char name + value + TAB, an optional
// `@NNNN` token + TAB, then '#', CRC-16/XMODEM in hex over everything between STX and '#', ETX.
// Replies echo the command; a refused command adds `?nnnn`; a malformed frame is answered with
// `ERR`, `?n` (or `ern`), `cm<command>`, `fd<field>`. Pure: bytes in, values out.
import { crcHex } from './crc.ts';
import type { TextCodec } from '../encoding.ts';

export const STX = 0x02;
export const ETX = 0x03;
export const TAB = 0x09;

export type PosnetParams = ReadonlyArray<readonly [name: string, value: string]>;

export interface PosnetCommand {
  readonly command: string;
  readonly params?: PosnetParams;
  /** 0–9999; the printer keeps the reply under it for `rpt`. */
  readonly token?: number;
}

export function formatToken(token: number): string {
  return `@${String(token).padStart(4, '0')}`;
}

/** The bytes between STX and '#'. */
export function commandBody(cmd: PosnetCommand, codec: TextCodec): Buffer {
  let text = `${cmd.command}\t`;
  if (cmd.token !== undefined) text += `${formatToken(cmd.token)}\t`;
  for (const [name, value] of cmd.params ?? []) {
    if (!/^[a-z0-9]{2}$/i.test(name)) throw new Error(`bad POSNET field name ${JSON.stringify(name)}`);
    if (value.includes('\t') || value.includes('\u0002') || value.includes('\u0003')) throw new Error(`a POSNET value cannot hold TAB, STX or ETX (field ${name})`);
    text += `${name}${value}\t`;
  }
  return codec.encode(text);
}

/** A whole frame, `body` being the bytes between STX and '#'. */
export function frameOf(body: Uint8Array): Buffer {
  return Buffer.concat([Buffer.of(STX), body, Buffer.from(`#${crcHex(body)}`, 'latin1'), Buffer.of(ETX)]);
}

export function encodeCommand(cmd: PosnetCommand, codec: TextCodec): Buffer {
  return frameOf(commandBody(cmd, codec));
}

export type DeframeResult = { readonly ok: true; readonly body: Buffer } | { readonly ok: false; readonly reason: 'crc' | 'malformed'; readonly raw: Buffer };

/** Cuts frames out of a byte stream fed in chunks of any size; bytes outside STX…ETX are noise. */
export class PosnetDeframer {
  private buffer: Buffer = Buffer.alloc(0);

  feed(chunk: Uint8Array): DeframeResult[] {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    const out: DeframeResult[] = [];
    for (;;) {
      const start = this.buffer.indexOf(STX);
      if (start < 0) {
        this.buffer = Buffer.alloc(0);
        return out;
      }
      const end = this.buffer.indexOf(ETX, start + 1);
      if (end < 0) {
        this.buffer = this.buffer.subarray(start);
        return out;
      }
      // A second STX before the ETX means the first frame was cut off: drop its start.
      const restart = this.buffer.indexOf(STX, start + 1);
      if (restart >= 0 && restart < end) {
        this.buffer = this.buffer.subarray(restart);
        continue;
      }
      out.push(checkFrame(this.buffer.subarray(start + 1, end)));
      this.buffer = this.buffer.subarray(end + 1);
    }
  }
}

/** `inner` is everything between STX and ETX: body, '#', CRC. */
export function checkFrame(inner: Buffer): DeframeResult {
  const hash = inner.lastIndexOf(0x23);
  const raw = Buffer.from(inner);
  if (hash < 0 || inner.length - hash - 1 !== 4) return { ok: false, reason: 'malformed', raw };
  const body = inner.subarray(0, hash);
  const sent = inner.subarray(hash + 1).toString('latin1').toUpperCase();
  return sent === crcHex(body) ? { ok: true, body: Buffer.from(body) } : { ok: false, reason: 'crc', raw };
}

export interface PosnetReply {
  readonly command: string;
  readonly token: number | null;
  /** A frame error (`ERR` reply) or a command error (`?nnnn`); null: OK. */
  readonly error: { readonly kind: 'frame' | 'command'; readonly code: number } | null;
  /** The command an `ERR` reply names (`cm`), the field (`fd`). */
  readonly failedCommand: string | null;
  readonly failedField: string | null;
  readonly fields: ReadonlyMap<string, string>;
  /** Fields in order (names may repeat, e.g. lines of a report). */
  readonly list: ReadonlyArray<readonly [string, string]>;
}

export function parseReply(body: Uint8Array, codec: TextCodec): PosnetReply {
  const parts = codec.decode(body).split('\t');
  const command = parts.shift() ?? '';
  let token: number | null = null;
  let code: number | null = null;
  let failedCommand: string | null = null;
  let failedField: string | null = null;
  const list: [string, string][] = [];
  const isErr = command === 'ERR';
  for (const part of parts) {
    if (part === '') continue;
    if (/^@\d{1,5}$/.test(part)) token = Number(part.slice(1));
    else if (/^\?\d+$/.test(part)) code = Number(part.slice(1));
    else if (isErr && /^er\d+$/.test(part)) code = Number(part.slice(2));
    else if (isErr && part.startsWith('cm')) failedCommand = part.slice(2);
    else if (isErr && part.startsWith('fd')) failedField = part.slice(2);
    else list.push([part.slice(0, 2), part.slice(2)]);
  }
  const error = isErr ? { kind: 'frame' as const, code: code ?? 0 } : code !== null ? { kind: 'command' as const, code } : null;
  return { command, token, error, failedCommand, failedField, fields: new Map(list), list };
}

/** Builds a reply body (for the emulator and tests): `cmd TAB [@token TAB] fields… [?code]`. */
export function replyBody(command: string, options: { token?: number | null; fields?: PosnetParams; error?: number | null }, codec: TextCodec): Buffer {
  let text = `${command}\t`;
  if (options.token !== undefined && options.token !== null) text += `${formatToken(options.token)}\t`;
  for (const [name, value] of options.fields ?? []) text += `${name}${value}\t`;
  if (options.error !== undefined && options.error !== null) text += `?${options.error}`;
  return codec.encode(text);
}

/** Amount in grosze as POSNET writes it (no separator). */
export function amountField(grosze: number): string {
  if (!Number.isSafeInteger(grosze) || grosze < 0 || grosze > 9_999_999_999) throw new RangeError(`amount out of range: ${grosze}`);
  return String(grosze);
}

/** Quantity with a point, up to 3 decimals, no trailing zeros. */
export function quantityField(quantity: number): string {
  return String(Math.round(quantity * 1000) / 1000);
}
