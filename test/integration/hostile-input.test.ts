// Hostile input over real HTTP (issue #9, item 4): NUL characters and unpaired surrogates, invalid
// UTF-8, field names that are members of every JavaScript object, oversized request heads, deep
// filters and loose booleans. Each answer is a 4xx problem+json with the pointer of the bad value,
// and nothing is stored or changed.
import { connect } from 'node:net';
import { startCrmMiniApi, type CrmMiniApi } from '../support/crm-mini-api.ts';
import type { TestPlatform } from '../support/database.ts';
import { crmMiniPackage } from '../support/packages.ts';
import { jsonClient, type JsonClient, type JsonResponse, type TestServer } from '../support/http.ts';

let fixture: CrmMiniApi;
let env: TestPlatform;
let server: TestServer;
let api: JsonClient;
const names = ['Alfa Budowa', 'Beta Serwis', 'Gamma Trans'];

beforeAll(async () => {
  fixture = await startCrmMiniApi();
  ({ env, server, api } = fixture);
  for (const name of names) expect((await api.post('/records/contractor', { name, city: 'Kraków' })).status).toBe(201);
}, 60_000);

afterAll(() => fixture?.close());

const contractors = async () => (await env.platform.knex('contractor').select('id', 'name', 'version').orderBy('id')) as { id: string; name: string; version: number }[];
const q = (filter: unknown) => encodeURIComponent(JSON.stringify(filter));

/** A problem+json answer with this status whose errors include one at `pointer`. */
function expectProblem(res: JsonResponse, status: number, pointer: string): void {
  expect({ status: res.status, contentType: res.contentType }).toEqual({ status, contentType: expect.stringContaining('application/problem+json') });
  expect((res.body.errors as { pointer: string }[]).map((e) => e.pointer)).toContain(pointer);
}

describe('NUL characters and unpaired surrogates', () => {
  test('in a string field of a new record: 422 with its pointer, nothing stored', async () => {
    const before = await contractors();
    expectProblem(await api.post('/records/contractor', { name: 'Nul\u0000Sp. z o.o.' }), 422, '/name');
    expectProblem(await api.post('/records/contractor', { name: 'ok', city: 'a\u0000' }), 422, '/city');
    // JSON.stringify escapes a lone surrogate as \ud800; PostgreSQL would get U+FFFD in its place.
    expectProblem(await api.post('/records/contractor', { name: 'Half \ud800 a pair' }), 422, '/name');
    expect(await contractors()).toEqual(before);
  });

  test('in a change of a record: 422, the record unchanged', async () => {
    const [first] = await contractors();
    expectProblem(await api.patch(`/records/contractor/${first!.id}`, { name: 'x\u0000', version: first!.version }), 422, '/name');
    expect((await contractors())[0]).toEqual(first);
  });

  test('in search, a filter value (JSON and bracket form) and fields: 400 with the query pointer', async () => {
    expectProblem(await api.get('/records/contractor?search=a%00b'), 400, '/query/search');
    expectProblem(await api.get(`/records/contractor?filter=${q({ name: { eq: 'a\u0000' } })}`), 400, '/query/filter/name/eq');
    expectProblem(await api.get(`/records/contractor?filter=${q({ city: { in: ['Kraków', '\u0000'] } })}`), 400, '/query/filter/city/in/1');
    expectProblem(await api.get('/records/contractor?filter[name][contains]=%00'), 400, '/query/filter/name/contains');
    expectProblem(await api.get('/records/contractor/export?search=%00'), 400, '/query/search');
  });

  test('in a login name: 422 with its pointer (not a database error)', async () => {
    const anonymous = jsonClient(`${server.url}/api`, { token: null });
    expectProblem(await anonymous.post('/auth/login', { login: 'admin\u0000', password: 'whatever' }), 422, '/login');
  });
});

