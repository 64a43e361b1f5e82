// The outbox: every outbound message is a row of tessera.outbox written in the business transaction,
// with a pg-boss job (same transaction) that sends it. A worker fetches up to BATCH_SIZE jobs at once
// and claims their rows in one statement (queued → sending; pg-boss's fetch and the claim's row locks
// keep two processes off the same message), calls the channel's sender outside any transaction — a
// batch at once through `sendBatch` where the channel offers it — and records the results: sent/delivered, or
// back to queued with a later job (exponential backoff), or failed after the last attempt. A failed
// message is retried by hand (API, app). The row is the delivery log: attempts, last status, last
// error. A process that dies mid-send leaves the row `sending`; its job is delivered again once it
// expires, and the claim accepts a `sending` row that old.
import type { Knex } from 'knex';
import { TesseraError } from '../errors.ts';
import { currentTrial } from '../records/trial-run.ts';
import type { QueuedJob, WorkflowRuntime } from '../workflows/runtime/index.ts';
import type { JsonObject } from '../workflows/expression.ts';
import { SendFailure, type ConnectorContext, type NewOutboxMessage, type OutboundChannel, type OutboxMessage, type SendResult } from './contract.ts';
import { OUTBOX_STATES, type OutboxEntry as OutboxEntryOf, type OutboxState } from '../../metadata/index.ts';

export const OUTBOX_QUEUE = 'tessera.outbox';
/** Seconds one send may take before its job counts as lost. */
const SEND_EXPIRE_SECONDS = 120;
const DEFAULT_BACKOFF = { initialMs: 2000, factor: 2, maxMs: 15 * 60_000 };
const DEFAULT_MAX_ATTEMPTS = 5;
/**
 * Messages one worker fetch claims and sends together. A batch must finish within
 * SEND_EXPIRE_SECONDS (its jobs expire then): a throttled channel waits at most a minute for a slot
 * and gives the message back to the queue beyond that.
 */
const BATCH_SIZE = 100;
/** Sends of a batch in flight at once for a channel without sendBatch or its own `parallel`. */
const DEFAULT_PARALLEL = 8;

export { OUTBOX_STATES, type OutboxState };

/** An outbox row as the API shows it. */
export type OutboxEntry = OutboxEntryOf<JsonObject>;

interface Row {
  id: string;
  connector_id: string;
  channel: string;
  recipient: string;
  payload: JsonObject;
  idempotency_key: string;
  state: OutboxState;
  attempts: number;
  max_attempts: number;
  last_status: number | null;
  last_error: string | null;
  created_at: Date;
  updated_at: Date;
  next_attempt_at: Date | null;
  sent_at: Date | null;
}

function messageOf(row: Row): OutboxMessage {
  return { id: row.id, connectorId: row.connector_id, channel: row.channel, recipient: row.recipient, payload: row.payload, idempotencyKey: row.idempotency_key, attempt: row.attempts, maxAttempts: row.max_attempts, createdAt: row.created_at.toISOString() };
}

const asError = (error: unknown): Error => (error instanceof Error ? error : new Error(String(error)));

function present(row: Row): OutboxEntry {
  return {
    id: row.id,
    connectorId: row.connector_id,
    channel: row.channel,
    recipient: row.recipient,
    payload: row.payload,
    idempotencyKey: row.idempotency_key,
    state: row.state,
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    lastStatus: row.last_status,
    lastError: row.last_error,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    nextAttemptAt: row.next_attempt_at?.toISOString() ?? null,
    sentAt: row.sent_at?.toISOString() ?? null,
  };
}

interface ChannelEntry {
  readonly channel: OutboundChannel;
  readonly connectorId: string;
}

export interface OutboxFilter {
  readonly connectorId?: string;
  readonly channel?: string;
  readonly recipient?: string;
  readonly state?: OutboxState;
  readonly limit?: number;
  /** Rows created before this one (paging, newest first). */
  readonly before?: string;
}

export function retryDelay(backoff: OutboundChannel['backoff'], attempt: number): number {
  const b = backoff ?? DEFAULT_BACKOFF;
  return Math.min(b.maxMs, b.initialMs * b.factor ** Math.max(0, attempt - 1));
}

export class Outbox {
  readonly #knex: Knex;
  readonly #runtime: WorkflowRuntime;
  readonly #channels = new Map<string, ChannelEntry>();
  readonly #contextOf: (connectorId: string) => ConnectorContext;
  readonly #scrub: (connectorId: string, text: string) => Promise<string>;

  constructor(knex: Knex, runtime: WorkflowRuntime, contextOf: (connectorId: string) => ConnectorContext, scrub: (connectorId: string, text: string) => Promise<string>) {
    this.#knex = knex;
    this.#runtime = runtime;
    this.#contextOf = contextOf;
    this.#scrub = scrub;
  }

