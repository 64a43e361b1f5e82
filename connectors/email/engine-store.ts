// The engine side of the MailStore port: a message is an e-mail activity written through the records
// service with the identity the account runs for (so rights and the audit name who); its identity,
// locations, cursor and attachments are rows of the connector's platform tables (migration 017).
// One transaction per fetch batch (saveMessages; a lone message: saveMessage), under advisory locks on
// the dedupe keys, so two accounts or two processes storing the same mail make one activity with two
// locations.
import type { Knex } from 'knex';
import type { Actor, RecordService } from '../../engine/connectors/index.ts';
import { linkAddresses, messageAddresses, type LinkCandidate } from './address-linking.ts';
import { sanitiseHtml } from './html-sanitise.ts';
import type { MailAddress, ParsedMessage } from './message.ts';
import type { BatchItem, MailboxRef, MailStore, MessageLocation, SavedMessage, SyncCursor } from './ports.ts';
import { subjectRecordNumbers } from './subject-tokens.ts';
import { threadFor } from './threading.ts';

const ACTIVITY = 'activity';

/** Whom the account's mail is stored for: the acting user, the team that sees it, the company's own domains. */
export interface StoreIdentity {
  readonly accountId: string;
  readonly accountAddress: string;
  readonly actor: Actor;
  readonly team: string | null;
  readonly ownDomains?: readonly string[];
  /** Called in the transaction that stored a new message (the mail sync publishes its calendar parts). */
  readonly onStored?: (trx: Knex.Transaction, message: ParsedMessage, activityId: string) => Promise<void>;
}

/** Outbound mail Tessera sent itself: stored at once, before the sync finds its Sent copy. */
export interface OutgoingRecord {
  readonly links?: Readonly<Record<string, string>>;
}

/** A message Tessera sent: the records it links to, its Sent location when it was filed there. */
export interface SentItem {
  readonly message: ParsedMessage;
  readonly links: Readonly<Record<string, string>>;
  readonly location: MessageLocation | null;
  readonly flags: readonly string[];
}

/** What a message will be written as. */
interface Prepared {
  readonly values: Record<string, unknown>;
  readonly threadId: string;
  readonly linked: boolean;
  readonly outbound: boolean;
}

/**
 * The batch's messages not yet written: their threads (by Message-ID) and each thread's record links;
 * and what was looked up for the whole batch at once: the stored threads its messages name, the
 * persons and contractors having one of its addresses.
 */
interface BatchThreads {
  readonly threads: Map<string, string>;
  readonly links: Map<string, Record<string, string>>;
  readonly known?: ReadonlyMap<string, string>;
  readonly candidates?: readonly LinkCandidate[];
}

/** The record links among an activity's values (what a thread passes on to its next message). */
function linkFieldsOf(links: Readonly<Record<string, string>>, fields: readonly { name: string; type: string; id: string }[]): Record<string, string> {
  const linkFields = new Set(fields.filter((f) => f.type === 'reference' && f.id.startsWith('platform.activity.link.')).map((f) => f.name));
  return Object.fromEntries(Object.entries(links).filter(([name]) => linkFields.has(name)));
}

