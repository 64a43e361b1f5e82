// `npm start` under a process manager: the signal sent to the npm process must reach the server, so
// stopping npm stops Tessera (with `sh -c node …` the shell stayed between them and the server kept
// running, orphaned, holding the port and the data directory).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let dataDir: string;
let npm: ChildProcess | null = null;

beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'tessera-npm-start-'));
});

afterAll(() => {
  npm?.kill('SIGKILL');
  // A server left running by a failed test still names itself in its lock file.
  try {
    const lock = JSON.parse(readFileSync(join(dataDir, 'tessera.lock'), 'utf8')) as { pid?: number };
    if (lock.pid) process.kill(lock.pid, 'SIGKILL');
  } catch {
    // no lock: nothing left running
  }
  rmSync(dataDir, { recursive: true, force: true });
});

async function refused(url: string): Promise<boolean> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(2000) });
    return false;
  } catch {
    return true;
  }
}

test('SIGTERM to the npm process stops the server it started', async () => {
  // Under `npm test`, npm names itself in npm_execpath; run that same npm.
  const npmCli = process.env.npm_execpath;
  const [command, args] = npmCli?.endsWith('.js') ? [process.execPath, [npmCli, 'start']] : ['npm', ['start']];
  npm = spawn(command, args, {
    cwd: join(import.meta.dirname, '../..'),
    env: { ...process.env, PORT: '0', TESSERA_DATA_DIR: dataDir, TESSERA_ADMIN_PASSWORD: 'npm-start-password-1', NODE_OPTIONS: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /Tessera is running at (http:\/\/\S+)/.exec(output);
      if (match) resolve(match[1]!);
    };
    npm!.stdout!.on('data', onData);
    npm!.stderr!.on('data', onData);
    npm!.once('exit', (code) => reject(new Error(`npm start exited (${code}) before the server ran:\n${output}`)));
  });
  expect((await fetch(`${url}/api/health`)).status).toBe(200);

  const exited = new Promise<void>((resolve) => npm!.once('exit', () => resolve()));
  npm.kill('SIGTERM');
  await exited;
  npm = null;
  // The server stops within its 3 s grace; the port then refuses connections.
  const deadline = Date.now() + 15_000;
  while (!(await refused(`${url}/api/health`)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
  expect(await refused(`${url}/api/health`)).toBe(true);
}, 180_000);
