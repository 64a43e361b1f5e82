// SMS-SUBMIT, SMS-DELIVER and SMS-STATUS-REPORT (3GPP TS 23.040 §9.2.2), both ways: the driver
// encodes SUBMITs and decodes DELIVERs and reports; the test modem does the reverse.
import {
  type Concatenation,
  type DataCoding,
  type SmsTimestamp,
  OctetReader,
  PduFormatError,
  decodeAddress,
  decodeDcs,
  decodeSmsc,
  decodeTimestamp,
  decodeUserData,
  encodeAddress,
  encodeConcatenationHeader,
  encodeDcs,
  encodeSmsc,
  encodeTimestamp,
  encodeUserData,
  fromHex,
  toHex,
} from './pdu-fields.ts';
import { type SmsEncoding, MAX_PARTS, chooseEncoding, splitMessage } from '../../../metadata/browser.ts';

const MTI_DELIVER = 0x00;
const MTI_SUBMIT = 0x01;
const MTI_STATUS_REPORT = 0x02;
const RD = 0x04; // reject duplicates (SUBMIT)
const VPF_RELATIVE = 0x10;
const VPF_ABSOLUTE = 0x18;
const VPF_ENHANCED = 0x08;
const SRR = 0x20; // status report request (SUBMIT)
const UDHI = 0x40;

export interface SubmitOptions {
  /** E.164 with `+`, national digits, or (rare) an alphanumeric address. */
  destination: string;
  text: string;
  /** Defaults to the cheapest alphabet that holds the text. */
  encoding?: SmsEncoding;
  statusReport?: boolean;
  /** TP-MR; modems overwrite it and answer the real one in `+CMGS: <mr>`. */
  messageReference?: number;
  /** Relative validity in minutes (rounded up to the next representable step). */
  validityMinutes?: number;
  rejectDuplicates?: boolean;
  /** Omitted: `00`, the SMSC stored on the SIM (`AT+CSCA`). */
  smsc?: string;
  concatenation?: Concatenation | null;
}

export interface EncodedPdu {
  /** SMSC field + TPDU, as hex, the line written after the `>` prompt. */
  hex: string;
  /** TPDU octets without the SMSC field: the argument of `AT+CMGS=<length>`. */
  tpduLength: number;
}

/** TP-VP relative format (23.040 §9.2.3.12.1). */
export function encodeRelativeValidity(minutes: number): number {
  if (minutes <= 12 * 60) return Math.max(0, Math.ceil(minutes / 5) - 1);
  if (minutes <= 24 * 60) return Math.ceil((minutes - 12 * 60) / 30) + 143;
  if (minutes <= 30 * 24 * 60) return Math.ceil(minutes / (24 * 60)) + 166;
  return Math.min(255, Math.ceil(minutes / (7 * 24 * 60)) + 192);
}

export function decodeRelativeValidity(vp: number): number {
  if (vp <= 143) return (vp + 1) * 5;
  if (vp <= 167) return 12 * 60 + (vp - 143) * 30;
  if (vp <= 196) return (vp - 166) * 24 * 60;
  return (vp - 192) * 7 * 24 * 60;
}

