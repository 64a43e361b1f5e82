// One sync run of one calendar account: pull what changed in the calendar (sync-token, else ctag and
// a listing compared by ETag), merge each object field by field with its activity, then push what
// changed in the CRM (conditional PUT; a 412 means the calendar moved on: re-read and merge).
// Every step is idempotent and recorded per object, so a run stopped half-way (a restart) resumes
// without duplicates: activities made from the calendar are created with their state row in one
// transaction, and an object the CRM wrote but did not record is recognised by its UID and adopted.
import type { Knex } from 'knex';
import type { CalendarAccount } from './account.ts';
import { TASK_KINDS } from './account.ts';
import { readCalendarObject, writeCalendarObject, type CalendarFields, type CalendarObject, type Series } from './activity-ical.ts';
import type { ActivityRow, ActivityStore } from './activity-store.ts';
import type { CalendarServer, RemoteObject } from './caldav-client.ts';
import { mergeFields, type FieldConflict } from './field-merge.ts';
import { forgetObject, loadAccountState, loadObjects, saveAccountState, saveObject, type SyncedObject } from './sync-state.ts';
import { conflictNote, type Language } from './wording.ts';

export interface SyncDeps {
  readonly knex: Knex;
  readonly store: ActivityStore;
  readonly server: CalendarServer;
  readonly account: CalendarAccount;
  /** The business zone (manifest timeZone). */
  readonly zone: string;
  readonly language: Language;
  readonly now?: () => Date;
  readonly signal?: AbortSignal;
  readonly log?: (message: string, error?: unknown) => void;
}

export interface SyncReport {
  fullListing: boolean;
  /** Objects read from the calendar. */
  pulled: number;
  /** Activities created from calendar objects. */
  created: number;
  /** Activities changed from the calendar. */
  updated: number;
  /** Activities deleted because their object was deleted. */
  deleted: number;
  /** Objects written to the calendar. */
  pushed: number;
  /** Objects deleted in the calendar. */
  removed: number;
  conflicts: number;
  skipped: number;
}

const OWN_UID = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})@tessera$/;
const PUSH_CONCURRENCY = 4;

export class SyncStopped extends Error {
  readonly code = 'CALENDAR_SYNC_STOPPED';
  constructor() {
    super('the sync was stopped');
  }
}

