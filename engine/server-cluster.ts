// `tessera start --processes N`: N server processes on one port (node:cluster). The primary serves
// no requests: it forks the workers, which share its listening socket (connections are handed out
// round-robin), replaces a worker that dies (with backoff, so a worker failing at start does not
// spin), and on SIGTERM/SIGINT lets every worker drain (engine/server.ts `stop`) before it exits.
// Whatever must happen once is shared through the database: migrations and seeding under an
// advisory lock (db/startup-lock.ts), jobs and timers through pg-boss, Node-RED on the process
// holding the automation leader's lock, caches emptied by NOTIFY (docs/deployment.md).
import cluster, { type Worker } from 'node:cluster';

/** Backoff before a dead worker's replacement: doubles per death in a row, capped. */
const RESTART_MIN_MS = 250;
const RESTART_MAX_MS = 30_000;
/** A worker that served this long before it died counts as healthy: its replacement starts at once. */
const HEALTHY_AFTER_MS = 10_000;
/** How long the workers may take to drain on stop before they are killed. */
const STOP_TIMEOUT_MS = 15_000;

/** The delay before the next replacement, given how many workers died in a row soon after starting. */
export function restartDelayMs(failuresInARow: number): number {
  if (failuresInARow <= 0) return 0;
  return Math.min(RESTART_MAX_MS, RESTART_MIN_MS * 2 ** (failuresInARow - 1));
}

export interface ClusterOptions {
  readonly processes: number;
  /** The URL printed once every worker listens (the workers print their own details). */
  readonly host: string;
  readonly log: (line: string) => void;
}

/** Runs in the primary: forks and supervises the workers; resolves when they all listen. */
export async function runPrimary(options: ClusterOptions): Promise<void> {
  const { log } = options;
  const started = new Map<Worker, number>();
  let failuresInARow = 0;
  let stopping = false;
  let pending: ReturnType<typeof setTimeout> | null = null;
  let listened = false;

  const fork = (): Worker => {
    const worker = cluster.fork();
    started.set(worker, Date.now());
    log(`  process ${worker.process.pid} started`);
    return worker;
  };

  cluster.on('exit', (worker, code, signal) => {
    const since = started.get(worker) ?? Date.now();
    started.delete(worker);
    if (stopping) return;
    if (!listened && code !== 0) {
      // Not one worker came up (a wrong DATABASE_URL, a port in use): restarting would not help.
      log(`  process ${worker.process.pid} could not start (${signal ?? `code ${code}`}); stopping`);
      void stop().then(() => process.exit(1));
      return;
    }
    failuresInARow = Date.now() - since >= HEALTHY_AFTER_MS ? 0 : failuresInARow + 1;
    const delay = restartDelayMs(failuresInARow);
    log(`  process ${worker.process.pid} exited (${signal ?? `code ${code}`}); a new one starts in ${delay} ms`);
    pending = setTimeout(() => {
      pending = null;
      if (!stopping) fork();
    }, delay);
  });

  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    if (pending) clearTimeout(pending);
    log('stopping…');
    const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
    const exits = workers.map((w) => new Promise<void>((resolve) => (w.isDead() ? resolve() : w.once('exit', () => resolve()))));
    // Each worker drains its requests in flight and closes its platform (engine/server.ts).
    for (const w of workers) w.process.kill('SIGTERM');
    const overdue = setTimeout(() => {
      for (const w of workers) if (!w.isDead()) w.process.kill('SIGKILL');
    }, STOP_TIMEOUT_MS);
    await Promise.all(exits);
    clearTimeout(overdue);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void stop().then(() => process.exit(0)));

  const listening = new Promise<number>((resolve) => {
    const seen = new Set<number>();
    cluster.on('listening', (worker, address) => {
      seen.add(worker.id);
      listened = true;
      if (seen.size === options.processes) resolve(address.port);
      else if (seen.size > options.processes) log(`  process ${worker.process.pid} listening`);
    });
  });
  for (let i = 0; i < options.processes; i++) fork();
  const port = await listening;
  log(`Tessera is running at http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port} (${options.processes} processes)`);
}
