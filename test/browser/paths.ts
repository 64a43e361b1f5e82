// Where the browser suites find the built web app and Chromium.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The tests build the web app here, not into ui/dist, so a running `npm start` is left alone. */
export const TEST_UI_DIST = fileURLToPath(new URL('../../.tessera-test/ui-dist/', import.meta.url));
export const SCREENSHOTS = fileURLToPath(new URL('../../test-output/screenshots/', import.meta.url));

/** Debian's chromium (or TESSERA_CHROMIUM). */
export function chromiumPath(): string | null {
  const candidates = [process.env.TESSERA_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter((p): p is string => Boolean(p));
  return candidates.find((p) => existsSync(p)) ?? null;
}
