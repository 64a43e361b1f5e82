// The usual fixture of an API suite: a test platform with the crm-mini package applied and a test
// server on it, with a client that sends the test administrator's token.
import { startTestPlatform, type TestPlatform } from './database.ts';
import { jsonClient, startTestServer, type JsonClient, type TestServer } from './http.ts';
import { crmMiniPackage } from './packages.ts';

export interface CrmMiniApi {
  readonly env: TestPlatform;
  readonly server: TestServer;
  readonly api: JsonClient;
  close(): Promise<void>;
}

export async function startCrmMiniApi(): Promise<CrmMiniApi> {
  const env = await startTestPlatform();
  await env.platform.applyMetadata(await crmMiniPackage(), { source: 'cli' });
  const server = await startTestServer(env.platform);
  return {
    env,
    server,
    api: jsonClient(`${server.url}/api`),
    async close() {
      await server.close();
      await env.close();
    },
  };
}
