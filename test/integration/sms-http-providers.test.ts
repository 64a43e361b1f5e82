// SMSAPI.pl and Twilio providers over real HTTP against local doubles written to the documented
// shapes; their delivery callbacks arrive at a loopback receiver that verifies them as the
// connector route will (secret / X-Twilio-Signature) and answers problems for bad ones.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SmsError } from '../../connectors/sms/errors.ts';
import { SmsapiProvider, parseSmsapiCallback, smsapiNotifyUrl, type CallbackResult } from '../../connectors/sms/http/smsapi.ts';
import { TwilioProvider, parseTwilioCallback, twilioSignature } from '../../connectors/sms/http/twilio.ts';
import type { StatusUpdate } from '../../connectors/sms/provider.ts';
import { startSmsapiDouble, startTwilioDouble, type SmsapiDouble, type TwilioDouble } from '../support/sms-gateway-servers.ts';

const SMSAPI_TOKEN = 'smsapi-test-token';
const SMSAPI_SECRET = 'callback-secret-7f3a';
const TWILIO_SID = 'AC0123456789abcdef0123456789abcdef';
const TWILIO_TOKEN = 'twilio-auth-token';

let smsapi: SmsapiDouble;
let twilio: TwilioDouble;
let receiver: Server;
let receiverUrl: string;
const updates: StatusUpdate[] = [];

beforeAll(async () => {
  smsapi = await startSmsapiDouble(SMSAPI_TOKEN);
  twilio = await startTwilioDouble(TWILIO_SID, TWILIO_TOKEN);
  // What the connector route will do: verify, hand the updates on, answer OK or a problem.
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      const url = `${receiverUrl}${req.url}`;
      let result: CallbackResult;
      if (req.url!.startsWith('/smsapi')) result = parseSmsapiCallback(new URL(url).searchParams, { secret: SMSAPI_SECRET, username: 'tessera-test' });
      else result = parseTwilioCallback({ url, params: new URLSearchParams(body), signature: req.headers['x-twilio-signature'] as string | undefined, authToken: TWILIO_TOKEN });
      if (!result.ok) {
        res.writeHead(result.status, { 'content-type': 'application/problem+json' }).end(JSON.stringify({ status: result.status, code: result.code, pointer: result.pointer }));
        return;
      }
      updates.push(...result.updates);
      res.writeHead(200, { 'content-type': 'text/plain' }).end('OK');
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await smsapi.close();
  await twilio.close();
  receiver.closeAllConnections();
  await new Promise((r) => receiver.close(r));
});

beforeEach(() => {
  updates.length = 0;
});

