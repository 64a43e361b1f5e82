// `tessera start` as a child process on a data directory of the test's, for suites that restart the
// server (Node-RED cannot be started twice in one process) or need the whole server as `npm start`
// runs it. Resolves with its URL once it prints it.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TEST_SECRET_KEY } from './database.ts';

const CLI = fileURLToPath(new URL('../../engine/cli/tessera.js', import.meta.url));

export interface ServerProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** stdout and stderr so far, for failure messages. */
  output(): string;
  /** SIGTERM, then waits for the exit. */
  stop(): Promise<void>;
}

/** `args` follow `start` (e.g. `--processes 3`: then the URL is printed by the cluster's primary once every worker listens). */
export async function startServerProcess(dataDir: string, env: Record<string, string> = {}, args: readonly string[] = []): Promise<ServerProcess> {
  const child = spawn(process.execPath, [CLI, 'start', ...args], {
    env: { ...process.env, NODE_OPTIONS: '', PORT: '0', TESSERA_DATA_DIR: dataDir, TESSERA_SECRET_KEY: TEST_SECRET_KEY, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  // 'close' rather than 'exit': the pipes are closed too, so a stopped server leaves no handle open.
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not start within 90 s:\n${output}`)), 90_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /Tessera is running at (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited (${code}) before it ran:\n${output}`));
    });
  });
  return {
    url,
    child,
    output: () => output,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** The URL (with its secret) of the embedded database a running server serves, from its lock file. */
export function embeddedDatabaseUrl(dataDir: string): string {
  return (JSON.parse(readFileSync(join(dataDir, 'tessera.lock'), 'utf8')) as { url: string }).url;
}
