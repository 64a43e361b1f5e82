// Two people at once in the browser suites: the suite's browser signed in as one user (the analyst),
// and another browser — another session — signed in as an operator, each in their language.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { TEST_PASSWORD } from '../support/auth.ts';
import { chromiumPath } from './paths.ts';
import type { BrowserEnv } from './support.ts';

/** The suite's browser signed in as `login`, in `language`, instead of the administrator. */
export async function signInSuiteBrowser(b: BrowserEnv, login: string, language: string): Promise<void> {
  await b.context.clearCookies();
  await b.context.addInitScript((lang) => localStorage.setItem('tessera.language', lang), language);
  const res = await b.context.request.post(`${b.url}/api/auth/login`, { data: { login, password: TEST_PASSWORD } });
  if (!res.ok()) throw new Error(`sign-in failed: ${res.status()}`);
}

export interface OtherBrowser {
  readonly context: BrowserContext;
  /** The session's CSRF token, for API requests made as this user. */
  csrf(): Promise<string>;
  close(): Promise<void>;
}

/** Another browser with a profile of its own, signed in as `login`; close() removes the profile. */
export async function otherBrowser(url: string, login: string, language: string): Promise<OtherBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'tessera-chromium-operator-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: chromiumPath()!, headless: true, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'], viewport: { width: 1440, height: 900 }, locale: 'en-GB' });
  const close = async () => {
    await context.close().catch(() => undefined);
    rmSync(profile, { recursive: true, force: true });
  };
  await context.addInitScript((lang) => localStorage.setItem('tessera.language', lang), language);
  const signed = await context.request.post(`${url}/api/auth/login`, { data: { login, password: TEST_PASSWORD } });
  if (!signed.ok()) {
    await close();
    throw new Error(`sign-in failed: ${signed.status()}`);
  }
  return { context, close, csrf: async () => (await context.cookies()).find((c) => c.name === 'tessera_csrf')!.value };
}
