// HTTP of the SMS connector. Callbacks (no sign-in, each verified): SMSAPI delivery reports and
// incoming messages carry our secret in the URL (SMSAPI signs nothing); Twilio's are checked
// against X-Twilio-Signature over the exact URL we gave it. Behind sign-in: sending from a record
// card, the accounts and templates for the compose dialog, and the state of sent messages.
import { smsTemplates } from '../message-templates.ts';
import { randomUUID } from 'node:crypto';
import express, { type Request, type Response, type Router } from 'express';
import { RECORD_JOB_MAX_IDS, type Actor, type ConnectorContext, type ConnectorRoutes } from '../../engine/connectors/index.ts';
import { type SmsAccount, type SmsConfig, chooseAccount } from './accounts.ts';
import { parseSmsapiCallback } from './http/smsapi.ts';
import { readTwilioStatus, twilioSignature } from './http/twilio.ts';
import { sameSecret } from './http/provider-http.ts';
import { receiveSms } from './incoming.ts';
import { messagesOfActivities } from './message-store.ts';
import { type SmsRequest, applyStatus, queueSms } from './outbound.ts';
import { callbackUrls } from './provider-pool.ts';
import { LIST_SEND_MAX, SmsListProblem, compileListText, queueSmsList, smsListJob, type SmsListJobParams } from './list-send.ts';

export const CALLBACK_PATH = '/api/connectors/sms/public';

interface ProblemItem {
  pointer: string;
  detail: string;
  code?: string;
}

function problem(res: Response, status: number, code: string, title: string, errors: ProblemItem[]): void {
  res.status(status).type('application/problem+json').send(JSON.stringify({ type: 'about:blank', title, status, code, errors }));
}

async function configOf(ctx: ConnectorContext): Promise<SmsConfig> {
  return (await ctx.settings()).config as SmsConfig;
}

export function callbackBase(config: SmsConfig): string | null {
  return config.publicUrl ? `${config.publicUrl.replace(/\/$/, '')}${CALLBACK_PATH}` : null;
}

function accountOf(config: SmsConfig, req: Request, kind: SmsAccount['kind']): SmsAccount | null {
  const account = (config.accounts ?? []).find((a) => a.id === req.params.account);
  return account && account.kind === kind && account.enabled !== false ? account : null;
}

function queryParams(req: Request): URLSearchParams {
  return new URLSearchParams(req.originalUrl.includes('?') ? req.originalUrl.slice(req.originalUrl.indexOf('?') + 1) : '');
}

