// One template store for e-mail and SMS: records of `email_template` (the entity keeps its name for
// the existing API), one per (code, language), each with a subject and e-mail bodies and an SMS
// text, so a message written once is sent by either channel. One merge language for both
// (metadata/merge-template.ts: `{{first_name}}`, `{{contractor.name}}`, `{{#vip}}…{{/vip}}`). The
// e-mail connector contributes the entity; both connectors read it through the records service.
import type { Knex } from 'knex';
import type { Actor, ConnectorContext, JsonObject } from '../engine/connectors/index.ts';
import { compileTemplate, renderTemplate } from '../metadata/index.ts';

export const TEMPLATE_ENTITY = 'email_template';

export interface MessageTemplate {
  readonly id: string;
  readonly code: string;
  readonly language: string;
  readonly subject: string;
  readonly bodyHtml: string | null;
  readonly bodyText: string | null;
  /** The text an SMS from this template carries (null: the template is e-mail only). */
  readonly smsText: string | null;
  readonly marketing: boolean;
}

const SYSTEM: Actor = { userId: null, via: 'system' };
const LANGUAGE_FALLBACK = ['pl', 'en', 'ro'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const textOrNull = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

export function templateOf(record: JsonObject): MessageTemplate {
  return {
    id: String(record.id),
    code: String(record.code),
    language: String(record.language),
    subject: String(record.subject ?? ''),
    bodyHtml: textOrNull(record.body_html),
    bodyText: textOrNull(record.body_text),
    smsText: textOrNull(record.body_sms),
    marketing: record.marketing === true,
  };
}

/** A template by id, or by code in the language asked for (else pl, en, ro, whichever exists). */
export async function findTemplate(ctx: ConnectorContext, ref: string, language: string | null, trx?: Knex.Transaction): Promise<MessageTemplate | null> {
  if (!ctx.records.runtime.snapshot.entities.has(TEMPLATE_ENTITY)) return null;
  const context = { actor: SYSTEM, ...(trx ? { trx } : {}) };
  if (UUID.test(ref)) {
    const record = await ctx.records.get(context, TEMPLATE_ENTITY, ref).catch(() => null);
    if (record) return templateOf(record as JsonObject);
  }
  const { data } = await ctx.records.list(context, TEMPLATE_ENTITY, { filter: { code: ref }, limit: 10 });
  const variants = data.map((r) => templateOf(r as JsonObject));
  const order = [...(language ? [language] : []), ...LANGUAGE_FALLBACK];
  for (const lang of order) {
    const found = variants.find((t) => t.language === lang);
    if (found) return found;
  }
  return variants[0] ?? null;
}

/** The templates with an SMS text, grouped by code: what the SMS compose dialog offers. */
export async function smsTemplates(ctx: ConnectorContext, actor: Actor): Promise<{ code: string; marketing: boolean; text: Record<string, string> }[]> {
  if (!ctx.records.runtime.snapshot.entities.has(TEMPLATE_ENTITY)) return [];
  const { data } = await ctx.records.list({ actor }, TEMPLATE_ENTITY, { filter: { body_sms: { isNull: false } }, sort: 'code', limit: 500 });
  const byCode = new Map<string, { code: string; marketing: boolean; text: Record<string, string> }>();
  for (const template of data.map((r) => templateOf(r as JsonObject))) {
    if (!template.smsText) continue;
    const entry = byCode.get(template.code) ?? { code: template.code, marketing: template.marketing, text: {} };
    entry.text[template.language] = template.smsText;
    byCode.set(template.code, entry);
  }
  return [...byCode.values()];
}

/** Checks a template's syntax (subject, bodies, SMS text); throws TemplateProblem. */
export function checkTemplate(template: Pick<MessageTemplate, 'subject' | 'bodyHtml' | 'bodyText'> & { readonly smsText?: string | null }): void {
  compileTemplate(template.subject);
  if (template.bodyHtml) compileTemplate(template.bodyHtml);
  if (template.bodyText) compileTemplate(template.bodyText);
  if (template.smsText) compileTemplate(template.smsText);
}

/** A record with its references embedded, as template data, read with `actor`'s rights. */
export async function templateData(ctx: ConnectorContext, actor: Actor, entity: string, id: string, trx?: Knex.Transaction): Promise<Record<string, unknown>> {
  const model = ctx.records.runtime.entity(entity).entity;
  const include = model.fields.filter((f) => f.type === 'reference' && ctx.records.runtime.snapshot.entities.has((f as { target: string }).target)).map((f) => f.name);
  const record = await ctx.records.get({ actor, ...(trx ? { trx } : {}) }, entity, id, { include });
  return { ...record, record };
}

/** An SMS text filled with `data` (plain text, no escaping); throws TemplateProblem. */
export function mergeSmsText(text: string, data: Readonly<Record<string, unknown>>): string {
  return renderTemplate(text, data, { html: false });
}
