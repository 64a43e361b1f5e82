// The Node-RED editor of `tessera start` in headless Chromium, opened on the browser's Tessera session
// (no second sign-in): the palette has the Tessera nodes, a flow imported in the editor and deployed
// with its Deploy button runs — its public http-in endpoint creates a lead as the automation user.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { startServerProcess, type ServerProcess } from '../support/server-process.ts';
import { chromiumPath, SCREENSHOTS } from './paths.ts';

const PASSWORD = 'automation-browser-password';
let dataDir: string;
let profile: string;
let server: ServerProcess | null = null;
let context: BrowserContext | null = null;

beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'tessera-automation-browser-'));
  profile = mkdtempSync(join(tmpdir(), 'tessera-chromium-'));
});

afterAll(async () => {
  await context?.close().catch(() => undefined);
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(profile, { recursive: true, force: true });
});

test('the editor opens on the Tessera session, shows the Tessera palette and deploys a flow that works', async () => {
  server = await startServerProcess(dataDir, { TESSERA_ADMIN_PASSWORD: PASSWORD });
  const url = server.url;
  context = await chromium.launchPersistentContext(profile, { executablePath: chromiumPath()!, headless: true, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'], viewport: { width: 1440, height: 900 } });
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('response', (res) => {
    if (res.status() >= 400) errors.push(`${res.status()} ${res.request().method()} ${res.url()}`);
  });

  // Signed in as in the app; the automation user may create leads.
  const login = await context.request.post(`${url}/api/auth/login`, { data: { login: 'admin', password: PASSWORD } });
  expect(login.status()).toBe(200);
  const csrf = (await context.cookies()).find((c) => c.name === 'tessera_csrf')!.value;
  const users = (await (await context.request.get(`${url}/api/users`)).json()) as { data: { id: string; login: string }[] };
  const automation = users.data.find((u) => u.login === 'automation')!;
  expect((await context.request.patch(`${url}/api/users/${automation.id}`, { data: { roles: ['salesperson'] }, headers: { 'x-csrf-token': csrf } })).status()).toBe(200);

  await page.goto(`${url}/automation/`);
  await page.waitForSelector('.red-ui-palette-node[data-palette-type="tessera-create"]', { timeout: 30_000 });
  for (const type of ['tessera-event', 'tessera-query', 'tessera-get', 'tessera-update', 'tessera-delete', 'tessera-workflow']) {
    expect(await page.locator(`.red-ui-palette-node[data-palette-type="${type}"]`).count()).toBe(1);
  }
  // Signed in through Tessera: the editor shows the user and no login dialog.
  expect(await page.locator('#red-ui-header-button-user').count()).toBe(1);
  expect(await page.locator('#node-dialog-login-fields').count()).toBe(0);

  const flow = [
    { id: 'in1', type: 'http in', url: '/public/browser-lead', method: 'post', x: 160, y: 100, wires: [['c1']] },
    { id: 'c1', type: 'tessera-create', entity: 'lead', x: 380, y: 100, wires: [['r1']] },
    { id: 'r1', type: 'http response', statusCode: '201', x: 580, y: 100, wires: [] },
  ];
  // The seed's examples are there, disabled. On a new tab, what pasting the flow (Import) does;
  // dropping it on the canvas marks the workspace changed.
  await page.waitForSelector('text=Example: web form → lead');
  await page.evaluate((nodes) => {
    const RED = (globalThis as unknown as { RED: { workspaces: { add(): void }; view: { importNodes(nodes: unknown, options: object): void }; nodes: { dirty(value: boolean): void } } }).RED;
    RED.workspaces.add();
    RED.view.importNodes(nodes, { touchImport: true });
    RED.nodes.dirty(true);
  }, flow);
  await page.mouse.click(700, 500);
  const deployed = page.waitForResponse((res) => res.url().endsWith('/automation/flows') && res.request().method() === 'POST');
  await page.click('#red-ui-header-button-deploy');
  expect((await deployed).status()).toBe(200);
  await page.screenshot({ path: join(SCREENSHOTS, 'automation-editor.png') });

  let created: Response | null = null;
  for (let i = 0; i < 100 && created?.status !== 201; i++) {
    created = await fetch(`${url}/automation/api/public/browser-lead`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title: 'From the editor' }) });
    if (created.status !== 201) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  expect(created!.status).toBe(201);
  const lead = (await created!.json()) as { id: string; title: string; owner: string };
  expect(lead).toMatchObject({ title: 'From the editor', owner: automation.id });
  expect(errors).toEqual([]);
}, 180_000);
