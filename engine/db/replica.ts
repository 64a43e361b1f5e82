// A streaming replica for reads (DATABASE_READ_URL): lists, search, aggregates (reports) and
// exports may run on it; everything else, and every read inside a write transaction, stays on the
// primary. Two promises make that safe to switch on:
//
// Read-your-writes, per session or API token: a write request marks its session "writing" when it
// starts; when it has finished (after its commit) the primary's WAL insert position is kept for
// the session. A read of that session goes to the replica only once the replica's
// pg_last_wal_replay_lsn() has reached it: the read waits up to `waitMs` (polling), then runs on the
// primary instead. While a write of the session is still running, or its LSN is not known yet, its
// reads go to the primary at once. Other sessions read the replica as it is (it may lag).
//
// The replica unavailable (stopped, unreachable, cancelling a query for a recovery conflict): the
// read runs again on the primary, and the replica is left alone for `retryMs` before it is tried
// again. Logged once per outage; never an error the user sees.
//
// The marks live in this process. With `tessera start --processes N` a session's next read may reach
// another process, which has not seen the write: for a browser session the HTTP layer then tells it
// that the client wrote lately (a cookie, engine/http/read-routing.ts), and the read waits for the
// replica to reach the primary's position of that moment. API tokens have no cookie: their writes
// are told to the other processes through the primary (engine/db/replica-announcements.ts), before
// the write runs, and a token's read first makes sure this process has heard all that was told.
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { isTesseraError } from '../errors.ts';
import { postgresError } from './errors.ts';
import type { DatabaseListener } from './notifications.ts';
import type { PreparedStatements } from './prepared.ts';
import { parseNotices, WriteAnnouncements, WROTE_CHANNEL } from './replica-announcements.ts';

/**
 * A write another process began and has not said it finished (its process may have died) counts
 * for this long; meanwhile the token's reads wait for the primary's newest position.
 */
const OTHERS_PENDING_MS = 5 * 60_000;
/** After the LISTEN connection was lost, notices may have been missed: this long, every token read waits as above. */
const DEAF_WINDOW_MS = 60_000;

export interface ReplicaOptions {
  /** Longest a read of a session that just wrote waits for the replica to catch up before using the primary. */
  readonly waitMs?: number;
  /** After the replica failed, reads use the primary for this long before trying it again. */
  readonly retryMs?: number;
  /** Where outages and recoveries are told (default: stderr). */
  readonly log?: (line: string) => void;
  /** The statement names of the replica's connections (renewed with the primary's on schema changes). */
  readonly plans?: PreparedStatements | null;
}

/** Where one read ran and why (tests and logs). */
export type ReadRoute = 'replica' | 'primary:writing' | 'primary:lagging' | 'primary:unavailable';

/** A write request begun (see beginWrite). */
export interface WriteMark {
  /** Settles once the other processes have been told (at once when nothing is shared); never fails. */
  readonly told: Promise<void>;
  /** Call once the request has finished (committed or failed). */
  readonly done: () => Promise<void>;
}

/** Writes of a shared session (an API token) that other processes took. */
interface OthersWrites {
  /** Begun, not yet said finished: write id → when heard. */
  readonly pending: Map<string, number>;
  /** The highest position a finished one reported. */
  lsn: bigint | null;
}

interface SessionWrites {
  /** Write requests of the session still running (or whose LSN is being read). */
  pending: number;
  /** The primary's WAL position after the session's last finished write. */
  lsn: bigint | null;
}

/** PostgreSQL's pg_lsn text ("16/B374D848") as a number. */
export function parseLsn(text: string): bigint {
  const match = /^([0-9A-F]{1,8})\/([0-9A-F]{1,8})$/i.exec(text);
  if (!match) throw new Error(`not a WAL position: ${text}`);
  return (BigInt(`0x${match[1]!}`) << 32n) + BigInt(`0x${match[2]!}`);
}

/** Errors that say the replica itself is unavailable (rather than the query being wrong). */
export function isReplicaUnavailable(error: unknown): boolean {
  const code = postgresError(error).code;
  // No SQLSTATE: the connection failed (ECONNREFUSED, terminated, pool timeout). 08 connection,
  // 57 operator intervention (shutdown, recovery conflicts 57P0x… ), 53 resources, 40001 a query
  // cancelled for a conflict with recovery, 58 system errors.
  if (typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code)) return true;
  return /^(08|57|53|58)/.test(code) || code === '40001';
}

