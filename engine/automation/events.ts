// Record changes for the flows' `tessera-event` nodes, at least once after commit: a change of an
// entity type some deployed flow listens to writes a row of tessera.automation_events in the
// change's own transaction (a rollback leaves nothing), by the statement of the change's audit row
// (engine/records/change-rows.ts: no round trip of its own); after the commit, and every second for rows
// written by other processes or left by a crash, the pending rows are handed to the subscribed nodes
// in order and marked delivered. A process that dies between the hand-over and the mark delivers the
// row again: the row id is the idempotency key a flow sees (msg.event.id).
import type { Knex } from 'knex';
import type { RecordChange, RecordService } from '../records/index.ts';
import type { JsonObject } from '../connectors/contract.ts';
import type { RecordEvent } from './ports.ts';

const BATCH = 500;
const POLL_MS = 1000;

type Deliver = (event: RecordEvent) => Promise<void>;

interface EventRow {
  id: string | number;
  entity: string;
  payload: Omit<RecordEvent, 'id'>;
}

/** The entity types the stored flows' `tessera-event` nodes listen to. */
export function listenedEntities(flows: readonly unknown[]): Set<string> {
  const entities = new Set<string>();
  for (const node of flows) {
    if (typeof node !== 'object' || node === null) continue;
    const { type, entity, d } = node as { type?: unknown; entity?: unknown; d?: unknown };
    if (type === 'tessera-event' && typeof entity === 'string' && entity && d !== true) entities.add(entity);
  }
  return entities;
}

export function eventPayload(change: RecordChange): Omit<RecordEvent, 'id'> {
  return {
    entity: change.entity,
    action: change.action,
    recordId: String(change.record.id),
    record: change.record as JsonObject,
    previous: (change.previous as JsonObject | null) ?? null,
    changes: change.changes as JsonObject,
    transitions: change.transitions.map((t) => ({ ...t })),
    actor: change.actor.userId,
    occurredAt: new Date().toISOString(),
  };
}

/** Inserts the event rows of a jsonb array parameter, in their order (ids in the order of the changes). */
function eventInsert(param: string): string {
  return `INSERT INTO tessera.automation_events (entity, action, record_id, payload)
    SELECT entity, action, record_id, payload
      FROM ROWS FROM (jsonb_to_recordset(${param}) AS (entity text, action text, record_id uuid, payload jsonb)) WITH ORDINALITY AS x(entity, action, record_id, payload, n)
     ORDER BY n`;
}

export class AutomationEvents {
  readonly #knex: Knex;
  readonly #subscribers = new Map<string, Set<Deliver>>();
  /** Entity types of the deployed flows: changes of these are kept even while flows restart. */
  #listened: ReadonlySet<string> = new Set();
  #running = false;
  #draining: Promise<void> | null = null;
  #again = false;
  #timer: ReturnType<typeof setInterval> | null = null;
  /** Events handed to nodes in this process (the bench reads it). */
  delivered = 0;

  readonly #stopKeeping: () => void;

  readonly #pollMs: number;

