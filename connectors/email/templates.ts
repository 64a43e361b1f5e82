// Templates are records of `email_template`: one per (code, language). Rendering a template for a
// record gives it the record's fields and its referenced records (`{{contractor.name}}`), read with
// the rights of whoever renders it.
import type { Knex } from 'knex';
import type { Actor, ConnectorContext, JsonObject } from '../../engine/connectors/index.ts';
import { TEMPLATE_ENTITY } from './metadata.ts';
import { compileTemplate, renderMail, type RenderedMail } from './template-render.ts';

export interface MailTemplate {
  readonly id: string;
  readonly code: string;
  readonly language: string;
  readonly subject: string;
  readonly bodyHtml: string | null;
  readonly bodyText: string | null;
  readonly marketing: boolean;
}

const SYSTEM: Actor = { userId: null, via: 'system' };
const LANGUAGE_FALLBACK = ['pl', 'en', 'ro'];

function templateOf(record: JsonObject): MailTemplate {
  return {
    id: String(record.id),
    code: String(record.code),
    language: String(record.language),
    subject: String(record.subject ?? ''),
    bodyHtml: typeof record.body_html === 'string' && record.body_html !== '' ? record.body_html : null,
    bodyText: typeof record.body_text === 'string' && record.body_text !== '' ? record.body_text : null,
    marketing: record.marketing === true,
  };
}

/** A template by id, or by code in the language asked for (else pl, en, ro, whichever exists). */
export async function findTemplate(ctx: ConnectorContext, ref: string, language: string | null, trx?: Knex.Transaction): Promise<MailTemplate | null> {
  const context = { actor: SYSTEM, ...(trx ? { trx } : {}) };
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(ref)) {
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

/** Checks a template's syntax (subject and bodies); throws TemplateProblem. */
export function checkTemplate(template: Pick<MailTemplate, 'subject' | 'bodyHtml' | 'bodyText'>): void {
  compileTemplate(template.subject);
  if (template.bodyHtml) compileTemplate(template.bodyHtml);
  if (template.bodyText) compileTemplate(template.bodyText);
}

/** A record with its references embedded, as template data, read with `actor`'s rights. */
export async function templateData(ctx: ConnectorContext, actor: Actor, entity: string, id: string, trx?: Knex.Transaction): Promise<Record<string, unknown>> {
  const model = ctx.records.runtime.entity(entity).entity;
  const include = model.fields.filter((f) => f.type === 'reference' && ctx.records.runtime.snapshot.entities.has((f as { target: string }).target)).map((f) => f.name);
  const record = await ctx.records.get({ actor, ...(trx ? { trx } : {}) }, entity, id, { include });
  return { ...record, record };
}

export function renderFor(template: MailTemplate, data: Record<string, unknown>): RenderedMail {
  return renderMail(template, data);
}
