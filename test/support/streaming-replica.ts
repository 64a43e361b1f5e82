// A real PostgreSQL 15 primary and streaming standby for one test file: initdb, pg_basebackup -R
// (standby.signal + primary_conninfo), each on a free loopback port with its data, socket and log in
// a temp dir. PostgreSQL refuses to run as root: as root (CI) every binary runs as Debian's
// `postgres` user through runuser, with the temp dir given to it; otherwise as the current user.
// The standby logs every statement with its application_name, so a test can see what ran there.
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, appendFileSync, chmodSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);
/** Debian's PostgreSQL 15 server binaries (TESSERA_PG_BIN elsewhere); without 15, the newest version installed. */
function serverBinaries(): string {
  if (process.env.TESSERA_PG_BIN) return process.env.TESSERA_PG_BIN;
  const root = '/usr/lib/postgresql';
  if (existsSync(`${root}/15/bin`) || !existsSync(root)) return `${root}/15/bin`;
  const versions = readdirSync(root).filter((v) => /^\d+$/.test(v)).sort((x, y) => Number(y) - Number(x));
  return `${root}/${versions[0] ?? '15'}/bin`;
}
export const PG_BIN = serverBinaries();
const BINARIES = ['initdb', 'pg_ctl', 'pg_basebackup', 'postgres'];
const asRoot = process.getuid?.() === 0;

/** Why a streaming replica cannot be started here, or null when it can. Printed by the suites that skip. */
export function streamingReplicaMissing(): string | null {
  const absent = BINARIES.filter((b) => !existsSync(join(PG_BIN, b)));
  if (absent.length) return `PostgreSQL server binaries not found in ${PG_BIN} (${absent.join(', ')}; Debian package postgresql, which .ci/run installs): read replica tests skipped`;
  // PostgreSQL refuses to run as root: the servers run as Debian's postgres user.
  if (asRoot && spawnSync('id', ['-u', 'postgres']).status !== 0) return 'running as root and there is no postgres user to run PostgreSQL as: read replica tests skipped';
  return null;
}

export interface StreamingReplica {
  readonly primaryUrl: string;
  readonly standbyUrl: string;
  /** Every statement the standby ran, as logged: "[application_name] LOG:  statement: …". */
  standbyLog(): string;
  stopStandby(): Promise<void>;
  startStandby(): Promise<void>;
  /** Waits until the primary reports a standby streaming from it. */
  waitForStreaming(): Promise<void>;
  /** Runs SQL on the standby (pg_wal_replay_pause() and the like). */
  onStandby<T extends pg.QueryResultRow>(sql: string): Promise<T[]>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}


/** A PostgreSQL binary, as `postgres` when we are root. */
async function pgRun(binary: string, args: readonly string[]): Promise<string> {
  const [file, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', join(PG_BIN, binary), ...args]] : [join(PG_BIN, binary), [...args]];
  try {
    const { stdout } = await run(file, argv, { timeout: 120_000 });
    return stdout;
  } catch (error) {
    const e = error as { stderr?: string; stdout?: string; message: string };
    throw new Error(`${binary} ${args.join(' ')} failed: ${e.message}\n${e.stdout ?? ''}${e.stderr ?? ''}`, { cause: error });
  }
}

export async function startStreamingReplica(): Promise<StreamingReplica> {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-replica-'));
  chmodSync(dir, 0o755);
  if (asRoot) await run('chown', ['postgres:', dir]);
  const primaryDir = join(dir, 'primary');
  const standbyDir = join(dir, 'standby');
  const [primaryPort, standbyPort] = [await freePort(), await freePort()];
  const started: string[] = [];
  const startServer = async (data: string, log: string) => {
    await pgRun('pg_ctl', ['-D', data, '-l', join(dir, log), '-w', '-t', '60', 'start']);
    if (!started.includes(data)) started.push(data);
  };
  const stopServer = async (data: string) => {
    await pgRun('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']).catch(() => undefined);
  };
  const stop = async () => {
    for (const data of [...started].reverse()) await stopServer(data);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    // Trust on loopback, replication connections included (initdb's pg_hba.conf has those lines).
    await pgRun('initdb', ['-D', primaryDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8']);
    const settings = (port: number) => `\nlisten_addresses = '127.0.0.1'\nport = ${port}\nunix_socket_directories = '${dir}'\nfsync = off\nsynchronous_commit = off\n`;
    appendFileSync(join(primaryDir, 'postgresql.conf'), settings(primaryPort));
    await startServer(primaryDir, 'primary.log');
    // -R: standby.signal and primary_conninfo; -X stream: the WAL the copy needs comes with it.
    await pgRun('pg_basebackup', ['-h', '127.0.0.1', '-p', String(primaryPort), '-U', 'postgres', '-D', standbyDir, '-R', '-X', 'stream', '-c', 'fast']);
    appendFileSync(join(standbyDir, 'postgresql.conf'), `${settings(standbyPort)}log_statement = 'all'\nlog_line_prefix = '[%a] '\nhot_standby_feedback = on\n`);
    await startServer(standbyDir, 'standby.log');
    const primaryUrl = `postgres://postgres@127.0.0.1:${primaryPort}/postgres`;
    const standbyUrl = `postgres://postgres@127.0.0.1:${standbyPort}/postgres`;
    const query = async <T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        return (await client.query<T>(sql)).rows;
      } finally {
        await client.end();
      }
    };
    const waitForStreaming = async () => {
      for (let i = 0; i < 600; i++) {
        const [row] = await query<{ n: number }>(primaryUrl, `SELECT count(*)::int AS n FROM pg_stat_replication WHERE state = 'streaming'`);
        if (row!.n > 0) return;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error('the standby did not start streaming within 60 s');
    };
    await waitForStreaming();
    return {
      primaryUrl,
      standbyUrl,
      standbyLog: () => readFileSync(join(dir, 'standby.log'), 'utf8'),
      stopStandby: () => stopServer(standbyDir),
      startStandby: () => startServer(standbyDir, 'standby.log'),
      waitForStreaming,
      onStandby: (sql) => query(standbyUrl, sql),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
