// Read-your-writes across processes for API tokens (engine/db/replica.ts): a process that takes a
// token's write tells the others through the primary (NOTIFY on the LISTEN connection every server
// process keeps, engine/db/notifications.ts), and a process about to read for a token first makes
// sure it has heard everything told before the read request reached it.
//
// The guarantee rests on two orders. (1) "A write of token T begins" is committed before the write
// itself runs, so before its answer leaves, so before the client's next request is sent. (2) The
// reading process, once that request has arrived, runs a statement on its own LISTEN connection
// (a fence): PostgreSQL hands a listening session its pending notifications before it says ready
// for the next query (postgres.c, before ReadyForQuery; the notifier signalled the listener's
// backend when it committed, before the writer's answer), so when the fence returns the notice has
// been heard — node-pg emits notifications as it parses them, before the fence's result. Notices are batched:
// one statement carries every notice waiting, and one fence serves every read waiting for it
// (a read joins only a fence sent after it arrived).
//
// Notices are not durable: they are sent with synchronous_commit off (a lost one can only matter
// to a client whose request is in flight while the primary crashes).
import type { DatabaseListener } from './notifications.ts';

export const WROTE_CHANNEL = 'tessera_wrote';
/** One NOTIFY payload stays well under PostgreSQL's 8000 bytes. */
const NOTICES_PER_STATEMENT = 60;

/** What one process tells the others about a write of a session (an API token). */
export type WriteNotice =
  | { readonly kind: 'begin'; readonly instance: string; readonly write: string; readonly session: string }
  | { readonly kind: 'end'; readonly instance: string; readonly write: string; readonly session: string; readonly lsn: bigint };

export function formatNotice(notice: WriteNotice): string {
  const head = `${notice.kind === 'begin' ? 'b' : 'e'} ${notice.instance} ${notice.write} ${notice.session}`;
  return notice.kind === 'begin' ? head : `${head} ${notice.lsn.toString(16)}`;
}

/** The notices of one payload; lines that are not notices are skipped (another version's, say). */
export function parseNotices(payload: string): WriteNotice[] {
  const notices: WriteNotice[] = [];
  for (const line of payload.split('\n')) {
    const [kind, instance, write, session, lsn] = line.split(' ');
    if (!instance || !write || !session) continue;
    if (kind === 'b') notices.push({ kind: 'begin', instance, write, session });
    else if (kind === 'e' && lsn && /^[0-9a-f]{1,16}$/.test(lsn)) notices.push({ kind: 'end', instance, write, session, lsn: BigInt(`0x${lsn}`) });
  }
  return notices;
}

interface Waiter {
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/** Sends notices and fences over the LISTEN connection, one statement at a time, batched. */
export class WriteAnnouncements {
  readonly #listener: DatabaseListener;
  #notices: string[] = [];
  #waiters: Waiter[] = [];
  #running = false;

  constructor(listener: DatabaseListener) {
    this.#listener = listener;
  }

  /** Resolves once the notice is committed (so delivered to every listening process). */
  tell(notice: WriteNotice): Promise<void> {
    return this.#enqueue(formatNotice(notice));
  }

  /** Resolves once every notice committed before this call has been handed to this process's handlers. */
  fence(): Promise<void> {
    return this.#enqueue(null);
  }

  #enqueue(notice: string | null): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (notice !== null) this.#notices.push(notice);
      this.#waiters.push({ resolve, reject });
      if (!this.#running) void this.#run();
    });
  }

  async #run(): Promise<void> {
    this.#running = true;
    // Whatever arrives while a statement runs waits for the next one: a fence must start after its read arrived.
    while (this.#waiters.length > 0) {
      const waiters = this.#waiters;
      const notices = this.#notices;
      this.#waiters = [];
      this.#notices = [];
      try {
        if (notices.length === 0) await this.#listener.run('SELECT 1');
        for (let at = 0; at < notices.length; at += NOTICES_PER_STATEMENT) {
          // set_config(…, true): for this statement's own transaction only.
          await this.#listener.run("SELECT set_config('synchronous_commit', 'off', true), pg_notify($1, $2)", [WROTE_CHANNEL, notices.slice(at, at + NOTICES_PER_STATEMENT).join('\n')]);
        }
        for (const waiter of waiters) waiter.resolve();
      } catch (error) {
        for (const waiter of waiters) waiter.reject(error);
      }
    }
    this.#running = false;
  }
}
