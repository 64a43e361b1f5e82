// The embedded database's own thread: PGlite and its wire-protocol socket run here, off the HTTP event
// loop, so a long statement (a metadata apply rewriting a large table) leaves requests, timers and
// health answering. Started by embedded.ts with the data directory and the per-start secret; reports
// `ready` with its port, and stops (closing PGlite cleanly) when told to.
import { PGlite } from '@electric-sql/pglite';
import { btree_gist } from '@electric-sql/pglite/contrib/btree_gist';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { parentPort, workerData } from 'node:worker_threads';
import { scramVerifier } from './scram.ts';
import { WireServer } from './wire-server.ts';

/** What embedded.ts hands the thread (workerData). */
export interface DatabaseThreadData {
  /** PGlite's directory; absent → in memory. */
  readonly pgliteDir?: string;
  readonly password: string;
  readonly maxConnections: number;
  /** postgresql.conf lines the instance starts with (EMBEDDED_SETTINGS). */
  readonly settings: readonly string[];
  /** Four BigInt64 slots: when the running batch started (ms since the epoch, 0 when idle), batches run, microseconds spent running them, bytes of PGlite's WebAssembly memory after the last batch. */
  readonly activity: SharedArrayBuffer;
}

export type DatabaseThreadReport = { readonly type: 'ready'; readonly port: number } | { readonly type: 'failed'; readonly message: string } | { readonly type: 'stopped'; readonly error?: string };
export type DatabaseThreadCommand = { readonly type: 'stop' };

async function run(data: DatabaseThreadData): Promise<void> {
  const port = parentPort!;
  const report = (message: DatabaseThreadReport) => port.postMessage(message);
  const activity = new BigInt64Array(data.activity);
  let started = 0;
  let db: PGlite;
  let server: WireServer;
  try {
    db = await PGlite.create({ ...(data.pgliteDir ? { dataDir: data.pgliteDir } : {}), postgresqlconf: [...data.settings], extensions: { pg_trgm, btree_gist } });
    const opened = db;
    Atomics.store(activity, 3, BigInt(opened.Module.HEAPU8.byteLength));
    server = new WireServer({
      db,
      // A checkpoint first: the copy then needs no WAL replay to open.
      async baseBackup() {
        await opened.exec('CHECKPOINT');
        return new Uint8Array(await (await opened.dumpDataDir('gzip')).arrayBuffer());
      },
      verifier: scramVerifier(data.password),
      maxConnections: data.maxConnections,
      onBusy(busy) {
        if (busy) {
          started = performance.now();
          Atomics.store(activity, 0, BigInt(Date.now()));
          return;
        }
        Atomics.store(activity, 0, 0n);
        Atomics.add(activity, 1, 1n);
        Atomics.add(activity, 2, BigInt(Math.round((performance.now() - started) * 1000)));
        // WebAssembly memory only grows: its size after a batch is what PGlite holds from then on.
        Atomics.store(activity, 3, BigInt(opened.Module.HEAPU8.byteLength));
      },
    });
    report({ type: 'ready', port: await server.listen() });
  } catch (error) {
    report({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
    port.close();
    return;
  }
  port.on('message', (command: DatabaseThreadCommand) => {
    if (command.type !== 'stop') return;
    void (async () => {
      let error: string | undefined;
      try {
        await server.close();
        await db.close();
      } catch (failure) {
        error = failure instanceof Error ? failure.message : String(failure);
      }
      report({ type: 'stopped', ...(error ? { error } : {}) });
      port.close();
    })();
  });
}

await run(workerData as DatabaseThreadData);
