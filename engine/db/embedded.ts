// The embedded default database: PGlite (PostgreSQL compiled to WebAssembly) with a file-backed data
// directory, served on the PostgreSQL wire protocol on 127.0.0.1, so every part of Tessera
// (knex/objection, pg-boss, Node-RED's Postgres nodes) uses the one `pg` driver. PGlite and its socket
// run in a thread of their own (embedded-thread.ts): a long statement never stalls the HTTP event loop.
// The socket asks every connection for a secret made at each start (SCRAM-SHA-256), so another OS user
// who finds the port cannot connect; the secret is in the lock file, readable by the owner only.
// PGlite itself does not lock its directory; two processes opening it would corrupt it, so we hold
// a lock file naming our pid and the connection URL (CLI commands and workers connect through it).
import { randomBytes } from 'node:crypto';
import { access, chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { TesseraError } from '../errors.ts';
import type { DatabaseThreadCommand, DatabaseThreadData, DatabaseThreadReport } from './embedded-thread.ts';

/** What the database thread is doing, read without waiting for it (health answers from this). */
export interface EmbeddedActivity {
  /** False once the thread ended (stopped, or failed). */
  readonly running: boolean;
  /** How long the statement batch in progress has been running; null when the database is idle. */
  readonly busyMs: number | null;
  /** Statement batches run since the start, and the time spent running them (ms). */
  readonly batches: number;
  readonly busyTotalMs: number;
}

/** What the database thread holds in memory (the process's RSS includes it). */
export interface EmbeddedMemory {
  /** PGlite's WebAssembly linear memory (PostgreSQL's shared buffers, caches and work memory): it never shrinks. */
  readonly wasmBytes: number;
  /** The thread's own JavaScript heap (its wire-protocol socket), not in the process's `process.memoryUsage().heapUsed`. */
  readonly heapUsedBytes: number;
  readonly heapTotalBytes: number;
}

export interface EmbeddedPostgres {
  /** Connection URL including the per-start secret: pass it only to processes of this OS user. */
  readonly url: string;
  /** Absent for an in-memory database. */
  readonly dataDir?: string;
  /** Database threads started: 2 when this start created the database (the thread that created it is replaced), else 1. */
  readonly threadStarts: number;
  activity(): EmbeddedActivity;
  memory(): Promise<EmbeddedMemory>;
  stop(): Promise<void>;
}

export interface LockInfo {
  readonly pid: number;
  /** Connection URL with the secret; empty while the database is starting. */
  readonly url: string;
  readonly startedAt: string;
}

const LOCK_FILE = 'tessera.lock';
/** The lock holds the secret: owner only, like the data directory itself. */
const LOCK_MODE = 0o600;
const PGLITE_DIR = 'pglite';
const THREAD = new URL('./embedded-thread.ts', import.meta.url);

/**
 * PostgreSQL settings of the embedded instance, sized for a small team. PGlite's WebAssembly memory
 * holds PostgreSQL's shared buffers and never shrinks: with PostgreSQL's 128 MB of shared buffers it
 * starts at 188 MB; with 64 MB it stays inside the module's initial 128 MB. The operating system's
 * page cache still holds the data files PGlite reads (docs/deployment.md, "Memory").
 */
export const EMBEDDED_SETTINGS: readonly string[] = ['shared_buffers = 64MB'];

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
      await writeFile(path, JSON.stringify(info), { flag: 'wx', mode: LOCK_MODE });
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const held = await readLock(dataDir);
      if (held) {
        // The URL carries the secret: not in messages, which end up in logs.
        throw new TesseraError('DATABASE_LOCKED', `the data directory ${dataDir} is in use by process ${held.pid}; stop it, or run CLI commands with the same TESSERA_DATA_DIR (they connect through it)`, { extensions: { pid: held.pid } });
      }
      await rm(path, { force: true });
    }
  }
  throw new TesseraError('DATABASE_LOCKED', `could not lock the data directory ${dataDir}`);
}

async function publishUrl(dataDir: string, url: string): Promise<void> {
  const info: LockInfo = { pid: process.pid, url, startedAt: new Date().toISOString() };
  // Rewrites our own lock file, which takeLock created with LOCK_MODE.
  await writeFile(join(dataDir, LOCK_FILE), JSON.stringify(info), { mode: LOCK_MODE });
}

export interface EmbeddedOptions {
  /** Data directory; omitted → in-memory (tests). */
  readonly dataDir?: string;
  readonly maxConnections?: number;
}