  /** `pollMs`: how often pending rows are looked for without a wake (rows of other processes, left by a crash). */
  constructor(knex: Knex, records: RecordService, options: { pollMs?: number } = {}) {
    this.#knex = knex;
    this.#pollMs = options.pollMs ?? POLL_MS;
    // Every automation process writes the events of its changes; only the leader delivers them.
    // The event rows are written by the statement of the changes' audit rows (no round trip of
    // their own, engine/records/change-rows.ts).
    this.#stopKeeping = records.keepWithChanges({
      insert: eventInsert,
      row: (change) => (this.#listened.has(change.entity) ? { entity: change.entity, action: change.action, record_id: String(change.record.id), payload: eventPayload(change) } : null),
      // After the commit (never before: a rolled-back change must not reach a flow).
      written: (trx) =>
        void trx.executionPromise.then(
          () => this.wake(),
          () => undefined,
        ),
    });
  }

  setListened(entities: ReadonlySet<string>): void {
    this.#listened = entities;
  }

  /** Delivers pending events from now on (the leader does). */
  startDelivering(): void {
    if (this.#running) return;
    this.#running = true;
    this.#timer = setInterval(() => this.wake(), this.#pollMs);
    this.#timer.unref();
    this.wake();
  }

  /** Stops delivering (leadership lost, shutdown); events go on being written. */
  async stopDelivering(): Promise<void> {
    this.#running = false;
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.#draining;
  }

  /** Stops writing and delivering (the process stops). */
  async close(): Promise<void> {
    this.#listened = new Set();
    this.#stopKeeping();
    await this.stopDelivering();
  }

  subscribe(entity: string, deliver: Deliver): () => void {
    let set = this.#subscribers.get(entity);
    if (!set) this.#subscribers.set(entity, (set = new Set()));
    set.add(deliver);
    this.wake();
    return () => {
      set.delete(deliver);
    };
  }

  /** Drains pending events; a call while a drain runs makes it go round once more. */
  wake(): void {
    if (!this.#running) return;
    if (this.#draining) {
      this.#again = true;
      return;
    }
    this.#draining = (async () => {
      try {
        do await this.#drain();
        while (this.#again && this.#running);
      } catch (error) {
        console.error(`[tessera automation] delivering record events failed: ${(error as Error).message}`);
      } finally {
        this.#draining = null;
      }
    })();
  }

  /**
   * One pass over the pending rows, in id order, a batch per round trip: the statement that marks
   * the events just handed on also reads the next ones, including those committed while they were
   * being handed on (one round trip per batch, not a read and a mark), and the pass ends with the
   * statement marking its last events and finding nothing more. After a batch that was not full the
   * next read starts over from the first pending row: ids are taken when a change is written, not
   * when it commits, so a row may commit after rows with higher ids were read. A batch is marked only
   * after its events were handed on, so a crash in between delivers them again. Rows kept for flows
   * still starting are passed over and read again by the next pass.
   */
  async #drain(): Promise<void> {
    let done: string[] = [];
    const passedOver: string[] = [];
    let after = '0';
    for (;;) {
      // A wake from here on (a commit) may have written rows this read misses: go round again. One before it is answered by this read.
      this.#again = false;
      const rows = await this.#markAndRead(done, this.#running ? after : null, after === '0' ? [...done, ...passedOver] : []);
      done = [];
      if (rows.length === 0) return;
      for (const row of rows) {
        const id = String(row.id);
        const subscribers = this.#subscribers.get(row.entity);
        if (!subscribers || subscribers.size === 0) {
          // Flows listening to it are still starting: keep it. No deployed flow listens any more: drop it.
          if (this.#listened.has(row.entity)) passedOver.push(id);
          else done.push(id);
          continue;
        }
        const event: RecordEvent = { id, ...row.payload };
        for (const deliver of subscribers) await deliver(event);
        this.delivered++;
        done.push(id);
      }
      after = rows.length < BATCH ? '0' : String(rows.at(-1)!.id);
    }
  }

  /**
   * Marks `done` delivered and (unless `after` is null) reads the next batch of pending rows after
   * `after` but not in `skip`, in one statement. The read does not see the marks of its own
   * statement (one snapshot), hence `skip` when it reads rows before those just marked.
   */
  async #markAndRead(done: readonly string[], after: string | null, skip: readonly string[]): Promise<EventRow[]> {
    if (after === null) {
      if (done.length > 0) await this.#knex('tessera.automation_events').whereIn('id', done).update({ delivered_at: this.#knex.fn.now() });
      return [];
    }
    // A data-modifying WITH runs whether or not the SELECT reads it.
    const result = (await this.#knex.raw(
      `WITH marked AS (UPDATE tessera.automation_events SET delivered_at = now() WHERE id = ANY(?::bigint[]) RETURNING id)
       SELECT id, entity, payload FROM tessera.automation_events WHERE delivered_at IS NULL AND id > ? AND id <> ALL(?::bigint[]) ORDER BY id LIMIT ${BATCH}`,
      [[...done], after, [...skip]],
    )) as { rows: EventRow[] };
    return result.rows;
  }
}

/**
 * For processes that do not embed Node-RED (workflow workers, servers with TESSERA_AUTOMATION=off):
 * their record changes are written for the flows too, for the entity types of the flows stored now
 * (looked up every `intervalMs`), so that the leader delivers them. Nothing is delivered here.
 */
export function recordAutomationEvents(knex: Knex, records: RecordService, intervalMs = 2000): { stop(): Promise<void> } {
  const events = new AutomationEvents(knex, records);
  let rev = -1;
  const refresh = async () => {
    const row = (await knex('tessera.automation_store').where({ kind: 'flows', path: '' }).first('rev', 'body')) as { rev: number; body: unknown } | undefined;
    if (!row || row.rev === rev) return;
    rev = row.rev;
    events.setListened(listenedEntities(Array.isArray(row.body) ? row.body : []));
  };
  const first = refresh().catch(() => undefined);
  const timer = setInterval(() => void refresh().catch(() => undefined), intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await first;
      await events.close();
    },
  };
}
