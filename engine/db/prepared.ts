// Named (prepared) statements on a PostgreSQL server. Every statement the `pg` driver sends unnamed
// is parsed and planned again by the server; on the workflow path that was a fifth of the server's
// CPU. A statement text that keeps coming back is therefore sent under a name derived from its text,
// so each connection parses it once and PostgreSQL can reuse its plan.
//
// A migration can change a table under a plan a connection keeps: PostgreSQL then refuses it with
// "cached plan must not change result type". The names carry an epoch that such a refusal (and every
// new metadata version) moves on, so the next statements are prepared afresh; a refused statement
// that ran outside a transaction is sent again at once, unnamed (nothing ran, nothing to undo).
// Inside a transaction the refusal aborts it, and the transaction's owner runs it again
// (see isStalePlanError).
//
// Not for the embedded database: its connections share one PGlite session, where one connection's
// names would collide with another's.
import { createHash } from 'node:crypto';
import pg from 'pg';

/**
 * Leading comment of statements planned with their values every time, never named: a report's
 * GROUP BY over a period. A kept generic plan cannot see how many rows the period holds (PostgreSQL
 * guesses a fixed share) and so plans it without parallel workers: at 10,000,000 activities a
 * year's report took 550 ms that way against 320 ms planned with its dates, while planning costs
 * a millisecond.
 */
export const PLANNED_WITH_VALUES = '/* planned with values */ ';

export interface PreparedStatementOptions {
  /** A text is named from its n-th use on (one-off texts, such as lists with ad-hoc filters, stay unnamed). */
  readonly minUses?: number;
  /** At most this many texts are named per epoch, bounding what each connection keeps on the server. */
  readonly maxNamed?: number;
  /** First re-preparation after this many ms, then at doubling intervals up to `maxReplanMs`. */
  readonly firstReplanMs?: number;
  readonly maxReplanMs?: number;
  readonly now?: () => number;
}

export class PreparedStatements {
  readonly #minUses: number;
  readonly #maxNamed: number;
  readonly #maxReplanMs: number;
  readonly #now: () => number;
  #replanMs: number;
  #replanAt: number;
  #epoch = 0;
  readonly #uses = new Map<string, number>();
  readonly #names = new Map<string, string>();

  constructor(options: PreparedStatementOptions = {}) {
    this.#minUses = options.minUses ?? 2;
    this.#maxNamed = options.maxNamed ?? 300;
    this.#maxReplanMs = options.maxReplanMs ?? 15 * 60_000;
    this.#now = options.now ?? Date.now;
    this.#replanMs = options.firstReplanMs ?? 1000;
    this.#replanAt = this.#now() + this.#replanMs;
  }

