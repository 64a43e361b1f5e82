// Uploads for attachment fields: raw body in, id out; served back with safe headers; the id is
// what an attachment field stores.
import { startTestPlatform, type TestPlatform } from '../support/database.ts';
import { jsonClient, startTestServer, type TestServer } from '../support/http.ts';

let env: TestPlatform;
let server: TestServer;
// Raw fetches carry the test administrator's token (the API needs authentication).
const auth = () => ({ authorization: `Bearer ${server.adminToken}` });

beforeAll(async () => {
  env = await startTestPlatform();
  server = await startTestServer(env.platform);
}, 60_000);

afterAll(async () => {
  await server?.close();
  await env?.close();
});

test('upload, info and download round-trip the bytes', async () => {
  const bytes = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);
  const res = await fetch(`${server.url}/api/files?name=${encodeURIComponent('logo ż.png')}`, { method: 'POST', headers: { ...auth(), 'content-type': 'image/png' }, body: bytes });
  expect(res.status).toBe(201);
  const file = (await res.json()) as { id: string; name: string; mediaType: string; size: number; sha256: string };
  expect(file).toMatchObject({ name: 'logo ż.png', mediaType: 'image/png', size: 7 });
  expect(res.headers.get('location')).toBe(`/api/files/${file.id}`);

  const info = await jsonClient(`${server.url}/api`).get(`/files/${file.id}/info`);
  expect(info.body).toMatchObject({ id: file.id, name: 'logo ż.png', size: 7, sha256: file.sha256 });

  const download = await fetch(`${server.url}/api/files/${file.id}`, { headers: auth() });
  expect(download.headers.get('content-type')).toBe('image/png');
  expect(download.headers.get('content-disposition')).toBe(`inline; filename*=UTF-8''${encodeURIComponent('logo ż.png')}`);
  expect(download.headers.get('x-content-type-options')).toBe('nosniff');
  expect(new Uint8Array(await download.arrayBuffer())).toEqual(bytes);
});

test('JSON and HTML uploads are stored as bytes and download as attachments', async () => {
  const res = await fetch(`${server.url}/api/files?name=page.html`, { method: 'POST', headers: { ...auth(), 'content-type': 'text/html' }, body: '<script>alert(1)</script>' });
  const { id } = (await res.json()) as { id: string };
  const download = await fetch(`${server.url}/api/files/${id}`, { headers: auth() });
  expect(download.headers.get('content-disposition')).toMatch(/^attachment;/);
  expect(download.headers.get('content-security-policy')).toContain('sandbox');
  const json = await fetch(`${server.url}/api/files?name=a.json`, { method: 'POST', headers: { ...auth(), 'content-type': 'application/json' }, body: '{"a":1}' });
  expect(json.status).toBe(201);
  expect(((await json.json()) as { size: number }).size).toBe(7);
});

test('empty bodies and unknown ids are problems', async () => {
  const empty = await fetch(`${server.url}/api/files`, { method: 'POST', headers: auth() });
  expect(empty.status).toBe(422);
  expect(empty.headers.get('content-type')).toContain('application/problem+json');
  const api = jsonClient(`${server.url}/api`);
  expect((await api.get('/files/00000000-0000-4000-8000-000000000000')).status).toBe(404);
  expect((await api.get('/files/not-a-uuid/info')).body.code).toBe('NOT_FOUND');
});
