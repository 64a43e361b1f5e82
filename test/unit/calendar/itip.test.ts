// iTIP texts (connectors/calendar/itip.ts) and the mail side's calendar parts
// (connectors/email/calendar-parts.ts): what a REQUEST says, which REPLYs are read, which parts a
// message hands on.
import { invitationText, readReply } from '../../../connectors/calendar/index.ts';
import { activityOfUid } from '../../../connectors/calendar/itip.ts';
import { calendarMethod, calendarParts } from '../../../connectors/email/calendar-parts.ts';
import { parseMessage } from '../../../connectors/email/index.ts';

const meeting = { uid: '0b0e7a52-1111-4a4a-8c8c-000000000001@tessera', subject: 'Plan, budżet; 2027', description: null, location: 'Sala A', start: '2026-07-01T08:00:00Z', end: '2026-07-01T09:00:00Z' };
const options = { sequence: 3, organizer: { address: 'alice@firma.example', name: 'Alicja' }, attendees: [{ address: 'jan@klient.example', name: '', partstat: 'ACCEPTED' as const }], zone: 'Europe/Warsaw', now: new Date('2026-06-01T00:00:00Z') };

test('a REQUEST: METHOD, SEQUENCE, organiser, attendees asked again, summer time in the business zone, escaped text', () => {
  const unfold = (t: string) => t.replace(/\r\n /g, '');
  const text = unfold(invitationText(meeting, { ...options, method: 'REQUEST' }));
  expect(text).toMatch(/^METHOD:REQUEST\r$/m);
  expect(text).toMatch(/^SEQUENCE:3\r$/m);
  expect(text).toMatch(/^ORGANIZER;CN=Alicja:mailto:alice@firma\.example\r$/m);
  expect(text).toMatch(/^ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:jan@klient\.example\r$/m);
  expect(text).toMatch(/^DTSTART;TZID=Europe\/Warsaw:20260701T100000\r$/m);
  expect(text).toMatch(/^SUMMARY:Plan\\, budżet\\; 2027\r$/m);
  const cancel = unfold(invitationText(meeting, { ...options, method: 'CANCEL' }));
  expect(cancel).toMatch(/^STATUS:CANCELLED\r$/m);
  expect(cancel).toMatch(/PARTSTAT=ACCEPTED;RSVP=FALSE/);
});

test('a REPLY is read (attendee, answer, sequence); other methods, no attendee or a foreign UID are not', () => {
  const reply = ['BEGIN:VCALENDAR', 'METHOD:REPLY', 'BEGIN:VEVENT', `UID:${meeting.uid}`, 'SEQUENCE:2', 'ATTENDEE;PARTSTAT=declined:MAILTO:Jan@Klient.example', 'END:VEVENT', 'END:VCALENDAR'].join('\r\n');
  expect(readReply(reply)).toEqual({ uid: meeting.uid, sequence: 2, answers: [{ address: 'jan@klient.example', partstat: 'DECLINED' }], recurrenceId: null });
  expect(() => readReply(reply.replace('METHOD:REPLY', 'METHOD:REQUEST'))).toThrow(/not REPLY/);
  expect(() => readReply(reply.replace(/ATTENDEE[^\r]*\r\n/, ''))).toThrow(/no ATTENDEE/);
  expect(activityOfUid(meeting.uid)).toBe('0b0e7a52-1111-4a4a-8c8c-000000000001');
  expect(activityOfUid('abc@google.com')).toBeNull();
});

test('a message’s calendar parts: the text/calendar alternative and its application/ics copy count once', async () => {
  const ics = 'BEGIN:VCALENDAR\r\nMETHOD:RE\r\n PLY\r\nEND:VCALENDAR\r\n';
  const b64 = Buffer.from(ics).toString('base64');
  const raw = Buffer.from(
    ['From: jan@klient.example', 'To: alice@firma.example', 'Subject: x', 'Message-ID: <p@k>', 'MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary=m', '', '--m', 'Content-Type: multipart/alternative; boundary=a', '', '--a', 'Content-Type: text/plain', '', 'hi', '--a', 'Content-Type: text/calendar; method=REPLY', 'Content-Transfer-Encoding: base64', '', b64, '--a--', '--m', 'Content-Type: application/ics; name=invite.ics', 'Content-Disposition: attachment; filename=invite.ics', 'Content-Transfer-Encoding: base64', '', b64, '--m--', ''].join('\r\n'),
  );
  expect(calendarParts(await parseMessage(raw))).toEqual([{ method: 'REPLY', content: ics }]);
  expect(calendarMethod('BEGIN:VCALENDAR\r\nEND:VCALENDAR')).toBe('');
});
