// Meeting invitations by e-mail (iTIP over iMIP, RFC 5546/6047): the organiser (a CRM user) invites
// external attendees of an activity; the REQUEST goes out through the e-mail connector's shared `email`
// outbox channel from the organiser's own mail account (the ORGANIZER, so answers come back to a
// synced mailbox); a changed or cancelled meeting is sent again with a higher SEQUENCE; the
// attendees' REPLYs, published by the mail sync (`email.calendar-part`), set their answer here and
// leave a note on the activity. State: tessera.calendar_invitations (migration 021).
import type { Knex } from 'knex';
import { TesseraError, type Actor, type ConnectorContext, type InboundCalendarPart, type JsonObject, type RecordChange } from '../../engine/connectors/index.ts';
import { businessZone } from './account-sync.ts';
import { activityOfUid, invitationText, ItipError, readReply, uidOfActivity, type InvitedAttendee, type Meeting, type Participant, type PartStat } from './itip.ts';
import { invitationWords, languageOf, replyNote, type Language } from './wording.ts';

const INVITATIONS = 'tessera.calendar_invitations';
const EMAIL = /^[^\s@<>()[\],;:"\\]+@[^\s@<>()[\],;:"\\]+\.[^\s@<>()[\],;:"\\]+$/;
/** Changes of these activity fields send the invitation again (SEQUENCE + 1). */
const MEETING_FIELDS = ['subject', 'description', 'location', 'start_at', 'end_at'] as const;

/**
 * The e-mail channel's payload as documented in docs/email.md (the part of it an invitation uses):
 * the calendar connector does not import the e-mail connector, it speaks the channel's contract.
 */
interface InvitationMail {
  readonly account: string;
  readonly userId: string | null;
  readonly to: readonly Participant[];
  readonly subject: string;
  readonly html: null;
  readonly text: string;
  readonly links: Readonly<Record<string, string>>;
  readonly calendar: { readonly method: 'REQUEST' | 'CANCEL'; readonly content: string };
}

export interface InvitationRow {
  activity_id: string;
  attendee: string;
  name: string;
  partstat: PartStat;
  sequence: number;
  organizer: string;
  mail_account: string;
  sent_by: string | null;
  sent_at: Date;
  replied_at: Date | null;
  cancelled_at: Date | null;
}

export const invitationView = (r: InvitationRow) => ({
  address: r.attendee,
  name: r.name,
  partstat: r.partstat,
  sequence: r.sequence,
  organizer: r.organizer,
  sentAt: new Date(r.sent_at).toISOString(),
  repliedAt: r.replied_at ? new Date(r.replied_at).toISOString() : null,
  cancelled: r.cancelled_at !== null,
});

const problem = (pointer: string, code: string, detail: string, message: Record<Language, string>) =>
  new TesseraError('VALIDATION_FAILED', detail, { problems: [{ pointer, detail, code, params: { message } }] });

const iso = (v: unknown): string | null => (v === null || v === undefined || v === '' ? null : new Date(v as string).toISOString());

/** The organiser's mail account: the one named (theirs), else their first personal account. */
async function organiserAccount(ctx: ConnectorContext, userId: string, named: string | undefined, trx: Knex.Transaction): Promise<{ id: string; address: string; name: string }> {
  const noAccount = () =>
    problem('/account', 'CALENDAR_NO_MAIL_ACCOUNT', 'you have no mail account to send invitations from', {
      en: 'You have no mail account to send the invitation from (E-mail connector: a personal account of yours).',
      pl: 'Nie masz konta pocztowego, z którego można wysłać zaproszenie (konektor e-mail: Twoje konto osobiste).',
      ro: 'Nu aveți un cont de e-mail din care să trimiteți invitația (conectorul e-mail: un cont personal al dvs.).',
    });
  if (!ctx.records.runtime.snapshot.entities.has('email_account')) throw noAccount();
  const query = trx('public.email_account')
    .whereNull('deleted_at')
    .where((q) => q.where({ account_type: 'personal', owner_user: userId }).orWhere({ account_type: 'shared', run_as: userId }))
    .whereNotNull('smtp_host')
    .orderBy('created_at');
  if (named !== undefined) query.where({ id: named });
  const row = (await query.first('id', 'address', 'sender_name', 'name')) as { id: string; address: string; sender_name: string | null; name: string } | undefined;
  if (!row) throw noAccount();
  return { id: row.id, address: row.address.toLowerCase(), name: row.sender_name || row.name };
}

function meetingOf(record: Readonly<Record<string, unknown>>): Meeting {
  const start = iso(record.start_at);
  if (!start) {
    throw problem('/activity', 'CALENDAR_NOT_SCHEDULED', 'the activity has no start: there is nothing to invite to', {
      en: 'The activity has no start time: set when it takes place first.',
      pl: 'Czynność nie ma początku: najpierw ustaw, kiedy się odbywa.',
      ro: 'Activitatea nu are oră de început: stabiliți mai întâi când are loc.',
    });
  }
  return {
    uid: uidOfActivity(String(record.id)),
    subject: String(record.subject ?? ''),
    description: typeof record.description === 'string' ? record.description : null,
    location: typeof record.location === 'string' ? record.location : null,
    start,
    end: iso(record.end_at),
  };
}

function mailText(meeting: Meeting, method: 'REQUEST' | 'CANCEL', language: Language, zone: string): { subject: string; text: string } {
  const t = invitationWords(language);
  const format = (value: string) => new Intl.DateTimeFormat(language, { dateStyle: 'full', timeStyle: 'short', timeZone: zone }).format(new Date(value));
  const when = meeting.end ? `${format(meeting.start)} – ${format(meeting.end)}` : format(meeting.start);
  const lines = [meeting.subject, `${t.when}: ${when} (${zone})`, ...(meeting.location ? [`${t.where}: ${meeting.location}`] : []), ...(meeting.description ? ['', meeting.description] : [])];
  return { subject: `${method === 'CANCEL' ? t.cancel : t.request}: ${meeting.subject}`, text: lines.join('\n') };
}

async function languageOfUser(db: Knex | Knex.Transaction, userId: string | null): Promise<Language> {
  if (!userId) return 'en';
  const row = (await db('tessera.users').where({ id: userId }).first('language')) as { language: string } | undefined;
  return languageOf(row?.language);
}

/** Queues the iTIP message of one version of a meeting to its attendees, in `trx`. */
async function queueInvitation(ctx: ConnectorContext, trx: Knex.Transaction, meeting: Meeting, method: 'REQUEST' | 'CANCEL', rows: readonly InvitationRow[], sender: string | null): Promise<void> {
  const first = rows[0];
  if (!first) return;
  const zone = businessZone(ctx);
  const sequence = first.sequence;
  const attendees: InvitedAttendee[] = rows.map((r) => ({ address: r.attendee, name: r.name, partstat: r.partstat }));
  const account = (await trx('public.email_account').where({ id: first.mail_account }).first('sender_name', 'name')) as { sender_name: string | null; name: string } | undefined;
  const content = invitationText(meeting, { method, sequence, organizer: { address: first.organizer, name: account?.sender_name || account?.name || '' }, attendees, zone, now: new Date() });
  const words = mailText(meeting, method, await languageOfUser(trx, sender), zone);
  const activityId = activityOfUid(meeting.uid) ?? meeting.uid;
  const payload: InvitationMail = { account: first.mail_account, userId: sender, to: attendees.map((a) => ({ address: a.address, name: a.name })), subject: words.subject, html: null, text: words.text, links: {}, calendar: { method, content } };
  await ctx.enqueue(trx, [{ channel: 'email', recipient: attendees.map((a) => a.address).join(', ').slice(0, 500), payload: payload as unknown as JsonObject, idempotencyKey: `calendar-itip:${activityId}:${sequence}:${method}` }]);
}

export interface InviteRequest {
  readonly activity: string;
  /** Who to invite; absent: the activity's person (by their e-mail). */
  readonly attendees?: readonly { readonly address: string; readonly name?: string }[];
  /** The mail account to send from (the organiser's); absent: their first personal account. */
  readonly account?: string;
}

/**
 * Invites (again): adds the attendees, raises the SEQUENCE when the meeting was sent before and
 * queues one REQUEST to every invited attendee. The activity is read as the user (their rights).
 */
export async function invite(ctx: ConnectorContext, actor: Actor & { userId: string }, request: InviteRequest): Promise<InvitationRow[]> {
  return ctx.knex.transaction(async (trx) => {
    const record = await ctx.records.get({ actor, trx }, 'activity', request.activity);
    const meeting = meetingOf(record);
    if (record.status === 'cancelled') throw problem('/activity', 'CALENDAR_NOT_SCHEDULED', 'the activity is cancelled', { en: 'The activity is cancelled.', pl: 'Czynność jest odwołana.', ro: 'Activitatea este anulată.' });
    const account = await organiserAccount(ctx, actor.userId, request.account, trx);
    let wanted = (request.attendees ?? []).map((a) => ({ address: a.address.trim().toLowerCase(), name: (a.name ?? '').trim() }));
    if (request.attendees === undefined && typeof record.person === 'string') {
      const person = await ctx.records.get({ actor, trx }, 'person', record.person);
      if (typeof person.email === 'string' && person.email) wanted = [{ address: person.email.toLowerCase(), name: [person.first_name, person.last_name].filter((p) => typeof p === 'string' && p).join(' ') }];
    }
    wanted = wanted.filter((a) => a.address !== account.address);
    await trx.raw('SELECT pg_advisory_xact_lock(hashtext(?))', [`calendar-itip:${request.activity}`]);
    const existing = (await trx(INVITATIONS).where({ activity_id: request.activity }).select('*')) as InvitationRow[];
    if (wanted.length === 0 && existing.length === 0) {
      throw problem('/attendees', 'CALENDAR_NO_ATTENDEES', 'nobody to invite: name attendees or link a person with an e-mail address', {
        en: 'Nobody to invite: add attendees or link a person who has an e-mail address.',
        pl: 'Nie ma kogo zaprosić: dodaj uczestników albo powiąż osobę z adresem e-mail.',
        ro: 'Nu are cine fi invitat: adăugați participanți sau legați o persoană cu adresă de e-mail.',
      });
    }
    const sequence = existing.length === 0 ? 0 : Math.max(...existing.map((r) => r.sequence)) + 1;
    for (const a of wanted) {
      await trx(INVITATIONS)
        .insert({ activity_id: request.activity, attendee: a.address, name: a.name, organizer: account.address, mail_account: account.id, sent_by: actor.userId, sequence })
        .onConflict(['activity_id', 'attendee'])
        .merge({ name: a.name || trx.raw('calendar_invitations.name') });
    }
    // Everyone gets the new version; a re-sent REQUEST asks every attendee to answer again.
    await trx(INVITATIONS).where({ activity_id: request.activity }).update({ sequence, organizer: account.address, mail_account: account.id, sent_by: actor.userId, sent_at: trx.fn.now(), cancelled_at: null, partstat: 'NEEDS-ACTION', replied_at: null });
    const rows = (await trx(INVITATIONS).where({ activity_id: request.activity }).orderBy('attendee').select('*')) as InvitationRow[];
    await queueInvitation(ctx, trx, meeting, 'REQUEST', rows, actor.userId);
    return rows;
  });
}

/** The invitations of an activity the actor may read. */
export async function invitationsOf(ctx: ConnectorContext, actor: Actor, activityId: string): Promise<InvitationRow[]> {
  await ctx.records.get({ actor }, 'activity', activityId);
  return (await ctx.knex(INVITATIONS).where({ activity_id: activityId }).orderBy('attendee').select('*')) as InvitationRow[];
}

/**
 * A change of an invited meeting, in its transaction: a new time, place or subject re-sends the
 * REQUEST (SEQUENCE + 1); cancelling or deleting it sends a CANCEL.
 */
export async function meetingChanged(trx: Knex.Transaction, change: RecordChange, ctx: ConnectorContext): Promise<void> {
  if (change.entity !== 'activity' || change.action === 'create') return;
  const id = String(change.record.id);
  const cancelled = change.action === 'delete' || (change.changes.status !== undefined && change.record.status === 'cancelled');
  if (!cancelled && !MEETING_FIELDS.some((f) => change.changes[f] !== undefined)) return;
  const rows = (await trx(INVITATIONS).where({ activity_id: id }).whereNull('cancelled_at').forUpdate().select('*')) as InvitationRow[];
  if (rows.length === 0) return;
  const record = change.action === 'delete' ? (change.previous ?? change.record) : change.record;
  if (!iso(record.start_at)) return;
  const sequence = Math.max(...rows.map((r) => r.sequence)) + 1;
  const reset = cancelled ? { sequence, cancelled_at: trx.fn.now() } : { sequence, partstat: 'NEEDS-ACTION', replied_at: null, sent_at: trx.fn.now() };
  await trx(INVITATIONS).where({ activity_id: id }).whereNull('cancelled_at').update(reset);
  const updated = (await trx(INVITATIONS).where({ activity_id: id }).orderBy('attendee').select('*')) as InvitationRow[];
  await queueInvitation(ctx, trx, meetingOf(record), cancelled ? 'CANCEL' : 'REQUEST', updated, change.actor.userId ?? rows[0]!.sent_by);
}

/**
 * An attendee's REPLY arrived in a synced mailbox: their answer is recorded when the UID is one of
 * ours, they were invited, the mail comes from them (a third party cannot answer for them) and it
 * answers the current version (an answer to an older SEQUENCE is stale). A note on the activity says it.
 */
export async function replyArrived(trx: Knex.Transaction, event: InboundCalendarPart, ctx: ConnectorContext): Promise<void> {
  if (event.type !== 'email.calendar-part' || event.method !== 'REPLY') return;
  let reply;
  try {
    reply = readReply(event.content);
  } catch (error) {
    if (error instanceof ItipError || (error as { code?: string }).code === 'ICS_SYNTAX') return ctx.log(`an unreadable REPLY in mail ${event.messageId ?? event.activityId}: ${(error as Error).message}`);
    throw error;
  }
  const activityId = activityOfUid(reply.uid);
  if (!activityId || reply.recurrenceId) return;
  for (const answer of reply.answers) {
    if (answer.address !== event.from || !EMAIL.test(answer.address)) continue;
    const row = (await trx(INVITATIONS).where({ activity_id: activityId, attendee: answer.address }).forUpdate().first()) as InvitationRow | undefined;
    if (!row || reply.sequence < row.sequence || row.cancelled_at) continue;
    if (row.partstat === answer.partstat && row.replied_at) continue;
    await trx(INVITATIONS).where({ activity_id: activityId, attendee: answer.address }).update({ partstat: answer.partstat, replied_at: trx.fn.now() });
    const who = row.name ? `${row.name} <${row.attendee}>` : row.attendee;
    await trx('tessera.comments').insert({ entity: 'activity', record_id: activityId, author: null, body: replyNote(await languageOfUser(trx, row.sent_by), who, answer.partstat) });
  }
}
