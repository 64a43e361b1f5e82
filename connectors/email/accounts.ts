// Mail accounts are records of `email_account` (the connector's metadata). This reads one into the
// settings the sync and the sender need, with its passwords revealed from the secrets store, and
// names the identity its mail is stored and sent with.
import type { Knex } from 'knex';
import type { ConnectorContext, JsonObject } from '../../engine/connectors/index.ts';
import { ACCOUNT_ENTITY } from './metadata.ts';
import type { ImapAccount, SmtpAccount } from './ports.ts';

const SYSTEM = { actor: { userId: null, via: 'system' as const } };

export interface MailAccount {
  readonly id: string;
  readonly name: string;
  readonly address: string;
  readonly senderName: string;
  readonly shared: boolean;
  /** The user the account's mail is written and sent as: the owner (personal) or the named identity (shared). */
  readonly actingUserId: string | null;
  /** Set when the account's mail is visible to a team. */
  readonly team: string | null;
  readonly visibility: 'owner' | 'team' | 'all';
  readonly imap: ImapAccount | null;
  readonly smtp: SmtpAccount | null;
  readonly sentFolder: string;
  readonly throttlePerMinute: number;
  readonly syncEnabled: boolean;
  readonly signature: string;
}

export type AccountProblem = 'EMAIL_ACCOUNT_NOT_FOUND' | 'EMAIL_ACCOUNT_NO_IDENTITY';

const text = (value: unknown) => (typeof value === 'string' ? value : '');
const int = (value: unknown, fallback: number) => (typeof value === 'number' && Number.isFinite(value) ? value : fallback);

/** Folder list as typed in the form: "INBOX, Sent" → ['INBOX', 'Sent']. */
export function parseFolders(value: string): string[] {
  return [...new Set(value.split(',').map((f) => f.trim()).filter((f) => f.length > 0))];
}

async function reveal(ctx: ConnectorContext, record: JsonObject, field: string, trx?: Knex.Transaction): Promise<string> {
  return (await ctx.revealSecret(ACCOUNT_ENTITY, String(record.id), field, trx)) ?? '';
}

/** The account as the sync and the sender use it. */
export async function mailAccountOf(ctx: ConnectorContext, record: JsonObject, trx?: Knex.Transaction): Promise<MailAccount> {
  const shared = record.account_type === 'shared';
  const id = String(record.id);
  const visibility = record.visibility === 'team' || record.visibility === 'all' ? record.visibility : 'owner';
  const imapHost = text(record.imap_host);
  const smtpHost = text(record.smtp_host);
  const imapUser = text(record.imap_user) || text(record.address);
  return {
    id,
    name: text(record.name),
    address: text(record.address).toLowerCase(),
    senderName: text(record.sender_name) || text(record.name),
    shared,
    actingUserId: (shared ? text(record.run_as) : text(record.owner_user)) || null,
    team: visibility === 'team' ? text(record.team) || null : null,
    visibility,
    imap: imapHost
      ? {
          id,
          host: imapHost,
          port: int(record.imap_port, 993),
          secure: record.imap_tls !== false,
          user: imapUser,
          password: await reveal(ctx, record, 'imap_password', trx),
          mailboxes: parseFolders(text(record.folders) || 'INBOX'),
          windowDays: int(record.window_days, 90),
        }
      : null,
    smtp: smtpHost
      ? {
          host: smtpHost,
          port: int(record.smtp_port, 465),
          secure: record.smtp_tls !== false,
          ...(text(record.smtp_user) ? { user: text(record.smtp_user), password: await reveal(ctx, record, 'smtp_password', trx) } : {}),
        }
      : null,
    sentFolder: text(record.sent_folder) || 'Sent',
    throttlePerMinute: Math.max(1, int(record.throttle_per_minute, 60)),
    syncEnabled: record.sync_enabled !== false,
    signature: text(record.signature),
  };
}

/** One account by id (platform read: the caller checked the user's rights), or null. */
export async function loadAccount(ctx: ConnectorContext, id: string, trx?: Knex.Transaction): Promise<MailAccount | null> {
  const record = await ctx.records.get({ ...SYSTEM, ...(trx ? { trx } : {}) }, ACCOUNT_ENTITY, id).catch(() => null);
  return record ? mailAccountOf(ctx, record as JsonObject, trx) : null;
}

/** Every account whose mail is synced. */
export async function syncedAccounts(ctx: ConnectorContext): Promise<MailAccount[]> {
  const accounts: MailAccount[] = [];
  let after: string | undefined;
  do {
    const page = await ctx.records.list(SYSTEM, ACCOUNT_ENTITY, { limit: 100, ...(after ? { after } : {}) });
    for (const record of page.data) {
      const account = await mailAccountOf(ctx, record as JsonObject);
      if (account.syncEnabled && account.imap) accounts.push(account);
    }
    after = page.next;
  } while (after);
  return accounts;
}
