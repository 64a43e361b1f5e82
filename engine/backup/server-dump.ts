// A PostgreSQL server's backup with PostgreSQL's own tools: pg_dump's custom format, restored by
// pg_restore in one transaction into an empty database. The tools must be at least the server's
// major version (pg_dump refuses a newer server; pg_restore a newer archive), checked first so the
// message says what to install. The password goes in PGPASSWORD, not on a command line others can read.
import { spawn } from 'node:child_process';
import pg from 'pg';
import { BackupError } from './backup-error.ts';
import { metadataStamp, serverVersion } from './database-stamp.ts';
import { sameMetadata, type MetadataStamp } from './manifest.ts';

type Tool = 'pg_dump' | 'pg_restore';

function run(tool: Tool, args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(tool, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', (error: NodeJS.ErrnoException) => {
      const notInstalled = error.code === 'ENOENT';
      reject(notInstalled ? new BackupError('DUMP_TOOL_MISSING', `${tool} was not found on PATH: install PostgreSQL's client tools (Debian: postgresql-client)`) : error);
    });
    child.once('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

/** The major version of a tool ("pg_dump (PostgreSQL) 15.20" → 15). */
export function toolMajor(versionLine: string): number | null {
  const match = /\)\s+(\d+)(?:\.\d+)?/.exec(versionLine);
  return match ? Number(match[1]) : null;
}

async function checkTool(tool: Tool, serverMajor: number): Promise<string> {
  const { stdout } = await run(tool, ['--version']);
  const major = toolMajor(stdout);
  if (major === null || major < serverMajor) throw new BackupError('DUMP_TOOL_TOO_OLD', `${stdout.trim() || tool} cannot work with PostgreSQL ${serverMajor}: install the PostgreSQL ${serverMajor} client tools (or newer)`);
  return stdout.trim();
}

/** The URL without its password, and the password for PGPASSWORD. */
function credentials(url: string): { url: string; env: NodeJS.ProcessEnv } {
  const parsed = new URL(url);
  const password = decodeURIComponent(parsed.password);
  parsed.password = '';
  return { url: parsed.toString(), env: password ? { PGPASSWORD: password } : {} };
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

const major = (version: string) => Number.parseInt(version, 10);

export interface ServerDump {
  readonly metadata: MetadataStamp;
  readonly serverVersion: string;
  readonly dumpTool: string;
}

/** pg_dump -Fc of the whole database into `file`. */
export async function dumpServer(url: string, file: string): Promise<ServerDump> {
  const { before, version } = await withClient(url, async (client) => ({ before: await metadataStamp(client), version: await serverVersion(client) }));
  const dumpTool = await checkTool('pg_dump', major(version));
  const { url: bare, env } = credentials(url);
  const result = await run('pg_dump', ['--format=custom', '--no-owner', '--no-privileges', `--file=${file}`, `--dbname=${bare}`], env);
  if (result.code !== 0) throw new BackupError('DUMP_TOOL_FAILED', `pg_dump failed: ${result.stderr.trim()}`);
  const after = await withClient(url, metadataStamp);
  if (!sameMetadata(before, after)) throw new BackupError('BACKUP_METADATA_CHANGED', 'the metadata was applied while the backup ran; run the backup again');
  return { metadata: after, serverVersion: version, dumpTool };
}

/** Refuses a database that holds anything besides PostgreSQL's own schemas: a restore never mixes with data. */
async function ensureEmpty(client: pg.Client): Promise<void> {
  const { rows } = await client.query<{ objects: number }>(`
    SELECT count(*)::int AS objects FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'`);
  if (rows[0]!.objects > 0) throw new BackupError('RESTORE_TARGET_NOT_EMPTY', `the database of DATABASE_URL is not empty (${rows[0]!.objects} tables, indexes or sequences): restore into a new, empty database`);
}

/** pg_restore of `file` in one transaction into the (empty) database of `url`; returns the metadata it now holds. */
export async function restoreServer(url: string, file: string, dumpedBy: string | undefined): Promise<MetadataStamp> {
  const version = await withClient(url, async (client) => {
    await ensureEmpty(client);
    return serverVersion(client);
  });
  // The archive is readable by a pg_restore at least as new as the pg_dump that wrote it.
  await checkTool('pg_restore', Math.max(major(version), dumpedBy ? (toolMajor(dumpedBy) ?? 0) : 0));
  const { url: bare, env } = credentials(url);
  const result = await run('pg_restore', ['--single-transaction', '--exit-on-error', '--no-owner', '--no-privileges', `--dbname=${bare}`, file], env);
  if (result.code !== 0) throw new BackupError('DUMP_TOOL_FAILED', `pg_restore failed, nothing was restored: ${result.stderr.trim()}`);
  return withClient(url, metadataStamp);
}
