// Logic-less SMS templates: `{{name}}` or `{{order.number}}` replaced by the value at that path,
// nothing else (no conditions, no code). A text per language (pl/en/ro); the recipient's language
// picks it, falling back to the first one written. Pure.
import type { SmsTemplate } from './accounts.ts';

export type TemplateResult = { ok: true; text: string; purpose: 'transactional' | 'marketing' } | { ok: false; code: 'sms.template.unknown' | 'sms.template.empty' | 'sms.template.missingValue'; detail: string };

const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)\s*\}\}/g;

function lookup(values: unknown, path: string): unknown {
  let current: unknown = values;
  for (const key of path.split('.')) {
    if (current === null || typeof current !== 'object' || Array.isArray(current)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function show(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return null;
}

/** Fills a text: every placeholder must have a text, number or yes/no value. */
export function fillTemplate(text: string, values: Readonly<Record<string, unknown>>): { ok: true; text: string } | { ok: false; missing: string[] } {
  const missing: string[] = [];
  const out = text.replace(PLACEHOLDER, (_all, path: string) => {
    const value = show(lookup(values, path));
    if (value === null) {
      missing.push(path);
      return '';
    }
    return value;
  });
  return missing.length ? { ok: false, missing: [...new Set(missing)] } : { ok: true, text: out };
}

export function renderTemplate(templates: readonly SmsTemplate[], id: string, language: string, values: Readonly<Record<string, unknown>>): TemplateResult {
  const template = templates.find((t) => t.id === id);
  if (!template) return { ok: false, code: 'sms.template.unknown', detail: `no SMS template "${id}"` };
  const texts = template.text as Record<string, string | undefined>;
  const text = texts[language] || texts.pl || texts.en || texts.ro;
  if (!text) return { ok: false, code: 'sms.template.empty', detail: `the template "${id}" has no text` };
  const filled = fillTemplate(text, values);
  if (!filled.ok) return { ok: false, code: 'sms.template.missingValue', detail: `the template "${id}" needs ${filled.missing.join(', ')}` };
  return { ok: true, text: filled.text, purpose: template.purpose ?? 'transactional' };
}
