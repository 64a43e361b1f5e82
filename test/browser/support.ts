// One browser test environment per test file: an embedded in-memory database with the UI test
// package applied, the HTTP server serving the built web app on a loopback port (with the test
// administrator, whose API token `api` sends), and a fresh headless Chromium profile, signed in as
// that administrator unless asked not to be.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { loadPackageDir } from '../../metadata/index.ts';
import { startTestPlatform, type TestPlatform } from '../support/database.ts';
import type { PlatformOptions } from '../../engine/platform.ts';
import { jsonClient, startTestServer, TEST_ADMIN_LOGIN, TEST_ADMIN_PASSWORD, type TestServer } from '../support/http.ts';
import { chromiumPath, SCREENSHOTS, TEST_UI_DIST } from './paths.ts';

export const UI_PACKAGE_DIR = new URL('../fixtures/packages/crm-ui/', import.meta.url).pathname;

// The flags of ../shared/reference/stack.md: no sandbox (containers), no GPU, no background traffic.
const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export interface BrowserEnv {
  readonly url: string;
  readonly env: TestPlatform;
  readonly server: TestServer;
  readonly api: ReturnType<typeof jsonClient>;
  readonly context: BrowserContext;
  readonly page: Page;
  /** Errors thrown in the page since the last call (and console errors, except failed requests the test caused on purpose). */
  takePageErrors(): string[];
  screenshot(name: string): Promise<void>;
  close(): Promise<void>;
}

export interface BrowserEnvOptions {
  readonly signedIn?: boolean;
  /** The metadata package applied (default: the UI fixture package; the seed's for the shipped CRM). */
  readonly packageDir?: string;
  /** Connectors of the platform (default: none). */
  readonly connectors?: PlatformOptions['connectors'];
}

export async function startBrowserEnv(options: BrowserEnvOptions = {}): Promise<BrowserEnv> {
  const env = await startTestPlatform({ ...(options.connectors ? { connectors: options.connectors } : {}) });
  const { package: files, errors } = await loadPackageDir(options.packageDir ?? UI_PACKAGE_DIR);
  if (errors.length) throw new Error(`fixture package unreadable: ${JSON.stringify(errors)}`);
  await env.platform.applyMetadata(files, { source: 'cli' });
  const server = await startTestServer(env.platform, { uiDir: TEST_UI_DIST });
  const url = server.url;
  const profile = mkdtempSync(join(tmpdir(), 'tessera-chromium-'));
  const executablePath = chromiumPath();
  if (!executablePath) throw new Error('Chromium not found (the global setup should have installed it)');
  const context = await chromium.launchPersistentContext(profile, { executablePath, headless: true, args: CHROMIUM_FLAGS, viewport: { width: 1440, height: 900 }, locale: 'en-GB' });
  // The app remembers the language; tests start in English. Sandboxed frames (e-mail previews) have
  // no storage: the script leaves them alone instead of failing there.
  await context.addInitScript(() => {
    try {
      if (!localStorage.getItem('tessera.language')) localStorage.setItem('tessera.language', 'en');
    } catch {
      // a sandboxed frame
    }
  });
  if (options.signedIn !== false) {
    // The session and CSRF cookies land in the browser context, as after signing in on the page.
    const res = await context.request.post(`${url}/api/auth/login`, { data: { login: TEST_ADMIN_LOGIN, password: TEST_ADMIN_PASSWORD } });
    if (!res.ok()) throw new Error(`sign-in failed: ${res.status()} ${await res.text()}`);
  }
  const page = context.pages()[0] ?? (await context.newPage());
  let pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(`pageerror: ${error.message}`));
  return {
    url,
    env,
    server,
    api: jsonClient(`${url}/api`),
    context,
    page,
    takePageErrors() {
      const taken = pageErrors;
      pageErrors = [];
      return taken;
    },
    async screenshot(name) {
      await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
    },
    async close() {
      await context.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
      await server.close();
      await env.close();
    },
  };
}

/**
 * The environment of a test file: started before its tests (then `seed` runs), closed after them;
 * every test must leave no uncaught error in the page. The object is filled in by beforeAll.
 */
export function browserSuite(options: BrowserEnvOptions = {}, seed?: (b: BrowserEnv) => Promise<void>): BrowserEnv {
  const holder = {} as BrowserEnv;
  beforeAll(async () => {
    Object.assign(holder, await startBrowserEnv(options));
    await seed?.(holder);
  }, 120_000);
  afterAll(async () => {
    await holder.close?.();
  });
  afterEach(() => {
    expect(holder.takePageErrors()).toEqual([]);
  });
  return holder;
}

/** Creates a record through the API as the suite's administrator; its id (throws with the problem otherwise). */
export async function createRecord(b: BrowserEnv, entity: string, values: Record<string, unknown>): Promise<string> {
  const res = await b.api.post(`/records/${entity}`, values);
  if (res.status !== 201) throw new Error(`creating a ${entity}: ${JSON.stringify(res.body)}`);
  return res.body.id as string;
}

/**
 * The analyst's tests: the suite's browser signed in as the analyst in Polish, and a second browser
 * (its own session) as an operator in English, to see a change the analyst applies at once.
 */
export async function analystAndOperator(b: BrowserEnv, analyst: string, operator: string, password: string): Promise<{ readonly context: BrowserContext; close(): Promise<void> }> {
  await b.context.clearCookies();
  await b.context.addInitScript(() => localStorage.setItem('tessera.language', 'pl'));
  const res = await b.context.request.post(`${b.url}/api/auth/login`, { data: { login: analyst, password } });
  if (!res.ok()) throw new Error(`sign-in failed: ${res.status()}`);
  return operatorBrowser(b, operator, password, 'en');
}

/**
 * A second browser (its own profile, so its own session), signed in as an operator: what another
 * user sees at once after the analyst applies a change. `close` removes the profile too.
 */
export async function operatorBrowser(b: BrowserEnv, login: string, password: string, language: 'pl' | 'en' | 'ro'): Promise<{ readonly context: BrowserContext; close(): Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), 'tessera-chromium-operator-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: chromiumPath()!, headless: true, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'], viewport: { width: 1440, height: 900 }, locale: 'en-GB' });
  const close = async () => {
    await context.close().catch(() => undefined);
    rmSync(profile, { recursive: true, force: true });
  };
  await context.addInitScript((l) => localStorage.setItem('tessera.language', l), language);
  const signed = await context.request.post(`${b.url}/api/auth/login`, { data: { login, password } });
  if (!signed.ok()) {
    await close();
    throw new Error(`sign-in failed: ${signed.status()}`);
  }
  return { context, close };
}
