// iTIP (RFC 6047) parts of stored mail: a meeting invitation or its answer travels as a text/calendar
// part (often twice: the text/calendar alternative and an application/ics copy). The mail sync hands
// each distinct one to the other connectors (ctx.publish) — the calendar connector reads the REPLYs.
import type { ConnectorContext, InboundCalendarPart } from '../../engine/connectors/index.ts';
import type { Knex } from 'knex';
import type { ParsedMessage } from './message.ts';

const CALENDAR_TYPES = new Set(['text/calendar', 'application/ics']);
/** Larger parts are not invitations (a whole exported calendar): not handed on. */
const MAX_PART_BYTES = 256 * 1024;

/** The METHOD of an iCalendar text (unfolded), upper case; '' when it names none. */
export function calendarMethod(content: string): string {
  const unfolded = content.replace(/\r?\n[ \t]/g, '');
  return /^METHOD:([^\r\n]*)$/im.exec(unfolded)?.[1]?.trim().toUpperCase() ?? '';
}

/** The distinct text/calendar parts of a message with their METHOD. */
export function calendarParts(message: ParsedMessage): { method: string; content: string }[] {
  const seen = new Set<string>();
  const parts: { method: string; content: string }[] = [];
  for (const attachment of message.attachments) {
    if (!CALENDAR_TYPES.has(attachment.contentType.toLowerCase()) || attachment.size > MAX_PART_BYTES || seen.has(attachment.sha256)) continue;
    seen.add(attachment.sha256);
    const content = attachment.content.toString('utf8');
    parts.push({ method: calendarMethod(content), content });
  }
  return parts;
}

/** Publishes the calendar parts of a newly stored message in its transaction. */
export async function publishCalendarParts(ctx: ConnectorContext, trx: Knex.Transaction, message: ParsedMessage, activityId: string): Promise<void> {
  for (const part of calendarParts(message)) {
    const event: InboundCalendarPart = { type: 'email.calendar-part', method: part.method, content: part.content, from: message.from[0]?.address ?? '', messageId: message.messageId, activityId };
    await ctx.publish(trx, event);
  }
}
