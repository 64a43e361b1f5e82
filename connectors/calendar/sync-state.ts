// The sync's memory (tables of migration 018): per account the collection's tokens, per object where
// it lives, which activity it is and the field values both sides last agreed on.
import type { Knex } from 'knex';
import type { CalendarFields, Series } from './activity-ical.ts';

export interface SyncedObject {
  readonly accountId: string;
  readonly activityId: string;
  readonly href: string;
  readonly uid: string;
  readonly etag: string | null;
  readonly component: 'VEVENT' | 'VTODO';
  readonly base: CalendarFields;
  readonly series: Series | null;
  readonly localVersion: number;
  readonly origin: 'crm' | 'remote';
}

export interface AccountState {
  readonly syncToken: string | null;
  readonly ctag: string | null;
}

type Db = Knex | Knex.Transaction;

const OBJECTS = 'tessera.calendar_sync_objects';
const ACCOUNTS = 'tessera.calendar_sync_accounts';

interface ObjectRow {
  account_id: string;
  activity_id: string;
  href: string;
  uid: string;
  etag: string | null;
  component: 'VEVENT' | 'VTODO';
  base: CalendarFields | string;
  series: Series | string | null;
  local_version: number;
  origin: 'crm' | 'remote';
}

const json = <T>(value: T | string): T => (typeof value === 'string' ? (JSON.parse(value) as T) : value);

const fromRow = (r: ObjectRow): SyncedObject => ({
  accountId: r.account_id,
  activityId: r.activity_id,
  href: r.href,
  uid: r.uid,
  etag: r.etag,
  component: r.component,
  base: json(r.base),
  series: r.series === null ? null : json(r.series),
  localVersion: r.local_version,
  origin: r.origin,
});

export async function loadObjects(db: Db, accountId: string): Promise<SyncedObject[]> {
  return ((await db(OBJECTS).where({ account_id: accountId }).select('*')) as ObjectRow[]).map(fromRow);
}

/** Inserts or replaces the row of an object (by account and activity). */
export async function saveObject(db: Db, o: SyncedObject): Promise<void> {
  const row = {
    account_id: o.accountId,
    activity_id: o.activityId,
    href: o.href,
    uid: o.uid,
    etag: o.etag,
    component: o.component,
    base: JSON.stringify(o.base),
    series: o.series === null ? null : JSON.stringify(o.series),
    local_version: o.localVersion,
    origin: o.origin,
    synced_at: db.fn.now(),
  };
  await db(OBJECTS).insert(row).onConflict(['account_id', 'activity_id']).merge();
}

export async function forgetObject(db: Db, accountId: string, activityId: string): Promise<void> {
  await db(OBJECTS).where({ account_id: accountId, activity_id: activityId }).delete();
}

export async function loadAccountState(db: Db, accountId: string): Promise<AccountState> {
  const row = (await db(ACCOUNTS).where({ account_id: accountId }).first('sync_token', 'ctag')) as { sync_token: string | null; ctag: string | null } | undefined;
  return { syncToken: row?.sync_token ?? null, ctag: row?.ctag ?? null };
}

export async function saveAccountState(db: Db, accountId: string, state: AccountState & { readonly error?: string | null }): Promise<void> {
  await db(ACCOUNTS)
    .insert({ account_id: accountId, sync_token: state.syncToken, ctag: state.ctag, last_run_at: db.fn.now(), last_error: state.error ?? null })
    .onConflict('account_id')
    .merge();
}

export async function recordAccountError(db: Db, accountId: string, error: string): Promise<void> {
  await db(ACCOUNTS).insert({ account_id: accountId, last_run_at: db.fn.now(), last_error: error }).onConflict('account_id').merge(['last_run_at', 'last_error']);
}
