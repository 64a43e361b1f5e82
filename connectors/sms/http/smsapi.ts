// SMSAPI.pl: `POST <base>/sms.do` with a bearer token, form fields, `format=json`; answers
// `{count, list:[{id, points, number, status, idx, parts}]}` or `{error, message}`. Delivery
// reports come as a GET to `notify_url` whose parameters may each hold several comma-separated
// reports; SMSAPI signs nothing, so the URL carries a secret of ours that we check.
import { type SmsErrorReason, type SmsError, smsError } from '../errors.ts';
import type { OutgoingSms, SendResult, SmsProvider, SmsStatus, StatusUpdate } from '../provider.ts';
import { postForm, sameSecret } from './provider-http.ts';

export interface SmsapiOptions {
  token: string;
  /** https://api.smsapi.pl (the default), https://api.smsapi.com, or a test server. */
  baseUrl?: string;
  /** Registered sender name (≤ 11 characters); omitted: the account's default. */
  from?: string;
  /** Delivery-report URL, including our secret (see `smsapiNotifyUrl`). */
  notifyUrl?: string;
  /** Refuse messages longer than this many parts (SMSAPI `max_parts`, 1–10). */
  maxParts?: number;
  timeoutMs?: number;
}

// SMSAPI error codes (its documentation, "Kody błędów").
const ERRORS: Record<number, [SmsErrorReason, boolean]> = {
  8: ['providerRejected', false],
  11: ['providerRejected', false],
  12: ['providerRejected', false],
  13: ['invalidNumber', false],
  14: ['providerRejected', false],
  18: ['providerRejected', false],
  20: ['providerRejected', false],
  53: ['duplicate', false],
  57: ['optedOut', false],
  101: ['authentication', false],
  102: ['authentication', false],
  103: ['insufficientFunds', false],
  105: ['authentication', false],
  201: ['providerUnavailable', true],
  202: ['rateLimited', true],
  203: ['rateLimited', true],
  999: ['providerUnavailable', true],
};

export function smsapiError(code: number, message?: string): SmsError {
  const [reason, retry] = ERRORS[code] ?? ['providerRejected', false];
  return smsError(reason, retry, 'smsapi', code, message);
}

const STATUS_BY_NAME: Record<string, SmsStatus> = {
  QUEUE: 'queued',
  ACCEPTED: 'queued',
  RENEWAL: 'queued',
  SENT: 'sent',
  UNKNOWN: 'sent',
  DELIVERED: 'delivered',
  UNDELIVERED: 'failed',
  FAILED: 'failed',
  REJECTED: 'failed',
  NOT_FOUND: 'failed',
  STOP: 'failed',
  EXPIRED: 'expired',
};

// The numeric codes of the delivery callback's `status`.
const NAME_BY_CODE: Record<number, string> = { 401: 'NOT_FOUND', 402: 'EXPIRED', 403: 'SENT', 404: 'DELIVERED', 405: 'UNDELIVERED', 406: 'FAILED', 407: 'REJECTED', 408: 'UNKNOWN', 409: 'QUEUE', 410: 'ACCEPTED', 411: 'RENEWAL', 412: 'STOP' };

export function smsapiStatus(nameOrCode: string): SmsStatus {
  const name = /^\d+$/.test(nameOrCode) ? (NAME_BY_CODE[Number(nameOrCode)] ?? 'UNKNOWN') : nameOrCode.toUpperCase();
  return STATUS_BY_NAME[name] ?? 'sent';
}

interface SmsapiListItem {
  id: string;
  points?: number;
  number?: string;
  status?: string;
  idx?: string | null;
  parts?: number;
  error?: string | number | null;
}

export class SmsapiProvider implements SmsProvider {
  readonly kind = 'smsapi' as const;
  private readonly options: SmsapiOptions;
  constructor(options: SmsapiOptions) {
    this.options = options;
  }

