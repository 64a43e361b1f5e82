// iTIP (RFC 5546) messages of a meeting the CRM organises: the REQUEST that invites external
// attendees (and re-sends a changed meeting with a higher SEQUENCE), the CANCEL, and reading the
// attendees' REPLY. Pure: text in, text out. The UID is the one the CalDAV sync gives the activity
// (`<activity id>@tessera`), so the invitation and the organiser's own calendar copy are one event.
import { all, component, escapeText, first, parseIcs, property, textOf, writeIcs, type IcsProperty } from './ics-text.ts';
import { dateTimeProperty, formatUtc, isKnownZone, vtimezone } from './time-zones.ts';

export const PARTSTATS = ['NEEDS-ACTION', 'ACCEPTED', 'DECLINED', 'TENTATIVE', 'DELEGATED'] as const;
export type PartStat = (typeof PARTSTATS)[number];

export interface Participant {
  /** Lower case. */
  readonly address: string;
  readonly name: string;
}

export interface InvitedAttendee extends Participant {
  readonly partstat: PartStat;
}

/** The meeting as the invitation describes it (ISO instants). */
export interface Meeting {
  readonly uid: string;
  readonly subject: string;
  readonly description: string | null;
  readonly location: string | null;
  readonly start: string;
  readonly end: string | null;
}

export interface InvitationOptions {
  readonly method: 'REQUEST' | 'CANCEL';
  readonly sequence: number;
  readonly organizer: Participant;
  readonly attendees: readonly InvitedAttendee[];
  /** The business zone: times are written in it, with its VTIMEZONE. */
  readonly zone: string;
  readonly now: Date;
}

const PRODID = '-//Tessera//Calendar connector//EN';

const participant = (name: string, who: Participant, params: Record<string, string>): IcsProperty => property(name, `mailto:${who.address}`, { ...(who.name ? { CN: who.name } : {}), ...params });

/** The VCALENDAR of an invitation (REQUEST) or its cancellation (CANCEL). */
export function invitationText(meeting: Meeting, options: InvitationOptions): string {
  const start = new Date(meeting.start);
  const end = meeting.end ? new Date(meeting.end) : null;
  const props: IcsProperty[] = [
    property('UID', meeting.uid),
    property('SEQUENCE', String(options.sequence)),
    property('DTSTAMP', formatUtc(options.now)),
    dateTimeProperty('DTSTART', start, options.zone),
    ...(end && end.getTime() >= start.getTime() ? [dateTimeProperty('DTEND', end, options.zone)] : []),
    property('SUMMARY', escapeText(meeting.subject)),
    ...(meeting.description ? [property('DESCRIPTION', escapeText(meeting.description))] : []),
    ...(meeting.location ? [property('LOCATION', escapeText(meeting.location))] : []),
    property('STATUS', options.method === 'CANCEL' ? 'CANCELLED' : 'CONFIRMED'),
    participant('ORGANIZER', options.organizer, {}),
    // A re-sent REQUEST asks everyone again (RFC 5546 §2.1.4: a changed time resets the answers).
    ...options.attendees.map((a) => participant('ATTENDEE', a, { CUTYPE: 'INDIVIDUAL', ROLE: 'REQ-PARTICIPANT', PARTSTAT: options.method === 'CANCEL' ? a.partstat : 'NEEDS-ACTION', RSVP: options.method === 'REQUEST' ? 'TRUE' : 'FALSE' })),
  ];
  const zones = options.zone !== 'UTC' && isKnownZone(options.zone) ? [vtimezone(options.zone, start.getUTCFullYear())] : [];
  const head = [property('PRODID', PRODID), property('VERSION', '2.0'), property('CALSCALE', 'GREGORIAN'), property('METHOD', options.method)];
  return writeIcs(component('VCALENDAR', head, [...zones, component('VEVENT', props)]));
}

export interface Reply {
  readonly uid: string;
  readonly sequence: number;
  /** The answering attendee(s) and what they said. */
  readonly answers: readonly { readonly address: string; readonly partstat: PartStat }[];
  /** Set when the answer is for one occurrence of a series. */
  readonly recurrenceId: string | null;
}

export class ItipError extends Error {
  readonly code = 'ITIP';
  constructor(message: string) {
    super(message);
    this.name = 'ItipError';
  }
}

const mailto = (value: string) => value.replace(/^mailto:/i, '').trim().toLowerCase();

/** Reads an iTIP REPLY; throws ItipError for anything else. */
export function readReply(text: string): Reply {
  const root = parseIcs(text);
  if (root.name !== 'VCALENDAR') throw new ItipError(`expected VCALENDAR, found ${root.name}`);
  const method = (textOf(root, 'METHOD') ?? '').toUpperCase();
  if (method !== 'REPLY') throw new ItipError(`METHOD is ${method || 'missing'}, not REPLY`);
  const event = root.components.find((c) => c.name === 'VEVENT');
  if (!event) throw new ItipError('no VEVENT');
  const uid = textOf(event, 'UID');
  if (!uid) throw new ItipError('no UID');
  const answers = all(event, 'ATTENDEE').flatMap((p) => {
    const partstat = (p.params.PARTSTAT ?? 'NEEDS-ACTION').toUpperCase();
    const address = mailto(p.value);
    return address.includes('@') && (PARTSTATS as readonly string[]).includes(partstat) ? [{ address, partstat: partstat as PartStat }] : [];
  });
  if (answers.length === 0) throw new ItipError('no ATTENDEE with a PARTSTAT');
  const sequence = Number(textOf(event, 'SEQUENCE') ?? 0);
  return { uid, sequence: Number.isInteger(sequence) && sequence >= 0 ? sequence : 0, answers, recurrenceId: first(event, 'RECURRENCE-ID')?.value ?? null };
}

const ACTIVITY_UID = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})@tessera$/i;

/** The activity a UID the CRM gave names; null for anyone else's event. */
export const activityOfUid = (uid: string): string | null => ACTIVITY_UID.exec(uid)?.[1]?.toLowerCase() ?? null;
export const uidOfActivity = (activityId: string): string => `${activityId}@tessera`;
