// Sessions beside a browser suite's own: the suite's browser signed in as a user in a language, and
// another browser (its own profile, its own session) signed in as someone else — for changes one
// user makes that another must see at once, without a restart.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { TEST_PASSWORD } from '../support/auth.ts';
import { chromiumPath } from './paths.ts';

/** Signs the context in as `login` (the session and CSRF cookies land in it) and makes the app start in `language`. */
export async function signInBrowser(context: BrowserContext, url: string, login: string, language: string): Promise<void> {
  await context.addInitScript((lang) => localStorage.setItem('tessera.language', lang), language);
  const res = await context.request.post(`${url}/api/auth/login`, { data: { login, password: TEST_PASSWORD } });
  if (!res.ok()) throw new Error(`sign-in of ${login} failed: ${res.status()}`);
}

export interface OtherBrowser {
  readonly context: BrowserContext;
  /** The session's CSRF token, for API requests made as this user. */
  csrf(): Promise<string>;
  close(): Promise<void>;
}

/** Another headless Chromium with its own profile, signed in as `login`. */
export async function otherBrowser(url: string, login: string, language: string): Promise<OtherBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'tessera-chromium-other-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: chromiumPath()!, headless: true, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'], viewport: { width: 1440, height: 900 }, locale: 'en-GB' });
  await signInBrowser(context, url, login, language);
  return {
    context,
    csrf: async () => (await context.cookies()).find((c) => c.name === 'tessera_csrf')!.value,
    async close() {
      await context.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