async function failure(p: Promise<unknown>): Promise<SmsError> {
  const e = await p.then(
    () => null,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(SmsError);
  return e as SmsError;
}

describe('SMSAPI.pl', () => {
  const notifyUrl = (): string => smsapiNotifyUrl(`${receiverUrl}/smsapi/callback`, SMSAPI_SECRET);
  const provider = (token = SMSAPI_TOKEN): SmsapiProvider => new SmsapiProvider({ token, baseUrl: smsapi.url, from: 'Tessera', notifyUrl: notifyUrl() });

  test('sends with bearer token, idx deduplication and notify_url; returns id and parts', async () => {
    const result = await provider().send({ messageId: 'msg-1', to: '+48600100200', text: 'Zamówienie nr 12 gotowe do odbioru.' });
    expect(result).toMatchObject({ parts: 1, status: 'queued' });
    expect(result.providerId).toMatch(/^[0-9a-f]{24}$/);
    const sent = smsapi.requests.at(-1)!;
    expect(sent.headers.authorization).toBe(`Bearer ${SMSAPI_TOKEN}`);
    expect(Object.fromEntries(sent.form)).toMatchObject({ to: '48600100200', message: 'Zamówienie nr 12 gotowe do odbioru.', from: 'Tessera', format: 'json', encoding: 'utf-8', idx: 'msg-1', check_idx: '1', notify_url: notifyUrl() });
  });

  test('a long Polish text is billed in UCS-2 parts', async () => {
    const result = await provider().send({ messageId: 'msg-2', to: '+48600100200', text: 'ą'.repeat(140) });
    expect(result.parts).toBe(3);
  });

  test('errors: bad token, invalid number, duplicate idx, rate limit, server failure', async () => {
    expect((await failure(provider('wrong').send({ messageId: 'e1', to: '+48600100200', text: 'x' }))).info).toMatchObject({ code: 'sms.error.authentication', retry: false, providerCode: 101 });
    expect((await failure(provider().send({ messageId: 'e2', to: '+48', text: 'x' }))).info).toMatchObject({ code: 'sms.error.invalidNumber', retry: false, providerCode: 13 });
    await provider().send({ messageId: 'dup', to: '+48600100200', text: 'x' });
    expect((await failure(provider().send({ messageId: 'dup', to: '+48600100200', text: 'x' }))).info).toMatchObject({ code: 'sms.error.duplicate', retry: false, providerCode: 53 });
    smsapi.failures.push({ status: 200, body: { error: 103, message: 'Insufficient credits' } });
    expect((await failure(provider().send({ messageId: 'e3', to: '+48600100200', text: 'x' }))).info).toMatchObject({ code: 'sms.error.insufficientFunds', retry: false });
    smsapi.failures.push({ status: 429, body: { error: 203, message: 'Too many requests' } });
    expect((await failure(provider().send({ messageId: 'e4', to: '+48600100200', text: 'x' }))).info).toMatchObject({ code: 'sms.error.rateLimited', retry: true });
    smsapi.failures.push({ status: 503, body: 'Service Unavailable' });
    expect((await failure(provider().send({ messageId: 'e5', to: '+48600100200', text: 'x' }))).info).toMatchObject({ code: 'sms.error.providerUnavailable', retry: true, providerCode: 503 });
  });

  test('an unreachable gateway is a retryable error', async () => {
    const p = new SmsapiProvider({ token: SMSAPI_TOKEN, baseUrl: 'http://127.0.0.1:1', timeoutMs: 2000 });
    expect((await failure(p.send({ messageId: 'u', to: '+48600100200', text: 'x' }))).info).toMatchObject({ code: 'sms.error.providerUnavailable', retry: true });
  });

  test('delivery callbacks (several in one request) map to statuses; a wrong secret is refused', async () => {
    const a = await provider().send({ messageId: 'cb-1', to: '+48600100200', text: 'a' });
    const b = await provider().send({ messageId: 'cb-2', to: '+40722123456', text: 'b' });
    const status = await smsapi.report(notifyUrl(), [
      { id: a.providerId, status: 404, statusName: 'DELIVERED', idx: 'cb-1' },
      { id: b.providerId, status: 402, statusName: 'EXPIRED', idx: 'cb-2' },
    ]);
    expect(status).toBe(200);
    expect(updates).toEqual([
      expect.objectContaining({ providerId: a.providerId, status: 'delivered', providerStatus: 'DELIVERED', error: null }),
      expect.objectContaining({ providerId: b.providerId, status: 'expired', providerStatus: 'EXPIRED', error: expect.objectContaining({ retry: false }) }),
    ]);
    expect(await smsapi.report(smsapiNotifyUrl(`${receiverUrl}/smsapi/callback`, 'guessed'), [{ id: a.providerId, status: 404, statusName: 'DELIVERED' }])).toBe(403);
    expect(updates).toHaveLength(2);
  });

  test('callback parsing is strict about its parameters', () => {
    const params = (q: string): URLSearchParams => new URLSearchParams(`secret=${SMSAPI_SECRET}&${q}`);
    expect(parseSmsapiCallback(params('MsgId=a,b&status=404'), { secret: SMSAPI_SECRET })).toMatchObject({ ok: false, status: 400, pointer: '/status' });
    expect(parseSmsapiCallback(params('status=404'), { secret: SMSAPI_SECRET })).toMatchObject({ ok: false, status: 400, pointer: '/MsgId' });
    expect(parseSmsapiCallback(params('MsgId=a&status=412'), { secret: SMSAPI_SECRET })).toMatchObject({ ok: true, updates: [{ status: 'failed', providerStatus: 'STOP', error: { code: 'sms.error.optedOut' } }] });
  });
});

describe('Twilio', () => {
  const callbackUrl = (): string => `${receiverUrl}/twilio/status?account=main`;
  const provider = (token = TWILIO_TOKEN): TwilioProvider => new TwilioProvider({ accountSid: TWILIO_SID, authToken: token, from: '+48732100200', statusCallback: callbackUrl(), baseUrl: twilio.url });

  test('the signature matches Twilio’s published vectors', () => {
    const params: [string, string][] = [
      ['CallSid', 'CA1234567890ABCDE'],
      ['Caller', '+14158675309'],
      ['Digits', '1234'],
      ['From', '+14158675309'],
      ['To', '+18005551212'],
    ];
    expect(twilioSignature('12345', 'https://mycompany.com/myapp.php?foo=1&bar=2', params.reverse())).toBe('RSOYDt4T1cUTdK1PDd93/VVr8B8=');
    const repeated: [string, string][] = [['Sid', 'CA123'], ['SidAccount', 'AC123'], ['Digits', '5678'], ['Digits', '1234'], ['Digits', '1234']];
    expect(twilioSignature('12345', 'https://mycompany.com/myapp.php?foo=1&bar=2', repeated)).toBe('IK+Dwps556ElfBT0I3Rgjkr1wJU=');
  });

  test('sends form-encoded with Basic auth; returns sid, segments, status', async () => {
    const text = 'Bună ziua! Comanda dumneavoastră este gata. Vă mulțumim și vă așteptăm la service.';
    const result = await provider().send({ messageId: 't1', to: '+40722123456', text });
    expect(result).toMatchObject({ parts: 2, status: 'queued' });
    expect(result.providerId).toMatch(/^SM[0-9a-f]{32}$/);
    const sent = twilio.requests.at(-1)!;
    expect(sent.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(sent.form)).toEqual({ To: '+40722123456', From: '+48732100200', Body: text, StatusCallback: callbackUrl() });
  });

  test('errors: authentication, invalid number, opted out, rate limit, server failure', async () => {
    expect((await failure(provider('bad').send({ messageId: 'x', to: '+48600100200', text: 'x' }))).info).toMatchObject({ code: 'sms.error.authentication', retry: false, source: 'twilio', providerCode: 20003 });
    expect((await failure(provider().send({ messageId: 'x', to: '600100200', text: 'x' }))).info).toMatchObject({ code: 'sms.error.invalidNumber', providerCode: 21211 });
    twilio.failures.push({ status: 400, body: { code: 21610, message: 'Attempt to send to unsubscribed recipient', more_info: 'https://www.twilio.com/docs/errors/21610', status: 400 } });
    expect((await failure(provider().send({ messageId: 'x', to: '+48600100200', text: 'x' }))).info).toMatchObject({ code: 'sms.error.optedOut', retry: false });
    twilio.failures.push({ status: 429, body: { code: 20429, message: 'Too Many Requests', status: 429 } });
    expect((await failure(provider().send({ messageId: 'x', to: '+48600100200', text: 'x' }))).info).toMatchObject({ code: 'sms.error.rateLimited', retry: true });
    twilio.failures.push({ status: 500, body: { code: 20500, message: 'Internal Server Error', status: 500 } });
    expect((await failure(provider().send({ messageId: 'x', to: '+48600100200', text: 'x' }))).info).toMatchObject({ code: 'sms.error.providerUnavailable', retry: true });
  });

  test('signed status callbacks update the message; forged or tampered ones get 403', async () => {
    const { providerId } = await provider().send({ messageId: 't2', to: '+48600100200', text: 'Gotowe' });
    expect(await twilio.statusCallback(callbackUrl(), { MessageSid: providerId, MessageStatus: 'sent', To: '+48600100200', From: '+48732100200' })).toBe(200);
    expect(await twilio.statusCallback(callbackUrl(), { MessageSid: providerId, MessageStatus: 'delivered', To: '+48600100200', From: '+48732100200' })).toBe(200);
    expect(await twilio.statusCallback(callbackUrl(), { MessageSid: providerId, MessageStatus: 'undelivered', ErrorCode: '30003' })).toBe(200);
    expect(updates.map((u) => [u.providerId, u.status])).toEqual([
      [providerId, 'sent'],
      [providerId, 'delivered'],
      [providerId, 'failed'],
    ]);
    expect(updates[2]!.error).toMatchObject({ code: 'sms.error.destinationOutOfService', providerCode: 30003, retry: true });
    expect(await twilio.statusCallback(callbackUrl(), { MessageSid: providerId, MessageStatus: 'delivered' }, 'not-the-token')).toBe(403);
    expect(await twilio.statusCallback(`${receiverUrl}/twilio/status?account=other`, { MessageSid: providerId, MessageStatus: 'delivered' }, 'x')).toBe(403);
    expect(updates).toHaveLength(3);
  });
});
