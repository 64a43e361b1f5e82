// A BPMN file's bytes → its text. An XML file says its encoding: a byte order mark, else the
// encoding of its XML declaration (`<?xml version="1.0" encoding="ISO-8859-1"?>`), else UTF-8
// (XML 1.0, appendix F). Encodings are those of the WHATWG Encoding Standard (Node's TextDecoder):
// UTF-8, UTF-16LE/BE, ISO-8859-x, windows-125x… Characters XML does not allow (NUL and most control
// characters, also written as references like `&#0;`) are refused here, with their line and column.
// Pure. The text returned declares UTF-8: that is what it is from here on (parsed, stored, served).

export interface TextPosition {
  /** 1-based. */
  readonly line: number;
  /** 1-based, in characters. */
  readonly column: number;
}

export type BpmnTextProblemCode = 'BPMN_ENCODING' | 'BPMN_INVALID_CHARACTER';

export type BpmnText =
  /** `encoding`: what the bytes were decoded from; null for a string. */
  | { readonly ok: true; readonly xml: string; readonly encoding: string | null }
  | ({ readonly ok: false; readonly code: BpmnTextProblemCode; readonly message: string } & TextPosition);

const DECLARATION = /^<\?xml\s[^>]*?\bencoding\s*=\s*(["'])([^"']*)\1/;
const UTF16 = ['utf-16le', 'utf-16be'];

/** Where `index` (a UTF-16 offset into `text`) is. */
export function positionIn(text: string, index: number): TextPosition {
  const before = text.slice(0, index);
  const lineStart = before.lastIndexOf('\n') + 1;
  return { line: before.split('\n').length, column: index - lineStart + 1 };
}

const failure = (code: BpmnTextProblemCode, message: string, position: TextPosition = { line: 1, column: 1 }): BpmnText => ({ ok: false, code, message, ...position });

/** The encoding a byte order mark or the first characters (`<?` in UTF-16) reveal, and the length of the mark. */
function sniff(bytes: Uint8Array): { encoding: string; skip: number } | null {
  const [a, b, c, d] = bytes;
  if (a === 0xef && b === 0xbb && c === 0xbf) return { encoding: 'utf-8', skip: 3 };
  if (a === 0xfe && b === 0xff) return { encoding: 'utf-16be', skip: 2 };
  if (a === 0xff && b === 0xfe) return { encoding: 'utf-16le', skip: 2 };
  if (a === 0x3c && b === 0x00 && c === 0x3f && d === 0x00) return { encoding: 'utf-16le', skip: 0 };
  if (a === 0x00 && b === 0x3c && c === 0x00 && d === 0x3f) return { encoding: 'utf-16be', skip: 0 };
  return null;
}

/** The TextDecoder name of an encoding label, or null when there is no such encoding (or only the WHATWG "replacement" one). */
function encodingNamed(label: string): string | null {
  try {
    const name = new TextDecoder(label).encoding;
    return name === 'replacement' ? null : name;
  } catch {
    return null;
  }
}

function declaredEncoding(text: string): { label: string; index: number } | null {
  const match = DECLARATION.exec(text);
  return match ? { label: match[2]!, index: match[0].length - match[2]!.length - 1 } : null;
}

/** XML 1.0 Char: tab, newline, carriage return, and U+0020 upwards except surrogates, U+FFFE and U+FFFF. */
const allowedCodePoint = (cp: number) => cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);

// eslint-disable-next-line no-control-regex -- these control characters are exactly what XML forbids
const FORBIDDEN_CHARACTER = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const CHARACTER_REFERENCE = /&#(?:x([0-9a-fA-F]+)|([0-9]+));/g;

const hex = (cp: number) => `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;

/** The first character XML does not allow, written as is or as a character reference (a comment's text is checked too). */
function characterProblem(text: string): BpmnText | null {
  const raw = FORBIDDEN_CHARACTER.exec(text);
  if (raw) return failure('BPMN_INVALID_CHARACTER', `the character ${hex(raw[0].charCodeAt(0))} is not allowed in XML`, positionIn(text, raw.index));
  for (const ref of text.matchAll(CHARACTER_REFERENCE)) {
    const cp = ref[1] !== undefined ? Number.parseInt(ref[1], 16) : Number(ref[2]);
    if (!allowedCodePoint(cp)) {
      const named = cp <= 0x10ffff ? `the character ${hex(cp)}` : 'no character';
      return failure('BPMN_INVALID_CHARACTER', `the character reference ${ref[0].slice(0, 20)} names ${named}, which XML does not allow`, positionIn(text, ref.index));
    }
  }
  return null;
}

/** The text with its declaration saying UTF-8 (and without a byte order mark). */
function declaringUtf8(text: string): string {
  const body = text.startsWith('\ufeff') ? text.slice(1) : text;
  const declared = declaredEncoding(body);
  if (!declared || /^utf-8$/i.test(declared.label)) return body;
  return `${body.slice(0, declared.index)}UTF-8${body.slice(declared.index + declared.label.length)}`;
}

function decode(bytes: Uint8Array): BpmnText {
  const sniffed = sniff(bytes);
  // The declaration is ASCII in every encoding read without a mark; windows-1252 keeps one character per byte.
  const head = new TextDecoder(sniffed?.encoding.startsWith('utf-16') ? sniffed.encoding : 'windows-1252').decode(bytes.subarray(sniffed?.skip ?? 0, 512));
  const declared = declaredEncoding(head);
  let encoding = sniffed?.encoding ?? 'utf-8';
  if (declared) {
    const named = encodingNamed(declared.label);
    const at = positionIn(head, declared.index);
    if (!named) return failure('BPMN_ENCODING', `the XML declaration names encoding "${declared.label.slice(0, 40)}", which is not supported (UTF-8, UTF-16, ISO-8859-1, windows-1250 and the other encodings of the WHATWG Encoding Standard are)`, at);
    const family = (name: string) => (UTF16.includes(name) ? 'utf-16' : name);
    if (sniffed && family(named) !== family(sniffed.encoding)) {
      return failure('BPMN_ENCODING', `the file is ${sniffed.encoding.toUpperCase()} (by its first bytes) but its XML declaration says "${declared.label}"`, at);
    }
    if (!sniffed && family(named) === 'utf-16') return failure('BPMN_ENCODING', `the XML declaration says "${declared.label}" but the file does not start like UTF-16 (a byte order mark, or "<?" in two bytes each)`, at);
    if (!sniffed) encoding = named;
  }
  try {
    // TextDecoder drops a byte order mark of its own encoding.
    return { ok: true, xml: new TextDecoder(encoding, { fatal: true }).decode(bytes), encoding };
  } catch {
    const lenient = new TextDecoder(encoding).decode(bytes);
    const at = lenient.indexOf('\ufffd');
    return failure('BPMN_ENCODING', `the file is not valid ${encoding.toUpperCase()}${declared ? ` (the encoding its XML declaration names)` : sniffed ? '' : ' (the encoding of an XML file that declares none)'}`, positionIn(lenient, Math.max(at, 0)));
  }
}

/**
 * The text of a BPMN file: bytes decoded as the file says, a string taken as text (its declaration
 * no longer matters). Either way checked for characters XML does not allow.
 */
export function bpmnText(source: string | Uint8Array): BpmnText {
  const decoded: BpmnText = typeof source === 'string' ? { ok: true, xml: source, encoding: null } : decode(source);
  if (!decoded.ok) return decoded;
  const xml = declaringUtf8(decoded.xml);
  return characterProblem(xml) ?? { ok: true, xml, encoding: decoded.encoding };
}
