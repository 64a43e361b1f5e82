// Runs the sync of calendar accounts with the platform's parts: the account record, its password
// (a secret field), the owner's identity for every write, the business zone of the manifest.
import type { ConnectorContext } from '../../engine/connectors/index.ts';
import { ACCOUNT_ENTITY, accountOf, type CalendarAccount } from './account.ts';
import { activityStore } from './activity-store.ts';
import { calendarServer } from './caldav-client.ts';
import { syncAccount, type SyncReport } from './caldav-sync.ts';
import { recordAccountError } from './sync-state.ts';
import { languageOf } from './wording.ts';

/** The business zone: the manifest's timeZone (UTC when it names none). */
export const businessZone = (ctx: ConnectorContext): string => ctx.records.runtime.snapshot.model.pkg.manifest.timeZone ?? 'UTC';

/** The account's password: a secret field, sealed in its column and never returned by the API. */
async function accountPassword(ctx: ConnectorContext, account: CalendarAccount): Promise<string> {
  return (await ctx.revealSecret(ACCOUNT_ENTITY, account.id, 'password')) ?? '';
}

/** Syncs one account now, as its owner. */
export async function syncCalendarAccount(ctx: ConnectorContext, accountId: string, signal?: AbortSignal): Promise<SyncReport> {
  const row = (await ctx.knex(`public.${ACCOUNT_ENTITY}`).where({ id: accountId }).whereNull('deleted_at').first()) as Record<string, unknown> | undefined;
  if (!row) throw new Error(`no calendar account ${accountId}`);
  const account = accountOf(row);
  try {
    const actor = await ctx.actAs(account.owner);
    const user = (await ctx.knex('tessera.users').where({ id: account.owner }).first('language')) as { language: string } | undefined;
    return await syncAccount({
      knex: ctx.knex,
      store: activityStore({ knex: ctx.knex, records: ctx.records, actor, owner: account.owner }),
      server: calendarServer({ calendarUrl: account.calendarUrl, username: account.username, password: await accountPassword(ctx, account) }),
      account,
      zone: businessZone(ctx),
      language: languageOf(user?.language),
      ...(signal ? { signal } : {}),
      log: (message, error) => ctx.log(`account ${account.id}: ${message}`, error),
    });
  } catch (error) {
    await recordAccountError(ctx.knex, account.id, error instanceof Error ? error.message : String(error)).catch(() => undefined);
    throw error;
  }
}

/** Every active account, one after another; one failing account does not stop the others. */
export async function syncAllAccounts(ctx: ConnectorContext, signal?: AbortSignal): Promise<void> {
  const ids = (await ctx.knex(`public.${ACCOUNT_ENTITY}`).whereNull('deleted_at').where({ active: true }).pluck('id')) as string[];
  for (const id of ids) {
    if (signal?.aborted) return;
    await syncCalendarAccount(ctx, id, signal).catch((error: unknown) => ctx.log(`account ${id}: sync failed`, error));
  }
}