  /** The name to send a parameterised statement under, or undefined to send it unnamed. */
  nameFor(text: string): string | undefined {
    // PostgreSQL keeps a prepared statement's generic plan, made when the statement was new. Tables
    // of a young database grow fast, and a plan made for ten rows scans the whole table at ten
    // thousand (autovacuum's ANALYZE, which would invalidate it, comes only minutes later): so
    // statements are prepared afresh now and then, at doubling intervals.
    if (this.#now() >= this.#replanAt) {
      this.invalidate();
      this.#replanMs = Math.min(this.#replanMs * 2, this.#maxReplanMs);
      this.#replanAt = this.#now() + this.#replanMs;
    }
    if (text.startsWith(PLANNED_WITH_VALUES)) return undefined;
    const known = this.#names.get(text);
    if (known !== undefined) return known;
    if (this.#names.size >= this.#maxNamed) return undefined;
    const uses = (this.#uses.get(text) ?? 0) + 1;
    if (uses < this.#minUses) {
      // Counting one-off texts must not grow without bound either.
      if (this.#uses.size >= 4 * this.#maxNamed) this.#uses.clear();
      this.#uses.set(text, uses);
      return undefined;
    }
    this.#uses.delete(text);
    const name = `t${this.#epoch}_${createHash('sha1').update(text).digest('base64url').slice(0, 22)}`;
    this.#names.set(text, name);
    return name;
  }

  /** Tables may have changed under the plans connections keep: prepare everything afresh. */
  invalidate(): void {
    this.#epoch++;
    this.#names.clear();
    this.#uses.clear();
  }

  get epoch(): number {
    return this.#epoch;
  }
}

/** PostgreSQL refused a kept plan because a table it reads changed shape (the transaction can run again). */
export function isStalePlanError(error: unknown): boolean {
  const e = ((error as { nativeError?: unknown })?.nativeError ?? error) as { code?: unknown; message?: unknown; routine?: unknown } | null;
  // The routine is not translated (the message is, with lc_messages).
  return e?.code === '0A000' && (e.routine === 'RevalidateCachedQuery' || (typeof e.message === 'string' && e.message.includes('cached plan must not change result type')));
}

type QueryCallback = (error: Error | null, result: unknown) => void;
interface QueryConfig {
  text: string;
  values?: unknown[];
  name?: string;
  [option: string]: unknown;
}

/** The `pg` module with a Client that names statements by the given policy (for knex's driver). */
export function preparingDriver(statements: PreparedStatements): typeof pg {
  class PreparingClient extends pg.Client {
    /** The epoch whose names this connection has prepared (their plans are dropped when it moves on). */
    #epoch = statements.epoch;

    // The driver's query() has several shapes; only (text | config, values?, callback?) is named.
    override query(...args: unknown[]): never {
      const [config, second, third] = args;
      const plain = typeof config === 'string' || (typeof config === 'object' && config !== null && typeof (config as { submit?: unknown }).submit !== 'function' && typeof (config as { text?: unknown }).text === 'string');
      const ownName = typeof config === 'object' && config !== null && ((config as QueryConfig).name !== undefined || typeof (config as QueryConfig).callback === 'function');
      if (!plain || ownName) return this.#afterStalePlans(args, () => superQuery(this, args));
      const base: QueryConfig = typeof config === 'string' ? { text: config } : { ...(config as QueryConfig) };
      if (Array.isArray(second)) base.values = second as unknown[];
      const callback = (typeof second === 'function' ? second : third) as QueryCallback | undefined;
      // Statements without parameters (BEGIN, COMMIT, DDL) are not worth a name.
      const name = base.values && base.values.length > 0 ? statements.nameFor(base.text) : undefined;
      // After nameFor, which may have moved the epoch on: a plan prepared now must not be dropped next.
      if (name === undefined) return this.#afterStalePlans(args, () => superQuery(this, callback ? [base, callback] : [base]));
      const named = { ...base, name };
      const epoch = statements.epoch;
      // Outside a transaction (the connection idle, whoever runs transactions on it) a refused plan is simply sent again.
      const retryable = (error: unknown) => isStalePlanError(error) && this.getTransactionStatus() === 'I';
      const onStale = (error: unknown) => {
        if (isStalePlanError(error) && statements.epoch === epoch) statements.invalidate();
      };
      if (callback) {
        return this.#afterStalePlans(args, () =>
          superQuery(this, [
            named,
            (error: Error | null, result: unknown) => {
              if (error) onStale(error);
              if (error && retryable(error)) superQuery(this, [base, callback]);
              else callback(error, result);
            },
          ]),
        );
      }
      return this.#afterStalePlans(args, () =>
        (superQuery(this, [named]) as Promise<unknown>).catch((error: unknown) => {
          onStale(error);
          if (retryable(error)) return superQuery(this, [base]);
          throw error;
        }),
      );
    }

    /**
     * Runs `send` once this connection holds no plans of an earlier epoch. Dropping them is a
     * statement of its own; the caller's is sent when it has finished, never queued behind it (node-pg
     * deprecates queueing on a busy client). `args` tells how the caller takes the result: a callback
     * (nothing returned), a submittable (returned as is) or a promise.
     */
    #afterStalePlans(args: unknown[], send: () => unknown): never {
      if (this.#epoch === statements.epoch) return send() as never;
      // Not in an aborted transaction, where it would fail: a later query does it.
      if (this.getTransactionStatus() === 'E') return send() as never;
      this.#epoch = statements.epoch;
      // A connection that never prepared a statement has no plans to drop.
      if (!hasPreparedNames(this)) return send() as never;
      const [config, second, third] = args;
      const takesCallback = typeof second === 'function' || typeof third === 'function' || (typeof config === 'object' && config !== null && typeof (config as QueryConfig).callback === 'function');
      const submittable = typeof config === 'object' && config !== null && typeof (config as { submit?: unknown }).submit === 'function';
      const dropped = (error: Error | null): void => {
        // Should it fail, the next query tries again; the caller's query goes ahead either way.
        if (error) this.#epoch = -1;
        else forgetPreparedNames(this);
      };
      if (takesCallback || submittable) {
        superQuery(this, [
          'DEALLOCATE ALL',
          (error: Error | null) => {
            dropped(error);
            send();
          },
        ]);
        return (submittable ? config : undefined) as never;
      }
      return new Promise((resolve, reject) => {
        superQuery(this, [
          'DEALLOCATE ALL',
          (error: Error | null) => {
            dropped(error);
            (send() as Promise<unknown>).then(resolve, reject);
          },
        ]);
      }) as never;
    }
  }
  const parsedNames = (client: PreparingClient): Record<string, string> | undefined =>
    (client as unknown as { connection?: { parsedStatements?: Record<string, string> } }).connection?.parsedStatements;
  const hasPreparedNames = (client: PreparingClient): boolean => Object.keys(parsedNames(client) ?? {}).length > 0;
  /** node-pg remembers which names it prepared on a connection (and skips their Parse): after DEALLOCATE ALL, none. */
  const forgetPreparedNames = (client: PreparingClient): void => {
    const parsed = parsedNames(client);
    if (parsed) for (const name of Object.keys(parsed)) delete parsed[name];
  };
  const superQuery = (client: PreparingClient, args: unknown[]): never => (pg.Client.prototype.query as (...a: unknown[]) => never).apply(client, args);
  return { ...pg, Client: PreparingClient } as typeof pg;
}
