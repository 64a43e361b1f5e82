// The fields TPDUs are made of (3GPP TS 23.040 §9): hex, addresses, time stamps, data coding and
// user data with its header. Pure, browser-safe (Uint8Array, no Buffer).
import { packSeptets, septetOctets, unpackSeptets } from './septets.ts';
import { septetsToText, textToSeptets } from '../../../metadata/browser.ts';
import type { SmsEncoding } from '../../../metadata/browser.ts';

export class PduFormatError extends Error {
  readonly code = 'sms.pdu.malformed';
}

export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s.toUpperCase();
}

export function fromHex(hex: string): Uint8Array {
  const clean = hex.trim();
  if (clean.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(clean)) throw new PduFormatError(`not a hex PDU: ${clean.slice(0, 40)}`);
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** Sequential reader over PDU octets that fails with PduFormatError instead of reading past the end. */
export class OctetReader {
  offset = 0;
  readonly bytes: Uint8Array;
  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
  }
  byte(): number {
    const b = this.bytes[this.offset];
    if (b === undefined) throw new PduFormatError(`PDU ends early at octet ${this.offset}`);
    this.offset++;
    return b;
  }
  take(n: number): Uint8Array {
    if (this.offset + n > this.bytes.length) throw new PduFormatError(`PDU ends early: wanted ${n} octets at ${this.offset}`);
    const slice = this.bytes.slice(this.offset, this.offset + n);
    this.offset += n;
    return slice;
  }
  rest(): Uint8Array {
    const slice = this.bytes.slice(this.offset);
    this.offset = this.bytes.length;
    return slice;
  }
}

// --- semi-octets and addresses ---------------------------------------------------------------

