// How a text travels as SMS: which alphabet, how many parts, and the text of each part. Shared by
// the PDU encoder (connectors/sms/codec) and the compose dialog's counter, so it stays browser-safe.
import { gsmSeptetCost } from './gsm-alphabet.ts';

export type SmsEncoding = 'gsm7' | 'ucs2';

/** Units per message: septets for GSM-7, UTF-16 code units for UCS-2. */
export const SINGLE_LIMIT: Readonly<Record<SmsEncoding, number>> = { gsm7: 160, ucs2: 70 };
/** Units per part once a 6-octet concatenation header takes its room. */
export const PART_LIMIT: Readonly<Record<SmsEncoding, number>> = { gsm7: 153, ucs2: 67 };
/** The 8-bit reference in the concatenation header allows at most 255 parts. */
export const MAX_PARTS = 255;

export interface PartCount {
  encoding: SmsEncoding;
  /** Characters as the user sees them (code points). */
  characters: number;
  /** Septets (GSM-7, extension characters count 2) or UTF-16 code units (UCS-2). */
  units: number;
  parts: number;
  /** Units one part holds for this text: 160/153 or 70/67. */
  perPart: number;
  /** Units still free in the last part before another part is needed. */
  remainingInPart: number;
  /** The first character that is not GSM-7 and forced UCS-2, with its code-point index; null for GSM-7. */
  ucs2Trigger: { character: string; index: number } | null;
  /** Every distinct character that is not GSM-7, in order of appearance. */
  nonGsmCharacters: string[];
}

/** The alphabet a text needs: GSM-7 when every character is in the default or extension table. */
export function chooseEncoding(text: string): SmsEncoding {
  for (const ch of text) if (gsmSeptetCost(ch) === null) return 'ucs2';
  return 'gsm7';
}

/** Splits a text into the parts it is sent as. A GSM-7 extension character (two septets) and a
 * UTF-16 surrogate pair are never cut between parts: receivers would show garbage. */
export function splitMessage(text: string, encoding: SmsEncoding = chooseEncoding(text)): string[] {
  const cost = (ch: string): number => (encoding === 'gsm7' ? (gsmSeptetCost(ch) ?? Number.NaN) : ch.length);
  const chars = Array.from(text);
  let total = 0;
  for (const ch of chars) total += cost(ch);
  if (Number.isNaN(total)) throw new RangeError('text has characters outside GSM-7');
  if (total <= SINGLE_LIMIT[encoding]) return [text];
  const limit = PART_LIMIT[encoding];
  const parts: string[] = [];
  let current = '';
  let used = 0;
  for (const ch of chars) {
    const c = cost(ch);
    if (used + c > limit) {
      parts.push(current);
      current = '';
      used = 0;
    }
    current += ch;
    used += c;
  }
  parts.push(current);
  return parts;
}

/** The counter shown while composing: characters, encoding, parts, and what forced UCS-2. */
export function countParts(text: string): PartCount {
  const chars = Array.from(text);
  const nonGsm: string[] = [];
  let trigger: PartCount['ucs2Trigger'] = null;
  let septets = 0;
  chars.forEach((ch, index) => {
    const c = gsmSeptetCost(ch);
    if (c === null) {
      if (!trigger) trigger = { character: ch, index };
      if (!nonGsm.includes(ch)) nonGsm.push(ch);
    } else septets += c;
  });
  const encoding: SmsEncoding = trigger ? 'ucs2' : 'gsm7';
  const units = encoding === 'gsm7' ? septets : text.length;
  const parts = splitMessage(text, encoding);
  const perPart = parts.length === 1 ? SINGLE_LIMIT[encoding] : PART_LIMIT[encoding];
  return {
    encoding,
    characters: chars.length,
    units,
    parts: parts.length,
    perPart,
    remainingInPart: perPart - unitsOf(parts[parts.length - 1]!, encoding),
    ucs2Trigger: trigger,
    nonGsmCharacters: nonGsm,
  };
}

function unitsOf(part: string, encoding: SmsEncoding): number {
  if (encoding === 'ucs2') return part.length;
  let n = 0;
  for (const ch of part) n += gsmSeptetCost(ch) ?? 0;
  return n;
}