describe('invalid UTF-8 in a JSON body', () => {
  const raw = (method: string, path: string, body: Buffer) =>
    fetch(`${server.url}/api${path}`, { method, body, headers: { 'content-type': 'application/json', authorization: `Bearer ${server.adminToken}` } });

  test('a record body is refused (400), not stored with replacement characters', async () => {
    const before = await contractors();
    const body = Buffer.concat([Buffer.from('{"name":"Bad '), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from(' bytes"}')]);
    const res = await raw('POST', '/records/contractor', body);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(await res.json()).toMatchObject({ code: 'MALFORMED_JSON', errors: [{ pointer: '' }] });
    expect(await contractors()).toEqual(before);
  });

  test('a metadata package is refused (400) before it is looked at', async () => {
    const res = await raw('PUT', '/meta', Buffer.concat([Buffer.from('{"files":{"x.json":"'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('"}}')]));
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 'MALFORMED_JSON' });
  });

  test('valid UTF-8 (Polish and Romanian letters, emoji) still passes', async () => {
    const res = await raw('POST', '/records/contractor', Buffer.from(JSON.stringify({ name: 'Żółć Ștefănescu 🚚' })));
    expect(res.status).toBe(201);
    expect(((await res.json()) as { name: string }).name).toBe('Żółć Ștefănescu 🚚');
  });
});

describe('field names that are members of every JavaScript object', () => {
  const MEMBERS = ['constructor', '__proto__', 'toString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf'];

  test.each(MEMBERS)('sort=%s is a 400 pointing at the sort key', async (name) => {
    expectProblem(await api.get(`/records/contractor?sort=${name}`), 400, '/query/sort/0');
    expectProblem(await api.get(`/records/contractor?sort=name,-${name}`), 400, '/query/sort/1');
  });

  test.each(MEMBERS)('a filter on %s is a 400 (never a list of every row)', async (name) => {
    expectProblem(await api.get(`/records/contractor?filter=${q({ [name]: 'x' })}`), 400, `/query/filter/${name}`);
    expectProblem(await api.get(`/records/contractor?filter=${q({ [name]: { eq: 'x' } })}`), 400, `/query/filter/${name}`);
    expectProblem(await api.get(`/records/contractor?filter=${q({ or: [{ name: 'nobody' }, { [name]: { isNull: true } }] })}`), 400, `/query/filter/or/1/${name}`);
    expectProblem(await api.get(`/records/contractor?filter[${name}]=x`), 400, `/query/filter/${name}`);
    expectProblem(await api.get(`/records/contractor?filter[${name}][eq]=x`), 400, `/query/filter/${name}`);
    expectProblem(await api.get(`/records/contractor/export?filter=${q({ [name]: 'x' })}`), 400, `/query/filter/${name}`);
  });

  test.each(MEMBERS)('fields and include naming %s are 400s', async (name) => {
    expectProblem(await api.get(`/records/contractor?fields=${name}`), 400, '/query/fields/0');
    expectProblem(await api.get(`/records/contractor?include=${name}`), 400, '/query/include/0');
  });

  test('a query parameter named __proto__ is refused, not dropped', async () => {
    expectProblem(await api.get('/records/contractor?__proto__[x]=1'), 400, '/query/__proto__');
  });
});

describe('an entity type with a field named like an object member', () => {
  // "constructor" is a valid field name; every object has a member of that name, so a lookup with
  // `in` or plain indexing would find it in every body and every record.
  const machine = {
    kind: 'entity', id: 't.machine', name: 'machine', label: { en: 'Machine' },
    fields: [
      { id: 't.machine.label', name: 'label', type: 'string', required: true, label: { en: 'Label' } },
      { id: 't.machine.constructor', name: 'constructor', type: 'string', label: { en: 'Constructor' } },
    ],
  };

  beforeAll(async () => {
    await env.platform.applyMetadata(await crmMiniPackage({ 'entities/machine.json': machine }), { source: 'cli' });
  });

  test('is written, read, filtered and sorted by like any other field', async () => {
    const plain = await api.post('/records/machine', { label: 'lathe' });
    expect(plain.status).toBe(201);
    expect(plain.body.constructor).toBeNull();
    expect((await api.post('/records/machine', { label: 'mill', constructor: 'Fabryka' })).status).toBe(201);
    const byMaker = await api.get(`/records/machine?filter=${q({ constructor: 'Fabryka' })}&sort=-constructor&fields=label,constructor`);
    expect(byMaker.status).toBe(200);
    expect(byMaker.body.data).toEqual([{ id: expect.any(String), label: 'mill', constructor: 'Fabryka' }]);
    expect((await api.get(`/records/machine?filter=${q({ constructor: { isNull: true } })}`)).body.data.map((r: { label: string }) => r.label)).toEqual(['lathe']);
    expectProblem(await api.get(`/records/machine?filter=${q({ toString: 'x' })}`), 400, '/query/filter/toString');
  });
});

