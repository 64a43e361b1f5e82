// How a record's values read on paper, per language: numbers with the language's separators at the
// field's scale, dates as 04.12.2026 (en: 2026-12-04), enum values and states by their labels,
// references by the title of the referenced record, booleans as words. Pure.
import type { DocumentLanguage, EntityModel, Field, Label } from '../../metadata/index.ts';

export type Record_ = Readonly<Record<string, unknown>>;

/** Titles (display field values) of referenced records by id, read with the printing user's rights. */
export type Titles = ReadonlyMap<string, string>;

const LOCALES: Readonly<Record<DocumentLanguage, string>> = { pl: 'pl-PL', en: 'en-GB', ro: 'ro-RO', de: 'de-DE' };

const YES_NO: Readonly<Record<DocumentLanguage, readonly [string, string]>> = { pl: ['tak', 'nie'], en: ['yes', 'no'], ro: ['da', 'nu'], de: ['ja', 'nein'] };

/** A label in the language; de (and any missing language) falls back to en. */
export function labelIn(label: Label | undefined, language: DocumentLanguage): string {
  if (!label) return '';
  return (language === 'de' ? undefined : label[language]) ?? label.en;
}

const formatters = new Map<string, Intl.NumberFormat>();
function numberFormat(language: DocumentLanguage, minimum: number, maximum: number): Intl.NumberFormat {
  const key = `${language}/${minimum}/${maximum}`;
  let format = formatters.get(key);
  if (!format) {
    format = new Intl.NumberFormat(LOCALES[language], { minimumFractionDigits: minimum, maximumFractionDigits: maximum });
    formatters.set(key, format);
  }
  return format;
}

/** A number at a scale in the language ("1 234,56" in pl, "1,234.56" in en). */
export function formatNumber(value: number, language: DocumentLanguage, minimumDigits: number, maximumDigits = minimumDigits): string {
  return numberFormat(language, minimumDigits, maximumDigits).format(value);
}

export function formatDate(value: string, language: DocumentLanguage): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(value);
  if (!match) return value;
  const [, y, m, d] = match;
  return language === 'en' ? `${y}-${m}-${d}` : `${d}.${m}.${y}`;
}

const asNumber = (value: unknown): number | null => {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  return Number.isFinite(n) ? n : null;
};

/** The amount and currency of a number or money value. */
export function amountOf(value: unknown): { amount: number; currency: string | null } | null {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const money = value as { amount?: unknown; currency?: unknown };
    const amount = asNumber(money.amount);
    return amount === null ? null : { amount, currency: typeof money.currency === 'string' ? money.currency : null };
  }
  const amount = asNumber(value);
  return amount === null ? null : { amount, currency: null };
}

/** Whether the field's values line up to the right in a table. */
export const isNumeric = (field: Field): boolean => field.type === 'integer' || field.type === 'decimal' || field.type === 'money' || field.type === 'percent';

/** One value of a field as printed. Empty for nothing, for files and for what has no title. */
export function displayValue(entity: EntityModel, field: Field, value: unknown, language: DocumentLanguage, titles: Titles): string {
  if (value === null || value === undefined || value === '') return '';
  switch (field.type) {
    case 'integer':
    case 'decimal':
    case 'percent': {
      const n = asNumber(value);
      if (n === null) return String(value);
      const scale = field.type === 'integer' ? 0 : field.type === 'percent' ? 2 : (field.scale ?? 4);
      const text = scale <= 2 && field.type === 'decimal' ? formatNumber(n, language, scale) : formatNumber(n, language, 0, scale);
      return field.type === 'percent' ? `${text}%` : text;
    }
    case 'money': {
      const money = amountOf(value);
      return money ? `${formatNumber(money.amount, language, 2)}${money.currency ? ` ${money.currency}` : ''}` : '';
    }
    case 'date':
      return typeof value === 'string' ? formatDate(value, language) : '';
    case 'datetime':
      return typeof value === 'string' ? `${formatDate(value, language)} ${value.slice(11, 16)}` : '';
    case 'boolean':
      return YES_NO[language][value === true ? 0 : 1];
    case 'enum': {
      const option = field.values.find((v) => v.value === value);
      return option ? labelIn(option.label, language) : String(value);
    }
    case 'state': {
      const state = entity.machines.get(field.name)?.states.find((s) => s.name === value);
      return state ? labelIn(state.label, language) : String(value);
    }
    case 'reference': {
      if (typeof value === 'string') return titles.get(value) ?? '';
      const embedded = value as Record<string, unknown>;
      return typeof embedded.id === 'string' ? (titles.get(embedded.id) ?? '') : '';
    }
    case 'manyToMany':
      return Array.isArray(value) ? value.map((link) => titles.get(String((link as { id?: unknown }).id)) ?? '').filter(Boolean).join(', ') : '';
    case 'attachment':
    case 'secret':
    case 'lines':
      return '';
    default:
      return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
  }
}

/**
 * The record's values as printed, by field name, for `{{placeholders}}`: every field of the type is
 * there (a field the user may not read is empty, so a template never fails on rights), a reference is
 * its title, lines are a list of their printed values.
 */
export function displayRecord(entity: EntityModel, record: Record_, language: DocumentLanguage, titles: Titles, lineType?: EntityModel): Record<string, unknown> {
  const out: Record<string, unknown> = { id: typeof record.id === 'string' ? record.id : '' };
  for (const field of entity.fields) {
    if (field.type === 'lines') {
      const lines = Array.isArray(record[field.name]) && lineType ? (record[field.name] as Record_[]) : [];
      out[field.name] = lines.map((line) => displayRecord(lineType!, line, language, titles));
    } else out[field.name] = displayValue(entity, field, record[field.name], language, titles);
  }
  return out;
}
