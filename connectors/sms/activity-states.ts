// The SMS state shown on an outgoing SMS's activity (queued → sent → delivered | failed | expired),
// written in batches: the states that arrive within a few milliseconds of each other (a batch of
// sends handed over, a burst of delivery reports) go to the records service as one updateMany — one
// transaction, the rows locked by one statement, the rows of one state written by one UPDATE, an
// audit row and the record hooks per activity. A batch the records service refuses (an activity a
// user deleted meanwhile) is written again without the items it names (else one by one), so the
// others still get their state.
import type { Actor, ConnectorContext } from '../../engine/connectors/index.ts';

const SYSTEM: Actor = { userId: null, via: 'system' };
/** How long a state waits for others to share its transaction. */
const GATHER_MS = 5;
/** Most activities one transaction updates. */
const MAX_BATCH = 200;

interface Pending {
  status: string;
  readonly waiters: { resolve: () => void; reject: (error: unknown) => void }[];
}

class ActivityStates {
  readonly #ctx: ConnectorContext;
  #pending = new Map<string, Pending>();
  #timer: ReturnType<typeof setTimeout> | null = null;

  constructor(ctx: ConnectorContext) {
    this.#ctx = ctx;
  }

  /** Resolves once the activity shows `status` (or the change was logged as impossible). */
  set(activityId: string, status: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const pending = this.#pending.get(activityId);
      // A later state of the same activity replaces an earlier one still waiting (sent → delivered).
      if (pending) {
        pending.status = status;
        pending.waiters.push({ resolve, reject });
      } else this.#pending.set(activityId, { status, waiters: [{ resolve, reject }] });
      if (this.#pending.size >= MAX_BATCH) this.#flushSoon(0);
      else this.#flushSoon(GATHER_MS);
    });
  }

  #flushSoon(ms: number): void {
    if (this.#timer && ms > 0) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = null;
      void this.#flush();
    }, ms);
  }

  async #flush(): Promise<void> {
    const batch = this.#pending;
    this.#pending = new Map();
    const entries = [...batch];
    try {
      await this.#write(entries);
      for (const [, p] of entries) for (const w of p.waiters) w.resolve();
    } catch (error) {
      for (const [, p] of entries) for (const w of p.waiters) w.reject(error);
    }
  }

  async #write(entries: readonly [string, Pending][], retry = true): Promise<void> {
    const { records } = this.#ctx;
    try {
      await records.updateMany({ actor: SYSTEM }, 'activity', entries.map(([id, p]) => ({ id, values: { sms_status: p.status } })), { allowReadOnly: true });
      return;
    } catch (error) {
      if (entries.length === 1) {
        // The activity may have been deleted by a user: the message's state is still kept.
        this.#ctx.log(`activity ${entries[0]![0]}: could not show SMS state ${entries[0]![1].status}`, error);
        return;
      }
      const failed = (error as { extensions?: { failedItems?: unknown } }).extensions?.failedItems;
      if (retry && Array.isArray(failed) && failed.length > 0) {
        // The batch names the refused items: they are logged, the others written together again.
        const refused = new Set(failed as number[]);
        for (const i of refused) if (entries[i]) this.#ctx.log(`activity ${entries[i][0]}: could not show SMS state ${entries[i][1].status}`, error);
        const rest = entries.filter((_, i) => !refused.has(i));
        if (rest.length > 0) await this.#write(rest, false);
        return;
      }
    }
    await this.#oneByOne(entries);
  }

  /** Each written on its own, the refused ones logged. */
  async #oneByOne(entries: readonly [string, Pending][]): Promise<void> {
    for (const entry of entries) await this.#write([entry]);
  }
}

const perConnector = new WeakMap<ConnectorContext, ActivityStates>();

/** Shows `status` on an SMS's activity (none: nothing to show), batched with the states arriving at the same time. */
export async function showSmsState(ctx: ConnectorContext, activityId: string | null, status: string): Promise<void> {
  if (!activityId) return;
  let states = perConnector.get(ctx);
  if (!states) {
    states = new ActivityStates(ctx);
    perConnector.set(ctx, states);
  }
  await states.set(activityId, status);
}
