// The GSM 03.38 default alphabet and its extension table. Pure and browser-safe: here in metadata/
// (not in the SMS connector) so the web app's compose dialog counts with the same table the modem's
// PDU codec (connectors/sms/codec) encodes with.

/** Septet value → character for the default alphabet (0x1B is the escape to the extension table). */
const DEFAULT_ALPHABET =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u001bÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';

/** Extension table: septet after ESC → character. Each costs two septets. */
const EXTENSION: ReadonlyArray<readonly [number, string]> = [
  [0x0a, '\f'],
  [0x14, '^'],
  [0x28, '{'],
  [0x29, '}'],
  [0x2f, '\\'],
  [0x3c, '['],
  [0x3d, '~'],
  [0x3e, ']'],
  [0x40, '|'],
  [0x65, '€'],
];

export const ESCAPE = 0x1b;

const defaultByChar = new Map<string, number>();
for (let i = 0; i < DEFAULT_ALPHABET.length; i++) if (i !== ESCAPE) defaultByChar.set(DEFAULT_ALPHABET[i]!, i);
const extensionByChar = new Map<string, number>(EXTENSION.map(([code, ch]) => [ch, code]));
const extensionByCode = new Map<number, string>(EXTENSION);

/** Septets one character costs in GSM-7: 1, 2 (extension table) or null when it is not GSM-7. */
export function gsmSeptetCost(ch: string): 1 | 2 | null {
  if (defaultByChar.has(ch)) return 1;
  if (extensionByChar.has(ch)) return 2;
  return null;
}

export function isGsm7(ch: string): boolean {
  return gsmSeptetCost(ch) !== null;
}

/** Text → septet values (extension characters become ESC + code). Throws on a non-GSM-7 character. */
export function textToSeptets(text: string): number[] {
  const out: number[] = [];
  for (const ch of text) {
    const basic = defaultByChar.get(ch);
    if (basic !== undefined) {
      out.push(basic);
      continue;
    }
    const ext = extensionByChar.get(ch);
    if (ext === undefined) throw new RangeError(`not a GSM-7 character: ${JSON.stringify(ch)}`);
    out.push(ESCAPE, ext);
  }
  return out;
}

/** Septet values → text. An unknown extension code reads as its default-alphabet character, as
 * 03.38 says a receiver should; a trailing lone ESC reads as a space. */
export function septetsToText(septets: ArrayLike<number>): string {
  let text = '';
  for (let i = 0; i < septets.length; i++) {
    const s = septets[i]! & 0x7f;
    if (s === ESCAPE) {
      const next = septets[i + 1];
      if (next === undefined) return text + ' ';
      i++;
      text += extensionByCode.get(next & 0x7f) ?? DEFAULT_ALPHABET[next & 0x7f]!;
      continue;
    }
    text += DEFAULT_ALPHABET[s]!;
  }
  return text;
}