export class ReadReplica {
  readonly #primary: Knex;
  readonly #replica: Knex;
  readonly #waitMs: number;
  readonly #retryMs: number;
  readonly #log: (line: string) => void;
  readonly #plans: PreparedStatements | null;
  readonly #sessions = new Map<string, SessionWrites>();
  /** This process, as named in the notices it sends (its own come back to it and are skipped). */
  readonly #instance = randomUUID().slice(0, 8);
  #announcements: WriteAnnouncements | null = null;
  readonly #others = new Map<string, OthersWrites>();
  #writeCount = 0;
  #deafUntil = 0;
  /** The highest replay position the replica reported (it only grows while it is the same standby). */
  #replayed = -1n;
  #downUntil = 0;
  #down = false;
  readonly #counts: Record<ReadRoute, number> = { replica: 0, 'primary:writing': 0, 'primary:lagging': 0, 'primary:unavailable': 0 };

  constructor(primary: Knex, replica: Knex, options: ReplicaOptions = {}) {
    this.#primary = primary;
    this.#replica = replica;
    this.#waitMs = options.waitMs ?? 500;
    this.#retryMs = options.retryMs ?? 5000;
    this.#log = options.log ?? ((line) => console.error(`[tessera replica] ${line}`));
    this.#plans = options.plans ?? null;
  }

  /** Tables may have changed (a new metadata version, replayed from the primary): prepare statements afresh. */
  invalidatePlans(): void {
    this.#plans?.invalidate();
  }

  /** The replica's knex (read-only work only). */
  get knex(): Knex {
    return this.#replica;
  }

  /** Whether reads go to the replica now (false while it rests after a failure). */
  get available(): boolean {
    return !this.#down;
  }

