// SMSAPI.pl and Twilio as local HTTP servers on loopback, written to their documented request,
// answer and callback shapes (errors included), so the providers are tested over real HTTP. The
// Twilio double signs its callbacks with its own HMAC code, not the provider's.
import { createHmac, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface GatewayServer {
  url: string;
  /** `at`: when the request arrived (epoch ms). */
  requests: { path: string; headers: IncomingMessage['headers']; form: URLSearchParams; at: number }[];
  /** The next answers to give instead of success, e.g. `{ status: 400, body: {...} }`. */
  failures: { status: number; body: unknown }[];
  /** Callbacks the double made and the status it got back. */
  callbacks: { url: string; status: number }[];
  close(): Promise<void>;
}

async function listen(handler: (req: IncomingMessage, body: string, res: ServerResponse) => void | Promise<void>): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => void handler(req, body, res));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((r) => server.close(() => r()));
}

/** Parts as the gateways count them: GSM-7 160/153, else UCS-2 70/67 (a rough, independent count). */
function segments(text: string): number {
  const gsm = /^[A-Za-z0-9 @£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ!"#¤%&'()*+,\-./:;<=>?¡ÄÖÑÜ§¿äöñüà]*$/.test(text);
  const [single, part] = gsm ? [160, 153] : [70, 67];
  const n = gsm ? text.length : text.length;
  return n <= single ? 1 : Math.ceil(n / part);
}

export interface SmsapiDouble extends GatewayServer {
  /** Sends a delivery callback as SMSAPI does: GET notify_url?MsgId=…&status=…&… (lists joined by commas). */
  report(notifyUrl: string, reports: { id: string; status: number; statusName: string; idx?: string; to?: string }[]): Promise<number>;
}

export async function startSmsapiDouble(token: string): Promise<SmsapiDouble> {
  const requests: GatewayServer['requests'] = [];
  const failures: GatewayServer['failures'] = [];
  const callbacks: GatewayServer['callbacks'] = [];
  const seenIdx = new Set<string>();
  const { server, url } = await listen((req, body, res) => {
    const form = new URLSearchParams(body);
    requests.push({ path: req.url ?? '', headers: req.headers, form, at: Date.now() });
    if (req.method !== 'POST' || req.url !== '/sms.do') return json(res, 404, { error: 8, message: 'Error in request' });
    if (req.headers.authorization !== `Bearer ${token}`) return json(res, 401, { error: 101, message: 'Authorization failed' });
    const failure = failures.shift();
    if (failure) return json(res, failure.status, failure.body);
    const to = form.get('to') ?? '';
    if (!/^\d{9,15}$/.test(to)) return json(res, 400, { error: 13, message: 'No correct phone numbers', invalid_numbers: [{ number: to, submitted_number: to, message: 'Invalid phone number' }] });
    const message = form.get('message') ?? '';
    if (!message) return json(res, 400, { error: 11, message: 'Message is empty' });
    const idx = form.get('idx');
    if (idx && form.get('check_idx') === '1') {
      if (seenIdx.has(idx)) return json(res, 400, { error: 53, message: 'Not unique idx' });
      seenIdx.add(idx);
    }
    const parts = segments(message);
    json(res, 200, { count: 1, list: [{ id: randomUUID().replace(/-/g, '').slice(0, 24), points: 0.16 * parts, number: to, date_sent: Math.floor(Date.now() / 1000), submitted_number: to, status: 'QUEUE', error: null, idx, parts }] });
  });
  return {
    url,
    requests,
    failures,
    callbacks,
    close: () => close(server),
    async report(notifyUrl, reports) {
      const target = new URL(notifyUrl);
      const join = (f: (r: (typeof reports)[number]) => string): string => reports.map(f).join(',');
      target.searchParams.set('MsgId', join((r) => r.id));
      target.searchParams.set('status', join((r) => String(r.status)));
      target.searchParams.set('status_name', join((r) => r.statusName));
      target.searchParams.set('idx', join((r) => r.idx ?? ''));
      target.searchParams.set('donedate', join(() => String(Math.floor(Date.now() / 1000))));
      target.searchParams.set('username', 'tessera-test');
      target.searchParams.set('to', join((r) => r.to ?? ''));
      target.searchParams.set('points', join(() => '0.16'));
      const answer = await fetch(target);
      callbacks.push({ url: target.toString(), status: answer.status });
      return answer.status;
    },
  };
}

export interface TwilioDouble extends GatewayServer {
  /** Posts a status callback signed as Twilio does. */
  statusCallback(callbackUrl: string, params: Record<string, string>, signWith?: string): Promise<number>;
}

function twilioSign(token: string, url: string, params: Record<string, string>): string {
  let data = url;
  for (const key of Object.keys(params).sort()) data += key + params[key];
  return createHmac('sha1', token).update(Buffer.from(data, 'utf8')).digest('base64');
}

export async function startTwilioDouble(accountSid: string, authToken: string): Promise<TwilioDouble> {
  const requests: GatewayServer['requests'] = [];
  const failures: GatewayServer['failures'] = [];
  const callbacks: GatewayServer['callbacks'] = [];
  const { server, url } = await listen((req, body, res) => {
    const form = new URLSearchParams(body);
    requests.push({ path: req.url ?? '', headers: req.headers, form, at: Date.now() });
    const error = (status: number, code: number, message: string): void => json(res, status, { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status });
    if (req.method !== 'POST' || req.url !== `/2010-04-01/Accounts/${accountSid}/Messages.json`) return error(404, 20404, 'The requested resource was not found');
    if (req.headers.authorization !== `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`) return error(401, 20003, 'Authenticate');
    const failure = failures.shift();
    if (failure) return json(res, failure.status, failure.body);
    const to = form.get('To') ?? '';
    if (!/^\+[1-9]\d{6,14}$/.test(to)) return error(400, 21211, `The 'To' number ${to} is not a valid phone number.`);
    const text = form.get('Body') ?? '';
    if (!form.get('From') && !form.get('MessagingServiceSid')) return error(400, 21603, "A 'From' or 'MessagingServiceSid' parameter is required to send a message");
    if (text.length > 1600) return error(400, 21617, 'The concatenated message body exceeds the 1600 character limit');
    const sid = `SM${randomUUID().replace(/-/g, '')}`;
    json(res, 201, {
      account_sid: accountSid,
      api_version: '2010-04-01',
      body: text,
      date_created: new Date().toUTCString(),
      direction: 'outbound-api',
      error_code: null,
      error_message: null,
      from: form.get('From'),
      messaging_service_sid: form.get('MessagingServiceSid'),
      num_media: '0',
      num_segments: String(segments(text)),
      price: null,
      sid,
      status: form.get('MessagingServiceSid') ? 'accepted' : 'queued',
      to,
      uri: `/2010-04-01/Accounts/${accountSid}/Messages/${sid}.json`,
    });
  });
  return {
    url,
    requests,
    failures,
    callbacks,
    close: () => close(server),
    async statusCallback(callbackUrl, params, signWith = authToken) {
      const full = { AccountSid: accountSid, ApiVersion: '2010-04-01', ...params };
      const answer = await fetch(callbackUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilioSign(signWith, callbackUrl, full) },
        body: new URLSearchParams(full).toString(),
      });
      callbacks.push({ url: callbackUrl, status: answer.status });
      return answer.status;
    },
  };
}
