// The connector's HTTP routes, under /api/connectors/email/ (signed in; every read and write goes
// through the records service with the caller's rights), and the public unsubscribe link under
// /api/connectors/email/public/. Bad input is a problem+json with the pointer of each bad value.
import { randomBytes } from 'node:crypto';
import type { Response, Router } from 'express';
import type { Knex } from 'knex';
import { TesseraError, type Actor, type ConnectorContext, type ConnectorRoutes, type JsonObject, type JsonValue, type Problem } from '../../engine/connectors/index.ts';
import { loadAccount, type MailAccount } from './accounts.ts';
import { mergeProgress, queueMerge, unsubscribeAddress, unsubscribeToken } from './mail-merge.ts';
import { ACCOUNT_ENTITY } from './metadata.ts';
import { RECORDS_FROM_MAIL, recordFromMail } from './mail-to-record.ts';
import { queueMail } from './outbound.ts';
import { recordFiles, setUserSignature, SIGNATURE_MAX, userSignature } from './record-files.ts';
import { addressList } from './send-task.ts';
import { TemplateProblem } from './template-render.ts';
import { checkTemplate, findTemplate, renderFor, templateData, type MailTemplate } from './templates.ts';

type RouteContext = Parameters<ConnectorRoutes>[1];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const invalid = (problems: Problem[]) => new TesseraError('VALIDATION_FAILED', problems.map((p) => `${p.pointer}: ${p.detail}`).join('; '), { problems });

function actorOf(ctx: RouteContext, res: Response): Actor {
  const access = ctx.access(res);
  if (!access?.subject) throw new TesseraError('UNAUTHENTICATED', 'sign in or send an API token');
  return { userId: access.subject.userId, via: 'ui', access };
}

const body = (value: unknown): JsonObject => (value && typeof value === 'object' && !Array.isArray(value) ? (value as JsonObject) : {});

/** The account if the caller may send from it: the owner of a personal account, a reader of a shared one (admins: any). */
export async function usableAccount(ctx: ConnectorContext, actor: Actor, id: JsonValue | undefined, pointer: string): Promise<MailAccount> {
  if (typeof id !== 'string' || !UUID.test(id)) throw invalid([{ pointer, detail: 'give the mail account', code: 'REQUIRED' }]);
  const account = await loadAccount(ctx, id);
  if (!account) throw invalid([{ pointer, detail: `no mail account ${id}`, code: 'REFERENCE_NOT_FOUND' }]);
  if (mayUse(account, actor) || (account.shared && (await ctx.records.get({ actor }, ACCOUNT_ENTITY, id).catch(() => null)))) return account;
  throw new TesseraError('FORBIDDEN', `you may not send from the mail account ${account.name}`);
}

const mayUse = (account: MailAccount, actor: Actor) => actor.access?.subject?.admin === true || (!account.shared && account.actingUserId === actor.userId);

export function addresses(value: JsonValue | undefined, pointer: string, problems: Problem[]) {
  try {
    return addressList(value, pointer);
  } catch (error) {
    problems.push({ pointer, detail: (error as Error).message, code: 'EMAIL_ADDRESS' });
    return [];
  }
}

function templateProblem(error: unknown, pointer: string): never {
  if (error instanceof TemplateProblem) throw invalid([{ pointer, detail: error.message, code: error.code, params: { placeholder: error.placeholder, offset: error.offset } }]);
  throw error;
}

/** The key of unsubscribe links; made (and kept as a secret of the settings) on first use. */
async function unsubscribeKey(ctx: ConnectorContext): Promise<string> {
  const current = (await ctx.settings()).config.unsubscribeKey;
  if (typeof current === 'string' && current.length >= 16) return current;
  const key = randomBytes(32).toString('base64url');
  await ctx.updateConfig((config) => ({ ...config, unsubscribeKey: key }), 'unsubscribe link key created');
  return key;
}