describe('oversized request heads and deep filters', () => {
  test('a search of 100,000 characters gets 431 problem+json, not a bare status', async () => {
    const res = await api.get(`/records/contractor?search=${'a'.repeat(100_000)}`);
    expect(res.status).toBe(431);
    expect(res.contentType).toContain('application/problem+json');
    expect(res.body).toMatchObject({ status: 431, code: 'HEADERS_TOO_LARGE' });
  });

  test('a request Node cannot parse gets 400 problem+json on the socket', async () => {
    const { port } = new URL(server.url);
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () => socket.end('GET /api/health HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n'));
      let text = '';
      socket.on('data', (chunk) => (text += chunk.toString()));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    const [head, body] = answer.split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(head).toContain('Content-Type: application/problem+json');
    expect(JSON.parse(body!)).toMatchObject({ status: 400, code: 'MALFORMED_REQUEST' });
  });

  test('a filter nested 5,000 deep gets 431 problem+json', async () => {
    const deep = `${'{"not":'.repeat(5000)}{"name":"x"}${'}'.repeat(5000)}`;
    const res = await api.get(`/records/contractor?filter=${encodeURIComponent(deep)}`);
    expect(res.status).toBe(431);
    expect(res.body).toMatchObject({ code: 'HEADERS_TOO_LARGE' });
  });

  test('a filter nested 2,000 deep fits the head limit and gets a 400 naming the depth limit', async () => {
    const deep = `${'{"not":'.repeat(2000)}{"name":"x"}${'}'.repeat(2000)}`;
    const res = await api.get(`/records/contractor?filter=${encodeURIComponent(deep)}`);
    expectProblem(res, 400, `/query/filter${'/not'.repeat(17)}`);
    expect(res.body.detail).toMatch(/16 levels/);
  });

  test('a long filter of 1,000 ids (about 45 KB) is served', async () => {
    const ids = (await contractors()).map((c) => c.id);
    const filler = Array.from({ length: 1000 - ids.length }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
    const res = await api.get(`/records/contractor?filter=${q({ id: { in: [...ids, ...filler] } })}`);
    expect(res.status).toBe(200);
    expect(res.body.data).toHaveLength(ids.length);
  });

  test('bracket nesting past the limit is a 400, not a key silently taken literally', async () => {
    const res = await api.get(`/records/contractor?filter${'[or][0]'.repeat(12)}[name]=x`);
    expectProblem(res, 400, '/query/filter');
  });
});

describe('booleans in query strings', () => {
  test('count is true or false; anything else is a 400', async () => {
    expect((await api.get('/records/contractor?count=true')).body.count).toBeGreaterThanOrEqual(names.length);
    expect((await api.get('/records/contractor?count=false')).body.count).toBeUndefined();
    for (const value of ['maybe', '1', 'yes', '', 'TRUE']) expectProblem(await api.get(`/records/contractor?count=${value}`), 400, '/query/count');
  });

  test('unread of notifications likewise', async () => {
    expect((await api.get('/notifications?unread=false')).status).toBe(200);
    expectProblem(await api.get('/notifications?unread=maybe'), 400, '/query/unread');
  });
});

describe('paths', () => {
  test('a NUL or bad percent-encoding in a path segment is a 400 problem, not a database error', async () => {
    for (const path of ['/workflows/%00/xml', '/records/contractor/%E0%A4%A', '/records/%ED%A0%80', '/records/contractor/%00']) {
      const res = await api.get(path);
      expect({ path, status: res.status, code: res.body.code }).toEqual({ path, status: 400, code: 'MALFORMED_REQUEST' });
    }
  });
});

describe('a value the database refuses that no schema foresaw', () => {
  test('422 naming the constraint, never the SQL statement or other values', async () => {
    // A CHECK the metadata does not declare (a DBA's, or one a concurrent metadata change just added).
    await env.platform.knex.raw(`ALTER TABLE contractor ADD CONSTRAINT contractor_city_not_x CHECK (city IS DISTINCT FROM 'X-City')`);
    try {
      const res = await api.post('/records/contractor', { name: 'Secret Name Sp. z o.o.', city: 'X-City' });
      expect({ status: res.status, contentType: res.contentType }).toEqual({ status: 422, contentType: expect.stringContaining('application/problem+json') });
      const text = JSON.stringify(res.body);
      expect(text).toContain('contractor_city_not_x');
      expect(text.toLowerCase()).not.toContain('insert into');
      expect(text).not.toContain('Secret Name');
    } finally {
      await env.platform.knex.raw(`ALTER TABLE contractor DROP CONSTRAINT contractor_city_not_x`);
    }
  });
});
