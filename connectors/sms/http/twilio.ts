// Twilio Programmable Messaging: `POST <base>/2010-04-01/Accounts/{Sid}/Messages.json`, Basic
// auth, form fields To/From|MessagingServiceSid/Body/StatusCallback; answers 201 with `sid`,
// `status`, `num_segments`, or an error `{code, message, more_info, status}`. Status callbacks
// are form POSTs signed with X-Twilio-Signature = base64(HMAC-SHA1(token, URL + sorted params)).
import { createHmac } from 'node:crypto';
import { type SmsErrorReason, type SmsError, smsError } from '../errors.ts';
import type { OutgoingSms, SendResult, SmsProvider, SmsStatus, StatusUpdate } from '../provider.ts';
import { postForm, sameSecret } from './provider-http.ts';
import type { CallbackResult } from './smsapi.ts';

export interface TwilioOptions {
  accountSid: string;
  authToken: string;
  /** A Twilio number (E.164) or alphanumeric sender; or use `messagingServiceSid`. */
  from?: string;
  messagingServiceSid?: string;
  /** Our connector route for status callbacks (the exact URL Twilio will sign). */
  statusCallback?: string;
  baseUrl?: string;
  timeoutMs?: number;
}

// Twilio error codes (twilio.com/docs/api/errors).
const ERRORS: Record<number, [SmsErrorReason, boolean]> = {
  20003: ['authentication', false],
  20429: ['rateLimited', true],
  21211: ['invalidNumber', false],
  21408: ['notAllowed', false],
  21606: ['providerRejected', false],
  21610: ['optedOut', false],
  21612: ['providerRejected', false],
  21614: ['invalidNumber', false],
  30001: ['rateLimited', true],
  30002: ['authentication', false],
  30003: ['destinationOutOfService', true],
  30004: ['barred', false],
  30005: ['unknownSubscriber', false],
  30006: ['invalidNumber', false],
  30007: ['rejected', false],
  30008: ['unknown', true],
};

export function twilioError(code: number, message?: string): SmsError {
  const [reason, retry] = ERRORS[code] ?? ['providerRejected', false];
  return smsError(reason, retry, 'twilio', code, message);
}

export function twilioStatus(status: string): SmsStatus {
  switch (status) {
    case 'accepted':
    case 'scheduled':
    case 'queued':
      return 'queued';
    case 'sending':
    case 'sent':
      return 'sent';
    case 'delivered':
    case 'read':
      return 'delivered';
    default:
      // undelivered, failed, canceled
      return 'failed';
  }
}

export class TwilioProvider implements SmsProvider {
  readonly kind = 'twilio' as const;
  private readonly options: TwilioOptions;
  constructor(options: TwilioOptions) {
    this.options = options;
  }

  async send(message: OutgoingSms): Promise<SendResult> {
    const o = this.options;
    const form: Record<string, string> = { To: message.to, Body: message.text };
    const from = message.from ?? o.from;
    if (o.messagingServiceSid) form.MessagingServiceSid = o.messagingServiceSid;
    else if (from) form.From = from;
    if (o.statusCallback) form.StatusCallback = o.statusCallback;
    const url = `${(o.baseUrl ?? 'https://api.twilio.com').replace(/\/$/, '')}/2010-04-01/Accounts/${encodeURIComponent(o.accountSid)}/Messages.json`;
    const basic = Buffer.from(`${o.accountSid}:${o.authToken}`).toString('base64');
    const answer = await postForm(url, form, { authorization: `Basic ${basic}` }, o.timeoutMs ?? 15_000, 'twilio');
    const body = (answer.body ?? {}) as { sid?: string; status?: string; num_segments?: string | number; code?: number; message?: string };
    if (answer.status >= 400) {
      if (typeof body.code === 'number') throw twilioError(body.code, body.message);
      throw smsError(answer.status === 401 ? 'authentication' : 'providerRejected', false, 'twilio', answer.status);
    }
    if (!body.sid) throw smsError('providerRejected', false, 'twilio', answer.status, 'no message sid in the answer');
    return { providerId: body.sid, parts: Number(body.num_segments ?? 1) || 1, partIds: [body.sid], status: twilioStatus(body.status ?? 'queued') };
  }
}

/** X-Twilio-Signature of a request: base64 HMAC-SHA1 with the auth token over the full URL
 * followed by each POST parameter name and value, sorted by name; a repeated name contributes
 * each distinct value once, sorted (as Twilio's own validators do). */
export function twilioSignature(authToken: string, url: string, params: Iterable<[string, string]>): string {
  const byName = new Map<string, Set<string>>();
  for (const [k, v] of params) byName.set(k, (byName.get(k) ?? new Set()).add(v));
  const order = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  let data = url;
  for (const name of [...byName.keys()].sort(order)) for (const value of [...byName.get(name)!].sort(order)) data += name + value;
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}

/** Checks and reads a Twilio status callback. `url` is the URL Twilio posted to, exactly as it
 * was configured (scheme, host, port, path, query), behind a proxy too. */
export function parseTwilioCallback(input: { url: string; params: URLSearchParams; signature: string | undefined; authToken: string }): CallbackResult {
  const expected = twilioSignature(input.authToken, input.url, input.params.entries());
  if (!input.signature || !sameSecret(input.signature, expected)) return { ok: false, status: 403, code: 'sms.callback.forbidden', pointer: '/X-Twilio-Signature' };
  return readTwilioStatus(input.params);
}

/** The status update of a callback whose signature was checked. */
export function readTwilioStatus(params: URLSearchParams): CallbackResult {
  const sid = params.get('MessageSid') ?? params.get('SmsSid');
  const raw = params.get('MessageStatus') ?? params.get('SmsStatus');
  if (!sid) return { ok: false, status: 400, code: 'sms.callback.malformed', pointer: '/MessageSid' };
  if (!raw) return { ok: false, status: 400, code: 'sms.callback.malformed', pointer: '/MessageStatus' };
  const status = twilioStatus(raw);
  const errorCode = Number(params.get('ErrorCode') ?? '') || null;
  const update: StatusUpdate = {
    providerId: sid,
    status,
    at: new Date().toISOString(),
    providerStatus: raw,
    error: status === 'failed' ? (errorCode ? twilioError(errorCode).info : smsError('rejected', false, 'twilio', null, raw).info) : null,
  };
  return { ok: true, updates: [update] };
}
