// The bytes of an uploaded CSV as text. Exports of Polish and Romanian accounting systems (enova365,
// Comarch Optima, Sente, WinMENTOR) come in UTF-8, windows-1250 or ISO-8859-2, rarely labelled; the
// two single-byte sets share most letters and differ in a few (ą ś ź Ą Ś Ź), so the set is chosen by
// which reading gives letters rather than symbols. Pure.
import iconv from 'iconv-lite';

export type TextEncoding = 'utf-8' | 'windows-1250' | 'iso-8859-2';
export const TEXT_ENCODINGS: readonly TextEncoding[] = ['utf-8', 'windows-1250', 'iso-8859-2'];

const BOM = [0xef, 0xbb, 0xbf];

export function hasUtf8Bom(bytes: Uint8Array): boolean {
  return bytes.length >= 3 && BOM.every((b, i) => bytes[i] === b);
}

function isUtf8(bytes: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** Letters minus symbols among the non-ASCII characters of a reading: the more letters, the likelier. */
function letterScore(text: string): number {
  let score = 0;
  for (const ch of text) {
    if (ch.charCodeAt(0) < 0x80) continue;
    if (/\p{L}/u.test(ch)) score += 1;
    else score -= 2;
  }
  return score;
}

/** The encoding of the bytes: a BOM or valid UTF-8 is UTF-8; else the single-byte set that reads as more letters. */
export function detectEncoding(bytes: Uint8Array): TextEncoding {
  if (hasUtf8Bom(bytes) || isUtf8(bytes)) return 'utf-8';
  // 0x80–0x9F are control characters in ISO-8859-2 and letters (Ś ś Ź ź Š š …) in windows-1250.
  const sample = bytes.subarray(0, 1 << 20);
  if (sample.some((b) => b >= 0x80 && b <= 0x9f)) return 'windows-1250';
  const buffer = Buffer.from(sample.buffer, sample.byteOffset, sample.byteLength);
  return letterScore(iconv.decode(buffer, 'iso-8859-2')) > letterScore(iconv.decode(buffer, 'windows-1250')) ? 'iso-8859-2' : 'windows-1250';
}

export function decodeText(bytes: Uint8Array, encoding: TextEncoding = detectEncoding(bytes)): { text: string; encoding: TextEncoding } {
  const body = encoding === 'utf-8' && hasUtf8Bom(bytes) ? bytes.subarray(3) : bytes;
  const text = encoding === 'utf-8' ? new TextDecoder('utf-8').decode(body) : iconv.decode(Buffer.from(body.buffer, body.byteOffset, body.byteLength), encoding);
  return { text, encoding };
}
