// One cell of an import file → the value the records API takes for the field it is mapped to, in the
// forms Polish and Romanian exports use: numbers "1 234,56" / "1.234,56" / "1234.56", dates
// "31.12.2026" / "2026-12-31", booleans "tak/nie", "da/nu", "yes/no", choices by value or by their
// label in any language. References come back as text to look up (engine/imports/references.ts).
// A cell that cannot be read is a problem at the field's pointer, worded like the API's. Pure.
import type { EntityModel, Field, Label, MachineModel } from '../../metadata/index.ts';
import type { Problem } from '../errors.ts';

/** A reference cell's text: an id, or a name, number, tax id or e-mail of the target record. */
export interface ReferenceText {
  readonly lookup: string;
}

export type CellResult = { readonly value: unknown } | { readonly problem: Problem };

const SPACES = /[\s\u00a0\u202f\u2007']/g;

/** "1 234,56", "1.234,56", "1,234.56", "1234.56", "-12,5" → a number; null when it is none. */
export function parseNumber(raw: string): number | null {
  let text = raw.trim().replace(SPACES, '');
  if (text === '') return null;
  const comma = text.lastIndexOf(',');
  const dot = text.lastIndexOf('.');
  if (comma >= 0 && dot >= 0) {
    // Both: the later one separates the decimals, the other groups thousands.
    text = comma > dot ? text.replace(/\./g, '').replace(',', '.') : text.replace(/,/g, '');
  } else if (comma >= 0) {
    text = text.split(',').length > 2 ? text.replace(/,/g, '') : text.replace(',', '.');
  } else if (dot >= 0 && text.split('.').length > 2) {
    text = text.replace(/\./g, '');
  }
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(text)) return null;
  return Number(text);
}

const pad = (n: number) => String(n).padStart(2, '0');

function validDate(y: number, m: number, d: number): string | null {
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return null;
  return `${String(y).padStart(4, '0')}-${pad(m)}-${pad(d)}`;
}

/** "31.12.2026", "31-12-2026", "31/12/2026", "2026-12-31", "2026.12.31" → "2026-12-31"; null when none. */
export function parseDate(raw: string): string | null {
  const text = raw.trim();
  let m = /^(\d{4})[-./](\d{1,2})[-./](\d{1,2})$/.exec(text);
  if (m) return validDate(Number(m[1]), Number(m[2]), Number(m[3]));
  m = /^(\d{1,2})[-./](\d{1,2})[-./](\d{4})$/.exec(text);
  if (m) return validDate(Number(m[3]), Number(m[2]), Number(m[1]));
  return null;
}

/** Minutes to add to a wall-clock time in `timeZone` to get UTC, at that moment. */
function zoneOffsetMinutes(utcGuess: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' }).formatToParts(new Date(utcGuess));
  const get = (type: string) => Number(parts.find((p) => p.type === type)!.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return (utcGuess - asUtc) / 60000;
}

/** A date with a time: ISO with an offset as given, or a local "31.12.2026 14:30" in the installation's time zone. */
export function parseDateTime(raw: string, timeZone: string): string | null {
  const text = raw.trim();
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(text)) {
    const time = Date.parse(text);
    return Number.isNaN(time) ? null : new Date(time).toISOString();
  }
  const m = /^(.+?)[ T](\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(text);
  const day = parseDate(m ? m[1]! : text);
  if (!day) return null;
  const [y, mo, d] = day.split('-').map(Number) as [number, number, number];
  const hour = m ? Number(m[2]) : 0;
  const minute = m ? Number(m[3]) : 0;
  const second = m?.[4] ? Number(m[4]) : 0;
  if (hour > 23 || minute > 59 || second > 59) return null;
  const wall = Date.UTC(y, mo - 1, d, hour, minute, second);
  const utc = wall + zoneOffsetMinutes(wall, timeZone) * 60000;
  // Once more at the corrected instant: the offset may differ across a DST change.
  return new Date(wall + zoneOffsetMinutes(utc, timeZone) * 60000).toISOString();
}

const TRUE = new Set(['tak', 't', 'da', 'd', 'yes', 'y', 'true', '1', 'x', 'prawda', 'adevărat', 'adevarat', 'on']);
const FALSE = new Set(['nie', 'n', 'nu', 'no', 'false', '0', 'fałsz', 'falsz', 'fals', 'off']);

/** "tak/nie", "da/nu", "yes/no", "1/0", "true/false" (any case) → a boolean; null when none. */
export function parseBoolean(raw: string): boolean | null {
  const text = raw.trim().toLocaleLowerCase('pl');
  if (TRUE.has(text)) return true;
  if (FALSE.has(text)) return false;
  return null;
}

/** Letters without diacritics, lower case, single spaces: how labels and headers are compared. */
export function foldText(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/ł/g, 'l')
    .replace(/Ł/g, 'L')
    .toLocaleLowerCase('en')
    .replace(/[\s_\-.]+/g, ' ')
    .trim();
}