  addChannel(connectorId: string, channel: OutboundChannel): void {
    if (this.#channels.has(channel.id)) throw new Error(`outbound channel "${channel.id}" is provided by two connectors`);
    this.#channels.set(channel.id, { channel, connectorId });
  }

  async start(): Promise<void> {
    await this.#runtime.registerQueue<{ messageId: string }>({
      name: OUTBOX_QUEUE,
      expireInSeconds: SEND_EXPIRE_SECONDS,
      concurrency: DEFAULT_PARALLEL,
      batchSize: BATCH_SIZE,
      handler: async (job) => {
        const [error] = await this.#attemptBatch([job]);
        if (error) throw error;
      },
      handleBatch: (jobs) => this.#attemptBatch(jobs),
    });
  }

  /** Writes messages (and their send jobs) in `trx`, or in a transaction of their own; returns how many were new. */
  async enqueue(trx: Knex.Transaction | null, connectorId: string, messages: readonly NewOutboxMessage[]): Promise<number> {
    if (messages.length === 0) return 0;
    if (!trx) return this.#knex.transaction((t) => this.enqueue(t, connectorId, messages));
    const rows = messages.map((m) => {
      const entry = this.#channels.get(m.channel);
      if (!entry || (entry.connectorId !== connectorId && entry.channel.shared !== true)) throw new Error(`connector ${connectorId} provides no outbound channel "${m.channel}"`);
      return { connector_id: connectorId, channel: m.channel, recipient: m.recipient, payload: JSON.stringify(m.payload), idempotency_key: m.idempotencyKey, max_attempts: m.maxAttempts ?? entry.channel.maxAttempts ?? DEFAULT_MAX_ATTEMPTS };
    });
    const inserted = (await trx('tessera.outbox').insert(rows).onConflict(['channel', 'idempotency_key']).ignore().returning(['id', 'channel'])) as { id: string; channel: string }[];
    // In the designer's sandbox the rows are rolled back: what would have been sent is reported instead.
    const trial = currentTrial();
    for (const row of inserted) trial?.outboxQueued(row.channel);
    await this.#runtime.enqueue(trx, OUTBOX_QUEUE, inserted.map((r) => ({ data: { messageId: r.id } })));
    return inserted.length;
  }

  async list(filter: OutboxFilter = {}): Promise<OutboxEntry[]> {
    const query = this.#knex('tessera.outbox').orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id', order: 'desc' }]).limit(Math.min(filter.limit ?? 50, 500));
    if (filter.connectorId) query.where({ connector_id: filter.connectorId });
    if (filter.channel) query.where({ channel: filter.channel });
    if (filter.recipient) query.where({ recipient: filter.recipient });
    if (filter.state) query.where({ state: filter.state });
    if (filter.before) query.where('created_at', '<', this.#knex('tessera.outbox').select('created_at').where({ id: filter.before }));
    return ((await query.select('*')) as Row[]).map(present);
  }

  async get(id: string): Promise<OutboxEntry | null> {
    const row = (await this.#knex('tessera.outbox').where({ id }).first()) as Row | undefined;
    return row ? present(row) : null;
  }

  /** A failed message gets the attempts of its channel again, from now. */
  async retry(id: string): Promise<OutboxEntry> {
    return this.#knex.transaction(async (trx) => {
      const row = (await trx('tessera.outbox').where({ id }).forUpdate().first()) as Row | undefined;
      if (!row) throw new TesseraError('NOT_FOUND', `no outbox message ${id}`);
      if (row.state !== 'failed') throw new TesseraError('CONFLICT', `outbox message ${id} is ${row.state}; only a failed message is retried`);
      const maxAttempts = row.attempts + (this.#channels.get(row.channel)?.channel.maxAttempts ?? DEFAULT_MAX_ATTEMPTS);
      const [updated] = (await trx('tessera.outbox').where({ id }).update({ state: 'queued', max_attempts: maxAttempts, next_attempt_at: null, updated_at: trx.fn.now() }).returning('*')) as Row[];
      await this.#runtime.enqueue(trx, OUTBOX_QUEUE, [{ data: { messageId: id } }]);
      return present(updated!);
    });
  }

  /** A later outcome of a sent message (delivery report): sent/delivered → delivered or failed. */
  async report(connectorId: string, channel: string, idempotencyKey: string, outcome: { state: 'delivered' | 'failed'; error: string | null; status?: number | null }, trx?: Knex.Transaction): Promise<boolean> {
    const count = await (trx ?? this.#knex)('tessera.outbox')
      .where({ connector_id: connectorId, channel, idempotency_key: idempotencyKey })
      .whereIn('state', ['sent', 'delivered'])
      .update({ state: outcome.state, ...(outcome.error !== null ? { last_error: outcome.error } : {}), ...(outcome.status != null ? { last_status: outcome.status } : {}), updated_at: (trx ?? this.#knex).fn.now() });
    return count > 0;
  }

  /**
   * One worker fetch: the batch's rows are claimed by one UPDATE (a row another process claimed, or
   * one sent or failed meanwhile, is skipped), each channel sends its share — all at once through
   * `sendBatch`, else `parallel` sends at a time — and the successes are settled by one UPDATE per
   * outcome. Failures are settled one by one (retry with backoff, or failed for good).
   */
  async #attemptBatch(jobs: readonly QueuedJob<{ messageId: string }>[]): Promise<(Error | null)[]> {
    const ids = [...new Set(jobs.map((job) => job.data.messageId))];
    const rows = (await this.#knex('tessera.outbox')
      .whereIn('id', ids)
      .where((q) => q.where({ state: 'queued' }).orWhere((s) => s.where({ state: 'sending' }).where('updated_at', '<', this.#knex.raw(`now() - make_interval(secs => ?)`, [SEND_EXPIRE_SECONDS]))))
      .update({ state: 'sending', attempts: this.#knex.raw('attempts + 1'), updated_at: this.#knex.fn.now() })
      .returning('*')) as Row[];
    const byChannel = new Map<string, Row[]>();
    for (const row of rows) byChannel.set(row.channel, [...(byChannel.get(row.channel) ?? []), row]);
    await Promise.all([...byChannel].map(([channel, channelRows]) => this.#sendChannel(channel, channelRows)));
    return jobs.map(() => null);
  }

  async #sendChannel(channelId: string, rows: readonly Row[]): Promise<void> {
    const entry = this.#channels.get(channelId);
    if (!entry) {
      await this.#knex('tessera.outbox').whereIn('id', rows.map((r) => r.id)).update({ state: 'failed', last_error: `no connector provides the channel "${channelId}" in this process`, updated_at: this.#knex.fn.now() });
      return;
    }
    const messages = rows.map(messageOf);
    const ctx = this.#contextOf(entry.connectorId);
    const { channel } = entry;
    let outcomes: (SendResult | Error)[];
    if (!(await ctx.settings()).enabled) outcomes = messages.map(() => new SendFailure(`the connector ${entry.connectorId} is disabled`));
    else if (channel.sendBatch) {
      try {
        outcomes = [...(await channel.sendBatch(messages, ctx))];
        if (outcomes.length !== messages.length) throw new Error(`the channel ${channelId} answered ${outcomes.length} outcomes for ${messages.length} messages`);
      } catch (error) {
        outcomes = messages.map(() => asError(error));
      }
    } else {
      outcomes = new Array<SendResult | Error>(messages.length);
      let next = 0;
      const lanes = Array.from({ length: Math.max(1, Math.min(channel.parallel ?? DEFAULT_PARALLEL, messages.length)) }, async () => {
        while (next < messages.length) {
          const i = next++;
          outcomes[i] = await channel.send(messages[i]!, ctx).catch(asError);
        }
      });
      await Promise.all(lanes);
    }
    // Successes with the same outcome are settled by one statement.
    const settled = new Map<string, { result: SendResult; ids: string[] }>();
    outcomes.forEach((outcome, i) => {
      if (outcome instanceof Error) return;
      const key = `${outcome.state}\u0000${outcome.status ?? ''}`;
      const group = settled.get(key) ?? { result: outcome, ids: [] };
      group.ids.push(rows[i]!.id);
      settled.set(key, group);
    });
    for (const { result, ids } of settled.values()) {
      await this.#knex('tessera.outbox').whereIn('id', ids).update({ state: result.state, last_status: result.status ?? null, last_error: null, sent_at: this.#knex.fn.now(), next_attempt_at: null, updated_at: this.#knex.fn.now() });
    }
    for (const [i, outcome] of outcomes.entries()) {
      const message = messages[i]!;
      if (outcome instanceof Error) await this.#failAttempt(entry, ctx, rows[i]!, message, outcome);
      else await channel.succeeded?.(message, ctx).catch((error: unknown) => ctx.log(`after sending ${message.id}`, error));
    }
  }

  /** A failed attempt: retried later with backoff, or failed for good (last attempt, or not retryable). */
  async #failAttempt(entry: ChannelEntry, ctx: ConnectorContext, row: Row, message: OutboxMessage, error: Error): Promise<void> {
    const failure = error instanceof SendFailure ? error : null;
    const text = await this.#scrub(entry.connectorId, error.message);
    const final = row.attempts >= row.max_attempts || failure?.retryable === false;
    if (final) {
      await this.#settle(row, { state: 'failed', last_status: failure?.status ?? null, last_error: text, next_attempt_at: null });
      await entry.channel.failed?.(message, text, ctx).catch((e: unknown) => ctx.log(`after the failure of ${row.id}`, e));
      return;
    }
    const delay = retryDelay((await entry.channel.configuredBackoff?.(ctx)) ?? entry.channel.backoff, row.attempts);
    const next = new Date(Date.now() + delay);
    await this.#knex.transaction(async (trx) => {
      await trx('tessera.outbox').where({ id: row.id }).update({ state: 'queued', last_status: failure?.status ?? null, last_error: text, next_attempt_at: next, updated_at: trx.fn.now() });
      await this.#runtime.enqueue(trx, OUTBOX_QUEUE, [{ data: { messageId: row.id }, startAfter: next }]);
    });
  }

  async #settle(row: Row, values: Record<string, unknown>): Promise<void> {
    await this.#knex('tessera.outbox').where({ id: row.id }).update({ ...values, updated_at: this.#knex.fn.now() });
  }
}
