// The app's menu links to the Node-RED editor for users with an automation right, and the editor of
// a user with viewAutomation only (the seed's analyst) is read-only: Deploy locked, a deploy through
// its API refused, the stored flows unchanged. A seller (neither right) has no link. The server is
// in this process (the app built for the tests and Node-RED on the same HTTP server, as `tessera start`).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { connectors } from '../../connectors/index.ts';
import { tesseraPalette } from '../../connectors/node-red/index.ts';
import { createAutomation, type Automation } from '../../engine/automation/index.ts';
import { resolveAuthOptions } from '../../engine/http/authenticate.ts';
import { seedPackage } from '../../engine/seeding.ts';
import { createTestUser, TEST_PASSWORD } from '../support/auth.ts';
import { startTestPlatform, type TestPlatform } from '../support/database.ts';
import { startTestServer, TEST_ADMIN_LOGIN, TEST_ADMIN_PASSWORD, type TestServer } from '../support/http.ts';
import { chromiumPath, SCREENSHOTS, TEST_UI_DIST } from './paths.ts';

let env: TestPlatform;
let server: TestServer;
let automation: Automation;
let context: BrowserContext;
let userDir: string;
let profile: string;

beforeAll(async () => {
  env = await startTestPlatform({ connectors });
  await env.platform.applyMetadata(await seedPackage(), { source: 'seed' });
  userDir = mkdtempSync(join(tmpdir(), 'tessera-automation-menu-'));
  profile = mkdtempSync(join(tmpdir(), 'tessera-chromium-'));
  automation = createAutomation(env.platform, { palette: tesseraPalette, userDir, session: resolveAuthOptions(undefined).session });
  server = await startTestServer(env.platform, { uiDir: TEST_UI_DIST, automation: automation.handler });
  await automation.start(server.server);
  await createTestUser(env.platform, { login: 'analyst1', roles: ['analyst'] });
  await createTestUser(env.platform, { login: 'seller1', roles: ['salesperson'] });
  context = await chromium.launchPersistentContext(profile, { executablePath: chromiumPath()!, headless: true, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'], viewport: { width: 1440, height: 900 }, locale: 'en-GB' });
  await context.addInitScript(() => {
    if (!localStorage.getItem('tessera.language')) localStorage.setItem('tessera.language', 'en');
  });
}, 120_000);

afterAll(async () => {
  await context?.close().catch(() => undefined);
  await automation?.stop();
  await server?.close();
  await env?.close();
  rmSync(userDir, { recursive: true, force: true });
  rmSync(profile, { recursive: true, force: true });
});

test('the app links to the editor for those with an automation right; viewAutomation opens it read-only and cannot deploy', async () => {
  const url = server.url;
  const page = context.pages()[0] ?? (await context.newPage());
  const signInAs = async (login: string, password: string) => {
    await context.clearCookies();
    expect((await context.request.post(`${url}/api/auth/login`, { data: { login, password } })).status()).toBe(200);
  };
  const link = page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Automation (Node-RED)' });

  // The administrator: the link in the app's menu opens the editor, which may deploy.
  await signInAs(TEST_ADMIN_LOGIN, TEST_ADMIN_PASSWORD);
  await page.goto(`${url}/`);
  await link.waitFor({ timeout: 30_000 });
  expect(await link.getAttribute('href')).toBe('/automation/');
  await link.click();
  await page.waitForSelector('.red-ui-palette-node[data-palette-type="tessera-sms-send"]', { timeout: 30_000 });
  for (const type of ['tessera-email-send', 'tessera-fiscal-print']) expect(await page.locator(`.red-ui-palette-node[data-palette-type="${type}"]`).count()).toBe(1);
  expect(await page.locator('.red-ui-deploy-button-group.readOnly').count()).toBe(0);

  // An analyst (viewAutomation): the same link, the editor read-only — Deploy locked, the API refusing a deploy.
  await signInAs('analyst1', TEST_PASSWORD);
  await page.goto(`${url}/`);
  await link.waitFor({ timeout: 30_000 });
  await link.click();
  await page.waitForSelector('.red-ui-palette-node[data-palette-type="tessera-create"]', { timeout: 30_000 });
  await page.waitForSelector('.red-ui-deploy-button-group.readOnly', { timeout: 10_000 });
  expect(await page.locator('#red-ui-header-button-deploy.disabled').count()).toBe(1);
  await page.screenshot({ path: join(SCREENSHOTS, 'automation-editor-read-only.png') });
  const flowsNow = () => page.evaluate(async () => (await (await fetch('flows', { headers: { 'Node-RED-API-Version': 'v2' } })).json()) as { rev: string });
  const before = await flowsNow();
  const deploy = await page.evaluate(async () => (await fetch('flows', { method: 'POST', headers: { 'content-type': 'application/json', 'Node-RED-API-Version': 'v2' }, body: JSON.stringify({ flows: [] }) })).status);
  expect(deploy).toBe(401);
  expect((await flowsNow()).rev).toBe(before.rev);

  // A seller (neither right): the menu, without the link.
  await signInAs('seller1', TEST_PASSWORD);
  await page.goto(`${url}/`);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link').first().waitFor({ timeout: 30_000 });
  expect(await link.count()).toBe(0);
}, 180_000);
