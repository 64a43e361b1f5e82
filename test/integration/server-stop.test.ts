// `tessera start` stops promptly when signalled, even with a browser's notification stream open
// (a long-lived request that would otherwise keep the HTTP server waiting for minutes).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configFromEnv } from '../../engine/config.ts';
import { startServer, type RunningServer } from '../../engine/server.ts';

const PASSWORD = 'server-stop-password-1';
let dataDir: string;
let running: RunningServer | null = null;

beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'tessera-stop-'));
});

afterAll(async () => {
  await running?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

test('stopping the server ends an open notification stream instead of waiting for it', async () => {
  // Node-RED is one per process and jest reuses its workers: automation is tested in server processes of its own (automation*.test.ts).
  const env = { TESSERA_DATA_DIR: dataDir, PORT: '0', TESSERA_ADMIN_PASSWORD: PASSWORD, TESSERA_AUTOMATION: 'off' };
  running = await startServer(configFromEnv(env), { demo: false, quiet: true });
  const login = await fetch(`${running.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login: 'admin', password: PASSWORD }) });
  expect(login.status).toBe(200);
  const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const stream = await fetch(`${running.url}/api/notifications/stream`, { headers: { cookie, accept: 'text/event-stream' } });
  expect(stream.status).toBe(200);
  const reader = stream.body!.getReader();
  let received = '';
  while (!received.includes('event: notifications')) {
    const chunk = await reader.read();
    if (chunk.done) throw new Error(`the stream ended before its first event: ${received}`);
    received += new TextDecoder().decode(chunk.value);
  }

  const events: string[] = [];
  const ended = (async () => {
    for (;;) {
      const chunk = await reader.read().catch(() => ({ done: true as const, value: undefined }));
      if (chunk.done) return events.push('stream ended');
    }
  })();
  await running.stop().then(() => events.push('stopped'));
  running = null;
  await ended;
  // The stream (capped at two minutes) ended because the server stopped, within the test's time.
  expect(events).toContain('stopped');
  expect(events).toContain('stream ended');
});
