// Whose turn it is on the embedded database's one backend (wire-server.ts runs the batches): fair
// queueing by backend time used, and when to leave the backend idle a moment for a connection whose
// client is about to send its next statement rather than hand it to one running long statements.

/**
 * How long the backend is kept for a connection that just finished a batch before one that has used
 * more backend time gets it (see BackendTurns.anticipating).
 */
const ANTICIPATION_MS = 10;
/**
 * A connection whose batches run this long on average runs long statements (a bulk insert, an
 * import's, a rewrite): it waits while the connections behind it in backend time are between two of
 * their statements (see BackendTurns.anticipating). Well above what a request's statement takes when
 * the thread is descheduled on a busy machine, so request traffic is never taken for bulk work.
 */
const LONG_STATEMENT_MS = 300;
/**
 * A connection whose client usually sends its next batch within this long of an answer is working
 * through statements (a worker's step, a request) rather than polling or idle (see #thinking).
 */
const THINK_CAP_MS = 100;
/**
 * However busy the others are, a connection waiting with a long statement waits at most this many
 * times that statement's time (so a bulk load keeps a fifth of the time).
 */
const LONG_STATEMENT_PATIENCE = 4;
/** One long idle spell counts in a think time as this much at most, so a connection back at work is recognised after a few statements. */
const THINK_SAMPLE_CAP_MS = 4 * THINK_CAP_MS;
/** Statements that ran long whose record is kept (see BackendTurns.join); the oldest goes first. */
const LONG_STATEMENTS_KEPT = 32;

/** What the scheduler keeps of a statement text that ran long: the bulk work it belongs to, whichever connection runs it next. */
interface LongStatement {
  /** Backend time used by the connection that ran it last, just after it ran. */
  usedMs: number;
  /** How long it runs (a moving average). */
  runMs: number;
  lastRunMs: number;
}

/** What the scheduler keeps of a connection. */
export interface TurnTaker {
  readonly phase: string;
  /** Complete messages waiting for the backend. */
  readonly pending: readonly unknown[];
  queued: boolean;
  /** Backend time this connection has used, on the scheduler's clock (see next). */
  usedMs: number;
  /** When the first message of its waiting batch arrived (performance.now()). */
  arrivedAt: number;
  /** When its last batch was answered; NaN before the first. */
  answeredAt: number;
  /** Its client's usual time between an answer and its next batch (a moving average; see #thinking). */
  thinkMs: number;
  /** How long its last batch ran. */
  lastRunMs: number;
  /** How long its batches run (a moving average; NaN before the first). */
  runMs: number;
  /** All connections' backend time (BackendTurns' total) when its waiting batch arrived. */
  totalAtArrival: number;
  /** The statement text of its last batch (null before the first): the work its record (usedMs, runMs) is of. */
  statement: string | null;
}

export function turnTaker(): Pick<TurnTaker, 'queued' | 'usedMs' | 'arrivedAt' | 'answeredAt' | 'thinkMs' | 'lastRunMs' | 'runMs' | 'totalAtArrival' | 'statement'> {
  return { queued: false, usedMs: 0, arrivedAt: 0, answeredAt: Number.NaN, thinkMs: Number.NaN, lastRunMs: 0, runMs: Number.NaN, totalAtArrival: 0, statement: null };
}

export class BackendTurns<C extends TurnTaker> {
  readonly #queue: C[] = [];
  /**
   * Where the connections taking turns stand: at least the backend time of the connection picked
   * last, and moved on by each batch's time shared among it and the connections waiting meanwhile
   * (a batch run with no one waiting owes no one). A connection that waits joins the queue no further
   * back than this. Connections starting afresh (join) join at it, so without the share the clock
   * stood still while they kept coming, and one repeating its statement (pg-boss's fetch, a bulk
   * load) waited for them all: seconds for the fetch that fires timers.
   */
  #clock = 0;
  /** The connection that last finished a batch without holding the backend, when, and its backend time then. */
  #released: { connection: C; at: number; usedMs: number } | null = null;
  /** Backend time used by all connections. */
  #totalMs = 0;
  /** Statement texts that ran long (LONG_STATEMENT_MS or more), by text. */
  readonly #long = new Map<string, LongStatement>();

  get waiting(): number {
    return this.#queue.length;
  }

  /** How much more backend time the connection has used than the one picked last (TESSERA_WIRE_TRACE). */
  ahead(connection: C): number {
    return connection.usedMs - this.#clock;
  }

  /** A batch of the connection begins to arrive: how long its client took since its last answer goes into its think time. */
  arrived(connection: C): void {
    const now = performance.now();
    connection.arrivedAt = now;
    connection.totalAtArrival = this.#totalMs;
    if (Number.isNaN(connection.answeredAt)) return;
    const think = Math.min(now - connection.answeredAt, THINK_SAMPLE_CAP_MS);
    connection.thinkMs = Number.isNaN(connection.thinkMs) ? think : (connection.thinkMs + think) / 2;
  }