/** Waits for the thread's first report: its port, or why it could not start. */
function threadStarted(worker: Worker): Promise<number> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number) => reject(new Error(`the embedded database thread exited (code ${code}) before it was ready`));
    worker.once('error', reject);
    worker.once('exit', onExit);
    worker.once('message', (report: DatabaseThreadReport) => {
      worker.off('error', reject);
      worker.off('exit', onExit);
      if (report.type === 'ready') resolve(report.port);
      else reject(new Error(`the embedded database did not start: ${report.type === 'failed' ? report.message : report.type}`));
    });
  });
}

/** Tells the thread to stop (PGlite closes its files), then waits for it to end. */
async function stopThread(worker: Worker): Promise<void> {
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  const stopped = new Promise<DatabaseThreadReport>((resolve) => worker.once('message', resolve));
  worker.postMessage({ type: 'stop' } satisfies DatabaseThreadCommand);
  const report = await Promise.race([stopped, exited]);
  if (report && report.type === 'stopped' && report.error) console.error(`[tessera database] stopping the embedded database: ${report.error}`);
  await worker.terminate();
  await exited;
}

export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedPostgres> {
  const { dataDir } = options;
  if (dataDir) {
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    // Lock before opening: a second open is what corrupts.
    await takeLock(dataDir);
  }
  const created = dataDir !== undefined && !(await embeddedDatabaseExists(dataDir));
  const password = randomBytes(32).toString('hex');
  const activity = new BigInt64Array(new SharedArrayBuffer(32));
  let worker: Worker | null = null;
  let threadStarts = 0;
  let port: number;
  try {
    const pgliteDir = dataDir ? join(dataDir, PGLITE_DIR) : undefined;
    if (pgliteDir) {
      // The database files (password hashes among them) are the owner's alone, as PostgreSQL demands of its data directory.
      await mkdir(pgliteDir, { recursive: true, mode: 0o700 });
      await chmod(pgliteDir, 0o700);
    }
    const data: DatabaseThreadData = { ...(pgliteDir ? { pgliteDir } : {}), password, maxConnections: options.maxConnections ?? 64, settings: EMBEDDED_SETTINGS, activity: activity.buffer as SharedArrayBuffer };
    worker = new Worker(THREAD, { workerData: data, name: 'tessera-database' });
    threadStarts++;
    port = await threadStarted(worker);
    if (created) {
      // PGlite creates a database with a second PostgreSQL instance and initdb's own WebAssembly
      // module; the thread that ran them kept 250–400 MB more than one that opens the database
      // (docs/deployment.md, "Memory"). A fresh thread opens it (under a second); the first one ends.
      await stopThread(worker);
      worker = null;
      activity.fill(0n);
      worker = new Worker(THREAD, { workerData: data, name: 'tessera-database' });
      threadStarts++;
      port = await threadStarted(worker);
    }
  } catch (error) {
    await worker?.terminate();
    if (dataDir) await rm(join(dataDir, LOCK_FILE), { force: true });
    throw error;
  }
  const thread = worker;
  let running = true;
  let stopping: Promise<void> | null = null;
  thread.on('error', (error) => console.error(`[tessera database] the embedded database thread failed: ${error.message}`));
  thread.once('exit', () => {
    running = false;
    if (!stopping) console.error('[tessera database] the embedded database thread ended unexpectedly; restart Tessera');
  });
  const url = `postgres://postgres:${password}@127.0.0.1:${port}/postgres`;
  if (dataDir) await publishUrl(dataDir, url);
  return {
    url,
    ...(dataDir ? { dataDir } : {}),
    threadStarts,
    activity() {
      const since = Number(Atomics.load(activity, 0));
      return { running, busyMs: running && since > 0 ? Math.max(0, Date.now() - since) : null, batches: Number(Atomics.load(activity, 1)), busyTotalMs: Number(Atomics.load(activity, 2)) / 1000 };
    },
    async memory() {
      const heap = await thread.getHeapStatistics();
      return { wasmBytes: Number(Atomics.load(activity, 3)), heapUsedBytes: heap.used_heap_size, heapTotalBytes: heap.total_heap_size };
    },
    stop() {
      stopping ??= (async () => {
        if (running) await stopThread(thread);
        if (dataDir) await rm(join(dataDir, LOCK_FILE), { force: true });
      })();
      return stopping;
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
