// Serial correspondence: one template, many records (persons, contractors, campaign members). The
// merge is planned per recipient (pure: address, consent, unsubscribed, duplicates, the rendered
// mail) and queued through the outbox in one transaction per chunk, each message with an idempotency
// key of (merge, record), so queueing the same merge again sends nothing twice. Each message carries
// List-Unsubscribe (RFC 8058 one-click) and its progress is the outbox's state of its messages.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Knex } from 'knex';
import type { Actor, ConnectorContext, JsonObject } from '../../engine/connectors/index.ts';
import { loadAccount, type MailAccount } from './accounts.ts';
import type { MailAddress } from './message.ts';
import type { EmailPayload } from './outbound.ts';
import { compileTemplate, renderTemplate, templateRoots, TemplateProblem } from './template-render.ts';
import { findTemplate, type MailTemplate } from './templates.ts';

export type SkipReason = 'no_address' | 'no_consent' | 'unsubscribed' | 'duplicate' | 'template_error';

export interface MergeRecipient {
  readonly recordId: string;
  readonly address: string | null;
  readonly skipped: SkipReason | null;
  readonly payload: EmailPayload | null;
}

export interface MergePlanInput {
  readonly account: Pick<MailAccount, 'id' | 'address'>;
  readonly userId: string | null;
  readonly template: Pick<MailTemplate, 'subject' | 'bodyHtml' | 'bodyText' | 'marketing'>;
  readonly entity: string;
  readonly records: readonly Readonly<Record<string, unknown>>[];
  readonly emailField: string;
  readonly consentField: string | null;
  readonly unsubscribed: ReadonlySet<string>;
  /** The unsubscribe link of an address (null: no public address configured, mailto only). */
  readonly unsubscribeUrl: (address: string) => string | null;
  /** Activity link fields to set: the record's own type, and its contractor when it has one. */
  readonly linkFields: ReadonlySet<string>;
  readonly mergeId: string;
}

const ADDRESS = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;

const isPlainRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Every recipient's outcome and message, without I/O. */
export function planMerge(input: MergePlanInput): MergeRecipient[] {
  const subject = compileTemplate(input.template.subject);
  const html = input.template.bodyHtml ? compileTemplate(input.template.bodyHtml) : null;
  const text = input.template.bodyText ? compileTemplate(input.template.bodyText) : null;
  const seen = new Set<string>();
  return input.records.map((record): MergeRecipient => {
    const recordId = String(record.id);
    const raw = record[input.emailField];
    const address = typeof raw === 'string' && ADDRESS.test(raw.trim()) ? raw.trim().toLowerCase() : null;
    const skip = (skipped: SkipReason): MergeRecipient => ({ recordId, address, skipped, payload: null });
    if (!address) return skip('no_address');
    if (input.template.marketing && input.consentField && record[input.consentField] !== true) return skip('no_consent');
    if (input.unsubscribed.has(address)) return skip('unsubscribed');
    if (seen.has(address)) return skip('duplicate');
    seen.add(address);
    const unsubscribeUrl = input.unsubscribeUrl(address);
    const data = { ...record, record, unsubscribe_url: unsubscribeUrl ?? '' };
    let rendered: { subject: string; html: string | null; text: string };
    try {
      const htmlBody = html ? renderTemplate(html, data, { html: true }) : null;
      rendered = {
        subject: renderTemplate(subject, data, { html: false }).replace(/[\r\n]+/g, ' ').trim(),
        html: htmlBody,
        text: text ? renderTemplate(text, data, { html: false }) : htmlBody ? htmlBody.replace(/<[^>]*>/g, '') : '',
      };
    } catch (error) {
      if (error instanceof TemplateProblem) return skip('template_error');
      throw error;
    }
    const links: Record<string, string> = {};
    if (input.linkFields.has(input.entity)) links[input.entity] = recordId;
    // The contractor as an id, or embedded when the template used it.
    const contractor = typeof record.contractor === 'string' ? record.contractor : isPlainRecord(record.contractor) && typeof record.contractor.id === 'string' ? record.contractor.id : null;
    if (input.entity !== 'contractor' && input.linkFields.has('contractor') && contractor) links.contractor = contractor;
    const listUnsubscribe = [...(unsubscribeUrl ? [`<${unsubscribeUrl}>`] : []), `<mailto:${input.account.address}?subject=unsubscribe>`].join(', ');
    const name = typeof record.name === 'string' ? record.name : [record.first_name, record.last_name].filter((part) => typeof part === 'string' && part).join(' ');
    const to: MailAddress[] = [{ name, address }];
    return {
      recordId,
      address,
      skipped: null,
      payload: {
        account: input.account.id,
        userId: input.userId,
        to,
        subject: rendered.subject,
        html: rendered.html,
        text: rendered.text,
        links,
        headers: { 'List-Unsubscribe': listUnsubscribe, ...(unsubscribeUrl ? { 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' } : {}), 'X-Tessera-Merge': input.mergeId },
        merge: input.mergeId,
      },
    };
  });
}

// ---- unsubscribe tokens: HMAC of the address, so a link unsubscribes exactly its own address ----

export function unsubscribeToken(key: string, address: string): string {
  const mac = createHmac('sha256', key).update(address.toLowerCase()).digest('base64url').slice(0, 32);
  return `${Buffer.from(address.toLowerCase()).toString('base64url')}.${mac}`;
}

/** The address a token was made for, or null when it was not made with `key`. */
export function unsubscribeAddress(key: string, token: string): string | null {
  const [encoded, mac] = token.split('.');
  if (!encoded || !mac) return null;
  const address = Buffer.from(encoded, 'base64url').toString('utf8');
  const expected = unsubscribeToken(key, address).split('.')[1]!;
  const a = Buffer.from(mac);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b) ? address : null;
}

// ---- queueing ----

export interface MergeRequest {
  readonly account: MailAccount;
  readonly template: MailTemplate;
  readonly entity: string;
  readonly language: string;
  readonly actor: Actor;
  /** Records to write to, or a filter of the entity (read with the actor's rights). */
  readonly ids?: readonly string[];
  readonly filter?: unknown;
  readonly requestKey: string | null;
  readonly emailField: string;
  readonly consentField: string | null;
  readonly unsubscribeUrl: (address: string) => string | null;
}

export interface MergeQueued {
  readonly id: string;
  readonly total: number;
  readonly queued: number;
  readonly skipped: number;
  /** The request key was used before: the earlier merge. */
  readonly repeated: boolean;
}

const CHUNK = 1000;

/** Reference fields of `entity` the template's placeholders start with. */
function referencesUsed(ctx: ConnectorContext, entity: string, template: MailTemplate): string[] {
  const roots = new Set<string>();
  for (const part of [template.subject, template.bodyHtml, template.bodyText]) if (part) for (const name of templateRoots(compileTemplate(part))) roots.add(name);
  const model = ctx.records.runtime.entity(entity).entity;
  return [...roots].filter((name) => model.fieldsByName.get(name)?.type === 'reference');
}

export async function queueMerge(ctx: ConnectorContext, request: MergeRequest): Promise<MergeQueued> {
  if (request.requestKey) {
    const earlier = (await ctx.knex('tessera.email_merges').where({ request_key: request.requestKey }).first('id', 'total', 'skipped')) as { id: string; total: number; skipped: number } | undefined;
    if (earlier) return { id: earlier.id, total: earlier.total, queued: earlier.total - earlier.skipped, skipped: earlier.skipped, repeated: true };
  }
  // Read with the caller's rights: a merge reaches only records they may read (and export). The
  // related records the template names (`{{contractor.name}}`) are embedded, as in the preview.
  const include = referencesUsed(ctx, request.entity, request.template);
  const byIds = async (ids: readonly string[]) => {
    const read: Record<string, unknown>[] = [];
    for (let i = 0; i < ids.length; i += 500) {
      const page = await ctx.records.list({ actor: request.actor }, request.entity, { filter: { id: { in: ids.slice(i, i + 500) } }, limit: 500, ...(include.length ? { include } : {}) });
      read.push(...page.data);
    }
    return read;
  };
  let records: Record<string, unknown>[] = [];
  if (request.ids) records = await byIds(request.ids);
  else {
    for await (const page of ctx.records.export({ actor: request.actor }, request.entity, request.filter === undefined ? {} : { filter: request.filter })) records.push(...page);
    if (include.length) records = await byIds(records.map((r) => String(r.id)));
  }
  const addresses = records.map((r) => r[request.emailField]).filter((a): a is string => typeof a === 'string').map((a) => a.trim().toLowerCase());
  const unsubscribed = new Set<string>();
  for (let i = 0; i < addresses.length; i += 5000) {
    const rows = (await ctx.knex('tessera.email_unsubscribed').whereIn('address', addresses.slice(i, i + 5000)).select('address')) as { address: string }[];
    for (const r of rows) unsubscribed.add(r.address);
  }
  const activity = ctx.records.runtime.entity('activity').entity;
  const linkFields = new Set(activity.fields.filter((f) => f.id.startsWith('platform.activity.link.')).map((f) => f.name));
  return ctx.knex.transaction(async (trx: Knex.Transaction) => {
    const [merge] = (await trx('tessera.email_merges')
      .insert({ request_key: request.requestKey, account: request.account.id, template: request.template.id, entity: request.entity, language: request.language, total: records.length, skipped: 0, created_by: request.actor.userId })
      .returning('id')) as { id: string }[];
    const mergeId = merge!.id;
    const plan = planMerge({
      account: request.account,
      userId: request.actor.userId,
      template: request.template,
      entity: request.entity,
      records,
      emailField: request.emailField,
      consentField: request.consentField,
      unsubscribed,
      unsubscribeUrl: request.unsubscribeUrl,
      linkFields,
      mergeId,
    });
    let queued = 0;
    for (let i = 0; i < plan.length; i += CHUNK) {
      const chunk = plan.slice(i, i + CHUNK);
      await trx('tessera.email_merge_recipients').insert(
        chunk.map((r) => ({ merge_id: mergeId, record_id: r.recordId, address: r.address, skipped: r.skipped, outbox_key: r.payload ? `merge:${mergeId}:${r.recordId}` : null })),
      );
      const messages = chunk.filter((r) => r.payload !== null);
      queued += await ctx.enqueue(
        trx,
        messages.map((r) => ({ channel: 'email', recipient: r.address!, payload: r.payload as unknown as JsonObject, idempotencyKey: `merge:${mergeId}:${r.recordId}` })),
      );
    }
    const skipped = plan.filter((r) => r.skipped !== null).length;
    await trx('tessera.email_merges').where({ id: mergeId }).update({ skipped });
    return { id: mergeId, total: records.length, queued, skipped, repeated: false };
  });
}

export interface MergeProgress {
  readonly id: string;
  readonly total: number;
  readonly skipped: Readonly<Record<string, number>>;
  readonly states: Readonly<Record<string, number>>;
  readonly failures: readonly { recordId: string; address: string | null; status: number | null; error: string | null }[];
  readonly done: boolean;
}

export async function mergeProgress(knex: Knex, id: string): Promise<MergeProgress | null> {
  const merge = (await knex('tessera.email_merges').where({ id }).first('id', 'total', 'created_by')) as { id: string; total: number } | undefined;
  if (!merge) return null;
  const skippedRows = (await knex('tessera.email_merge_recipients').where({ merge_id: id }).whereNotNull('skipped').groupBy('skipped').select('skipped').count({ n: '*' })) as { skipped: string; n: string }[];
  const stateRows = (await knex('tessera.email_merge_recipients as r')
    .join('tessera.outbox as o', function join() {
      this.on('o.idempotency_key', '=', 'r.outbox_key').andOn('o.channel', '=', knex.raw('?', ['email']));
    })
    .where('r.merge_id', id)
    .groupBy('o.state')
    .select('o.state')
    .count({ n: '*' })) as { state: string; n: string }[];
  const failures = (await knex('tessera.email_merge_recipients as r')
    .join('tessera.outbox as o', function join() {
      this.on('o.idempotency_key', '=', 'r.outbox_key').andOn('o.channel', '=', knex.raw('?', ['email']));
    })
    .where('r.merge_id', id)
    .where('o.state', 'failed')
    .orderBy('r.address')
    .limit(500)
    .select('r.record_id', 'r.address', 'o.last_status', 'o.last_error')) as { record_id: string; address: string | null; last_status: number | null; last_error: string | null }[];
  const states = Object.fromEntries(stateRows.map((r) => [r.state, Number(r.n)]));
  const skipped = Object.fromEntries(skippedRows.map((r) => [r.skipped, Number(r.n)]));
  const pending = (states.queued ?? 0) + (states.sending ?? 0);
  return { id, total: merge.total, skipped, states, failures: failures.map((f) => ({ recordId: f.record_id, address: f.address, status: f.last_status, error: f.last_error })), done: pending === 0 };
}

/** A merge by ids of the account and template, acting as `userId` (scripts, the bench): no unsubscribe URL. */
export async function queueMergeById(
  ctx: ConnectorContext,
  input: { accountId: string; templateId: string; userId: string; entity: string; ids: readonly string[]; language?: string },
): Promise<MergeQueued> {
  const account = await loadAccount(ctx, input.accountId);
  const template = await findTemplate(ctx, input.templateId, input.language ?? null);
  if (!account || !template) throw new Error('no such mail account or template');
  const consent = String((await ctx.settings()).config.consentField ?? 'marketing_consent');
  return queueMerge(ctx, {
    account,
    template,
    entity: input.entity,
    language: input.language ?? template.language,
    actor: await ctx.actAs(input.userId),
    ids: input.ids,
    requestKey: null,
    emailField: 'email',
    consentField: ctx.records.runtime.entity(input.entity).entity.fieldsByName.has(consent) ? consent : null,
    unsubscribeUrl: () => null,
  });
}
