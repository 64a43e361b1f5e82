// The records API's fast lane (engine/http/fast-lane.ts) against express alone: the same requests —
// good ones and every kind of refusal, token and cookie sessions, gzip, conditional GETs, and paths
// the lane must pass on — sent to a server with the lane and to one without it (same database), and
// the answers compared: status, headers that matter and body. A probe counts the requests the lane
// answered, so that the comparison cannot pass by both servers being express.
import { request as httpRequest } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { loadPackageDir } from '../../metadata/index.ts';
import type { FastRoute } from '../../engine/http/fast-lane.ts';
import { browserClient, createTestUser, tokenFor } from '../support/auth.ts';
import { startTestPlatform, type TestPlatform } from '../support/database.ts';
import { jsonClient, startTestServer, type TestServer } from '../support/http.ts';

let env: TestPlatform;
let fast: TestServer;
let plain: TestServer;
const served: FastRoute[] = [];
let token: string;
let noRoleToken: string;
let readOnlyToken: string;
let cookie: string;
let csrf: string;
let contractorId: string;
let browserId: string;

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

// Headers the two paths must agree on (besides every security header, compared as a whole below).
const COMPARED = ['content-type', 'content-length', 'cache-control', 'etag', 'location', 'link', 'content-encoding', 'vary', 'www-authenticate', 'set-cookie'];

