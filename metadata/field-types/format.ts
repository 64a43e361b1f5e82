// Display of stored values in the user's locale (Intl only: runs in the browser and on the server).
import type { EntityModel } from '../model.ts';

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
