// The embedded database as `npm start` runs it (file-backed, in a data directory): its socket takes
// only connections that prove the per-start secret, the secret and the database files are the
// owner's alone, and CLI commands and worker processes still connect through the lock file.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { startPlatform, type Platform } from '../../engine/platform.ts';
import { tessera } from '../support/cli.ts';
import { testDatabaseKind } from '../support/database.ts';

const MINI = fileURLToPath(new URL('../fixtures/packages/crm-mini/', import.meta.url));
const BIN = fileURLToPath(new URL('../../engine/cli/tessera.js', import.meta.url));

// The embedded database only: the PostgreSQL pass has its own server and authentication.
const embeddedOnly = testDatabaseKind() === 'embedded' ? describe : describe.skip;

embeddedOnly('the embedded database in a data directory', () => {
  let dataDir: string;
  let platform: Platform;
  // CLI children must find the data directory, not a server URL the environment may hold.
  const cliEnv = () => ({ TESSERA_DATA_DIR: dataDir, DATABASE_URL: '' });

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'tessera-embedded-'));
    platform = await startPlatform({ dataDir, listen: true });
  }, 120_000);

  afterAll(async () => {
    await platform?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  const withoutSecret = (url: string) => {
    const parsed = new URL(url);
    parsed.password = '';
    return parsed.toString();
  };

  test('the lock file holds the URL with the secret and is readable by the owner only; so are the database files', () => {
    const lock = join(dataDir, 'tessera.lock');
    expect(statSync(lock).mode & 0o777).toBe(0o600);
    expect(statSync(join(dataDir, 'pglite')).mode & 0o777).toBe(0o700);
    const info = JSON.parse(readFileSync(lock, 'utf8')) as { pid: number; url: string };
    expect(info.pid).toBe(process.pid);
    expect(info.url).toBe(platform.db.url);
    // A secret long enough not to be guessed.
    expect(new URL(info.url).password).toMatch(/^[0-9a-f]{64}$/);
  });

  test('a connection without the secret, or with a wrong one, is refused', async () => {
    const none = new pg.Client({ connectionString: withoutSecret(platform.db.url) });
    await expect(none.connect()).rejects.toThrow();
    await none.end().catch(() => undefined);
    const wrongUrl = new URL(platform.db.url);
    wrongUrl.password = 'f'.repeat(64);
    const wrong = new pg.Client({ connectionString: wrongUrl.toString() });
    await expect(wrong.connect()).rejects.toMatchObject({ code: '28P01' });
    await wrong.end().catch(() => undefined);
    const right = new pg.Client({ connectionString: platform.db.url });
    await right.connect();
    expect((await right.query('SELECT current_user AS who')).rows).toEqual([{ who: 'postgres' }]);
    await right.end();
  });

  test('a client that skips authentication and sends SQL straight away gets an error, and the SQL never runs', async () => {
    const { port } = new URL(platform.db.url);
    const params = Buffer.from('user\0postgres\0database\0postgres\0\0');
    const startup = Buffer.alloc(8 + params.length);
    startup.writeInt32BE(startup.length, 0);
    startup.writeInt32BE(196608, 4);
    params.copy(startup, 8);
    const sql = Buffer.from('CREATE TABLE public.intruder (id int)\0');
    const query = Buffer.alloc(5 + sql.length);
    query.write('Q', 0, 'latin1');
    query.writeInt32BE(4 + sql.length, 1);
    sql.copy(query, 5);
    const received = await new Promise<Buffer>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () => socket.write(Buffer.concat([startup, query])));
      // A server that let the client in would keep the connection open.
      socket.setTimeout(10_000, () => socket.destroy());
      const chunks: Buffer[] = [];
      socket.on('data', (chunk) => chunks.push(chunk));
      socket.on('close', () => resolve(Buffer.concat(chunks)));
      socket.on('error', reject);
    });
    // AuthenticationSASL (R, code 10), then a FATAL error; never AuthenticationOk or a command result.
    expect(String.fromCharCode(received[0]!)).toBe('R');
    expect(received.readInt32BE(5)).toBe(10);
    expect(received.toString('latin1')).toContain('expected a SASL response');
    expect(received.toString('latin1')).not.toContain('CREATE TABLE');
    const { rows } = (await platform.knex.raw(`SELECT to_regclass('public.intruder') AS t`)) as { rows: { t: string | null }[] };
    expect(rows[0]!.t).toBeNull();
  });

  test('CLI commands connect through the lock file of the running process', async () => {
    const plan = await tessera(['meta', 'plan', MINI], cliEnv());
    expect(plan.stderr).toBe('');
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain('plan against metadata version 0');
  }, 120_000);

  test('a workflow worker process connects through the lock file', async () => {
    const child = spawn(process.execPath, [BIN, 'workflows', 'worker'], { env: { ...process.env, NODE_OPTIONS: '', ...cliEnv() }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<string>((resolve) => child.once('exit', (code, signal) => resolve(`${code ?? signal}`)));
    const ready = await new Promise<boolean>((resolve) => {
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (stdout.includes('workflow workers running')) resolve(true);
      });
      void exited.then(() => resolve(false));
    });
    child.kill('SIGTERM');
    expect({ ready, stderr }).toEqual({ ready: true, stderr: '' });
    expect(await exited).toBe('0');
  }, 120_000);
});
