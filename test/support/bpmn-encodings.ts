// The same small process written in four encodings (test/fixtures/bpmn-encodings/): ISO-8859-1,
// windows-1250, UTF-16LE with a byte order mark and UTF-16BE without one, each declaring it.
import { readFileSync } from 'node:fs';

/** [fixture, the TextDecoder encoding it decodes with, its process id, the name it gives everything]. */
export const ENCODED_BPMN: readonly (readonly [string, string, string, string])[] = [
  ['iso-8859-1', 'windows-1252', 'encodedLatin1', 'Überprüfung der Aufträge, Größe ½'],
  ['windows-1250', 'windows-1250', 'encodedWindows1250', 'Zażółć gęślą jaźń'],
  ['utf-16le-bom', 'utf-16le', 'encodedUtf16le', 'Ελληνικά 日本 Română ăâîșț'],
  ['utf-16be', 'utf-16be', 'encodedUtf16be', 'Română ăâîșț 日本'],
];

export function encodedBpmnPath(name: string): URL {
  return new URL(`../fixtures/bpmn-encodings/${name}.bpmn`, import.meta.url);
}

/** The fixture's bytes, as a client would send them. */
export function encodedBpmn(name: string): Buffer {
  return readFileSync(encodedBpmnPath(name));
}