function send(base: string, method: string, path: string, headers: Record<string, string> = {}, body?: string | Buffer): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const url = new URL(`/api${path}`, base);
    const req = httpRequest(url, { method, headers: { ...(body !== undefined ? { 'content-length': String(Buffer.byteLength(body)) } : {}), ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const raw = Buffer.concat(chunks);
        const text = res.headers['content-encoding'] === 'gzip' ? gunzipSync(raw).toString('utf8') : raw.toString('utf8');
        resolve({ status: res.statusCode!, headers: res.headers, body: text });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

// A create makes a new id and new timestamps on each server; everything else must be byte for byte.
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
const TIME = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)/g;
const normal = (text: string, created: boolean) => (created ? text.replace(UUID, '<id>').replace(TIME, '<time>') : text);

function comparable(answer: Answer, created: boolean) {
  const headers: Record<string, unknown> = {};
  for (const name of COMPARED) {
    const value = answer.headers[name];
    if (name === 'content-length' && created) continue;
    headers[name] = typeof value === 'string' ? normal(value, created) : value;
  }
  const security = Object.fromEntries(Object.entries(answer.headers).filter(([name]) => !COMPARED.includes(name) && !['date', 'connection', 'keep-alive', 'transfer-encoding'].includes(name)));
  return { status: answer.status, headers, security, body: normal(answer.body, created) };
}

beforeAll(async () => {
  env = await startTestPlatform();
  const { package: files } = await loadPackageDir(new URL('../fixtures/packages/crm-mini/', import.meta.url).pathname);
  await env.platform.applyMetadata(files, { source: 'cli' });
  fast = await startTestServer(env.platform, { fastLane: { served: (route) => served.push(route) } });
  plain = await startTestServer(env.platform, { fastLane: false });
  token = fast.adminToken;
  const api = jsonClient(`${fast.url}/api`);
  for (let i = 0; i < 25; i += 1) {
    const res = await api.post('/records/contractor', { name: `Firma ${i} ${'x'.repeat(40)}`, city: i % 2 ? 'Warszawa' : 'Kraków', employees: i });
    expect(res.status).toBe(201);
  }
  // Over 1 KB as JSON: its get is compressed for a client that accepts gzip.
  const large = await api.post('/records/contractor', { name: 'ż'.repeat(200), city: 'ł'.repeat(100) });
  expect(large.status).toBe(201);
  contractorId = large.body.id as string;
  noRoleToken = await tokenFor(env.platform, await createTestUser(env.platform, { login: 'norole' }));
  readOnlyToken = await tokenFor(env.platform, await createTestUser(env.platform, { login: 'reader', isAdmin: true }), ['read']);
  browserId = await createTestUser(env.platform, { login: 'browser', isAdmin: true });
  const browser = browserClient(`${fast.url}/api`);
  expect((await browser.login('browser')).status).toBe(200);
  cookie = [...browser.cookies].map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('; ');
  csrf = browser.cookies.get('tessera_csrf')!;
  served.length = 0;
}, 60_000);

afterAll(async () => {
  await fast?.close();
  await plain?.close();
  await env?.close();
});

interface Case {
  readonly name: string;
  readonly method: string;
  readonly path: () => string;
  readonly headers?: () => Record<string, string>;
  readonly body?: string | Buffer;
  /** The answer both paths give (so that a comparison of two identical wrong answers fails too). */
  readonly status: number;
  /** The route the lane answers it with; undefined: the lane passes it on to express. */
  readonly lane?: FastRoute;
}

const bearer = () => ({ authorization: `Bearer ${token}` });
const json = (value: unknown) => JSON.stringify(value);

const CASES: readonly Case[] = [
  { name: 'list', status: 200, method: 'GET', path: () => '/records/contractor', headers: bearer, lane: 'list' },
  { name: 'list gzip', status: 200, method: 'GET', path: () => '/records/contractor', headers: () => ({ ...bearer(), 'accept-encoding': 'gzip' }), lane: 'list' },
  { name: 'list small page, gzip asked (under 1 KB)', status: 200, method: 'GET', path: () => '/records/contractor?limit=1&fields=name', headers: () => ({ ...bearer(), 'accept-encoding': 'gzip' }), lane: 'list' },
  { name: 'list next page link', status: 200, method: 'GET', path: () => '/records/contractor?limit=2&sort=-employees&filter[city][eq]=Warszawa', headers: bearer, lane: 'list' },
  { name: 'list JSON filter and count', status: 200, method: 'GET', path: () => `/records/contractor?filter=${encodeURIComponent(json({ employees: { gte: 20 } }))}&count=true`, headers: bearer, lane: 'list' },
  { name: 'list unknown field in filter', status: 400, method: 'GET', path: () => '/records/contractor?filter[nosuch][eq]=1', headers: bearer, lane: 'list' },
  { name: 'list unknown parameter', status: 400, method: 'GET', path: () => '/records/contractor?bogus=1', headers: bearer, lane: 'list' },
  { name: 'list bad limit', status: 400, method: 'GET', path: () => '/records/contractor?limit=many', headers: bearer, lane: 'list' },
  { name: 'list __proto__ in query', status: 400, method: 'GET', path: () => '/records/contractor?filter[__proto__][eq]=1', headers: bearer, lane: 'list' },
  { name: 'list query too deep', status: 400, method: 'GET', path: () => `/records/contractor?filter${'[a]'.repeat(25)}=1`, headers: bearer, lane: 'list' },
  { name: 'list NUL in query', status: 400, method: 'GET', path: () => '/records/contractor?search=a%00b', headers: bearer, lane: 'list' },
  { name: 'list unknown type', status: 404, method: 'GET', path: () => '/records/nosuch', headers: bearer, lane: 'list' },
  { name: 'list anonymous', status: 401, method: 'GET', path: () => '/records/contractor', lane: 'list' },
  { name: 'list unknown token', status: 401, method: 'GET', path: () => '/records/contractor', headers: () => ({ authorization: 'Bearer tsr_nosuchtoken' }), lane: 'list' },
  { name: 'list malformed Authorization', status: 401, method: 'GET', path: () => '/records/contractor', headers: () => ({ authorization: 'Basic abc' }), lane: 'list' },
  { name: 'list without a role', status: 403, method: 'GET', path: () => '/records/contractor', headers: () => ({ authorization: `Bearer ${noRoleToken}` }), lane: 'list' },
  { name: 'list by cookie session', status: 200, method: 'GET', path: () => '/records/contractor?limit=3', headers: () => ({ cookie }), lane: 'list' },
  { name: 'list by a stale session cookie behind a TLS proxy', status: 401, method: 'GET', path: () => '/records/contractor', headers: () => ({ cookie: 'tessera_session=gone', 'x-forwarded-proto': 'https' }), lane: 'list' },
  { name: 'get', status: 200, method: 'GET', path: () => `/records/contractor/${contractorId}`, headers: bearer, lane: 'get' },
  { name: 'get gzip', status: 200, method: 'GET', path: () => `/records/contractor/${contractorId}`, headers: () => ({ ...bearer(), 'accept-encoding': 'gzip, deflate' }), lane: 'get' },
  { name: 'get not modified', status: 304, method: 'GET', path: () => `/records/contractor/${contractorId}`, headers: () => ({ ...bearer(), 'if-none-match': '"1"' }), lane: 'get' },
  { name: 'get modified', status: 200, method: 'GET', path: () => `/records/contractor/${contractorId}`, headers: () => ({ ...bearer(), 'if-none-match': '"7"' }), lane: 'get' },
  { name: 'get some fields', status: 200, method: 'GET', path: () => `/records/contractor/${contractorId}?fields=name,city`, headers: bearer, lane: 'get' },
  { name: 'get bad fields', status: 400, method: 'GET', path: () => `/records/contractor/${contractorId}?fields[a]=name`, headers: bearer, lane: 'get' },
  { name: 'get missing', status: 404, method: 'GET', path: () => '/records/contractor/00000000-0000-4000-8000-000000000000', headers: bearer, lane: 'get' },
  { name: 'get not an id', status: 404, method: 'GET', path: () => '/records/contractor/12', headers: bearer, lane: 'get' },
  { name: 'get unknown type', status: 404, method: 'GET', path: () => `/records/nosuch/${contractorId}`, headers: bearer, lane: 'get' },
  { name: 'get anonymous', status: 401, method: 'GET', path: () => `/records/contractor/${contractorId}`, lane: 'get' },
  { name: 'create', status: 201, method: 'POST', path: () => '/records/contractor', headers: () => ({ ...bearer(), 'content-type': 'application/json' }), body: json({ name: 'Nowa', city: 'Gdańsk' }), lane: 'create' },
  { name: 'create gzip', status: 201, method: 'POST', path: () => '/records/contractor', headers: () => ({ ...bearer(), 'content-type': 'application/json', 'accept-encoding': 'gzip' }), body: json({ name: 'ż'.repeat(200), city: 'ł'.repeat(100) }), lane: 'create' },
  { name: 'create invalid values', status: 422, method: 'POST', path: () => '/records/contractor', headers: () => ({ ...bearer(), 'content-type': 'application/json' }), body: json({ employees: 'many', bogus: 1 }), lane: 'create' },
  { name: 'create malformed JSON', status: 400, method: 'POST', path: () => '/records/contractor', headers: () => ({ ...bearer(), 'content-type': 'application/json' }), body: '{"name": ', lane: 'create' },
  { name: 'create invalid UTF-8', status: 400, method: 'POST', path: () => '/records/contractor', headers: () => ({ ...bearer(), 'content-type': 'application/json' }), body: Buffer.from([0x7b, 0x22, 0x6e, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]), lane: 'create' },
  { name: 'create NUL in a value', status: 422, method: 'POST', path: () => '/records/contractor', headers: () => ({ ...bearer(), 'content-type': 'application/json' }), body: json({ name: 'a\u0000b' }), lane: 'create' },
  { name: 'create an array', status: 422, method: 'POST', path: () => '/records/contractor', headers: () => ({ ...bearer(), 'content-type': 'application/json' }), body: '[1]', lane: 'create' },
  { name: 'create text/plain', status: 415, method: 'POST', path: () => '/records/contractor', headers: () => ({ ...bearer(), 'content-type': 'text/plain' }), body: 'name=x', lane: 'create' },
  { name: 'create latin1 JSON', status: 415, method: 'POST', path: () => '/records/contractor', headers: () => ({ ...bearer(), 'content-type': 'application/json; charset=latin1' }), body: json({ name: 'x' }), lane: 'create' },
  { name: 'create body over 1 MB', status: 413, method: 'POST', path: () => '/records/contractor', headers: () => ({ ...bearer(), 'content-type': 'application/json' }), body: json({ name: 'z'.repeat(1_100_000) }), lane: 'create' },
  { name: 'create unknown type', status: 404, method: 'POST', path: () => '/records/nosuch', headers: () => ({ ...bearer(), 'content-type': 'application/json' }), body: json({ name: 'x' }), lane: 'create' },
  { name: 'create by a read-only token', status: 403, method: 'POST', path: () => '/records/contractor', headers: () => ({ authorization: `Bearer ${readOnlyToken}`, 'content-type': 'application/json' }), body: json({ name: 'x' }), lane: 'create' },
  { name: 'create anonymous', status: 401, method: 'POST', path: () => '/records/contractor', headers: () => ({ 'content-type': 'application/json' }), body: json({ name: 'x' }), lane: 'create' },
  { name: 'create by session without CSRF token', status: 403, method: 'POST', path: () => '/records/contractor', headers: () => ({ cookie, 'content-type': 'application/json' }), body: json({ name: 'x' }), lane: 'create' },
  { name: 'create by session with a wrong CSRF token', status: 403, method: 'POST', path: () => '/records/contractor', headers: () => ({ cookie, 'x-csrf-token': 'wrong', 'content-type': 'application/json' }), body: json({ name: 'x' }), lane: 'create' },
  { name: 'create by session with its CSRF token', status: 201, method: 'POST', path: () => '/records/contractor', headers: () => ({ cookie, 'x-csrf-token': csrf, 'content-type': 'application/json' }), body: json({ name: 'Z sesji' }), lane: 'create' },
  // Passed on to express.
  { name: 'HEAD of a list', status: 200, method: 'HEAD', path: () => '/records/contractor', headers: bearer },
  { name: 'aggregate', status: 200, method: 'GET', path: () => '/records/contractor/aggregate?groupBy=city', headers: bearer },
  { name: 'duplicates', status: 200, method: 'POST', path: () => '/records/contractor/duplicates', headers: () => ({ ...bearer(), 'content-type': 'application/json' }), body: json({ name: 'Nowa' }) },
  { name: 'history', status: 200, method: 'GET', path: () => `/records/contractor/${contractorId}/history`, headers: bearer },
  { name: 'trailing slash', status: 200, method: 'GET', path: () => '/records/contractor/', headers: bearer },
  { name: 'percent-encoded type', status: 200, method: 'GET', path: () => '/records/contr%61ctor?limit=1', headers: bearer },
  { name: 'bad percent-encoding', status: 400, method: 'GET', path: () => '/records/contr%ff', headers: bearer },
  { name: 'PATCH', status: 409, method: 'PATCH', path: () => `/records/contractor/${contractorId}`, headers: () => ({ ...bearer(), 'content-type': 'application/json', 'if-match': '"7"' }), body: json({ city: 'Łódź' }) },
  { name: 'POST to an id', status: 404, method: 'POST', path: () => `/records/contractor/${contractorId}`, headers: () => ({ ...bearer(), 'content-type': 'application/json' }), body: json({}) },
  { name: 'another resource', status: 200, method: 'GET', path: () => '/auth/me', headers: bearer },
];

describe('the fast lane answers as express does', () => {
  test.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const headers = c.headers?.() ?? {};
    const before = served.length;
    const viaLane = await send(fast.url, c.method, c.path(), headers, c.body);
    // The probe proves which path answered on the server with the lane.
    expect(served.slice(before)).toEqual(c.lane ? [c.lane] : []);
    const viaExpress = await send(plain.url, c.method, c.path(), headers, c.body);
    expect(served.length).toBe(before + (c.lane ? 1 : 0));
    const created = c.method === 'POST' && viaLane.status === 201;
    if (created) {
      // The audit names the user on both paths: the token's (via api) or the session's (via ui).
      const audited = async (answer: Answer) =>
        (await env.platform.knex('tessera.audit_log').where({ entity: 'contractor', record_id: (JSON.parse(answer.body) as { id: string }).id, action: 'create' }).first('actor', 'via')) as { actor: string; via: string };
      const expected = c.headers?.().cookie ? { actor: browserId, via: 'ui' } : { actor: fast.adminId, via: 'api' };
      expect(await audited(viaLane)).toEqual(expected);
      expect(await audited(viaExpress)).toEqual(expected);
    }
    if (c.status >= 400) expect(viaLane.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(comparable(viaLane, created)).toEqual(comparable(viaExpress, created));
    expect(viaLane.status).toBe(c.status);
    // The headers that these cases are about are there (the comparison then covers their values).
    if (c.name.endsWith(' gzip')) expect(viaLane.headers['content-encoding']).toBe('gzip');
    if (c.name === 'list next page link') expect(viaLane.headers.link).toMatch(/^<\/api\/records\/contractor\?.*after=.*>; rel="next"$/);
    if (c.name.startsWith('create') && c.status === 201) expect(viaLane.headers.location).toMatch(/^\/api\/records\/contractor\/[0-9a-f-]{36}$/);
  });

});