function swapBcd(digits: string): Uint8Array {
  const padded = digits.length % 2 ? digits + 'F' : digits;
  const out = new Uint8Array(padded.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(padded[i * 2 + 1]! + padded[i * 2]!, 16);
  return out;
}

function unswapBcd(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += (b & 0x0f).toString(16) + (b >> 4).toString(16);
  return s.replace(/f$/i, '').toUpperCase();
}

const TYPE_INTERNATIONAL = 0x91;
const TYPE_UNKNOWN = 0x81;
const TYPE_ALPHANUMERIC = 0xd0;

/** A phone number as the PDU carries it: `+` and digits (international), digits, or a sender name. */
export function encodeAddress(address: string): Uint8Array {
  if (/^\+?[0-9*#]+$/.test(address)) {
    const international = address.startsWith('+');
    const digits = international ? address.slice(1) : address;
    return Uint8Array.of(digits.length, international ? TYPE_INTERNATIONAL : TYPE_UNKNOWN, ...swapBcd(digits.replace(/\*/g, 'A').replace(/#/g, 'B')));
  }
  const septets = textToSeptets(address);
  const body = new Uint8Array(septetOctets(septets.length));
  packSeptets(septets, body);
  return Uint8Array.of(body.length * 2, TYPE_ALPHANUMERIC, ...body);
}

export function decodeAddress(reader: OctetReader): string {
  const semiOctets = reader.byte();
  const type = reader.byte();
  const body = reader.take(Math.ceil(semiOctets / 2));
  if ((type & 0x70) === 0x50) return septetsToText(unpackSeptets(body, Math.floor((semiOctets * 4) / 7)));
  const digits = unswapBcd(body).replace(/A/g, '*').replace(/B/g, '#');
  return (type & 0x70) === 0x10 ? `+${digits}` : digits;
}

/** The SMSC field in front of a TPDU: a length in octets (0 = the SIM's SMSC), then type and digits. */
export function encodeSmsc(smsc: string | undefined): Uint8Array {
  if (!smsc) return Uint8Array.of(0);
  const address = encodeAddress(smsc);
  return Uint8Array.of(address.length - 1, ...address.slice(1));
}

export function decodeSmsc(reader: OctetReader): string | null {
  const length = reader.byte();
  if (length === 0) return null;
  const type = reader.byte();
  const digits = unswapBcd(reader.take(length - 1));
  return (type & 0x70) === 0x10 ? `+${digits}` : digits;
}

// --- time stamps -------------------------------------------------------------------------------

export interface SmsTimestamp {
  /** The instant, as an ISO string in UTC. */
  utc: string;
  /** The sender's offset from UTC in minutes. */
  offsetMinutes: number;
}

export function decodeTimestamp(reader: OctetReader): SmsTimestamp {
  const raw = reader.take(7);
  const field = (b: number): number => (b & 0x0f) * 10 + (b >> 4);
  const [yy, mo, dd, hh, mi, ss] = Array.from(raw.slice(0, 6), field) as [number, number, number, number, number, number];
  const tzByte = raw[6]!;
  const quarters = (tzByte & 0x07) * 10 + (tzByte >> 4);
  const offsetMinutes = (tzByte & 0x08 ? -1 : 1) * quarters * 15;
  const local = Date.UTC(2000 + yy, mo - 1, dd, hh, mi, ss);
  return { utc: new Date(local - offsetMinutes * 60_000).toISOString(), offsetMinutes };
}

export function encodeTimestamp(at: Date, offsetMinutes = 0): Uint8Array {
  const local = new Date(at.getTime() + offsetMinutes * 60_000);
  const bcd = (n: number): number => ((n % 10) << 4) | Math.floor(n / 10);
  const quarters = Math.abs(Math.round(offsetMinutes / 15));
  const tz = ((quarters % 10) << 4) | Math.floor(quarters / 10) | (offsetMinutes < 0 ? 0x08 : 0);
  return Uint8Array.of(
    bcd(local.getUTCFullYear() % 100),
    bcd(local.getUTCMonth() + 1),
    bcd(local.getUTCDate()),
    bcd(local.getUTCHours()),
    bcd(local.getUTCMinutes()),
    bcd(local.getUTCSeconds()),
    tz,
  );
}

// --- data coding and user data -------------------------------------------------------------------

export type DataCoding = SmsEncoding | '8bit';

export function encodeDcs(coding: DataCoding): number {
  return coding === 'gsm7' ? 0x00 : coding === 'ucs2' ? 0x08 : 0x04;
}

export function decodeDcs(dcs: number): DataCoding {
  // General data coding (00xx xxxx) and the message-waiting groups carry the alphabet in bits 3–2;
  // group 1111 carries it in bit 2. Reserved values read as GSM-7, as 23.038 says.
  if ((dcs & 0xf0) === 0xf0) return dcs & 0x04 ? '8bit' : 'gsm7';
  if ((dcs & 0xc0) === 0x00 || (dcs & 0xc0) === 0x40) {
    const alphabet = (dcs >> 2) & 0x03;
    return alphabet === 2 ? 'ucs2' : alphabet === 1 ? '8bit' : 'gsm7';
  }
  if ((dcs & 0xf0) === 0xe0) return 'ucs2';
  return 'gsm7';
}

/** A concatenation information element (IEI 00 with an 8-bit reference or 08 with 16 bits). */
export interface Concatenation {
  reference: number;
  total: number;
  sequence: number;
}

export function encodeConcatenationHeader(c: Concatenation): Uint8Array {
  // The 8-bit form costs one octet less, so the 153/67 limits hold with it.
  return Uint8Array.of(0x05, 0x00, 0x03, c.reference & 0xff, c.total, c.sequence);
}

function parseHeader(header: Uint8Array): Concatenation | null {
  let i = 0;
  while (i + 1 < header.length) {
    const iei = header[i]!;
    const len = header[i + 1]!;
    const data = header.slice(i + 2, i + 2 + len);
    if (iei === 0x00 && len === 3) return { reference: data[0]!, total: data[1]!, sequence: data[2]! };
    if (iei === 0x08 && len === 4) return { reference: (data[0]! << 8) | data[1]!, total: data[2]!, sequence: data[3]! };
    i += 2 + len;
  }
  return null;
}

export function encodeUcs2(text: string): Uint8Array {
  const out = new Uint8Array(text.length * 2);
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    out[i * 2] = unit >> 8;
    out[i * 2 + 1] = unit & 0xff;
  }
  return out;
}

export function decodeUcs2(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i + 1 < bytes.length; i += 2) s += String.fromCharCode((bytes[i]! << 8) | bytes[i + 1]!);
  return s;
}

/** User data: the UDL octet, then an optional header and the text. */
export function encodeUserData(text: string, coding: SmsEncoding, header: Uint8Array | null): { udl: number; ud: Uint8Array } {
  const headerOctets = header ? header.length : 0;
  if (coding === 'ucs2') {
    const body = encodeUcs2(text);
    const ud = new Uint8Array(headerOctets + body.length);
    if (header) ud.set(header);
    ud.set(body, headerOctets);
    return { udl: ud.length, ud };
  }
  const septets = textToSeptets(text);
  // Text starts on the septet boundary after the header: that gap is the fill bits.
  const headerSeptets = Math.ceil((headerOctets * 8) / 7);
  const udl = headerSeptets + septets.length;
  const ud = new Uint8Array(septetOctets(udl));
  if (header) ud.set(header);
  packSeptets(septets, ud, headerSeptets * 7);
  return { udl, ud };
}

export interface DecodedUserData {
  text: string;
  concatenation: Concatenation | null;
}

export function decodeUserData(reader: OctetReader, coding: DataCoding, udl: number, hasHeader: boolean): DecodedUserData {
  const raw = reader.rest();
  const headerOctets = hasHeader ? (raw[0] ?? 0) + 1 : 0;
  const concatenation = hasHeader ? parseHeader(raw.slice(1, headerOctets)) : null;
  if (coding === 'gsm7') {
    const headerSeptets = Math.ceil((headerOctets * 8) / 7);
    const count = Math.max(0, Math.min(udl, Math.floor((raw.length * 8) / 7)) - headerSeptets);
    return { text: septetsToText(unpackSeptets(raw, count, headerSeptets * 7)), concatenation };
  }
  const body = raw.slice(headerOctets, Math.min(raw.length, udl));
  if (coding === 'ucs2') return { text: decodeUcs2(body), concatenation };
  return { text: Array.from(body, (b) => String.fromCharCode(b)).join(''), concatenation };
}
