// The notification interface. Workflows (task type `tessera:notify`) and the engine write
// notifications in the step transaction; each names a channel. The in-app channel is delivered by
// storing the row: the user reads it with GET /api/notifications. Rows for other channels (`sms`,
// `email`) are an outbox: they stay `pending` until the connector for that channel (registering the
// job types `sms:send` / `email:send`) takes them with `pending()` and settles them with `settle()`.
import type { Knex } from 'knex';
import { sqlOf, type Sql } from './sql.ts';
import { WakeUps } from '../../db/wake-ups.ts';

export const IN_APP = 'in-app';
export const OUTBOX_CHANNELS = ['sms', 'email'] as const;

export interface NotificationInput {
  readonly channel: string;
  /** What it is about, for the web app to say in the reader's language: `assigned`, `mention`; absent for workflow messages. */
  readonly kind?: string | null;
  /** In-app: the user it is for. */
  readonly userId?: string | null;
  /** Outbox channels: the contact it is for (e.g. a contractor or person) and the address used. */
  readonly recipient?: { readonly entity: string; readonly id: string } | null;
  readonly address?: string | null;
  readonly subject: string;
  readonly body?: string | null;
  /** The record the notification is about. */
  readonly record?: { readonly entity: string; readonly id: string } | null;
  readonly instanceId?: string | null;
  /** Writing the same key twice stores one notification. */
  readonly idempotencyKey?: string | null;
}

export interface Notification {
  readonly id: number;
  readonly channel: string;
  readonly kind: string | null;
  readonly userId: string | null;
  readonly recipient: { readonly entity: string; readonly id: string } | null;
  readonly address: string | null;
  readonly subject: string;
  readonly body: string | null;
  readonly record: { readonly entity: string; readonly id: string } | null;
  readonly instanceId: string | null;
  readonly status: 'pending' | 'delivered' | 'failed';
  readonly createdAt: string;
  readonly readAt: string | null;
}

/** The columns of a notification row (statuses: in-app ones are delivered by being stored, the others wait in the outbox). */
export function notificationColumns(input: NotificationInput): Record<string, unknown> {
  return {
    channel: input.channel,
    user_id: input.userId ?? null,
    recipient_entity: input.recipient?.entity ?? null,
    recipient_id: input.recipient?.id ?? null,
    address: input.address ?? null,
    subject: input.subject,
    body: input.body ?? null,
    record_entity: input.record?.entity ?? null,
    record_id: input.record?.id ?? null,
    instance_id: input.instanceId ?? null,
    status: input.channel === IN_APP ? 'delivered' : 'pending',
    kind: input.kind ?? null,
  };
}

/** Stores one notification in the caller's transaction; returns its id (null when the key was already used). */
export async function writeNotification(sql: Sql, input: NotificationInput): Promise<number | null> {
  const c = notificationColumns(input);
  const rows = await sql<{ id: number }>(
    `INSERT INTO tessera.notifications (channel, user_id, recipient_entity, recipient_id, address, subject, body, record_entity, record_id, instance_id, idempotency_key, status, kind)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
     ON CONFLICT (idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING RETURNING id`,
    [c.channel, c.user_id, c.recipient_entity, c.recipient_id, c.address, c.subject, c.body, c.record_entity, c.record_id, c.instance_id, input.idempotencyKey ?? null, c.status, c.kind],
  );
  return rows[0]?.id ?? null;
}

/** Inserts the notifications (rows of notificationColumns) of a jsonb array parameter, in their order: a step flush's part. */
export function notificationsInsert(param: string): string {
  return `INSERT INTO tessera.notifications (channel, user_id, recipient_entity, recipient_id, address, subject, body, record_entity, record_id, instance_id, status, kind)
     SELECT channel, user_id, recipient_entity, recipient_id, address, subject, body, record_entity, record_id, instance_id, status, kind
       FROM ROWS FROM (jsonb_to_recordset(${param}) AS (channel text, user_id uuid, recipient_entity text, recipient_id uuid, address text, subject text, body text,
            record_entity text, record_id uuid, instance_id uuid, status text, kind text))
            WITH ORDINALITY AS x(channel, user_id, recipient_entity, recipient_id, address, subject, body, record_entity, record_id, instance_id, status, kind, n)
      ORDER BY n`;
}

interface NotificationRow {
  id: number | string;
  channel: string;
  kind: string | null;
  user_id: string | null;
  recipient_entity: string | null;
  recipient_id: string | null;
  address: string | null;
  subject: string;
  body: string | null;
  record_entity: string | null;
  record_id: string | null;
  instance_id: string | null;
  status: Notification['status'];
  created_at: Date;
  read_at: Date | null;
}

