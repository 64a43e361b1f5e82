// The `email` notification channel: workflows write `tessera.notifications` rows with channel `email`
// (tessera:notify: the service order's client notices, task reminders "by e-mail", the deal delegate
// without a user account). This takes each pending row, queues it as an e-mail through the outbox
// from the notification account, and settles the row when its outbox message was sent or failed for
// good. The outbox key `notification:<id>` makes taking a row twice (two processes, a crash between
// queueing and settling) queue one message.
import type { Knex } from 'knex';
import type { ConnectorContext } from '../../engine/connectors/index.ts';
import { ACCOUNT_ENTITY } from './metadata.ts';
import { EMAIL_CHANNEL, queueMail } from './outbound.ts';

const SYSTEM = { actor: { userId: null, via: 'system' as const } };
const ADDRESS = /^[^\s@<>]+@[^\s@<>]+$/;

interface NotificationRow {
  id: string | number;
  address: string | null;
  subject: string;
  body: string | null;
  recipient_entity: string | null;
  recipient_id: string | null;
  record_entity: string | null;
  record_id: string | null;
}

export const notificationKey = (id: string | number) => `notification:${String(id)}`;

/**
 * The account notifications are sent from: the setting `notificationAccount` (an account id or its
 * address), else the first shared account with an SMTP server (by name). Null when there is none.
 */
export async function notificationAccount(ctx: ConnectorContext, trx?: Knex.Transaction): Promise<string | null> {
  const setting = (await ctx.settings(trx)).config.notificationAccount;
  const rc = { ...SYSTEM, ...(trx ? { trx } : {}) };
  if (typeof setting === 'string' && setting.trim()) {
    const ref = setting.trim();
    const filter = ADDRESS.test(ref) ? { address: ref.toLowerCase() } : { id: ref };
    const { data } = await ctx.records.list(rc, ACCOUNT_ENTITY, { filter, limit: 1 }).catch(() => ({ data: [] }));
    return data[0] ? String(data[0].id) : null;
  }
  const { data } = await ctx.records.list(rc, ACCOUNT_ENTITY, { filter: { account_type: 'shared', smtp_host: { isNull: false } }, sort: 'name', limit: 1 });
  return data[0] ? String(data[0].id) : null;
}

/** Pending `email` notifications whose message was sent → delivered; failed for good → failed. */
export async function settleNotifications(knex: Knex): Promise<number> {
  const { rowCount } = (await knex.raw(
    `UPDATE tessera.notifications n SET status = CASE WHEN o.state = 'failed' THEN 'failed' ELSE 'delivered' END
       FROM tessera.outbox o
      WHERE n.channel = ? AND n.status = 'pending' AND o.channel = ? AND o.idempotency_key = 'notification:' || n.id AND o.state IN ('sent', 'delivered', 'failed')`,
    [EMAIL_CHANNEL, EMAIL_CHANNEL],
  )) as { rowCount: number };
  return rowCount;
}

/** Activity link fields for the notification's record and its recipient (those the activity has). */
function linksOf(ctx: ConnectorContext, row: NotificationRow): Record<string, string> {
  const fields = ctx.records.runtime.entity('activity').entity.fieldsByName;
  const links: Record<string, string> = {};
  for (const [entity, id] of [
    [row.record_entity, row.record_id],
    [row.recipient_entity, row.recipient_id],
  ] as const) {
    if (entity && id && entity !== 'activity' && fields.has(entity)) links[entity] = id;
  }
  return links;
}

/**
 * Queues the pending `email` notifications not queued yet (oldest first) and settles those whose
 * message is done. A row without an address fails at once; without a notification account the rows
 * wait (and the log says why). Returns how many were queued.
 */
export async function takeNotifications(ctx: ConnectorContext, limit = 100): Promise<number> {
  await settleNotifications(ctx.knex);
  const rows = (await ctx.knex('tessera.notifications as n')
    .where({ 'n.channel': EMAIL_CHANNEL, 'n.status': 'pending' })
    .whereNotExists((q) => q.select(ctx.knex.raw('1')).from('tessera.outbox as o').where('o.channel', EMAIL_CHANNEL).whereRaw(`o.idempotency_key = 'notification:' || n.id`))
    .orderBy('n.id')
    .limit(limit)
    .select('n.id', 'n.address', 'n.subject', 'n.body', 'n.recipient_entity', 'n.recipient_id', 'n.record_entity', 'n.record_id')) as NotificationRow[];
  if (rows.length === 0) return 0;
  const account = await notificationAccount(ctx);
  if (!account) {
    ctx.log(`${rows.length} e-mail notification(s) wait: no notification account (set notificationAccount, or add a shared account with SMTP)`);
    return 0;
  }
  let queued = 0;
  for (const row of rows) {
    const address = row.address?.trim().toLowerCase() ?? '';
    if (!ADDRESS.test(address)) {
      ctx.log(`notification ${String(row.id)}: not sent by e-mail (no address)`);
      await ctx.knex('tessera.notifications').where({ id: row.id }).update({ status: 'failed' });
      continue;
    }
    const payload = { account, userId: null, to: [{ name: '', address }], subject: row.subject, html: null, text: row.body ?? row.subject, links: linksOf(ctx, row) };
    if (await queueMail(ctx, null, payload, notificationKey(row.id))) queued++;
  }
  return queued;
}
