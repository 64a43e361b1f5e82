// The embedded default database: PGlite (PostgreSQL compiled to WebAssembly) with a file-backed data
// directory, served in-process on the PostgreSQL wire protocol by pglite-socket, so every part of
// Tessera (knex/objection, pg-boss, Node-RED's Postgres nodes) uses the one `pg` driver.
// PGlite itself does not lock its directory; two processes opening it would corrupt it, so we hold
// a lock file naming our pid and the socket URL (other local tools can connect through it).
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { access, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { TesseraError } from '../errors.ts';

export interface EmbeddedPostgres {
  readonly url: string;
  /** Absent for an in-memory database. */
  readonly dataDir?: string;
  stop(): Promise<void>;
}

export interface LockInfo {
  readonly pid: number;
  readonly url: string;
  readonly startedAt: string;
}

const LOCK_FILE = 'tessera.lock';

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The lock of a data directory if a live process holds it. */
export async function readLock(dataDir: string): Promise<LockInfo | null> {
  try {
    const info = JSON.parse(await readFile(join(dataDir, LOCK_FILE), 'utf8')) as LockInfo;
    return processAlive(info.pid) && info.pid !== process.pid ? info : null;
  } catch {
    return null;
  }
}

/**
 * Creates the lock file exclusively (O_EXCL), so of two processes starting at once only one wins;
 * a lock left by a dead process is taken over.
 */
async function takeLock(dataDir: string): Promise<void> {
  const path = join(dataDir, LOCK_FILE);
  const info: LockInfo = { pid: process.pid, url: '', startedAt: new Date().toISOString() };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(path, JSON.stringify(info), { flag: 'wx' });
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const held = await readLock(dataDir);
      if (held) {
        throw new TesseraError('DATABASE_LOCKED', `the data directory ${dataDir} is in use by process ${held.pid} (${held.url || 'starting'}); stop it, or connect to it with DATABASE_URL=${held.url}`, { extensions: { pid: held.pid, url: held.url } });
      }
      await rm(path, { force: true });
    }
  }
  throw new TesseraError('DATABASE_LOCKED', `could not lock the data directory ${dataDir}`);
}

async function publishUrl(dataDir: string, url: string): Promise<void> {
  const info: LockInfo = { pid: process.pid, url, startedAt: new Date().toISOString() };
  await writeFile(join(dataDir, LOCK_FILE), JSON.stringify(info));
}

export interface EmbeddedOptions {
  /** Data directory; omitted → in-memory (tests). */
  readonly dataDir?: string;
  readonly maxConnections?: number;
}

// Extended-query message types (Parse, Bind, Describe, Execute, Close, Flush, FunctionCall); Sync ends a group.
const EXTENDED_QUERY = new Set([0x50, 0x42, 0x44, 0x45, 0x43, 0x48, 0x46]);
const SYNC = 0x53;

/**
 * pglite-socket multiplexes every connection onto PGlite's single backend one protocol message at a
 * time, keeping to one connection only while a transaction is open. A parameterised query outside a
 * transaction is several messages (Parse, Bind, Execute… Sync) and must not interleave with another
 * connection's, or its Bind meets the other's unnamed statement ("unnamed prepared statement does
 * not exist"), which concurrent pools (knex, pg-boss's workers) hit at once. Reporting "in a
 * transaction" from the first message of such a group to its Sync makes the multiplexer keep to the
 * connection that sent it.
 */
function groupedProtocol(db: PGlite): PGlite {
  let grouping = false;
  return new Proxy(db, {
    get(target, property) {
      if (property === 'isInTransaction') return () => grouping || target.isInTransaction();
      if (property === 'execProtocolRawStream') {
        return async (...args: Parameters<PGlite['execProtocolRawStream']>) => {
          const type = args[0][0];
          const result = await target.execProtocolRawStream(...args);
          if (type === SYNC) grouping = false;
          else if (type !== undefined && EXTENDED_QUERY.has(type)) grouping = true;
          return result;
        };
      }
      if (property === 'exec') {
        // The multiplexer rolls back with exec() when a connection drops mid-transaction (or mid-group).
        return async (...args: Parameters<PGlite['exec']>) => {
          grouping = false;
          return target.exec(...args);
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedPostgres> {
  const { dataDir } = options;
  if (dataDir) {
    await mkdir(dataDir, { recursive: true });
    // Lock before opening: a second open is what corrupts.
    await takeLock(dataDir);
  }
  let db: PGlite;
  let server: PGLiteSocketServer;
  try {
    db = await PGlite.create({ ...(dataDir ? { dataDir: join(dataDir, 'pglite') } : {}), extensions: { pg_trgm } });
    server = new PGLiteSocketServer({ db: groupedProtocol(db), port: 0, host: '127.0.0.1', maxConnections: options.maxConnections ?? 64 });
    await server.start();
  } catch (error) {
    if (dataDir) await rm(join(dataDir, LOCK_FILE), { force: true });
    throw error;
  }
  const address = (server as unknown as { server: { address(): AddressInfo } }).server.address();
  const url = `postgres://postgres@127.0.0.1:${address.port}/postgres`;
  if (dataDir) await publishUrl(dataDir, url);
  let stopped = false;
  return {
    url,
    ...(dataDir ? { dataDir } : {}),
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.stop();
      await db.close();
      if (dataDir) await rm(join(dataDir, LOCK_FILE), { force: true });
    },
  };
}

/** Whether a data directory holds an embedded database (so opening it creates nothing). */
export async function embeddedDatabaseExists(dataDir: string): Promise<boolean> {
  try {
    await access(join(dataDir, 'pglite', 'PG_VERSION'));
    return true;
  } catch {
    return false;
  }
}