export async function syncAccount(deps: SyncDeps): Promise<SyncReport> {
  const { knex, store, server, account, zone } = deps;
  const now = deps.now ?? (() => new Date());
  const log = deps.log ?? (() => undefined);
  const report: SyncReport = { fullListing: false, pulled: 0, created: 0, updated: 0, deleted: 0, pushed: 0, removed: 0, conflicts: 0, skipped: 0 };
  const checkStop = () => {
    if (deps.signal?.aborted) throw new SyncStopped();
  };

  const componentFor = (kind: string): 'VEVENT' | 'VTODO' => (account.tasksAs === 'vtodo' && TASK_KINDS.has(kind) ? 'VTODO' : 'VEVENT');
  const write = (obj: CalendarObject) => writeCalendarObject(obj, { zone, now: now() });
  /** The fields as the calendar will hold them (what a VEVENT cannot carry drops out); null: not representable. */
  const project = (fields: CalendarFields, component: 'VEVENT' | 'VTODO'): CalendarFields | null => {
    try {
      return readCalendarObject(write({ uid: 'projection', component, fields, series: null, modifiedAt: null }), { zone }).fields;
    } catch {
      return null;
    }
  };
  /** The CRM adds its person to the attendees; it never removes the calendar's other guests. */
  const localFields = (act: ActivityRow, base: CalendarFields | null): CalendarFields => {
    const person = act.fields.attendees[0];
    const known = base?.attendees ?? [];
    const attendees = person && !known.includes(person) ? [...known, person].sort() : base ? known : act.fields.attendees;
    return { ...act.fields, attendees };
  };

  let objects = await loadObjects(knex, account.id);
  const byHref = new Map(objects.map((o) => [o.href, o]));
  const byUid = new Map(objects.map((o) => [o.uid, o]));
  const remember = async (o: SyncedObject, trx?: Knex.Transaction) => {
    await saveObject(trx ?? knex, o);
    byHref.set(o.href, o);
    byUid.set(o.uid, o);
  };
  const forget = async (o: SyncedObject, trx?: Knex.Transaction) => {
    await forgetObject(trx ?? knex, account.id, o.activityId);
    byHref.delete(o.href);
    byUid.delete(o.uid);
  };

  const note = async (activityId: string, conflicts: readonly FieldConflict[]) => {
    if (conflicts.length === 0) return;
    report.conflicts += conflicts.length;
    await store.note(activityId, conflictNote(deps.language, conflicts));
  };

  /** Merges one calendar object into its activity (and back when the CRM changed too). */
  const applyRemote = async (remoteObj: RemoteObject, attempt = 0): Promise<void> => {
    checkStop();
    let parsed: CalendarObject;
    try {
      parsed = readCalendarObject(remoteObj.data, { zone });
    } catch (error) {
      report.skipped++;
      log(`calendar object ${remoteObj.href} skipped`, error);
      return;
    }
    report.pulled++;
    let row = byHref.get(remoteObj.href) ?? byUid.get(parsed.uid);
    if (!row) {
      const own = OWN_UID.exec(parsed.uid);
      const act = own ? await store.get(own[1]!) : null;
      if (act) {
        // Written by an earlier run that stopped before recording it: adopt, the calendar holds what the CRM wrote.
        row = { accountId: account.id, activityId: act.id, href: remoteObj.href, uid: parsed.uid, etag: remoteObj.etag, component: parsed.component, base: parsed.fields, series: parsed.series, localVersion: act.version, origin: 'crm' };
        await remember(row);
      } else {
        // New in the calendar (made on a phone): a new activity of the owner.
        const kind = parsed.component === 'VTODO' && store.kinds.has('task') ? 'task' : account.incomingKind;
        if (!store.kinds.has(kind)) {
          report.skipped++;
          log(`calendar object ${remoteObj.href}: no activity kind ${kind}`);
          return;
        }
        await knex.transaction(async (trx) => {
          const made = await store.create(kind, parsed.fields, trx);
          const created = await store.get(made.id, trx);
          const base = created ? localFields(created, parsed.fields) : parsed.fields;
          await remember({ accountId: account.id, activityId: made.id, href: remoteObj.href, uid: parsed.uid, etag: remoteObj.etag, component: parsed.component, base: { ...parsed.fields, attendees: base.attendees }, series: parsed.series, localVersion: made.version, origin: 'remote' }, trx);
        });
        report.created++;
        return;
      }
    }
    if (row.etag !== null && row.etag === remoteObj.etag && attempt === 0) return; // our own write coming back
    const act = await store.get(row.activityId);
    if (!act) return; // deleted or handed over in the CRM: the push deletes the object
    const local = project(localFields(act, row.base), row.component) ?? row.base;
    const outcome = mergeFields({ base: row.base, local, remote: parsed.fields, localWrittenAt: act.updatedAt, remoteWrittenAt: parsed.modifiedAt });
    let version = act.version;
    if (outcome.toLocal.length > 0) {
      const changes = Object.fromEntries(outcome.toLocal.map((f) => [f, outcome.merged[f]])) as Partial<CalendarFields>;
      version = await store.update(act.id, act.kind, act.version, changes);
      report.updated++;
    }
    let etag = remoteObj.etag;
    if (outcome.toRemote) {
      const put = await server.put(remoteObj.href, write({ uid: parsed.uid, component: row.component, fields: outcome.merged, series: parsed.series, modifiedAt: null }), remoteObj.etag);
      if (!put.ok) {
        if (attempt >= 3) throw new Error(`${remoteObj.href} keeps changing (${put.status})`);
        await remember({ ...row, localVersion: version });
        const [fresh] = await server.get([remoteObj.href]);
        if (fresh) await applyRemote(fresh, attempt + 1);
        return;
      }
      etag = put.etag;
      report.pushed++;
    }
    await remember({ ...row, href: remoteObj.href, etag, base: outcome.merged, series: parsed.series, localVersion: version });
    await note(act.id, outcome.conflicts);
  };

  // ---- Pull ----
  const state = await loadAccountState(knex, account.id);
  let syncToken = state.syncToken;
  let ctag = state.ctag;
  const deletedHrefs: string[] = [];
  let fetched: RemoteObject[] = [];
  const changes = syncToken ? await server.changesSince(syncToken) : null;
  if (changes?.kind === 'changes') {
    const stale = changes.changed.filter((c) => !c.etag || byHref.get(c.href)?.etag !== c.etag).map((c) => c.href);
    fetched = stale.length > 0 ? await server.get(stale) : [];
    deletedHrefs.push(...changes.deleted);
    syncToken = changes.token ?? syncToken;
  } else {
    const tokens = await server.tokens();
    if (!tokens.syncToken && tokens.ctag && tokens.ctag === ctag) {
      // No sync-token support and the ctag did not move: nothing changed in the calendar.
    } else {
      report.fullListing = true;
      const listed = await server.listAll();
      const present = new Set(listed.map((o) => o.href));
      fetched = listed.filter((o) => !o.etag || byHref.get(o.href)?.etag !== o.etag);
      for (const o of objects) if (!present.has(o.href)) deletedHrefs.push(o.href);
    }
    syncToken = tokens.syncToken;
    ctag = tokens.ctag;
  }
  for (const obj of fetched) await applyRemote(obj);
  for (const href of deletedHrefs) {
    checkStop();
    const row = byHref.get(href);
    if (!row) continue;
    await knex.transaction(async (trx) => {
      if (await store.get(row.activityId, trx)) {
        await store.remove(row.activityId, trx);
        report.deleted++;
      }
      await forget(row, trx);
    });
  }

  // ---- Push ----
  const own = await store.listOwn(account.outgoingKinds);
  const live = new Map(own.map((a) => [a.id, a]));
  objects = [...byHref.values()];
  for (const row of objects) {
    checkStop();
    const act = live.get(row.activityId);
    if (!act) {
      // Deleted in the CRM wins over a later edit in the calendar: a stale ETag is refreshed, not obeyed.
      const gone = await server.remove(row.href, row.etag);
      if (!gone.ok && gone.status === 412) await server.remove(row.href, (await server.get([row.href]))[0]?.etag ?? null);
      await forget(row);
      report.removed++;
      continue;
    }
    if (act.version === row.localVersion) continue;
    const local = project(localFields(act, row.base), row.component);
    if (!local) continue;
    const put = await server.put(row.href, write({ uid: row.uid, component: row.component, fields: local, series: row.series, modifiedAt: null }), row.etag);
    if (put.ok) {
      await remember({ ...row, etag: put.etag, base: local, localVersion: act.version });
      report.pushed++;
    } else {
      // 412: the calendar changed since the pull: read it and merge both sides.
      const [fresh] = await server.get([row.href]);
      if (fresh) await applyRemote(fresh, 1);
      else {
        await forget(row);
        report.removed++;
      }
    }
  }
  const synced = new Set(objects.map((o) => o.activityId));
  const fresh = own.filter((a) => !synced.has(a.id) && !byUid.has(`${a.id}@tessera`));
  await inPool(fresh, PUSH_CONCURRENCY, async (act) => {
    checkStop();
    const component = componentFor(act.kind);
    const fields = project(localFields(act, null), component);
    if (!fields) {
      report.skipped++;
      return;
    }
    const uid = `${act.id}@tessera`;
    const href = server.hrefOf(`${act.id}.ics`);
    const series: Series | null = null;
    const put = await server.put(href, write({ uid, component, fields, series, modifiedAt: null }), null);
    if (put.ok) {
      await remember({ accountId: account.id, activityId: act.id, href, uid, etag: put.etag, component, base: fields, series, localVersion: act.version, origin: 'crm' });
      report.pushed++;
    } else {
      // Already there (a run stopped between the PUT and its record): adopt it.
      const [existing] = await server.get([href]);
      if (existing) await applyRemote(existing, 1);
    }
  });
  // The token is saved last: a stopped run re-reads the same changes, which the state rows make idempotent.
  await saveAccountState(knex, account.id, { syncToken, ctag, error: null });
  return report;
}

async function inPool<T>(items: readonly T[], size: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const runners = Array.from({ length: Math.min(size, items.length) }, async () => {
    while (next < items.length) await work(items[next++]!);
  });
  await Promise.all(runners);
}
