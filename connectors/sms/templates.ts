// SMS templates come from the template store e-mail uses (connectors/message-templates.ts: a record
// per code and language with an SMS text beside the e-mail bodies) or, as before the store had SMS
// texts, from the connector's settings (a text per language). Both are filled by the one merge
// language of e-mail templates (metadata/merge-template.ts): `{{name}}`, `{{order.number}}`,
// `{{#vip}}…{{/vip}}`; a placeholder the values do not have refuses the message. Pure.
import { TemplateProblem } from '../../metadata/index.ts';
import { type MessageTemplate, mergeSmsText } from '../message-templates.ts';
import type { SmsTemplate } from './accounts.ts';

export type TemplateResult = { ok: true; text: string; purpose: 'transactional' | 'marketing' } | { ok: false; code: 'sms.template.unknown' | 'sms.template.empty' | 'sms.template.missingValue' | 'sms.template.syntax'; detail: string };

/** Fills a text with the merge language of e-mail templates; a placeholder without a value is missing. */
export function fillTemplate(text: string, values: Readonly<Record<string, unknown>>): { ok: true; text: string } | { ok: false; missing: string[]; syntax: boolean } {
  try {
    return { ok: true, text: mergeSmsText(text, values) };
  } catch (error) {
    if (error instanceof TemplateProblem) return { ok: false, missing: [error.placeholder], syntax: error.code === 'TEMPLATE_SYNTAX' };
    throw error;
  }
}

function filled(id: string, text: string, values: Readonly<Record<string, unknown>>, purpose: 'transactional' | 'marketing'): TemplateResult {
  const result = fillTemplate(text, values);
  if (result.ok) return { ok: true, text: result.text, purpose };
  if (result.syntax) return { ok: false, code: 'sms.template.syntax', detail: `the template "${id}" has a placeholder written wrongly: ${result.missing.join(', ')}` };
  return { ok: false, code: 'sms.template.missingValue', detail: `the template "${id}" needs ${result.missing.join(', ')}` };
}

/** A template of the connector's settings, in `language` (else pl, en, ro). */
export function renderTemplate(templates: readonly SmsTemplate[], id: string, language: string, values: Readonly<Record<string, unknown>>): TemplateResult {
  const template = templates.find((t) => t.id === id);
  if (!template) return { ok: false, code: 'sms.template.unknown', detail: `no SMS template "${id}"` };
  const texts = template.text as Record<string, string | undefined>;
  const text = texts[language] || texts.pl || texts.en || texts.ro;
  if (!text) return { ok: false, code: 'sms.template.empty', detail: `the template "${id}" has no text` };
  return filled(id, text, values, template.purpose ?? 'transactional');
}

/** A template of the shared store (found by its code or id): its SMS text filled. */
export function renderStoredTemplate(template: MessageTemplate, values: Readonly<Record<string, unknown>>): TemplateResult {
  if (!template.smsText) return { ok: false, code: 'sms.template.empty', detail: `the template "${template.code}" has no SMS text` };
  return filled(template.code, template.smsText, values, template.marketing ? 'marketing' : 'transactional');
}