  /** How many reads went where since the start. */
  get routes(): Readonly<Record<ReadRoute, number>> {
    return { ...this.#counts };
  }

  /**
   * Tells the other processes listening on the primary of this one's writes of shared sessions
   * (API tokens), and hears theirs. Only where notifications cross connections (`listener.delivers`).
   */
  async shareWrites(listener: DatabaseListener): Promise<void> {
    await listener.on(WROTE_CHANNEL, (payload) => this.#heard(payload));
    this.#announcements = new WriteAnnouncements(listener);
  }

  /** Whether writes of shared sessions are told to, and heard from, other processes. */
  get sharesWrites(): boolean {
    return this.#announcements !== null;
  }

  /**
   * A write request of `session` starts; call `done` once it has finished (committed or failed): the
   * primary's WAL position is then kept for the session's next reads. `shared` (API tokens): the
   * other processes are told too; the request should go on once `told` has settled.
   */
  beginWrite(session: string, options: { shared?: boolean } = {}): WriteMark {
    const writes = this.#sessions.get(session) ?? { pending: 0, lsn: null };
    writes.pending++;
    this.#sessions.set(session, writes);
    const announcements = options.shared ? this.#announcements : null;
    const write = String(++this.#writeCount);
    const told = announcements
      ? announcements.tell({ kind: 'begin', instance: this.#instance, write, session }).catch((error: unknown) => {
          // The write goes on; a read of this token through another process may then miss it.
          this.#log(`other processes could not be told of a write (${error instanceof Error ? error.message : String(error)})`);
        })
      : Promise.resolve();
    let finished = false;
    const done = async (): Promise<void> => {
      if (finished) return;
      finished = true;
      try {
        const lsn = await this.#primaryPosition();
        if (writes.lsn === null || lsn > writes.lsn) writes.lsn = lsn;
        // Not awaited: until the others hear it, the write counts there as still running.
        if (announcements) void announcements.tell({ kind: 'end', instance: this.#instance, write, session, lsn }).catch(() => undefined);
      } catch {
        // The position is unknown: the session reads the primary until its next write finishes
        // (elsewhere: until the begun write expires).
        writes.lsn = BigInt(Number.MAX_SAFE_INTEGER) << 16n;
      } finally {
        writes.pending--;
        this.#forgetCaughtUp();
      }
    };
    return { told, done };
  }

  /** Notices from other processes; an empty payload: the LISTEN connection was lost and is back. */
  #heard(payload: string): void {
    if (payload === '') {
      this.#deafUntil = Date.now() + DEAF_WINDOW_MS;
      return;
    }
    for (const notice of parseNotices(payload)) {
      if (notice.instance === this.#instance) continue;
      const others = this.#others.get(notice.session) ?? { pending: new Map<string, number>(), lsn: null };
      this.#others.set(notice.session, others);
      const key = `${notice.instance} ${notice.write}`;
      if (notice.kind === 'begin') others.pending.set(key, Date.now());
      else {
        others.pending.delete(key);
        if (others.lsn === null || notice.lsn > others.lsn) others.lsn = notice.lsn;
      }
    }
  }

  /**
   * Runs read-only `work` on the replica when it may serve `session` (null: no session), else on the
   * primary. `wroteElsewhere`: the client says the session wrote lately through another process
   * (which this one did not see): the replica must then have replayed all the primary holds now.
   */
  async read<T>(session: string | null, work: (db: Knex) => Promise<T>, options: { wroteElsewhere?: boolean; shared?: boolean } = {}): Promise<T> {
    const route = await this.#route(session, options.wroteElsewhere ?? false, options.shared ?? false);
    this.#counts[route]++;
    if (route !== 'replica') return work(this.#primary);
    try {
      return await work(this.#replica);
    } catch (error) {
      // Refusals (rights, bad queries) are the answer, wherever they were computed.
      if (isTesseraError(error)) throw error;
      if (isReplicaUnavailable(error)) this.#markDown(error);
      else this.#log(`a read failed on the replica and runs on the primary: ${error instanceof Error ? error.message : String(error)}`);
      this.#counts.replica--;
      this.#counts['primary:unavailable']++;
      return work(this.#primary);
    }
  }

  async #route(session: string | null, wroteElsewhere: boolean, shared: boolean): Promise<ReadRoute> {
    if (this.#down) {
      if (Date.now() < this.#downUntil) return 'primary:unavailable';
      // Time to try again: one probe decides.
      try {
        await this.#replayPosition();
        this.#down = false;
        this.#log('the replica answers again: reads go to it');
      } catch (error) {
        this.#markDown(error);
        return 'primary:unavailable';
      }
    }
    const writes = session === null ? undefined : this.#sessions.get(session);
    if (writes && writes.pending > 0) return 'primary:writing';
    let target = writes?.lsn ?? null;
    let newest = !writes && wroteElsewhere;
    if (shared && session !== null && this.#announcements) {
      const others = await this.#othersWrites(session);
      if (others === 'unknown') newest = true;
      else if (others !== null) {
        if (others.pending.size > 0) newest = true;
        if (others.lsn !== null && (target === null || others.lsn > target)) target = others.lsn;
      }
    }
    if (newest) {
      // A write this process did not take committed before its answer reached the client, so
      // before this read was sent: the primary's position now is at or past it.
      try {
        const now = await this.#primaryPosition();
        if (target === null || now > target) target = now;
      } catch {
        return 'primary:writing';
      }
    }
    if (target === null || target <= this.#replayed) return 'replica';
    const deadline = Date.now() + this.#waitMs;
    for (;;) {
      let replayed: bigint | null;
      try {
        replayed = await this.#replayPosition();
      } catch (error) {
        this.#markDown(error);
        return 'primary:unavailable';
      }
      // NULL: the read server is not a streaming standby; its position cannot be compared.
      if (replayed === null) return 'primary:lagging';
      if (replayed >= target) {
        this.#forgetCaughtUp();
        return 'replica';
      }
      if (Date.now() >= deadline) return 'primary:lagging';
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  /**
   * What other processes told of `session`'s writes, once every notice told before this call has
   * arrived; 'unknown' when that cannot be made sure of (the LISTEN connection lost, or lately).
   */
  async #othersWrites(session: string): Promise<OthersWrites | null | 'unknown'> {
    try {
      await this.#announcements!.fence();
    } catch {
      return 'unknown';
    }
    if (Date.now() < this.#deafUntil) return 'unknown';
    const others = this.#others.get(session);
    if (!others) return null;
    const expired = Date.now() - OTHERS_PENDING_MS;
    for (const [write, heard] of others.pending) if (heard < expired) others.pending.delete(write);
    return others;
  }

  async #primaryPosition(): Promise<bigint> {
    // The insert position, not pg_current_wal_lsn() (the write position): with synchronous_commit
    // off a commit record may still wait in the WAL buffers, behind the write position.
    const { rows } = (await this.#primary.raw('SELECT pg_current_wal_insert_lsn()::text AS lsn')) as { rows: { lsn: string }[] };
    return parseLsn(rows[0]!.lsn);
  }

  async #replayPosition(): Promise<bigint | null> {
    const { rows } = (await this.#replica.raw('SELECT pg_last_wal_replay_lsn()::text AS lsn')) as { rows: { lsn: string | null }[] };
    const text = rows[0]?.lsn ?? null;
    if (text === null) return null;
    const lsn = parseLsn(text);
    if (lsn > this.#replayed) this.#replayed = lsn;
    return lsn;
  }

  /** Sessions whose last write the replica has replayed read it like everyone else. */
  #forgetCaughtUp(): void {
    for (const [session, writes] of this.#sessions) if (writes.pending === 0 && writes.lsn !== null && writes.lsn <= this.#replayed) this.#sessions.delete(session);
    for (const [session, others] of this.#others) if (others.pending.size === 0 && (others.lsn === null || others.lsn <= this.#replayed)) this.#others.delete(session);
  }

  #markDown(error: unknown): void {
    this.#downUntil = Date.now() + this.#retryMs;
    if (this.#down) return;
    this.#down = true;
    const reason = error instanceof Error ? error.message : String(error);
    this.#log(`the replica is unavailable (${reason}): reads use the primary, trying the replica again in ${this.#retryMs} ms`);
  }
}
