// Every signed-in user may ask which connectors are switched on (the app hides a mail button or shows
// "e-mail is not switched on" from it), without seeing their settings: those stay with administrators.
import { connectors } from '../../connectors/index.ts';
import { createTestUser, userClient } from '../support/auth.ts';
import { startTestPlatform, type TestPlatform } from '../support/database.ts';
import { startTestServer, type TestServer } from '../support/http.ts';

let env: TestPlatform;
let server: TestServer;

beforeAll(async () => {
  env = await startTestPlatform({ connectors });
  server = await startTestServer(env.platform);
}, 120_000);

afterAll(async () => {
  await server?.close();
  await env?.close();
});

test('a salesperson learns which connectors are on, and only that', async () => {
  const salesperson = await userClient(env.platform, server.url, await createTestUser(env.platform, { login: 'handlowiec', roles: ['salesperson'] }));
  const before = await salesperson.get('/api/connectors/enabled');
  expect(before.status).toBe(200);
  expect(before.body.data).not.toContain('http');

  const http = connectors.find((c) => c.id === 'http')!;
  await env.platform.connectors.settings.write('http', http.configSchema, { enabled: true, config: {} }, { userId: null, via: 'system' });
  const after = await salesperson.get('/api/connectors/enabled');
  expect(after.body.data).toContain('http');
  expect(after.body.data.every((id: unknown) => typeof id === 'string')).toBe(true);

  // The settings themselves stay an administrator's.
  expect((await salesperson.get('/api/connectors')).status).toBe(403);
});
