// Builds the web app into ui/dist (served by the server at /).
//   node scripts/build-ui.ts              build now (npm run build:ui)
//   node scripts/build-ui.ts --if-stale   build only when ui/dist is missing or older than its
//                                         sources (npm start's prestart; instant when up to date)
//   node scripts/build-ui.ts --install    npm install's postinstall: as --if-stale, but a missing
//                                         Vite (an install without devDependencies) only warns
// A failed build exits non-zero: a broken web app should stop `npm install` / `npm start` loudly
// rather than serve a stale or missing page.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
export const UI_DIST = join(ROOT, 'ui/dist');
/** Everything the bundle is made from: the app, the pure modules it imports, the dependency versions. */
const SOURCES = ['ui/src', 'ui/index.html', 'ui/vite.config.mts', 'forms', 'metadata', 'package-lock.json'];

function newest(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = stat.mtimeMs;
  for (const entry of readdirSync(path)) latest = Math.max(latest, newest(join(path, entry)));
  return latest;
}

/** True when ui/dist is missing or older than a source file. */
export function uiIsStale(): boolean {
  const built = join(UI_DIST, 'index.html');
  if (!existsSync(built)) return true;
  const builtAt = statSync(built).mtimeMs;
  return SOURCES.some((s) => newest(join(ROOT, s)) > builtAt);
}

/** A production build of the web app into `outDir` (default ui/dist). */
export async function buildUi(options: { outDir?: string; quiet?: boolean } = {}): Promise<void> {
  const { build } = await import('vite');
  await build({
    configFile: join(ROOT, 'ui/vite.config.mts'),
    logLevel: options.quiet ? 'warn' : 'info',
    build: { outDir: options.outDir ?? UI_DIST, emptyOutDir: true },
  });
}

async function main(args: readonly string[]): Promise<number> {
  const install = args.includes('--install');
  if ((install || args.includes('--if-stale')) && !uiIsStale()) return 0;
  if (install && !existsSync(join(ROOT, 'node_modules/vite'))) {
    console.warn('tessera: Vite is not installed (no devDependencies?), so the web app was not built; ui/dist must come with the release.');
    return 0;
  }
  console.log('tessera: building the web app (ui/dist)…');
  try {
    await buildUi({ quiet: true });
    console.log('tessera: web app built');
    return 0;
  } catch (error) {
    console.error(`\ntessera: building the web app FAILED — the server would have no web app to serve.\n${error instanceof Error ? error.message : String(error)}\nRun \`npm run build:ui\` to see the full output.`);
    return 1;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) process.exitCode = await main(process.argv.slice(2));
