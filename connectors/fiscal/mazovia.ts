// Mazovia, the Polish code page of the Thermal protocol (and of POSNET interfaces switched to it).
// iconv-lite has no Mazovia, so the 18 Polish letters are mapped here; ASCII passes through; any
// other character becomes '?' (a fiscal printer must never print something we cannot read back).
const POLISH: ReadonlyArray<readonly [string, number]> = [
  ['Ą', 143], ['Ć', 149], ['Ę', 144], ['Ł', 156], ['Ń', 165], ['Ó', 163], ['Ś', 152], ['Ź', 160], ['Ż', 161],
  ['ą', 134], ['ć', 141], ['ę', 145], ['ł', 146], ['ń', 164], ['ó', 162], ['ś', 158], ['ź', 166], ['ż', 167],
];
const TO_BYTE = new Map<string, number>(POLISH);
const TO_CHAR = new Map<number, string>(POLISH.map(([c, b]) => [b, c]));

export function encodeMazovia(text: string): Buffer {
  const out: number[] = [];
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (code < 0x80) out.push(code);
    else out.push(TO_BYTE.get(ch) ?? 0x3f);
  }
  return Buffer.from(out);
}

export function decodeMazovia(bytes: Uint8Array): string {
  let text = '';
  for (const b of bytes) text += b < 0x80 ? String.fromCharCode(b) : (TO_CHAR.get(b) ?? '?');
  return text;
}

/** Whether every character survives the round trip (names shown to the user before printing). */
export function mazoviaCanEncode(text: string): boolean {
  for (const ch of text) if (ch.codePointAt(0)! >= 0x80 && !TO_BYTE.has(ch)) return false;
  return true;
}
