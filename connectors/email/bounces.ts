// Bounces: a delivery status notification arriving in a synced mailbox about a message Tessera sent
// moves that message's outbox row from sent to failed, with the remote server's code and reason, so
// a mail merge lists the recipient among its failures (and a retry can be chosen by hand). Our
// Message-IDs are `<outbox id>@<domain>` (outbound.ts), which is how the report finds its message.
import type { Knex } from 'knex';
import type { ConnectorContext } from '../../engine/connectors/index.ts';
import type { ParsedMessage } from './message.ts';
import { EMAIL_CHANNEL, type EmailPayload } from './outbound.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What a stored message's delivery report changed: the outbox message it failed, if any. */
export async function recordBounce(ctx: ConnectorContext, trx: Knex.Transaction, message: ParsedMessage): Promise<string | null> {
  const report = message.deliveryReport;
  const failed = report?.recipients.filter((r) => r.action === 'failed') ?? [];
  const outboxId = report?.originalMessageId?.split('@')[0] ?? '';
  if (failed.length === 0 || !UUID.test(outboxId)) return null;
  const row = (await trx('tessera.outbox').where({ id: outboxId, connector_id: 'email', channel: EMAIL_CHANNEL }).first('idempotency_key', 'payload')) as { idempotency_key: string; payload: EmailPayload } | undefined;
  if (!row) return null;
  const recipients = [...row.payload.to, ...(row.payload.cc ?? []), ...(row.payload.bcc ?? [])].map((a) => a.address.toLowerCase());
  const bounced = new Set(failed.map((r) => r.address));
  const reason = failed.map((r) => `${r.address}: ${[r.status, r.diagnostic].filter(Boolean).join(' ')}`).join('; ');
  // Some recipients got it: the message was delivered, only not to everyone. Logged, state kept.
  if (!recipients.every((address) => bounced.has(address))) {
    ctx.log(`message ${outboxId} bounced for some of its recipients: ${reason}`);
    return null;
  }
  const status = failed.find((r) => r.smtpCode !== null)?.smtpCode;
  return (await ctx.reportOutcome(EMAIL_CHANNEL, row.idempotency_key, { state: 'failed', error: `bounced: ${reason}`, ...(status ? { status } : {}) }, trx)) ? outboxId : null;
}
