// Engine processes for the durability tests: `node engine/worker.ts` as a child
// process against the test database (the embedded database is reached over its socket URL, a
// PostgreSQL server database by its URL), with the test connector (test-connector.ts, loaded as an
// installation's own connector module), the test secrets key, short job expiry and
// supervision, so work held by a killed process runs again within seconds.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { TEST_SECRET_KEY } from './database.ts';

const WORKER = fileURLToPath(new URL('../../engine/worker.ts', import.meta.url));
const TEST_CONNECTOR = fileURLToPath(new URL('./test-connector.ts', import.meta.url));

export interface EngineProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  /** stderr so far, for failure messages. */
  output(): string;
  kill(signal: NodeJS.Signals): void;
  exited(): Promise<number | null>;
}

export async function startEngineProcess(url: string, env: Record<string, string> = {}): Promise<EngineProcess> {
  const child = spawn(process.execPath, [WORKER], {
    env: {
      ...process.env,
      NODE_OPTIONS: '',
      DATABASE_URL: url,
      TESSERA_CONNECTOR_MODULES: TEST_CONNECTOR,
      TESSERA_SECRET_KEY: TEST_SECRET_KEY,
      TESSERA_JOB_EXPIRE_SECONDS: '3',
      TESSERA_SUPERVISE_SECONDS: '1',
      // The embedded database serves a limited number of connections to all processes.
      TESSERA_DB_POOL_SIZE: '4',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let stdout = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`engine process did not start within 60 s:\n${stderr}`)), 60_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes('ready')) {
        clearTimeout(timer);
        resolve();
      }
    });
    void exit.then((code) => {
      clearTimeout(timer);
      reject(new Error(`engine process exited with ${code} before it was ready:\n${stderr}`));
    });
  });
  return {
    child,
    pid: child.pid!,
    output: () => stderr,
    kill: (signal) => child.kill(signal),
    exited: () => exit,
  };
}