  /**
   * The connection waits for the backend to run a batch whose first statement is `statement` (not in
   * a transaction: one holds the backend). A pooled connection passes from one piece of work to
   * another: a timer step gets the connection a bulk INSERT just ran on. Its record (backend time
   * used, how long its batches run) was of that INSERT, and the step then waited as bulk work, behind
   * the loader's next INSERT on a less used connection. So a connection whose statement is not the
   * one it ran last starts afresh, level with the connection picked last, and a statement text that
   * ran long brings its own record along to whichever connection runs it: bulk work keeps its
   * backend time and is still known as bulk when it moves to another pooled connection.
   */
  join(connection: C, statement: string): void {
    if (connection.queued) return;
    if (connection.statement !== statement) {
      const long = this.#long.get(statement);
      connection.usedMs = long ? long.usedMs : this.#clock;
      connection.runMs = long ? long.runMs : Number.NaN;
      connection.lastRunMs = long ? long.lastRunMs : 0;
    }
    connection.queued = true;
    // An idle connection saves up no credit: it starts level with the one running now.
    connection.usedMs = Math.max(connection.usedMs, this.#clock);
    this.#queue.push(connection);
  }

  /** A batch of the connection whose first statement is `statement` ran for `ms`. */
  ran(connection: C, ms: number, statement: string): void {
    connection.usedMs += ms;
    connection.lastRunMs = ms;
    connection.runMs = Number.isNaN(connection.runMs) ? ms : (connection.runMs + ms) / 2;
    connection.statement = statement;
    this.#totalMs += ms;
    if (this.#queue.length > 0) this.#clock += ms / (this.#queue.length + 1);
    const long = this.#long.get(statement);
    if (long) {
      // Kept in the order of use; a text that no longer runs long is no longer bulk work.
      this.#long.delete(statement);
      if ((long.runMs + ms) / 2 >= LONG_STATEMENT_MS) this.#long.set(statement, { usedMs: connection.usedMs, runMs: (long.runMs + ms) / 2, lastRunMs: ms });
    } else if (ms >= LONG_STATEMENT_MS) {
      this.#long.set(statement, { usedMs: connection.usedMs, runMs: ms, lastRunMs: ms });
      if (this.#long.size > LONG_STATEMENTS_KEPT) this.#long.delete(this.#long.keys().next().value!);
    }
  }

  /** The connection's batch was answered; `released`: it does not hold the backend (no transaction or extended-query group open). */
  answered(connection: C, released: boolean): void {
    connection.answeredAt = performance.now();
    if (released) this.#released = { connection, at: connection.answeredAt, usedMs: connection.usedMs };
  }

  /**
   * Whether to leave the backend idle a moment for a connection that is between two of its batches,
   * rather than give it to a waiting connection that has used the backend more. Without it the
   * scheduler gave the backend to a connection running long statements back to back (a bulk insert)
   * each time the short statements of the others paused for their client's round trip between two
   * of them, so each timer step (fetch, then its transaction) waited one whole long statement.
   *
   * Two cases. The connection that just finished a batch keeps the backend up to ANTICIPATION_MS
   * for its next one. And a waiting connection that runs long statements waits while any
   * connection behind it in backend time is within its usual think time after its last answer
   * (#thinking): the workers firing timers take longer than ANTICIPATION_MS between statements when
   * the machine is busy, and a bulk insert then took four fifths of the backend while timers fell
   * seconds behind. That wait ends once the others have used as much backend time since it began as
   * its own last statement took (its fair share, by the measure fair queueing uses: the idle moments
   * spent waiting for a client count for no one), and after LONG_STATEMENT_PATIENCE times that
   * statement's time in any case; fair queueing by backend time still decides between connections
   * that are both waiting.
   */
  anticipating(connections: Iterable<C>, running: C | null): boolean {
    let least: C | null = null;
    for (const candidate of this.#queue) if (candidate.phase !== 'closed' && candidate.pending.length > 0 && (!least || candidate.usedMs < least.usedMs)) least = candidate;
    if (!least) return false;
    const now = performance.now();
    const released = this.#released;
    if (released && now - released.at < ANTICIPATION_MS && released.connection.phase !== 'closed' && released.connection.pending.length === 0 && least.usedMs > released.usedMs) return true;
    if (!(least.runMs >= LONG_STATEMENT_MS) || this.#totalMs - least.totalAtArrival >= least.lastRunMs || now - least.arrivedAt >= LONG_STATEMENT_PATIENCE * least.lastRunMs) return false;
    for (const connection of connections) if (connection !== least && connection !== running && this.#thinking(connection, now) && connection.usedMs < least.usedMs) return true;
    return false;
  }

  /**
   * Whether a connection's client is between two batches of its work: it usually answers within
   * THINK_CAP_MS (twice its moving average think time, at least ANTICIPATION_MS), was answered less
   * than that ago, and is not sending. A connection that polls (pg-boss's fetches, every half second)
   * or sits idle in a pool is not waited for.
   */
  #thinking(connection: C, now: number): boolean {
    if (connection.phase !== 'ready' || connection.pending.length > 0 || Number.isNaN(connection.answeredAt)) return false;
    const usual = Number.isNaN(connection.thinkMs) ? ANTICIPATION_MS : Math.max(ANTICIPATION_MS, 2 * connection.thinkMs);
    return usual <= THINK_CAP_MS && now - connection.answeredAt < usual;
  }

  /**
   * The waiting connection that has used the backend least (fair queueing by backend time; the
   * earliest queued among equals). Taking turns one batch each would let a connection whose
   * statements run for a second each (a bulk insert, an import) make every other connection wait a
   * second per statement: a timer firing or a request needing five statements would wait five
   * seconds. By time used, the short statements of the others run between two long ones.
   */
  next(): C | null {
    let best = -1;
    for (let i = 0; i < this.#queue.length; i++) {
      const candidate = this.#queue[i]!;
      if (candidate.phase === 'closed' || candidate.pending.length === 0) {
        candidate.queued = false;
        this.#queue.splice(i--, 1);
        continue;
      }
      if (best < 0 || candidate.usedMs < this.#queue[best]!.usedMs) best = i;
    }
    if (best < 0) return null;
    const [next] = this.#queue.splice(best, 1);
    next!.queued = false;
    this.#clock = Math.max(this.#clock, next!.usedMs);
    return next!;
  }
}
