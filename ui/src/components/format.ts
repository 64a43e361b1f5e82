// Display of stored values in lists, cards and timelines, in the user's language.
import { labelText, type EntityModel, type Model, type Field } from '../../../metadata/browser.ts';
import type { Language } from '../app/messages.ts';

export interface Display {
  readonly text: string;
  readonly color?: string;
}

export function formatMoney(value: { amount: number; currency: string } | null | undefined, locale: string): string {
  if (!value || typeof value.amount !== 'number') return '';
  try {
    return new Intl.NumberFormat(locale, { style: 'currency', currency: value.currency, maximumFractionDigits: 2 }).format(value.amount);
  } catch {
    return `${value.amount} ${value.currency}`;
  }
}

export function formatNumber(value: number, locale: string, digits = 2): string {
  return new Intl.NumberFormat(locale, { maximumFractionDigits: digits }).format(value);
}

export function formatDate(value: string, locale: string): string {
  const d = new Date(`${value}T00:00:00`);
  return Number.isNaN(d.getTime()) ? value : d.toLocaleDateString(locale);
}

export function formatDateTime(value: string, locale: string): string {
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? value : d.toLocaleString(locale, { dateStyle: 'short', timeStyle: 'short' });
}

/** The title of a record (its display field), or its id when it has none. */
export function recordTitle(entity: EntityModel | undefined, record: Readonly<Record<string, unknown>> | null | undefined): string {
  if (!record) return '';
  const value = entity ? record[entity.displayField] : undefined;
  if (typeof value === 'string' && value) return value;
  if (typeof record.display_name === 'string') return record.display_name; // users
  if (typeof record.label === 'string') return record.label; // teams
  return typeof record.id === 'string' ? record.id.slice(0, 8) : '';
}

/** A value of a field as text (and colour for enums and states). */
export function displayValue(model: Model, entity: EntityModel, field: Field | undefined, value: unknown, language: Language, locale: string): Display {
  if (value === null || value === undefined || value === '') return { text: '' };
  if (!field) return { text: typeof value === 'string' && /^\d{4}-\d\d-\d\dT/.test(value) ? formatDateTime(value, locale) : String(value) };
  switch (field.type) {
    case 'enum': {
      const v = field.values.find((x) => x.value === value);
      return v ? { text: labelText(v.label, language), ...(v.color ? { color: v.color } : {}) } : { text: String(value) };
    }
    case 'state': {
      const s = entity.machines.get(field.name)?.states.find((x) => x.name === value);
      return s ? { text: labelText(s.label, language), ...(s.color ? { color: s.color } : {}) } : { text: String(value) };
    }
    case 'money':
      return { text: formatMoney(value as { amount: number; currency: string }, locale) };
    case 'boolean':
      return { text: value ? '✓' : '✗' };
    case 'date':
      return { text: formatDate(String(value), locale) };
    case 'datetime':
      return { text: formatDateTime(String(value), locale) };
    case 'percent':
      return { text: `${formatNumber(Number(value), locale)} %` };
    case 'integer':
    case 'decimal':
      return { text: formatNumber(Number(value), locale, 4) };
    case 'reference': {
      if (typeof value === 'object') return { text: recordTitle(model.entities.get(field.target), value as Record<string, unknown>) };
      return { text: String(value).slice(0, 8) };
    }
    case 'manyToMany': {
      const target = model.entities.get(field.target);
      return { text: (value as { id: string; record?: Record<string, unknown> | null }[]).map((l) => (l.record ? recordTitle(target, l.record) : l.id.slice(0, 8))).join(', ') };
    }
    case 'json':
      return { text: JSON.stringify(value) };
    default:
      return { text: String(value) };
  }
}

/** The id behind a reference value, whether it was included (an object) or not (the id). */
export function referenceId(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && typeof (value as { id?: unknown }).id === 'string') return (value as { id: string }).id;
  return null;
}