function present(row: NotificationRow): Notification {
  return {
    id: Number(row.id),
    channel: row.channel,
    kind: row.kind,
    userId: row.user_id,
    recipient: row.recipient_entity && row.recipient_id ? { entity: row.recipient_entity, id: row.recipient_id } : null,
    address: row.address,
    subject: row.subject,
    body: row.body,
    record: row.record_entity && row.record_id ? { entity: row.record_entity, id: row.record_id } : null,
    instanceId: row.instance_id,
    status: row.status,
    createdAt: row.created_at.toISOString(),
    readAt: row.read_at?.toISOString() ?? null,
  };
}

/** The channel the live notification feed listens on (payload: the user's id). */
export const NOTIFICATIONS_CHANNEL = 'tessera_notifications';

export class NotificationService {
  readonly #knex: Knex;
  /** Users whose live feeds are yet to be woken. */
  readonly #wakeUps: WakeUps;

  constructor(knex: Knex) {
    this.#knex = knex;
    this.#wakeUps = new WakeUps({
      send: (users) => knex.raw(`SELECT pg_notify(?, u) FROM unnest(?::text[]) AS u`, [NOTIFICATIONS_CHANNEL, users]),
      // Only a hint (the database went away, the platform closed): the feeds catch up on their own.
      failed: () => undefined,
    });
  }

  /**
   * Wakes a user's live feeds (in every process) once `committed` — the writing transaction's
   * outcome — resolves; a rolled-back write wakes no one. For writes whose rows the trigger leaves
   * silent (assignments, migration 046): a NOTIFY inside the writing transaction would serialize its
   * commit with every other one that NOTIFYs. A wake-up is a hint: one lost to a kill -9 between
   * commit and wake-up is made up by the feed's next summary (a stream reconnects within minutes).
   */
  wakeAfter(committed: Promise<unknown>, userId: string): void {
    committed.then(
      () => this.#wakeUps.add(userId),
      () => undefined,
    );
  }

  /** Per transaction: who writes its notifications later in it (a workflow step's flush). */
  readonly #collectors = new WeakMap<Knex.Transaction, (input: NotificationInput) => void>();

  /**
   * Notifications written on `trx` from now on go to `sink`, which stores them later in the same
   * transaction (a workflow step writes them with its one flush statement); the returned function
   * ends that. Notifications with an idempotency key are still written at once (their caller may
   * want to know whether the key was new).
   */
  collect(trx: Knex.Transaction, sink: (input: NotificationInput) => void): () => void {
    this.#collectors.set(trx, sink);
    return () => this.#collectors.delete(trx);
  }

  /** Stores a notification in the transaction: now, or through the transaction's collector (see collect). */
  async write(trx: Knex.Transaction, input: NotificationInput): Promise<void> {
    const collector = this.#collectors.get(trx);
    if (collector && !input.idempotencyKey) collector(input);
    else await writeNotification((await sqlOf(trx)).sql, input);
  }

  /** A user's in-app notifications, newest first. */
  async forUser(userId: string, options: { readonly unreadOnly?: boolean; readonly limit?: number; readonly before?: number } = {}): Promise<Notification[]> {
    const query = this.#knex('tessera.notifications').where({ user_id: userId, channel: IN_APP }).orderBy('id', 'desc').limit(options.limit ?? 50);
    if (options.unreadOnly) query.whereNull('read_at');
    if (options.before !== undefined) query.where('id', '<', options.before);
    return ((await query.select('*')) as NotificationRow[]).map(present);
  }

  /** Marks one of the user's notifications read; false when it is not theirs. */
  async markRead(userId: string, id: number): Promise<boolean> {
    const count = await this.#knex('tessera.notifications').where({ id, user_id: userId }).whereNull('read_at').update({ read_at: this.#knex.fn.now() });
    if (count > 0) return true;
    return (await this.#knex('tessera.notifications').where({ id, user_id: userId }).first('id')) !== undefined;
  }

  /** How many of the user's in-app notifications are unread, and the id of the newest (0: none). */
  async summary(userId: string): Promise<{ unread: number; newest: number }> {
    const row = (await this.#knex('tessera.notifications')
      .where({ user_id: userId, channel: IN_APP })
      .first(this.#knex.raw('count(*) FILTER (WHERE read_at IS NULL)::int AS unread'), this.#knex.raw('coalesce(max(id), 0) AS newest'))) as { unread: number; newest: number | string };
    return { unread: Number(row.unread), newest: Number(row.newest) };
  }

  /** Marks every in-app notification of the user read; returns how many were unread. */
  async markAllRead(userId: string): Promise<number> {
    return this.#knex('tessera.notifications').where({ user_id: userId, channel: IN_APP }).whereNull('read_at').update({ read_at: this.#knex.fn.now() });
  }

  /** The outbox of a channel, oldest first: what its connector still has to send. */
  async pending(channel: string, limit = 100): Promise<Notification[]> {
    return ((await this.#knex('tessera.notifications').where({ channel, status: 'pending' }).orderBy('id').limit(limit).select('*')) as NotificationRow[]).map(present);
  }

  async settle(id: number, status: 'delivered' | 'failed'): Promise<void> {
    await this.#knex('tessera.notifications').where({ id }).update({ status });
  }
}