const labelTexts = (label: Label | undefined): string[] => (label ? Object.values(label).filter((v): v is string => typeof v === 'string') : []);

/** A choice by its value or by its label in any language (case and diacritics ignored). */
export function matchChoice(raw: string, choices: readonly { readonly value: string; readonly label?: Label }[]): string | null {
  const text = raw.trim();
  const exact = choices.find((c) => c.value === text);
  if (exact) return exact.value;
  const folded = foldText(text);
  const byLabel = choices.find((c) => foldText(c.value) === folded || labelTexts(c.label).some((l) => foldText(l) === folded));
  return byLabel ? byLabel.value : null;
}

export interface CellContext {
  readonly entity: EntityModel;
  readonly timeZone: string;
  /** The currency of a money amount without one (the field's, else the package's default). */
  readonly defaultCurrency?: string;
}

const problem = (field: string, code: string, detail: string, params?: Record<string, unknown>): CellResult => ({ problem: { pointer: `/${field}`, code, detail, ...(params ? { params } : {}) } });

/**
 * The API value of one non-empty cell for a field. Money takes "1 234,56 PLN" or an amount in the
 * default currency; many-to-many takes references separated by ";".
 */
export function cellValue(field: Field, raw: string, ctx: CellContext): CellResult {
  const text = raw.trim();
  switch (field.type) {
    case 'integer':
    case 'decimal':
    case 'percent': {
      const n = parseNumber(text.replace(/%$/, ''));
      if (n === null) return problem(field.name, 'IMPORT_NUMBER', `"${text}" is not a number`, { value: text });
      return { value: n };
    }
    case 'money': {
      const m = /^(.*?)\s*([A-Za-z]{3}|zł|zl|lei)?$/.exec(text)!;
      const amount = parseNumber(m[1]!);
      if (amount === null) return problem(field.name, 'IMPORT_NUMBER', `"${text}" is not an amount`, { value: text });
      const symbol = m[2]?.toLowerCase();
      const currency = symbol === 'zł' || symbol === 'zl' ? 'PLN' : symbol === 'lei' ? 'RON' : (m[2]?.toUpperCase() ?? field.currency ?? ctx.defaultCurrency);
      if (!currency) return problem(field.name, 'IMPORT_CURRENCY', `"${text}" names no currency and the field has no default`, { value: text });
      return { value: { amount, currency } };
    }
    case 'boolean': {
      const b = parseBoolean(text);
      if (b === null) return problem(field.name, 'IMPORT_BOOLEAN', `"${text}" is neither yes nor no`, { value: text });
      return { value: b };
    }
    case 'date': {
      const d = parseDate(text);
      if (d === null) return problem(field.name, 'IMPORT_DATE', `"${text}" is not a date`, { value: text });
      return { value: d };
    }
    case 'datetime': {
      const d = parseDateTime(text, ctx.timeZone);
      if (d === null) return problem(field.name, 'IMPORT_DATE', `"${text}" is not a date and time`, { value: text });
      return { value: d };
    }
    case 'enum': {
      const v = matchChoice(text, field.values);
      if (v === null) return problem(field.name, 'IMPORT_CHOICE', `"${text}" is none of the choices`, { value: text });
      return { value: v };
    }
    case 'state': {
      const machine: MachineModel | undefined = ctx.entity.machines.get(field.name);
      const v = matchChoice(text, (machine?.states ?? []).map((s) => ({ value: s.name, label: s.label })));
      if (v === null) return problem(field.name, 'IMPORT_CHOICE', `"${text}" is none of the states`, { value: text });
      return { value: v };
    }
    case 'reference':
      return { value: { lookup: text } satisfies ReferenceText };
    case 'manyToMany':
      return { value: text.split(';').map((t) => t.trim()).filter(Boolean).map((lookup) => ({ lookup }) satisfies ReferenceText) };
    case 'json':
      try {
        return { value: JSON.parse(text) as unknown };
      } catch {
        return problem(field.name, 'IMPORT_JSON', 'is not JSON', { value: text });
      }
    case 'attachment':
      return problem(field.name, 'IMPORT_UNSUPPORTED', 'files cannot be imported from a table');
    default:
      return { value: text };
  }
}

export function isReferenceText(value: unknown): value is ReferenceText {
  return typeof value === 'object' && value !== null && typeof (value as ReferenceText).lookup === 'string' && Object.keys(value).length === 1;
}