function isDraft(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A template as typed in the editor: subject and bodies (strings), never stored. */
function draftTemplate(draft: JsonObject): MailTemplate {
  const textOf = (v: unknown) => (typeof v === 'string' && v !== '' ? v : null);
  return { id: 'draft', code: 'draft', language: 'pl', subject: typeof draft.subject === 'string' ? draft.subject : '', bodyHtml: textOf(draft.body_html), bodyText: textOf(draft.body_text), smsText: textOf(draft.body_sms), marketing: false };
}

export const emailRoutes: ConnectorRoutes = (router, ctx) => {
  // The accounts the caller may send from (the compose dialog's choice).
  router.get('/accounts', async (_req, res) => {
    const actor = actorOf(ctx, res);
    const usable: { id: string; name: string; address: string; shared: boolean }[] = [];
    let after: string | undefined;
    do {
      const page = await ctx.records.list({ actor: { userId: null, via: 'system' } }, ACCOUNT_ENTITY, { limit: 100, ...(after ? { after } : {}) });
      for (const record of page.data) {
        const id = String(record.id);
        const shared = record.account_type === 'shared';
        const owner = (shared ? record.run_as : record.owner_user) ?? null;
        const mine = actor.access?.subject?.admin === true || (!shared && owner === actor.userId);
        if (mine || (shared && (await ctx.records.get({ actor }, ACCOUNT_ENTITY, id).catch(() => null)))) usable.push({ id, name: String(record.name), address: String(record.address), shared });
      }
      after = page.next;
    } while (after);
    res.json({ data: usable });
  });

  // Compose: a new message, a reply (replyTo: the e-mail activity answered), linked to records.
  router.post('/send', async (req, res) => {
    const actor = actorOf(ctx, res);
    const input = body(req.body);
    const problems: Problem[] = [];
    const account = await usableAccount(ctx, actor, input.account, '/account');
    const to = addresses(input.to, '/to', problems);
    const cc = addresses(input.cc, '/cc', problems);
    const bcc = addresses(input.bcc, '/bcc', problems);
    if (to.length === 0 && !problems.some((p) => p.pointer === '/to')) problems.push({ pointer: '/to', detail: 'give at least one recipient', code: 'REQUIRED' });
    const subject = typeof input.subject === 'string' ? input.subject.trim() : '';
    if (!subject) problems.push({ pointer: '/subject', detail: 'give a subject', code: 'REQUIRED' });
    else if (subject.length > 300) problems.push({ pointer: '/subject', detail: 'at most 300 characters', code: 'MAXLENGTH', params: { limit: 300 } });
    const text = typeof input.text === 'string' ? input.text : '';
    const html = typeof input.html === 'string' && input.html ? input.html : null;
    // Links and the replied message must be records the sender can read.
    const links: Record<string, string> = {};
    const activityFields = ctx.records.runtime.entity('activity').entity.fieldsByName;
    for (const [entity, id] of Object.entries(body(input.links))) {
      const pointer = `/links/${entity}`;
      if (!activityFields.has(entity) || typeof id !== 'string' || !UUID.test(id) || !(await ctx.records.get({ actor }, entity, id).catch(() => null))) {
        problems.push({ pointer, detail: 'not a record you can read that e-mail links to', code: 'REFERENCE_NOT_FOUND' });
      } else links[entity] = id;
    }
    const replyTo = typeof input.replyTo === 'string' && input.replyTo ? input.replyTo : null;
    if (replyTo && (!UUID.test(replyTo) || !(await ctx.records.get({ actor }, 'activity', replyTo).catch(() => null)))) problems.push({ pointer: '/replyTo', detail: 'not an e-mail you can read', code: 'REFERENCE_NOT_FOUND' });
    const attachments = Array.isArray(input.attachments) ? input.attachments : [];
    // Besides their own uploads, the files of the records the message is linked to (or answers).
    let offered: Set<string> | null = null;
    for (const [i, file] of attachments.entries()) {
      const own = typeof file === 'string' && UUID.test(file) ? await ctx.knex('tessera.files').where({ id: file, created_by: actor.userId }).first('id') : undefined;
      if (own) continue;
      offered ??= new Set((await Promise.all([...Object.entries(links), ...(replyTo ? [['activity', replyTo] as const] : [])].map(([e, id]) => recordFiles(ctx, actor, e, id)))).flat().map((f) => f.id));
      if (typeof file !== 'string' || !offered.has(file)) problems.push({ pointer: `/attachments/${i}`, detail: 'not a file you uploaded or one of the record’s files', code: 'REFERENCE_NOT_FOUND' });
    }
    if (problems.length) throw invalid(problems);
    const key = typeof input.idempotencyKey === 'string' && input.idempotencyKey ? `compose:${actor.userId}:${input.idempotencyKey.slice(0, 200)}` : `compose:${randomBytes(12).toString('hex')}`;
    const signature = await userSignature(ctx.knex, actor.userId);
    const queued = await queueMail(ctx, null, { account: account.id, userId: actor.userId, to, cc, bcc, subject, html, text, replyTo, links, attachments: attachments as string[], ...(signature ? { signature } : {}) }, key);
    res.status(202).json({ queued, idempotencyKey: key });
  });

  // The files the compose dialog offers for a record (read with the caller's rights).
  router.get('/record-files', async (req, res) => {
    const actor = actorOf(ctx, res);
    const entity = typeof req.query.entity === 'string' ? req.query.entity : '';
    const id = typeof req.query.id === 'string' ? req.query.id : '';
    if (!ctx.records.runtime.snapshot.entities.has(entity)) throw invalid([{ pointer: '/entity', detail: 'no such record type', code: 'UNKNOWN_ENTITY' }]);
    if (!UUID.test(id)) throw invalid([{ pointer: '/id', detail: 'not a record id', code: 'FORMAT' }]);
    res.json({ data: await recordFiles(ctx, actor, entity, id) });
  });

  // The caller's own signature, appended to what they send (instead of the account's).
  router.get('/signature', async (_req, res) => {
    const actor = actorOf(ctx, res);
    res.json({ signature: (await userSignature(ctx.knex, actor.userId)) ?? '' });
  });
  router.put('/signature', async (req, res) => {
    const actor = actorOf(ctx, res);
    const input = body(req.body);
    if (typeof input.signature !== 'string') throw invalid([{ pointer: '/signature', detail: 'give the signature text', code: 'REQUIRED' }]);
    if (input.signature.length > SIGNATURE_MAX) throw invalid([{ pointer: '/signature', detail: `at most ${SIGNATURE_MAX} characters`, code: 'MAXLENGTH', params: { limit: SIGNATURE_MAX } }]);
    if (!actor.userId) throw new TesseraError('FORBIDDEN', 'only a user has a signature');
    await setUserSignature(ctx.knex, actor.userId, input.signature);
    res.json({ signature: input.signature.trim() ? input.signature : '' });
  });

  // Template preview with a real record, read with the caller's rights.
  router.post('/templates/preview', async (req, res) => {
    const actor = actorOf(ctx, res);
    const input = body(req.body);
    // The template editor previews what is typed (`draft`), not yet saved; the merge wizard a saved one.
    const template = isDraft(input.draft)
      ? draftTemplate(input.draft)
      : typeof input.template === 'string'
        ? await findTemplate(ctx, input.template, typeof input.language === 'string' ? input.language : null)
        : null;
    if (!template) throw invalid([{ pointer: '/template', detail: 'no such template', code: 'REFERENCE_NOT_FOUND' }]);
    if (typeof input.entity !== 'string' || typeof input.id !== 'string' || !UUID.test(input.id)) throw invalid([{ pointer: '/id', detail: 'give the record (entity, id)', code: 'REQUIRED' }]);
    const data = await templateData(ctx, actor, input.entity, input.id);
    try {
      res.json(renderFor(template, { ...data, unsubscribe_url: '' }));
    } catch (error) {
      templateProblem(error, isDraft(input.draft) ? '/draft' : '/template');
    }
  });

  // The "to file" queue: stored mail no record matched, newest first, as far as the caller may read it.
  router.get('/to-file', async (req, res) => {
    const actor = actorOf(ctx, res);
    const query = ctx.knex('tessera.email_messages').where({ filing: 'to_file' }).orderBy('created_at', 'desc').limit(200).select('activity_id', 'account');
    if (typeof req.query.account === 'string' && UUID.test(req.query.account)) query.where({ account: req.query.account });
    const rows = (await query) as { activity_id: string; account: string }[];
    if (rows.length === 0) return void res.json({ data: [] });
    const { data } = await ctx.records.list({ actor }, 'activity', { filter: { id: { in: rows.map((r) => r.activity_id) } }, limit: 200, fields: ['id', 'subject', 'from_address', 'to_addresses', 'start_at', 'direction'] });
    const accountOf = new Map(rows.map((r) => [r.activity_id, r.account]));
    res.json({ data: data.map((a) => ({ ...a, account: accountOf.get(String(a.id)) ?? null })) });
  });

  // File a message on a record: the activity gets the link (with the caller's rights, audited), the thread follows.
  const fileOn = async (res: Response, id: string, input: JsonObject, then?: (trx: Knex.Transaction, actor: Actor, mail: JsonObject, entity: string, target: string) => Promise<JsonObject>) => {
    const actor = actorOf(ctx, res);
    const entity = typeof input.entity === 'string' ? input.entity : '';
    const target = typeof input.id === 'string' ? input.id : '';
    if (!ctx.records.runtime.entity('activity').entity.fieldsByName.has(entity)) throw invalid([{ pointer: '/entity', detail: 'e-mail cannot be linked to that', code: 'ENUM' }]);
    if (!UUID.test(target) || !(await ctx.records.get({ actor }, entity, target).catch(() => null))) throw invalid([{ pointer: '/id', detail: 'not a record you can read', code: 'REFERENCE_NOT_FOUND' }]);
    const message = (await ctx.knex('tessera.email_messages').where({ activity_id: UUID.test(id) ? id : null }).first('thread_id')) as { thread_id: string } | undefined;
    const mail = message ? await ctx.records.get({ actor }, 'activity', id).catch(() => null) : null;
    if (!message || !mail) throw new TesseraError('NOT_FOUND', `no stored e-mail ${id}`);
    const threadIds = ((await ctx.knex('tessera.email_messages').where({ thread_id: message.thread_id, filing: 'to_file' }).select('activity_id')) as { activity_id: string }[]).map((r) => r.activity_id);
    const ids = [...new Set([id, ...threadIds])];
    return ctx.knex.transaction(async (trx) => {
      for (const activityId of ids) {
        const current = await ctx.records.get({ actor, trx }, 'activity', activityId).catch(() => null);
        if (!current) continue;
        await ctx.records.update({ actor, trx }, 'activity', activityId, { [entity]: target }, { expectedVersion: Number(current.version) });
        await trx('tessera.email_messages').where({ activity_id: activityId }).update({ filing: 'linked' });
      }
      return { linked: ids.length, ...(then ? await then(trx, actor, mail as JsonObject, entity, target) : {}) };
    });
  };

  router.post('/to-file/:id/link', async (req, res) => {
    res.json(await fileOn(res, String(req.params.id), body(req.body)));
  });

  // Sente style: file the message on a record and make a task of it there (the e-mail, with its
  // attachments, is the task's parent).
  router.post('/to-file/:id/task', async (req, res) => {
    const input = body(req.body);
    const subject = typeof input.subject === 'string' && input.subject.trim() ? input.subject.trim() : null;
    const result = await fileOn(res, String(req.params.id), input, async (trx, actor, mail, entity, target) => {
      const task = await ctx.records.create({ actor, trx }, 'activity', {
        kind: 'task',
        subject: (subject ?? String(mail.subject ?? '')).slice(0, 300) || '—',
        description: `${String(mail.from_address ?? '')}\n\n${String(mail.description ?? '')}`.trim().slice(0, 100_000),
        parent: String(mail.id),
        [entity]: target,
        ...(actor.userId ? { assignee: actor.userId } : {}),
      });
      return { task: String(task.id) };
    });
    res.status(201).json(result);
  });

  // A new lead or contractor from the message (values from the sender, the caller's win), created
  // with the caller's rights; the thread is then filed on it. A failed filing removes it again.
  router.post('/to-file/:id/create', async (req, res) => {
    const actor = actorOf(ctx, res);
    const input = body(req.body);
    const id = String(req.params.id);
    const kind = RECORDS_FROM_MAIL.find((k) => k === input.entity);
    if (!kind || !ctx.records.runtime.snapshot.entities.has(kind)) throw invalid([{ pointer: '/entity', detail: `one of ${RECORDS_FROM_MAIL.join(', ')}`, code: 'ENUM' }]);
    const mail = UUID.test(id) && (await ctx.knex('tessera.email_messages').where({ activity_id: id }).first('activity_id')) ? await ctx.records.get({ actor }, 'activity', id).catch(() => null) : null;
    if (!mail) throw new TesseraError('NOT_FOUND', `no stored e-mail ${id}`);
    const values = recordFromMail(kind, ctx.records.runtime.entity(kind).entity, { from: String(mail.from_address ?? ''), subject: String(mail.subject ?? '') }, body(input.values));
    const record = await ctx.records.create({ actor }, kind, values);
    try {
      const result = await fileOn(res, id, { entity: kind, id: String(record.id) });
      res.status(201).json({ ...result, entity: kind, id: String(record.id) });
    } catch (error) {
      await ctx.records.remove({ actor }, kind, String(record.id)).catch(() => undefined);
      throw error;
    }
  });

  router.post('/to-file/:id/dismiss', async (req, res) => {
    const actor = actorOf(ctx, res);
    const id = String(req.params.id);
    if (!UUID.test(id) || !(await ctx.records.get({ actor }, 'activity', id).catch(() => null))) throw new TesseraError('NOT_FOUND', `no stored e-mail ${id}`);
    await ctx.knex('tessera.email_messages').where({ activity_id: id }).update({ filing: 'dismissed' });
    res.status(204).end();
  });

  // Attachments of a stored e-mail: listed and served only to readers of its activity.
  router.get('/messages/:id/attachments', async (req, res) => {
    const actor = actorOf(ctx, res);
    const id = String(req.params.id);
    if (!UUID.test(id) || !(await ctx.records.get({ actor }, 'activity', id).catch(() => null))) throw new TesseraError('NOT_FOUND', `no e-mail ${id}`);
    const rows = (await ctx.knex('tessera.email_attachments as a').join('tessera.files as f', 'f.id', 'a.file_id').where('a.activity_id', id).orderBy('a.position').select('a.position', 'a.content_id', 'a.inline', 'f.name', 'f.media_type', 'f.size')) as {
      position: number;
      content_id: string | null;
      inline: boolean;
      name: string;
      media_type: string;
      size: number;
    }[];
    res.json({ data: rows.map((r) => ({ position: r.position, name: r.name, mediaType: r.media_type, size: r.size, contentId: r.content_id, inline: r.inline })) });
  });

  router.get('/messages/:id/attachments/:position', async (req, res) => {
    const actor = actorOf(ctx, res);
    const id = String(req.params.id);
    if (!UUID.test(id) || !(await ctx.records.get({ actor }, 'activity', id).catch(() => null))) throw new TesseraError('NOT_FOUND', `no e-mail ${id}`);
    const row = (await ctx.knex('tessera.email_attachments as a')
      .join('tessera.files as f', 'f.id', 'a.file_id')
      .where({ 'a.activity_id': id, 'a.position': Number(req.params.position) || 0 })
      .first('f.name', 'f.media_type', 'f.content')) as { name: string; media_type: string; content: Buffer } | undefined;
    if (!row) throw new TesseraError('NOT_FOUND', `no attachment ${String(req.params.position)}`);
    res
      .set({
        'Content-Type': row.media_type,
        'Content-Disposition': `attachment; filename*=UTF-8''${encodeURIComponent(row.name)}`,
        'X-Content-Type-Options': 'nosniff',
        'Content-Security-Policy': "sandbox; default-src 'none'",
      })
      .send(row.content);
  });

  // Serial correspondence: queue a template for a list (ids) or a filter of records.
  router.post('/merges', async (req, res) => {
    const actor = actorOf(ctx, res);
    const input = body(req.body);
    const account = await usableAccount(ctx, actor, input.account, '/account');
    const language = typeof input.language === 'string' ? input.language : 'pl';
    const template = typeof input.template === 'string' ? await findTemplate(ctx, input.template, language) : null;
    if (!template) throw invalid([{ pointer: '/template', detail: 'no such template', code: 'REFERENCE_NOT_FOUND' }]);
    const entity = typeof input.entity === 'string' ? input.entity : '';
    if (!ctx.records.runtime.snapshot.entities.has(entity)) throw invalid([{ pointer: '/entity', detail: 'no such record type', code: 'UNKNOWN_ENTITY' }]);
    const model = ctx.records.runtime.entity(entity).entity;
    const settings = (await ctx.settings()).config;
    const emailField = typeof input.emailField === 'string' ? input.emailField : 'email';
    if (!model.fieldsByName.has(emailField)) throw invalid([{ pointer: '/emailField', detail: `${entity} has no field ${emailField}`, code: 'UNKNOWN_FIELD' }]);
    const consentName = typeof settings.consentField === 'string' ? settings.consentField : 'marketing_consent';
    // A marketing template needs a consent field on the recipients' type: without one nobody consented.
    if (template.marketing && !model.fieldsByName.has(consentName)) throw invalid([{ pointer: '/template', detail: `a marketing template needs ${entity}.${consentName}`, code: 'EMAIL_NO_CONSENT_FIELD' }]);
    let ids: string[] | undefined;
    if (input.ids !== undefined) {
      if (!Array.isArray(input.ids) || input.ids.length > 50_000) throw invalid([{ pointer: '/ids', detail: 'a list of at most 50,000 record ids', code: 'MAXITEMS' }]);
      const bad = input.ids.findIndex((v) => typeof v !== 'string' || !UUID.test(v));
      if (bad >= 0) throw invalid([{ pointer: `/ids/${bad}`, detail: 'not a record id', code: 'FORMAT' }]);
      ids = input.ids as string[];
    }
    try {
      ctx.records.checkListQuery({ actor }, entity, { filter: input.filter });
      // Check the template once up front so a syntax error is one problem, not a skipped recipient each.
      checkTemplate(template);
    } catch (error) {
      templateProblem(error, '/template');
    }
    const key = await unsubscribeKey(ctx);
    const base = typeof settings.publicUrl === 'string' ? settings.publicUrl.replace(/\/$/, '') : null;
    const result = await queueMerge(ctx, {
      account,
      template,
      entity,
      language,
      actor,
      ...(ids ? { ids } : { filter: input.filter }),
      requestKey: typeof input.idempotencyKey === 'string' && input.idempotencyKey ? `${actor.userId}:${input.idempotencyKey.slice(0, 200)}` : null,
      emailField,
      consentField: model.fieldsByName.has(consentName) ? consentName : null,
      unsubscribeUrl: (address) => (base ? `${base}/api/connectors/email/public/unsubscribe?t=${unsubscribeToken(key, address)}` : null),
    });
    res.status(result.repeated ? 200 : 202).json(result);
  });

  router.get('/merges/:id', async (req, res) => {
    const actor = actorOf(ctx, res);
    const id = String(req.params.id);
    const merge = UUID.test(id) ? ((await ctx.knex('tessera.email_merges').where({ id }).first('created_by')) as { created_by: string | null } | undefined) : undefined;
    if (!merge || (merge.created_by !== actor.userId && actor.access?.subject?.admin !== true)) throw new TesseraError('NOT_FOUND', `no mail merge ${id}`);
    res.json(await mergeProgress(ctx.knex, id));
  });
};

/** Unsubscribe links (GET shows a page, POST is RFC 8058 one-click): the address stops getting serial mail. */
export const emailPublicRoutes = (router: Router, ctx: ConnectorContext): void => {
  const unsubscribe = async (token: unknown, res: Response, page: boolean) => {
    const key = (await ctx.settings()).config.unsubscribeKey;
    const address = typeof token === 'string' && typeof key === 'string' ? unsubscribeAddress(key, token) : null;
    if (!address) throw new TesseraError('NOT_FOUND', 'this unsubscribe link is not valid');
    await ctx.knex('tessera.email_unsubscribed').insert({ address }).onConflict('address').ignore();
    if (page) res.type('html').send(`<!doctype html><meta charset="utf-8"><title>Wypisano / Unsubscribed</title><p>Adres został wypisany z korespondencji seryjnej. / The address was unsubscribed from serial mail.</p>`);
    else res.status(204).end();
  };
  router.get('/unsubscribe', async (req, res) => unsubscribe(req.query.t, res, true));
  router.post('/unsubscribe', async (req, res) => unsubscribe(req.query.t, res, false));
};
