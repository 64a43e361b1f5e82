// One LISTEN connection per process for the platform's notification channels (metadata versions,
// identity changes), so every process follows changes another process committed.
import pg from 'pg';

export type NotificationHandler = (payload: string) => void;

const PROBE_CHANNEL = 'tessera_probe';
/** application_name of the listening connection (visible in pg_stat_activity). */
export const LISTENER_NAME = 'tessera-listener';

export class DatabaseListener {
  readonly #url: string;
  readonly #handlers = new Map<string, NotificationHandler[]>();
  #client: pg.Client | null = null;
  #delivers = false;
  #stopped = false;

  /**
   * Whether a NOTIFY from another connection reaches this one. PostgreSQL servers deliver, and so
   * does the embedded database's wire server (engine/db/notification-routing.ts); where nothing
   * arrives (a connection pooler in between, say), callers must poll instead.
   */
  get delivers(): boolean {
    return this.#delivers;
  }

  constructor(url: string) {
    this.#url = url;
  }

  /** Subscribes before or after start(); channel names are the platform's own constants. */
  async on(channel: string, handler: NotificationHandler): Promise<void> {
    const known = this.#handlers.get(channel);
    if (known) known.push(handler);
    else {
      this.#handlers.set(channel, [handler]);
      if (this.#client) await this.#client.query(`LISTEN ${channel}`);
    }
  }

  /**
   * Runs a statement on the listening connection. When it resolves, every notification committed
   * before it was sent has been handed to the handlers: PostgreSQL sends a listening session's
   * pending notifications before it reports ready for the next query, and they come in order on
   * this one connection (engine/db/replica-announcements.ts relies on it). Fails while disconnected.
   */
  async run(sql: string, values: readonly unknown[] = []): Promise<void> {
    const client = this.#client;
    if (!client) throw new Error('the listening connection is not open');
    await client.query(sql, [...values]);
  }

  async start(): Promise<void> {
    this.#stopped = false;
    this.#client = await this.#connect();
    this.#delivers = await this.#probe(this.#client);
  }

  async #connect(): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: this.#url, application_name: LISTENER_NAME });
    await client.connect();
    client.on('notification', (message) => {
      for (const handler of this.#handlers.get(message.channel) ?? []) handler(message.payload ?? '');
    });
    // A lost connection (database restart, network) is re-established; what was missed meanwhile
    // is caught up by calling every handler once.
    const lost = () => {
      if (this.#client !== client || this.#stopped) return;
      this.#client = null;
      void this.#reconnect(1000);
    };
    client.on('error', lost);
    client.on('end', lost);
    for (const channel of this.#handlers.keys()) await client.query(`LISTEN ${channel}`);
    return client;
  }

  async #reconnect(delayMs: number): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, delayMs).unref());
    if (this.#stopped) return;
    try {
      this.#client = await this.#connect();
      for (const handlers of this.#handlers.values()) for (const handler of handlers) handler('');
    } catch {
      void this.#reconnect(Math.min(delayMs * 2, 30_000));
    }
  }

  async #probe(client: pg.Client): Promise<boolean> {
    const nonce = Math.random().toString(36).slice(2);
    const heard = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 1000);
      client.on('notification', (m) => {
        if (m.channel === PROBE_CHANNEL && m.payload === nonce) {
          clearTimeout(timer);
          resolve(true);
        }
      });
    });
    await client.query(`LISTEN ${PROBE_CHANNEL}`);
    const sender = new pg.Client({ connectionString: this.#url });
    await sender.connect();
    try {
      await sender.query('SELECT pg_notify($1, $2)', [PROBE_CHANNEL, nonce]);
    } finally {
      await sender.end();
    }
    const result = await heard;
    await client.query(`UNLISTEN ${PROBE_CHANNEL}`);
    return result;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    const client = this.#client;
    this.#client = null;
    await client?.end().catch(() => undefined);
  }
}