function join(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function encodeSubmit(options: SubmitOptions): EncodedPdu {
  const encoding = options.encoding ?? chooseEncoding(options.text);
  const header = options.concatenation ? encodeConcatenationHeader(options.concatenation) : null;
  const { udl, ud } = encodeUserData(options.text, encoding, header);
  const hasVp = options.validityMinutes !== undefined;
  const first = MTI_SUBMIT | (options.rejectDuplicates ? RD : 0) | (hasVp ? VPF_RELATIVE : 0) | (options.statusReport ? SRR : 0) | (header ? UDHI : 0);
  const tpdu = join([
    Uint8Array.of(first, (options.messageReference ?? 0) & 0xff),
    encodeAddress(options.destination),
    Uint8Array.of(0x00, encodeDcs(encoding)),
    hasVp ? Uint8Array.of(encodeRelativeValidity(options.validityMinutes!)) : new Uint8Array(0),
    Uint8Array.of(udl),
    ud,
  ]);
  return { hex: toHex(join([encodeSmsc(options.smsc), tpdu])), tpduLength: tpdu.length };
}

export interface SubmitPart extends EncodedPdu {
  sequence: number;
  total: number;
  text: string;
}

/** One SUBMIT per part. `reference` (0–255) ties the parts together at the handset; pick a new
 * one per message, e.g. from a counter kept by the sender. */
export function encodeSubmitParts(options: Omit<SubmitOptions, 'concatenation' | 'encoding'> & { reference: number }): SubmitPart[] {
  const encoding = chooseEncoding(options.text);
  const texts = splitMessage(options.text, encoding);
  if (texts.length > MAX_PARTS) throw new RangeError(`message needs ${texts.length} parts; at most ${MAX_PARTS}`);
  return texts.map((text, i) => ({
    ...encodeSubmit({
      ...options,
      text,
      encoding,
      concatenation: texts.length > 1 ? { reference: options.reference & 0xff, total: texts.length, sequence: i + 1 } : null,
    }),
    sequence: i + 1,
    total: texts.length,
    text,
  }));
}

export interface DecodedSubmit {
  type: 'submit';
  smsc: string | null;
  messageReference: number;
  destination: string;
  statusReport: boolean;
  rejectDuplicates: boolean;
  validityMinutes: number | null;
  coding: DataCoding;
  text: string;
  concatenation: Concatenation | null;
}

export interface DecodedDeliver {
  type: 'deliver';
  smsc: string | null;
  originator: string;
  timestamp: SmsTimestamp;
  coding: DataCoding;
  text: string;
  concatenation: Concatenation | null;
}

export interface DecodedStatusReport {
  type: 'status-report';
  smsc: string | null;
  /** TP-MR of the SUBMIT this reports on (the `+CMGS: <mr>` value). */
  messageReference: number;
  recipient: string;
  submittedAt: SmsTimestamp;
  dischargedAt: SmsTimestamp;
  /** TP-ST; classify with `deliveryOutcome`. */
  status: number;
}

export type DecodedPdu = DecodedSubmit | DecodedDeliver | DecodedStatusReport;

/** Decodes a PDU as a modem prints it (`+CMGR`, `+CMT`, `+CDS`): with the SMSC field in front
 * unless `withSmsc` is false (some modems omit it in `+CDS`). The direction decides how an MTI of
 * 01 reads: SUBMIT when the host sends it, STATUS-REPORT when the network sends it (MTI 10). */
export function decodePdu(hex: string, options: { withSmsc?: boolean } = {}): DecodedPdu {
  const reader = new OctetReader(fromHex(hex));
  const smsc = options.withSmsc === false ? null : decodeSmsc(reader);
  const first = reader.byte();
  const mti = first & 0x03;
  if (mti === MTI_SUBMIT) {
    const messageReference = reader.byte();
    const destination = decodeAddress(reader);
    reader.byte(); // PID
    const coding = decodeDcs(reader.byte());
    const vpf = first & 0x18;
    let validityMinutes: number | null = null;
    if (vpf === VPF_RELATIVE) validityMinutes = decodeRelativeValidity(reader.byte());
    else if (vpf === VPF_ABSOLUTE || vpf === VPF_ENHANCED) reader.take(7);
    const udl = reader.byte();
    const ud = decodeUserData(reader, coding, udl, (first & UDHI) !== 0);
    return { type: 'submit', smsc, messageReference, destination, statusReport: (first & SRR) !== 0, rejectDuplicates: (first & RD) !== 0, validityMinutes, coding, ...ud };
  }
  if (mti === MTI_DELIVER) {
    const originator = decodeAddress(reader);
    reader.byte(); // PID
    const coding = decodeDcs(reader.byte());
    const timestamp = decodeTimestamp(reader);
    const udl = reader.byte();
    const ud = decodeUserData(reader, coding, udl, (first & UDHI) !== 0);
    return { type: 'deliver', smsc, originator, timestamp, coding, ...ud };
  }
  if (mti === MTI_STATUS_REPORT) {
    const messageReference = reader.byte();
    const recipient = decodeAddress(reader);
    const submittedAt = decodeTimestamp(reader);
    const dischargedAt = decodeTimestamp(reader);
    const status = reader.byte();
    return { type: 'status-report', smsc, messageReference, recipient, submittedAt, dischargedAt, status };
  }
  throw new PduFormatError(`unsupported message type indicator ${mti}`);
}

export interface DeliverOptions {
  originator: string;
  text: string;
  at: Date;
  offsetMinutes?: number;
  smsc?: string;
  concatenation?: Concatenation | null;
}

/** An SMS-DELIVER (what the network hands a handset); the test modem stores these as incoming. */
export function encodeDeliver(options: DeliverOptions): EncodedPdu {
  const encoding = chooseEncoding(options.text);
  const header = options.concatenation ? encodeConcatenationHeader(options.concatenation) : null;
  const { udl, ud } = encodeUserData(options.text, encoding, header);
  const tpdu = join([
    Uint8Array.of(MTI_DELIVER | (header ? UDHI : 0) | 0x04 /* no more messages waiting */),
    encodeAddress(options.originator),
    Uint8Array.of(0x00, encodeDcs(encoding)),
    encodeTimestamp(options.at, options.offsetMinutes ?? 0),
    Uint8Array.of(udl),
    ud,
  ]);
  return { hex: toHex(join([encodeSmsc(options.smsc), tpdu])), tpduLength: tpdu.length };
}

export interface StatusReportOptions {
  messageReference: number;
  recipient: string;
  submittedAt: Date;
  dischargedAt: Date;
  status: number;
  smsc?: string;
}

export function encodeStatusReport(options: StatusReportOptions): EncodedPdu {
  const tpdu = join([
    Uint8Array.of(0x06 /* MTI 10 + TP-SRQ-less, MMS */, options.messageReference & 0xff),
    encodeAddress(options.recipient),
    encodeTimestamp(options.submittedAt),
    encodeTimestamp(options.dischargedAt),
    Uint8Array.of(options.status & 0xff),
  ]);
  return { hex: toHex(join([encodeSmsc(options.smsc), tpdu])), tpduLength: tpdu.length };
}
