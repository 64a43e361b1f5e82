// Runs the sync of calendar accounts with the platform's parts: the account record, its password
// (a secret field), the owner's identity for every write, the business zone of the manifest.
import type { Actor, ConnectorContext } from '../../engine/connectors/index.ts';
import { CalendarDiscoveryError, defaultCalendar, discoverCalendars } from './calendar-discovery.ts';
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

/**
 * An account without a calendar URL: its calendars are discovered from the server URL and the first
 * that takes events is used and written into the account (as its user; kept for this run only when
 * they may not change the account).
 */
async function discoveredCalendar(ctx: ConnectorContext, account: CalendarAccount, version: number, actor: Actor): Promise<string> {
  const chosen = defaultCalendar(await discoverCalendars({ serverUrl: account.serverUrl, username: account.username, password: await accountPassword(ctx, account) }));
  if (!chosen) throw new CalendarDiscoveryError(`no calendar that takes events at ${account.serverUrl}`);
  await ctx.records.update({ actor }, ACCOUNT_ENTITY, account.id, { calendar_url: chosen.url }, { expectedVersion: version }).catch((error: unknown) => ctx.log(`account ${account.id}: the discovered calendar ${chosen.url} was not saved`, error));
  return chosen.url;
}

/** Syncs one account now, as its owner. */
export async function syncCalendarAccount(ctx: ConnectorContext, accountId: string, signal?: AbortSignal): Promise<SyncReport> {
  const row = (await ctx.knex(`public.${ACCOUNT_ENTITY}`).where({ id: accountId }).whereNull('deleted_at').first()) as Record<string, unknown> | undefined;
  if (!row) throw new Error(`no calendar account ${accountId}`);
  let account = accountOf(row);
  try {
    const actor = await ctx.actAs(account.owner);
    if (!account.calendarUrl) account = { ...account, calendarUrl: await discoveredCalendar(ctx, account, Number(row.version), actor) };
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
