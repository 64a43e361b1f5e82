// iCalendar (RFC 5545) text: content lines folded at 75 octets, TEXT escaping, parameters, and the
// component tree. No semantics here (dates and zones: time-zones.ts; activities: activity-ical.ts).

export interface IcsProperty {
  readonly name: string;
  readonly params: Readonly<Record<string, string>>;
  readonly value: string;
}

export interface IcsComponent {
  readonly name: string;
  readonly properties: IcsProperty[];
  readonly components: IcsComponent[];
}

export class IcsSyntaxError extends Error {
  readonly code = 'ICS_SYNTAX';
  constructor(message: string) {
    super(message);
    this.name = 'IcsSyntaxError';
  }
}

export const component = (name: string, properties: IcsProperty[] = [], components: IcsComponent[] = []): IcsComponent => ({ name, properties, components });
export const property = (name: string, value: string, params: Readonly<Record<string, string>> = {}): IcsProperty => ({ name, params, value });

/** TEXT value escaping (§3.3.11). */
export function escapeText(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r?\n/g, '\\n');
}

export function unescapeText(text: string): string {
  return text.replace(/\\([\\;,nN])/g, (_m, c: string) => (c === 'n' || c === 'N' ? '\n' : c));
}

const paramValue = (value: string): string => (/[;:,]/.test(value) ? `"${value.replace(/"/g, "'")}"` : value);

/** Folds one content line at 75 octets without splitting a UTF-8 sequence (§3.1). */
export function foldLine(line: string): string {
  const bytes = Buffer.from(line, 'utf8');
  if (bytes.length <= 75) return line;
  const parts: string[] = [];
  let start = 0;
  let limit = 75;
  while (start < bytes.length) {
    let end = Math.min(start + limit, bytes.length);
    // Step back off UTF-8 continuation bytes (10xxxxxx).
    while (end < bytes.length && (bytes[end]! & 0xc0) === 0x80) end--;
    parts.push(bytes.subarray(start, end).toString('utf8'));
    start = end;
    limit = 74; // the leading space of a continuation counts
  }
  return parts.join('\r\n ');
}

function writeProperty(p: IcsProperty): string {
  const params = Object.entries(p.params)
    .map(([k, v]) => `;${k}=${paramValue(v)}`)
    .join('');
  return foldLine(`${p.name}${params}:${p.value}`);
}

function writeComponent(c: IcsComponent, out: string[]): void {
  out.push(`BEGIN:${c.name}`);
  for (const p of c.properties) out.push(writeProperty(p));
  for (const child of c.components) writeComponent(child, out);
  out.push(`END:${c.name}`);
}

/** The text of a component (a VCALENDAR), CRLF line ends. */
export function writeIcs(root: IcsComponent): string {
  const out: string[] = [];
  writeComponent(root, out);
  return out.join('\r\n') + '\r\n';
}

/** Splits `NAME;P=V;Q="a;b":value` respecting quoted parameter values. */
function parseLine(line: string, lineNo: number): IcsProperty {
  let i = 0;
  let inQuote = false;
  const colon = (() => {
    for (; i < line.length; i++) {
      const ch = line[i];
      if (ch === '"') inQuote = !inQuote;
      else if (ch === ':' && !inQuote) return i;
    }
    return -1;
  })();
  if (colon < 0) throw new IcsSyntaxError(`line ${lineNo}: no ':' in "${line.slice(0, 40)}"`);
  const head = line.slice(0, colon);
  const value = line.slice(colon + 1);
  const pieces: string[] = [];
  let current = '';
  inQuote = false;
  for (const ch of head) {
    if (ch === '"') inQuote = !inQuote;
    if (ch === ';' && !inQuote) {
      pieces.push(current);
      current = '';
    } else current += ch;
  }
  pieces.push(current);
  const [name, ...rawParams] = pieces;
  const params: Record<string, string> = {};
  for (const raw of rawParams) {
    const eq = raw.indexOf('=');
    if (eq < 0) continue;
    params[raw.slice(0, eq).toUpperCase()] = raw.slice(eq + 1).replace(/^"(.*)"$/, '$1');
  }
  return { name: (name ?? '').toUpperCase(), params, value };
}

/** Parses iCalendar text into its top component (VCALENDAR). Tolerates LF line ends and tab folds. */
export function parseIcs(text: string): IcsComponent {
  const lines = text.replace(/\r\n|\r/g, '\n').replace(/\n[ \t]/g, '').split('\n');
  const stack: IcsComponent[] = [];
  let root: IcsComponent | null = null;
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    const p = parseLine(line, index + 1);
    if (p.name === 'BEGIN') {
      const c = component(p.value.toUpperCase());
      if (stack.length > 0) stack.at(-1)!.components.push(c);
      else if (root) throw new IcsSyntaxError(`line ${index + 1}: a second top-level component`);
      else root = c;
      stack.push(c);
    } else if (p.name === 'END') {
      const open = stack.pop();
      if (!open || open.name !== p.value.toUpperCase()) throw new IcsSyntaxError(`line ${index + 1}: END:${p.value} does not close ${open?.name ?? 'anything'}`);
    } else {
      const open = stack.at(-1);
      if (!open) throw new IcsSyntaxError(`line ${index + 1}: a property outside any component`);
      open.properties.push(p);
    }
  });
  if (stack.length > 0) throw new IcsSyntaxError(`${stack.at(-1)!.name} is not closed`);
  if (!root) throw new IcsSyntaxError('no component');
  return root;
}

export const first = (c: IcsComponent, name: string): IcsProperty | undefined => c.properties.find((p) => p.name === name);
export const all = (c: IcsComponent, name: string): IcsProperty[] => c.properties.filter((p) => p.name === name);
export const textOf = (c: IcsComponent, name: string): string | null => {
  const p = first(c, name);
  return p ? unescapeText(p.value) : null;
};