const truncate = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);
const list = (addresses: readonly MailAddress[], max: number) => truncate(addresses.map((a) => (a.name ? `${a.name} <${a.address}>` : a.address)).join(', '), max);
const EMAIL = /^[^\s@<>()[\],;:"\\]+@[^\s@<>()[\],;:"\\]+\.[^\s@<>()[\],;:"\\]+$/;

export class EngineMailStore implements MailStore {
  readonly #knex: Knex;
  readonly #records: RecordService;
  readonly #identity: StoreIdentity;

  constructor(knex: Knex, records: RecordService, identity: StoreIdentity) {
    this.#knex = knex;
    this.#records = records;
    this.#identity = identity;
  }

  /** Located UIDs per mailbox and UIDVALIDITY, read once per store (one sync pass): one query, not one per UID. */
  readonly #located = new Map<string, Promise<Set<number>>>();

  async hasLocation(location: MessageLocation): Promise<boolean> {
    const key = `${location.mailbox}\u0000${location.uidValidity}`;
    let located = this.#located.get(key);
    if (!located) {
      located = this.locatedUids(location).then((uids) => new Set(uids));
      this.#located.set(key, located);
    }
    // A UID not in the set may have been stored since by another process: saving is idempotent anyway.
    return (await located).has(location.uid);
  }

  async saveMessage(message: ParsedMessage, location: MessageLocation, flags: readonly string[]): Promise<SavedMessage> {
    const saved = await this.#save(message, location, flags);
    void this.#located.get(`${location.mailbox}\u0000${location.uidValidity}`)?.then((uids) => uids.add(location.uid));
    return saved;
  }

  async #save(message: ParsedMessage, location: MessageLocation, flags: readonly string[]): Promise<SavedMessage> {
    return this.#knex.transaction(async (trx) => {
      await trx.raw('SELECT pg_advisory_xact_lock(hashtext(?))', [`email:${message.dedupeKey}`]);
      const existing = (await trx('tessera.email_messages').where({ dedupe_key: message.dedupeKey }).first('activity_id')) as { activity_id: string } | undefined;
      if (existing) {
        await insertLocation(trx, existing.activity_id, location, flags);
        return { id: existing.activity_id, created: false };
      }
      const id = await this.storeActivity(trx, message, {});
      await insertLocation(trx, id, location, flags);
      await this.#identity.onStored?.(trx, message, id);
      return { id, created: true };
    });
  }

  /**
   * Writes the activity, its identity row and attachments in `trx`; returns the activity id. `links`:
   * records the caller links explicitly (a message sent from a record's card), merged with what the
   * addresses, the thread and subject tokens find.
   */
  async storeActivity(trx: Knex.Transaction, message: ParsedMessage, outgoing: OutgoingRecord): Promise<string> {
    const prepared = await this.#prepare(trx, message, outgoing, null);
    const created = await this.#records.create({ actor: this.#identity.actor, trx }, ACTIVITY, prepared.values, { allowReadOnly: true });
    const activityId = String(created.id);
    await this.#writeIdentity(trx, [{ activityId, message, prepared }]);
    return activityId;
  }

  /**
   * Messages of one fetch batch in one transaction: their dedupe keys locked by one statement, the
   * stored ones found by one query, the new ones' activities written by the records service's
   * createMany (one multi-row INSERT; audit rows and record hooks per activity), their identity rows,
   * attachments and locations by one INSERT each. Threading and thread links see the batch's earlier
   * messages as if they had been stored one by one. A batch the records service refuses is stored
   * message by message, so a bad message fails alone, as it would have.
   */
  async saveMessages(items: readonly BatchItem[]): Promise<SavedMessage[]> {
    if (items.length === 0) return [];
    let saved: SavedMessage[];
    try {
      saved = await this.#knex.transaction((trx) => this.#saveBatch(trx, items));
    } catch (error) {
      if ((error as { name?: string }).name !== 'TesseraError') throw error;
      saved = [];
      for (const item of items) saved.push(await this.#save(item.message, item.location, item.flags));
    }
    for (const item of items) void this.#located.get(`${item.location.mailbox}\u0000${item.location.uidValidity}`)?.then((uids) => uids.add(item.location.uid));
    return saved;
  }

  /**
   * Messages Tessera sent itself, recorded together (the e-mail channel's batch): each with the
   * records it was sent from and, when it was APPENDed to Sent, that location.
   */
  async saveSent(items: readonly SentItem[]): Promise<SavedMessage[]> {
    if (items.length === 0) return [];
    return this.#knex.transaction((trx) => this.#saveBatch(trx, items));
  }

  async #saveBatch(trx: Knex.Transaction, items: readonly (BatchItem | SentItem)[]): Promise<SavedMessage[]> {
    const keys = [...new Set(items.map((i) => i.message.dedupeKey))].sort();
    // In one order for every writer: two batches sharing keys wait for each other instead of deadlocking.
    await trx.raw('SELECT pg_advisory_xact_lock(hashtext(k)) FROM unnest(?::text[]) AS k ORDER BY k', [keys.map((k) => `email:${k}`)]);
    const stored = new Map(((await trx('tessera.email_messages').whereIn('dedupe_key', keys).select('dedupe_key', 'activity_id')) as { dedupe_key: string; activity_id: string }[]).map((r) => [r.dedupe_key, r.activity_id]));
    const unseen = items.filter((item) => !stored.has(item.message.dedupeKey)).map((item) => item.message);
    const has = (field: string) => this.#records.runtime.entity(ACTIVITY).entity.fieldsByName.has(field);
    const batch: BatchThreads = {
      threads: new Map(),
      links: new Map(),
      known: await knownThreadIds(trx, unseen),
      candidates: await this.#candidatesOf(trx, [...new Set(unseen.flatMap((m) => messageAddresses(m).map((a) => a.address)))], has),
    };
    const fresh: { index: number; message: ParsedMessage; prepared: Prepared }[] = [];
    const firstOf = new Map<string, number>();
    for (const [index, item] of items.entries()) {
      const key = item.message.dedupeKey;
      if (stored.has(key) || firstOf.has(key)) continue;
      firstOf.set(key, index);
      fresh.push({ index, message: item.message, prepared: await this.#prepare(trx, item.message, 'links' in item ? { links: item.links } : {}, batch) });
    }
    const created = await this.#records.createMany({ actor: this.#identity.actor, trx }, ACTIVITY, fresh.map((f) => f.prepared.values), { allowReadOnly: true });
    fresh.forEach((f, i) => stored.set(f.message.dedupeKey, String(created[i]!.id)));
    await this.#writeIdentity(trx, fresh.map((f, i) => ({ activityId: String(created[i]!.id), message: f.message, prepared: f.prepared })));
    // Received mail (not our own sent copies) is handed on as the one-by-one path does: the calendar
    // connector reads invitation answers from it.
    for (const [i, f] of fresh.entries()) if (!('links' in items[f.index]!)) await this.#identity.onStored?.(trx, f.message, String(created[i]!.id));
    await insertLocations(trx, items.flatMap((item) => (item.location ? [{ activityId: stored.get(item.message.dedupeKey)!, location: item.location, flags: item.flags }] : [])));
    return items.map((item, index) => ({ id: stored.get(item.message.dedupeKey)!, created: firstOf.get(item.message.dedupeKey) === index }));
  }

  /** The activity's values, thread and filing of a message (the look-ups a message needs before it is written). */
  async #prepare(trx: Knex.Transaction, message: ParsedMessage, outgoing: OutgoingRecord, batch: BatchThreads | null): Promise<Prepared> {
    const activity = this.#records.runtime.entity(ACTIVITY).entity;
    const has = (field: string) => activity.fieldsByName.has(field);
    const knownThreads = batch?.known ?? (await knownThreadIds(trx, [message]));
    const threadId = threadFor({ key: message.dedupeKey, messageId: message.messageId, inReplyTo: message.inReplyTo, references: message.references, subject: message.subject, date: message.date }, (ids) => {
      for (const id of ids) {
        // The batch's own earlier messages count as stored.
        const thread = batch?.threads.get(id) ?? knownThreads.get(id);
        if (thread) return thread;
      }
      return null;
    });
    const links: Record<string, string> = { ...(batch?.links.get(threadId) ?? (await this.#threadLinks(trx, threadId, has))), ...(await this.#tokenLinks(trx, message.subject, has)) };
    for (const link of linkAddresses(messageAddresses(message), await this.#candidates(trx, message, has, batch), { ownDomains: this.#identity.ownDomains ?? [] })) {
      if (has(link.kind) && !links[link.kind]) links[link.kind] = link.id;
    }
    // Only records the acting user may read: their rights decide what their mail is filed on (a
    // type they read whole needs no look: the record was found alive by the queries above).
    for (const [field, id] of Object.entries(links)) {
      if (readsAll(this.#identity.actor, field)) continue;
      if (!(await this.#records.get({ actor: this.#identity.actor, trx }, field, id).catch(() => null))) delete links[field];
    }
    Object.assign(links, outgoing.links ?? {});
    if (batch) {
      if (message.messageId) batch.threads.set(message.messageId, threadId);
      batch.links.set(threadId, linkFieldsOf(links, this.#records.runtime.entity(ACTIVITY).entity.fields));
    }
    const outbound = message.from.some((a) => a.address === this.#identity.accountAddress.toLowerCase());
    const html = message.html ? sanitiseHtml(message.html).html : null;
    const from = message.from[0]?.address;
    const values: Record<string, unknown> = {
      kind: 'email',
      subject: truncate(message.subject.trim() || '(—)', 300),
      status: 'resolved',
      start_at: (message.date ?? new Date()).toISOString(),
      description: truncate(message.text, 1_000_000),
      ...(this.#identity.team ? { team: this.#identity.team } : {}),
      ...links,
    };
    const optional: Record<string, unknown> = {
      direction: outbound ? 'outbound' : 'inbound',
      message_id: message.messageId ? truncate(message.messageId, 998) : null,
      from_address: from && EMAIL.test(from) && from.length <= 254 ? from : null,
      to_addresses: list(message.to, 2000),
      cc_addresses: list(message.cc, 2000),
      thread_id: truncate(threadId, 998),
      in_reply_to: message.inReplyTo ? truncate(message.inReplyTo, 998) : null,
      html_body: html ? truncate(html, 1_000_000) : null,
      attachment_count: message.attachments.length,
    };
    for (const [field, value] of Object.entries(optional)) if (has(field)) values[field] = value;
    return { values, threadId, linked: Object.keys(links).length > 0, outbound };
  }

  /** The identity rows and attachments of written activities (one INSERT per table for the lot). */
  async #writeIdentity(trx: Knex.Transaction, written: readonly { activityId: string; message: ParsedMessage; prepared: Prepared }[]): Promise<void> {
    if (written.length === 0) return;
    await trx('tessera.email_messages').insert(
      written.map(({ activityId, message, prepared }) => ({
        activity_id: activityId,
        dedupe_key: message.dedupeKey,
        account: this.#identity.accountId,
        message_id: message.messageId,
        thread_id: prepared.threadId,
        // Mail linked to nothing waits in the account's "to file" queue.
        filing: prepared.linked ? 'linked' : 'to_file',
        direction: prepared.outbound ? 'outbound' : 'inbound',
        sent_at: message.date,
      })),
    );
    const attachments = written.flatMap(({ activityId, message }) => message.attachments.map((attachment, position) => ({ activityId, position, attachment })));
    if (attachments.length === 0) return;
    const files = (await trx('tessera.files')
      .insert(attachments.map(({ attachment }) => ({ name: truncate(attachment.filename || 'attachment', 255), media_type: attachment.contentType.slice(0, 255), size: attachment.size, sha256: attachment.sha256, content: attachment.content, created_by: this.#identity.actor.userId })))
      .returning('id')) as { id: string }[];
    await trx('tessera.email_attachments').insert(attachments.map(({ activityId, position, attachment }, i) => ({ activity_id: activityId, position, file_id: files[i]!.id, content_id: attachment.contentId, inline: attachment.inline })));
  }

  async addLocation(dedupeKey: string, location: MessageLocation, flags: readonly string[]): Promise<boolean> {
    const existing = (await this.#knex('tessera.email_messages').where({ dedupe_key: dedupeKey }).first('activity_id')) as { activity_id: string } | undefined;
    if (!existing) return false;
    await insertLocation(this.#knex, existing.activity_id, location, flags);
    return true;
  }

  async setFlags(location: MessageLocation, flags: readonly string[]): Promise<void> {
    await this.#knex('tessera.email_locations').where(locationKey(location)).update({ flags: [...flags] });
  }

  async locatedUids(ref: MailboxRef): Promise<readonly number[]> {
    const rows = (await this.#knex('tessera.email_locations').where(mailboxKey(ref)).orderBy('uid').select('uid')) as { uid: string }[];
    return rows.map((r) => Number(r.uid));
  }

  async removeLocations(ref: MailboxRef, uids?: readonly number[]): Promise<void> {
    this.#located.clear();
    const query = this.#knex('tessera.email_locations').where(mailboxKey(ref));
    if (uids) query.whereIn('uid', [...uids]);
    await query.delete();
  }

  async cursor(account: string, mailbox: string): Promise<SyncCursor | null> {
    const row = (await this.#knex('tessera.email_sync_state').where({ account, mailbox }).first()) as { uid_validity: string; last_uid: string; highest_modseq: string | null } | undefined;
    if (!row) return null;
    return { uidValidity: BigInt(row.uid_validity), lastUid: Number(row.last_uid), highestModseq: row.highest_modseq === null ? null : BigInt(row.highest_modseq) };
  }

  async setCursor(account: string, mailbox: string, cursor: SyncCursor): Promise<void> {
    await this.#knex('tessera.email_sync_state')
      .insert({ account, mailbox, uid_validity: cursor.uidValidity.toString(), last_uid: cursor.lastUid, highest_modseq: cursor.highestModseq?.toString() ?? null, last_error: null, updated_at: this.#knex.fn.now() })
      .onConflict(['account', 'mailbox'])
      .merge();
  }

  /** Persons and contractors having one of the message's addresses in their e-mail field (one query). */
  async #candidates(trx: Knex.Transaction, message: ParsedMessage, has: (field: string) => boolean, batch: BatchThreads | null): Promise<LinkCandidate[]> {
    const addresses = [...new Set(messageAddresses(message).map((a) => a.address))];
    // A batch looked its messages' addresses up together (one query for the batch).
    if (batch?.candidates) return batch.candidates.filter((c) => c.emails.some((e) => addresses.includes(e.toLowerCase())));
    return this.#candidatesOf(trx, addresses, has);
  }

  async #candidatesOf(trx: Knex.Transaction, addresses: string[], has: (field: string) => boolean): Promise<LinkCandidate[]> {
    if (addresses.length === 0) return [];
    const model = (name: string) => (has(name) && this.#records.runtime.snapshot.entities.has(name) ? this.#records.runtime.entity(name).entity : null);
    const contractor = model('contractor');
    const person = model('person');
    const parts: string[] = [];
    const bindings: Knex.RawBinding[] = [];
    if (contractor?.fieldsByName.has('email')) {
      parts.push(`SELECT 'contractor' AS kind, id, email, NULL::uuid AS employer FROM ?? WHERE deleted_at IS NULL AND lower(email) = ANY(?)`);
      bindings.push(contractor.table, addresses);
    }
    if (person?.fieldsByName.has('email')) {
      const employer = contractor && person.fieldsByName.has('contractor') ? 'contractor' : 'NULL::uuid';
      parts.push(`SELECT 'person' AS kind, id, email, ${employer} AS employer FROM ?? WHERE deleted_at IS NULL AND lower(email) = ANY(?)`);
      bindings.push(person.table, addresses);
    }
    if (parts.length === 0) return [];
    const { rows } = (await trx.raw(parts.join(' UNION ALL '), bindings)) as { rows: { kind: 'person' | 'contractor'; id: string; email: string; employer: string | null }[] };
    return rows.map((r) => ({ kind: r.kind, id: r.id, emails: [r.email], ...(r.kind === 'person' ? { contractorId: r.employer } : {}) }));
  }

  /** A thread already linked to records (a deal, a service order) keeps its new messages there. */
  async #threadLinks(trx: Knex.Transaction, threadId: string, has: (field: string) => boolean): Promise<Record<string, string>> {
    const previous = (await trx('tessera.email_messages').where({ thread_id: threadId }).orderBy('created_at', 'desc').first('activity_id')) as { activity_id: string } | undefined;
    if (!previous) return {};
    const activity = this.#records.runtime.entity(ACTIVITY).entity;
    const linkFields = activity.fields.filter((f) => f.type === 'reference' && f.id.startsWith('platform.activity.link.')).map((f) => f.name).filter(has);
    const row = (await trx(activity.table).where({ id: previous.activity_id }).first(linkFields)) as Record<string, string | null> | undefined;
    return Object.fromEntries(Object.entries(row ?? {}).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
  }

  /** `[TR/2026/0031]` in the subject links the record with that number (any numbered type activities link to; one query). */
  async #tokenLinks(trx: Knex.Transaction, subject: string, has: (field: string) => boolean): Promise<Record<string, string>> {
    const numbers = subjectRecordNumbers(subject);
    if (numbers.length === 0) return {};
    const parts: string[] = [];
    const bindings: Knex.RawBinding[] = [];
    for (const { entity } of this.#records.runtime.snapshot.entities.values()) {
      if (!entity.activities || !entity.numbering || !has(entity.name)) continue;
      parts.push(`(SELECT ?::text AS entity, id FROM ?? WHERE deleted_at IS NULL AND ?? = ANY(?) LIMIT 1)`);
      bindings.push(entity.name, entity.table, entity.numbering.field, numbers);
    }
    if (parts.length === 0) return {};
    const { rows } = (await trx.raw(parts.join(' UNION ALL '), bindings)) as { rows: { entity: string; id: string }[] };
    return Object.fromEntries(rows.map((r) => [r.entity, r.id]));
  }
}

/** The actor reads every record of the type, unconditionally. */
function readsAll(actor: Actor, entity: string): boolean {
  const access = actor.access;
  if (!access) return true;
  if (access.unrestricted) return true;
  return access.entity(entity).read.some((grant) => grant.scope === 'all' && !grant.condition);
}

const mailboxKey = (ref: MailboxRef) => ({ account: ref.account, mailbox: ref.mailbox, uid_validity: ref.uidValidity.toString() });
const locationKey = (location: MessageLocation) => ({ ...mailboxKey(location), uid: location.uid });

async function insertLocations(db: Knex | Knex.Transaction, locations: readonly { activityId: string; location: MessageLocation; flags: readonly string[] }[]): Promise<void> {
  // One row per location (the same UID twice in a batch would make ON CONFLICT touch a row twice).
  const rows = new Map(locations.map((l) => [`${l.location.mailbox}\u0000${l.location.uidValidity}\u0000${l.location.uid}`, { ...locationKey(l.location), activity_id: l.activityId, flags: [...l.flags] }]));
  if (rows.size === 0) return;
  await db('tessera.email_locations').insert([...rows.values()]).onConflict(['account', 'mailbox', 'uid_validity', 'uid']).merge(['flags']);
}

async function insertLocation(db: Knex | Knex.Transaction, activityId: string, location: MessageLocation, flags: readonly string[]): Promise<void> {
  await db('tessera.email_locations')
    .insert({ ...locationKey(location), activity_id: activityId, flags: [...flags] })
    .onConflict(['account', 'mailbox', 'uid_validity', 'uid'])
    .merge(['flags']);
}

/** Thread ids of stored messages the new one names (its ancestors, or itself when a reply came first). */
async function knownThreadIds(trx: Knex.Transaction, messages: readonly ParsedMessage[]): Promise<Map<string, string>> {
  const ids = [...new Set(messages.flatMap((message) => [...message.references, ...(message.inReplyTo ? [message.inReplyTo] : []), ...(message.messageId ? [message.messageId] : [])]))];
  if (ids.length === 0) return new Map();
  const rows = (await trx('tessera.email_messages').whereIn('message_id', ids).select('message_id', 'thread_id')) as { message_id: string; thread_id: string }[];
  return new Map(rows.map((r) => [r.message_id, r.thread_id]));
}
