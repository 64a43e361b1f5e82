// Which server process runs the flows: the one holding a PostgreSQL session advisory lock, taken on
// a connection of its own. Every process tries every `intervalMs`; when the leader dies (kill -9,
// a lost connection), PostgreSQL ends its session, the lock is free, and the next try of another
// process takes it — failover within an interval or two. On the embedded database there is one
// server process (its data directory is locked) and one session, so that process always leads.
import pg from 'pg';

/** The advisory lock key: the first 8 bytes of "tessera.automation" would do as well; a fixed number is clearer in pg_locks. */
export const LEADER_LOCK_KEY = 716_001_016;

export class AutomationLeader {
  readonly #url: string;
  readonly #intervalMs: number;
  readonly #onChange: (leader: boolean) => void;
  #client: pg.Client | null = null;
  #leader = false;
  #timer: ReturnType<typeof setInterval> | null = null;
  #trying: Promise<void> | null = null;
  #stopped = false;

  constructor(url: string, onChange: (leader: boolean) => void, intervalMs = 2000) {
    this.#url = url;
    this.#onChange = onChange;
    this.#intervalMs = intervalMs;
  }

  get isLeader(): boolean {
    return this.#leader;
  }

  async start(): Promise<void> {
    await this.#try();
    this.#timer = setInterval(() => void this.#try(), this.#intervalMs);
    this.#timer.unref();
  }

  #set(leader: boolean): void {
    if (leader === this.#leader) return;
    this.#leader = leader;
    this.#onChange(leader);
  }

  #try(): Promise<void> {
    this.#trying ??= (async () => {
      try {
        if (!this.#client) {
          const client = new pg.Client({ connectionString: this.#url, application_name: 'tessera automation leader' });
          client.on('error', () => this.#lost(client));
          await client.connect();
          this.#client = client;
        }
        if (this.#leader) {
          // Still the same session, hence still the lock; a dead connection fails this query.
          await this.#client.query('SELECT 1');
          return;
        }
        const result = await this.#client.query<{ taken: boolean }>('SELECT pg_try_advisory_lock($1) AS taken', [LEADER_LOCK_KEY]);
        if (!this.#stopped) this.#set(result.rows[0]!.taken);
      } catch {
        if (this.#client) this.#lost(this.#client);
      } finally {
        this.#trying = null;
      }
    })();
    return this.#trying;
  }

  #lost(client: pg.Client): void {
    if (this.#client !== client) return;
    this.#client = null;
    void client.end().catch(() => undefined);
    this.#set(false);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
    await this.#trying;
    this.#set(false);
    const client = this.#client;
    this.#client = null;
    // Ending the session releases the lock: another process takes over at its next try.
    await client?.end().catch(() => undefined);
  }
}