  async send(message: OutgoingSms): Promise<SendResult> {
    const o = this.options;
    const form: Record<string, string> = {
      to: message.to.replace(/^\+/, ''),
      message: message.text,
      format: 'json',
      encoding: 'utf-8',
      details: '1',
      // With check_idx SMSAPI refuses a second message with the same idx (error 53): a retry
      // after a lost answer cannot send twice.
      idx: message.messageId,
      check_idx: '1',
    };
    const from = message.from ?? o.from;
    if (from) form.from = from;
    if (o.notifyUrl) form.notify_url = o.notifyUrl;
    if (o.maxParts) form.max_parts = String(o.maxParts);
    const answer = await postForm(`${(o.baseUrl ?? 'https://api.smsapi.pl').replace(/\/$/, '')}/sms.do`, form, { authorization: `Bearer ${o.token}` }, o.timeoutMs ?? 15_000, 'smsapi');
    const body = answer.body as { error?: number; message?: string; count?: number; list?: SmsapiListItem[] } | null;
    if (body && typeof body === 'object' && typeof body.error === 'number') throw smsapiError(body.error, body.message);
    if (answer.status === 401 || answer.status === 403) throw smsError('authentication', false, 'smsapi', answer.status);
    const item = body?.list?.[0];
    if (!item?.id) throw smsError('providerRejected', false, 'smsapi', answer.status, 'no message id in the answer');
    return { providerId: item.id, parts: item.parts ?? 1, partIds: [item.id], status: smsapiStatus(item.status ?? 'QUEUE') };
  }
}

/** The notify_url to register: the connector route plus a secret only we and SMSAPI know. */
export function smsapiNotifyUrl(routeUrl: string, secret: string): string {
  const url = new URL(routeUrl);
  url.searchParams.set('secret', secret);
  return url.toString();
}

export type CallbackResult = { ok: true; updates: StatusUpdate[] } | { ok: false; status: 400 | 403; code: 'sms.callback.forbidden' | 'sms.callback.malformed'; pointer: string };

/** Checks and reads an SMSAPI delivery callback (its query parameters). Answer the request with
 * plain `OK` when `ok`, or SMSAPI retries it. */
export function parseSmsapiCallback(params: URLSearchParams, expected: { secret: string; username?: string }): CallbackResult {
  if (!sameSecret(params.get('secret') ?? '', expected.secret)) return { ok: false, status: 403, code: 'sms.callback.forbidden', pointer: '/secret' };
  if (expected.username && params.get('username') !== expected.username) return { ok: false, status: 403, code: 'sms.callback.forbidden', pointer: '/username' };
  const list = (name: string): string[] => (params.get(name) ?? '').split(',').filter((v, i, all) => v !== '' || all.length > 1);
  const ids = list('MsgId');
  const statuses = list('status');
  if (ids.length === 0 || ids.some((id) => !id)) return { ok: false, status: 400, code: 'sms.callback.malformed', pointer: '/MsgId' };
  if (statuses.length !== ids.length) return { ok: false, status: 400, code: 'sms.callback.malformed', pointer: '/status' };
  const names = list('status_name');
  const done = list('donedate');
  const updates = ids.map((id, i): StatusUpdate => {
    const raw = names[i] || statuses[i]!;
    const status = smsapiStatus(raw);
    const seconds = Number(done[i]);
    const name = /^\d+$/.test(raw) ? (NAME_BY_CODE[Number(raw)] ?? raw) : raw.toUpperCase();
    return {
      providerId: id,
      status,
      at: Number.isFinite(seconds) && seconds > 0 ? new Date(seconds * 1000).toISOString() : new Date().toISOString(),
      providerStatus: name,
      error: status === 'failed' || status === 'expired' ? smsError(name === 'STOP' ? 'optedOut' : status === 'expired' ? 'networkTimeout' : 'rejected', false, 'smsapi', Number(statuses[i]) || null, name).info : null,
    };
  });
  return { ok: true, updates };
}