export function publicRoutes(router: Router, ctx: ConnectorContext): void {
  const form = express.urlencoded({ extended: false, limit: '64kb' });

  // SMSAPI delivery reports: GET notify_url?MsgId=…&status=…&… (several reports comma-joined).
  const smsapiReport = async (req: Request, res: Response) => {
    const config = await configOf(ctx);
    const account = accountOf(config, req, 'smsapi');
    if (!account?.callbackSecret) return problem(res, 404, 'NOT_FOUND', 'no such SMSAPI account', [{ pointer: '/account', detail: 'unknown account' }]);
    const params = queryParams(req);
    if (req.body && typeof req.body === 'object') for (const [k, v] of Object.entries(req.body as Record<string, unknown>)) if (typeof v === 'string' && !params.has(k)) params.set(k, v);
    const parsed = parseSmsapiCallback(params, { secret: account.callbackSecret });
    if (!parsed.ok) return problem(res, parsed.status, parsed.code, parsed.status === 403 ? 'not from SMSAPI' : 'malformed report', [{ pointer: parsed.pointer, detail: parsed.status === 403 ? 'does not match' : 'missing or malformed', code: parsed.code }]);
    for (const update of parsed.updates) await applyStatus(ctx, 'smsapi', update);
    res.type('text/plain').send('OK');
  };
  router.get('/smsapi/:account', smsapiReport);
  router.post('/smsapi/:account', form, smsapiReport);

  // SMSAPI incoming messages: POST sms_from, sms_to, sms_text, sms_date, MsgId (+ our secret in the URL).
  router.post('/smsapi/:account/incoming', form, async (req, res) => {
    const config = await configOf(ctx);
    const account = accountOf(config, req, 'smsapi');
    if (!account?.callbackSecret) return problem(res, 404, 'NOT_FOUND', 'no such SMSAPI account', [{ pointer: '/account', detail: 'unknown account' }]);
    if (!sameSecret(queryParams(req).get('secret') ?? '', account.callbackSecret)) return problem(res, 403, 'sms.callback.forbidden', 'not from SMSAPI', [{ pointer: '/secret', detail: 'does not match', code: 'sms.callback.forbidden' }]);
    const body = (req.body ?? {}) as Record<string, string | undefined>;
    const missing = ['sms_from', 'sms_text', 'MsgId'].filter((k) => typeof body[k] !== 'string' || body[k] === '');
    if (missing.length) return problem(res, 400, 'sms.callback.malformed', 'malformed message', missing.map((k) => ({ pointer: `/${k}`, detail: 'is required', code: 'sms.callback.malformed' })));
    const seconds = Number(body.sms_date);
    await receiveSms(ctx, account.id, { from: body.sms_from!, to: body.sms_to ?? null, text: body.sms_text!, receivedAt: Number.isFinite(seconds) && seconds > 0 ? new Date(seconds * 1000).toISOString() : new Date().toISOString(), providerId: body.MsgId!, parts: 1 });
    res.type('text/plain').send('OK');
  });

  // Twilio: status callbacks and incoming messages, both form POSTs signed over the URL we gave.
  const twilioVerified = async (req: Request, res: Response, suffix: string): Promise<{ account: SmsAccount; params: URLSearchParams } | null> => {
    const config = await configOf(ctx);
    const account = accountOf(config, req, 'twilio');
    const url = account ? callbackUrls(callbackBase(config), account).twilio : null;
    if (!account?.authToken || !url) {
      problem(res, 404, 'NOT_FOUND', 'no such Twilio account', [{ pointer: '/account', detail: 'unknown account, or no public URL set' }]);
      return null;
    }
    const params = new URLSearchParams(Object.entries((req.body ?? {}) as Record<string, string>).filter(([, v]) => typeof v === 'string'));
    const signature = req.get('x-twilio-signature');
    const expected = twilioSignature(account.authToken, url + suffix, params.entries());
    if (!signature || !sameSecret(signature, expected)) {
      problem(res, 403, 'sms.callback.forbidden', 'not from Twilio', [{ pointer: '/X-Twilio-Signature', detail: 'does not match', code: 'sms.callback.forbidden' }]);
      return null;
    }
    return { account, params };
  };
  router.post('/twilio/:account', form, async (req, res) => {
    const verified = await twilioVerified(req, res, '');
    if (!verified) return;
    const parsed = readTwilioStatus(verified.params);
    if (!parsed.ok) return problem(res, parsed.status, parsed.code, 'malformed status callback', [{ pointer: parsed.pointer, detail: 'missing', code: parsed.code }]);
    for (const update of parsed.updates) await applyStatus(ctx, 'twilio', update);
    res.status(204).end();
  });
  router.post('/twilio/:account/incoming', form, async (req, res) => {
    const verified = await twilioVerified(req, res, '/incoming');
    if (!verified) return;
    const p = verified.params;
    const missing = ['From', 'Body', 'MessageSid'].filter((k) => !p.get(k) && !(k === 'MessageSid' && p.get('SmsSid')) && !(k === 'Body' && p.has('Body')));
    if (missing.length) return problem(res, 400, 'sms.callback.malformed', 'malformed message', missing.map((k) => ({ pointer: `/${k}`, detail: 'is required', code: 'sms.callback.malformed' })));
    await receiveSms(ctx, verified.account.id, { from: p.get('From')!, to: p.get('To'), text: p.get('Body') ?? '', receivedAt: new Date().toISOString(), providerId: (p.get('MessageSid') ?? p.get('SmsSid'))!, parts: Number(p.get('NumSegments') ?? 1) || 1 });
    // An empty TwiML answer: no auto-reply.
    res.type('text/xml').send('<?xml version="1.0" encoding="UTF-8"?><Response></Response>');
  });
}

type UserRoutesContext = Parameters<ConnectorRoutes>[1];

