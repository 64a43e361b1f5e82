// Inbound mail for every synced account: the connector's poller runs one pass over each account's
// folders (one process in the installation per period); `watchInboxes` keeps IDLE on each account's
// first folder in this process (opt-in: one process of an installation should watch), reconnecting
// with backoff. Both write through the engine store with the identity the account runs for.
import type { ConnectorContext } from '../../engine/connectors/index.ts';
import { syncedAccounts, type MailAccount } from './accounts.ts';
import { recordBounce } from './bounces.ts';
import { publishCalendarParts } from './calendar-parts.ts';
import { EngineMailStore } from './engine-store.ts';
import { createImapSync, type ImapSync, type ImapSyncOptions, type MailboxSyncReport } from './imap-sync.ts';

export interface EmailConfig {
  readonly ownDomains: readonly string[];
  readonly idle: boolean;
}

export function emailConfig(config: Readonly<Record<string, unknown>>): EmailConfig {
  const domains = Array.isArray(config.ownDomains) ? config.ownDomains.filter((d): d is string => typeof d === 'string') : [];
  return { ownDomains: domains, idle: config.idle === true };
}

/** The store an account's mail is written to, acting as the account's user. */
export async function storeFor(ctx: ConnectorContext, account: MailAccount, config: EmailConfig): Promise<EngineMailStore> {
  if (!account.actingUserId) throw new Error(`the mail account ${account.name} names no ${account.shared ? 'identity to act as (run_as)' : 'owner'}`);
  const actor = await ctx.actAs(account.actingUserId);
  return new EngineMailStore(ctx.knex, ctx.records, { accountId: account.id, accountAddress: account.address, actor, team: account.team, ownDomains: config.ownDomains, onStored: async (trx, message, id) => {
      await publishCalendarParts(ctx, trx, message, id);
      await recordBounce(ctx, trx, message);
    },
  });
}

/** One pass over every synced account; a failing account is logged (and its error kept) and the others go on. */
export async function syncAllAccounts(ctx: ConnectorContext, options: { signal?: AbortSignal; sync?: ImapSyncOptions } = {}): Promise<MailboxSyncReport[]> {
  const config = emailConfig((await ctx.settings()).config);
  const reports: MailboxSyncReport[] = [];
  for (const account of await syncedAccounts(ctx)) {
    if (options.signal?.aborted) break;
    try {
      const store = await storeFor(ctx, account, config);
      reports.push(...(await createImapSync(account.imap!, store, options.sync).syncOnce()));
    } catch (error) {
      ctx.log(`syncing ${account.name}`, error);
      await ctx.knex('tessera.email_sync_state').where({ account: account.id }).update({ last_error: String((error as Error).message).slice(0, 1000) });
    }
  }
  return reports;
}

/** IDLE on each account's watched folder in this process, until the returned function is called. */
export async function watchInboxes(ctx: ConnectorContext, options: ImapSyncOptions = {}): Promise<() => Promise<void>> {
  const config = emailConfig((await ctx.settings()).config);
  const running: ImapSync[] = [];
  for (const account of await syncedAccounts(ctx)) {
    try {
      const sync = createImapSync(account.imap!, await storeFor(ctx, account, config), { ...options, onError: (error, attempt, retryInMs) => ctx.log(`${account.name}: attempt ${attempt}, again in ${retryInMs} ms`, error) });
      sync.start();
      running.push(sync);
    } catch (error) {
      ctx.log(`watching ${account.name}`, error);
    }
  }
  return async () => {
    await Promise.all(running.map((sync) => sync.stop()));
  };
}
