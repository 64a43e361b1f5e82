// Once per run of the browser project: make sure Chromium is there (installing Debian's package
// when missing and we may), and build the web app for the tests.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { chromiumPath, ROOT, SCREENSHOTS, TEST_UI_DIST } from './paths.ts';

function run(command: string, args: string[]): boolean {
  const result = spawnSync(command, args, { stdio: 'inherit', cwd: ROOT });
  return result.status === 0;
}

function ensureChromium(): void {
  if (chromiumPath()) return;
  const isRoot = process.getuid?.() === 0;
  if (isRoot && spawnSync('apt-get', ['--version']).status === 0) {
    console.log('\nbrowser tests: installing Debian chromium (apt-get install -y chromium)…');
    if (!run('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'])) {
      run('apt-get', ['update']);
      run('apt-get', ['install', '-y', '--no-install-recommends', 'chromium']);
    }
  }
  if (!chromiumPath()) throw new Error('browser tests need Chromium: install it (apt-get install -y chromium) or set TESSERA_CHROMIUM to its path');
}

export default function globalSetup(): void {
  ensureChromium();
  mkdirSync(SCREENSHOTS, { recursive: true });
  const ok = run(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--config', 'ui/vite.config.mts', '--outDir', TEST_UI_DIST, '--emptyOutDir', '--logLevel', 'warn']);
  if (!ok) throw new Error('browser tests: building the web app failed (see the output above)');
}