function actorOf(ctx: UserRoutesContext, res: Response): Actor | null {
  const access = ctx.access(res);
  const caller = (res.locals as { actor?: { userId?: string | null; via?: Actor['via'] } }).actor;
  return access && caller ? { userId: caller.userId ?? null, via: caller.via ?? 'ui', access } : null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

export function userRoutes(router: Router, ctx: UserRoutesContext): void {
  const json = express.json({ limit: '64kb' });

  // What the compose dialog offers: accounts (no secrets) and templates: the settings' own, then the
  // shared store's (e-mail templates with an SMS text, as far as the caller may read them) by code.
  router.get('/compose', async (_req, res) => {
    const config = await configOf(ctx);
    const accounts = (config.accounts ?? []).filter((a) => a.enabled !== false).map((a) => ({ id: a.id, label: a.label ?? a.id, kind: a.kind, usable: chooseAccount(config, a.id).ok }));
    const def = chooseAccount(config, null);
    const own = (config.templates ?? []).map((t) => ({ id: t.id, purpose: t.purpose ?? 'transactional', text: t.text }));
    const actor = actorOf(ctx, res);
    const stored = actor ? await smsTemplates(ctx, actor) : [];
    const shared = stored.filter((t) => !own.some((o) => o.id === t.code)).map((t) => ({ id: t.code, purpose: t.marketing ? 'marketing' : 'transactional', text: t.text }));
    res.json({ accounts, defaultAccount: def.ok ? def.account.id : null, templates: [...own, ...shared] });
  });

  router.post('/messages', json, async (req, res) => {
    const actor = actorOf(ctx, res);
    if (!actor) return problem(res, 401, 'UNAUTHENTICATED', 'sign in first', []);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const problems: ProblemItem[] = [];
    const record = body.record as { entity?: unknown; id?: unknown } | undefined;
    if (record !== undefined && (typeof record !== 'object' || record === null || typeof record.entity !== 'string' || typeof record.id !== 'string')) problems.push({ pointer: '/record', detail: 'must be {entity, id}' });
    for (const k of ['to', 'text', 'template', 'account', 'language', 'idempotencyKey'] as const) if (body[k] !== undefined && body[k] !== null && typeof body[k] !== 'string') problems.push({ pointer: `/${k}`, detail: 'must be a text' });
    if (body.purpose !== undefined && body.purpose !== 'transactional' && body.purpose !== 'marketing') problems.push({ pointer: '/purpose', detail: 'must be transactional or marketing' });
    if (!body.to && !record) problems.push({ pointer: '/to', detail: 'give a number or a record' });
    if (problems.length) return problem(res, 422, 'VALIDATION_FAILED', 'invalid SMS', problems);
    const request: SmsRequest = {
      to: str(body.to),
      record: record ? { entity: String(record.entity), id: String(record.id) } : null,
      text: str(body.text),
      template: str(body.template),
      values: (typeof body.values === 'object' && body.values !== null ? body.values : {}) as Record<string, unknown>,
      language: str(body.language),
      account: str(body.account),
      purpose: (body.purpose as SmsRequest['purpose']) ?? null,
      idempotencyKey: `ui:${str(body.idempotencyKey) ?? str(req.get('idempotency-key')) ?? randomUUID()}`,
      actor,
    };
    let result;
    try {
      result = await queueSms(ctx, request);
    } catch (error) {
      const status = (error as { status?: number; code?: string }).code === 'NOT_FOUND' ? 404 : (error as { code?: string }).code === 'FORBIDDEN' ? 403 : null;
      if (status) return problem(res, status, String((error as { code?: string }).code), (error as Error).message, [{ pointer: '/record', detail: (error as Error).message }]);
      throw error;
    }
    if (!result.ok) return problem(res, 422, result.problems[0]!.code, result.problems[0]!.detail, result.problems.map((p) => ({ pointer: p.pointer, detail: p.detail, code: p.code })));
    const m = result.message;
    res.status(result.created ? 201 : 200).json({ id: m.id, status: m.status, to: m.to_number, account: m.account, activityId: m.activity_id, purpose: m.purpose });
  });

  // Serial SMS to a list (ids or a list filter): one merged text per record, refusals per record.
  // More than LIST_SEND_MAX recipients: a background job (202 with `job`, its progress at /api/record-jobs/:id).
  router.post('/bulk', express.json({ limit: '5mb' }), async (req, res) => {
    const actor = actorOf(ctx, res);
    if (!actor) return problem(res, 401, 'UNAUTHENTICATED', 'sign in first', []);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const problems: ProblemItem[] = [];
    const entity = typeof body.entity === 'string' ? body.entity : '';
    if (!ctx.records.runtime.snapshot.entities.has(entity)) problems.push({ pointer: '/entity', detail: 'no such record type', code: 'UNKNOWN_ENTITY' });
    if (body.ids !== undefined && body.filter !== undefined) problems.push({ pointer: '/filter', detail: 'give ids or a filter, not both', code: 'sms.list.idsOrFilter' });
    else if (body.ids === undefined && body.filter === undefined) problems.push({ pointer: '/ids', detail: 'give ids or a filter', code: 'REQUIRED' });
    if (body.ids !== undefined) {
      if (!Array.isArray(body.ids) || body.ids.length === 0 || body.ids.length > RECORD_JOB_MAX_IDS) problems.push({ pointer: '/ids', detail: `a list of 1 to ${RECORD_JOB_MAX_IDS} record ids`, code: 'sms.list.tooMany' });
      else {
        const bad = body.ids.findIndex((v) => typeof v !== 'string' || !UUID.test(v));
        if (bad >= 0) problems.push({ pointer: `/ids/${bad}`, detail: 'not a record id', code: 'FORMAT' });
      }
    }
    if (typeof body.text !== 'string' || !body.text.trim()) problems.push({ pointer: '/text', detail: 'the message has no text', code: 'sms.text.empty' });
    else if (body.text.length > 1600) problems.push({ pointer: '/text', detail: 'at most 1600 characters', code: 'sms.text.tooLong' });
    if (body.account !== undefined && body.account !== null && typeof body.account !== 'string') problems.push({ pointer: '/account', detail: 'must be a text', code: 'FORMAT' });
    if (body.purpose !== undefined && body.purpose !== 'transactional' && body.purpose !== 'marketing') problems.push({ pointer: '/purpose', detail: 'must be transactional or marketing', code: 'FORMAT' });
    const key = str(body.idempotencyKey) ?? str(req.get('idempotency-key'));
    if (!key || key.length > 200) problems.push({ pointer: '/idempotencyKey', detail: 'a key of 1 to 200 characters, the same when the request is repeated', code: 'REQUIRED' });
    if (problems.length === 0 && typeof body.account === 'string') {
      const choice = chooseAccount(await configOf(ctx), body.account);
      if (!choice.ok) problems.push({ pointer: '/account', detail: choice.detail, code: choice.code });
    }
    if (problems.length === 0 && body.filter !== undefined) {
      try {
        ctx.records.checkListQuery({ actor }, entity, { filter: body.filter });
      } catch (error) {
        const list = (error as { code?: string; problems?: readonly { pointer: string; detail: string }[] }).problems;
        if ((error as { code?: string }).code !== 'BAD_QUERY' || !list) throw error;
        problems.push(...list.map((p) => ({ pointer: p.pointer.replace(/^\/query\/filter/, '/filter'), detail: p.detail, code: 'BAD_QUERY' })));
      }
    }
    if (problems.length) return problem(res, 422, problems[0]!.code ?? 'VALIDATION_FAILED', 'invalid serial SMS', problems);
    try {
      const large = body.ids !== undefined ? (body.ids as string[]).length > LIST_SEND_MAX : ((await ctx.records.list({ actor }, entity, { filter: body.filter, count: true, limit: 1, fields: ['id'] })).count ?? 0) > LIST_SEND_MAX;
      if (large) {
        compileListText(ctx, entity, body.text as string);
        const params: SmsListJobParams = { text: body.text as string, account: str(body.account), purpose: body.purpose === 'marketing' ? 'marketing' : 'transactional', idempotencyKey: key! };
        const job = await ctx.submitRecordJob(actor, { kind: smsListJob.name, entity, selection: body.ids !== undefined ? { ids: body.ids as string[] } : { filter: body.filter }, params: { ...params } });
        return res.status(202).json({ job });
      }
      const result = await queueSmsList(ctx, {
        entity,
        ...(body.ids !== undefined ? { ids: body.ids as string[] } : { filter: body.filter }),
        text: body.text as string,
        account: str(body.account),
        purpose: body.purpose === 'marketing' ? 'marketing' : 'transactional',
        idempotencyKey: key!,
        actor,
      });
      res.status(202).json(result);
    } catch (error) {
      if (error instanceof SmsListProblem) return problem(res, 422, error.code, error.message, [{ pointer: error.pointer, detail: error.message, code: error.code }]);
      const code = (error as { code?: string }).code;
      if (code === 'FORBIDDEN') return problem(res, 403, code, (error as Error).message, [{ pointer: '/entity', detail: (error as Error).message }]);
      throw error;
    }
  });

  // Delivery state of the SMS shown by activities (the timeline asks for the ones it shows).
  router.get('/messages', async (req, res) => {
    const actor = actorOf(ctx, res);
    if (!actor) return problem(res, 401, 'UNAUTHENTICATED', 'sign in first', []);
    const ids = String(req.query.activity ?? '').split(',').filter((s) => /^[0-9a-f-]{36}$/i.test(s)).slice(0, 200);
    if (ids.length === 0) return problem(res, 400, 'BAD_QUERY', 'name activities', [{ pointer: '/query/activity', detail: 'comma-separated activity ids' }]);
    // Only activities the user may read.
    const readable = await ctx.records.list({ actor }, 'activity', { filter: { id: { in: ids } }, limit: ids.length, fields: ['id'] });
    const rows = await messagesOfActivities(ctx.knex, readable.data.map((r) => String(r.id)));
    res.json({ data: rows.map((m) => ({ id: m.id, activityId: m.activity_id, status: m.status, to: m.to_number, parts: m.parts, account: m.account, errorCode: m.error_code, sentAt: m.sent_at?.toISOString() ?? null, deliveredAt: m.delivered_at?.toISOString() ?? null })) });
  });
}
