// Issue #14, invitations: a meeting sent to an external attendee by e-mail as an iTIP REQUEST through
// the e-mail connector's shared outbox channel (a real smtp-server peer receives it; node-ical reads
// it back), and the attendee's REPLY, arriving in the organiser's synced Dovecot mailbox, setting
// their answer on the activity. A moved meeting goes out again with SEQUENCE 1, a stale or spoofed
// answer changes nothing, a cancelled meeting sends a CANCEL; bad requests get problem details.
process.env.TZ = 'UTC';
import { ImapFlow } from 'imapflow';
import { simpleParser } from 'mailparser';
import nodeIcal from 'node-ical';
import { calendarConnector } from '../../connectors/calendar/index.ts';
import { email, syncAllAccounts } from '../../connectors/email/index.ts';
import { seedPackage } from '../../engine/seeding.ts';
import { createTestUser, userClient } from '../support/auth.ts';
import { SYSTEM } from '../support/calendar-fixture.ts';
import { startTestPlatform, type TestPlatform } from '../support/database.ts';
import { dovecotMissing, startDovecot, type Dovecot } from '../support/dovecot.ts';
import { startTestServer, type TestServer } from '../support/http.ts';
import { startSmtpPeer, type ReceivedMail, type SmtpPeer } from '../support/smtp-peer.ts';
import { eventually } from '../support/workflows.ts';

const missing = dovecotMissing();
if (missing) console.warn(missing);
const suite = missing ? describe.skip : describe;

const ORGANISER = 'alice@firma.example';
const GUEST = 'jan.kowalski@klient.example';

/** The text/calendar part of a received mail: its Content-Type's method and the VEVENT node-ical reads. */
async function calendarOf(mail: ReceivedMail) {
  const parsed = await simpleParser(mail.raw);
  const part = parsed.attachments.find((a) => a.contentType === 'text/calendar');
  if (!part) throw new Error('no text/calendar part');
  const text = part.content.toString('utf8');
  const event = Object.values(nodeIcal.sync.parseICS(text)).find((x): x is nodeIcal.VEvent => x?.type === 'VEVENT')!;
  const header = /content-type:\s*text\/calendar;[^\r\n]*/i.exec(mail.raw.toString('utf8'))?.[0] ?? '';
  return { parsed, text, event, header };
}

/** The attendee's answer, as their mail program sends it. */
function replyMail(options: { from: string; attendee: string; uid: string; partstat: string; sequence: number; messageId: string }): Buffer {
  const ics = [
    'BEGIN:VCALENDAR',
    'PRODID:-//Test//Phone//EN',
    'VERSION:2.0',
    'METHOD:REPLY',
    'BEGIN:VEVENT',
    `UID:${options.uid}`,
    `SEQUENCE:${options.sequence}`,
    'DTSTAMP:20261201T120000Z',
    'DTSTART:20261210T090000Z',
    `ORGANIZER:mailto:${ORGANISER}`,
    `ATTENDEE;PARTSTAT=${options.partstat};CN=Jan Kowalski:mailto:${options.attendee}`,
    'END:VEVENT',
    'END:VCALENDAR',
    '',
  ].join('\r\n');
  return Buffer.from(
    [
      `From: ${options.from}`,
      `To: ${ORGANISER}`,
      `Subject: Accepted: Oferta`,
      `Message-ID: <${options.messageId}>`,
      'Date: Tue, 01 Dec 2026 12:00:00 +0000',
      'MIME-Version: 1.0',
      'Content-Type: multipart/alternative; boundary="b1"',
      '',
      '--b1',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Jan Kowalski has answered.',
      '--b1',
      'Content-Type: text/calendar; charset=utf-8; method=REPLY',
      '',
      ics,
      '--b1--',
      '',
    ].join('\r\n'),
  );
}

suite('calendar invitations (iTIP by e-mail)', () => {
  let env: TestPlatform;
  let server: TestServer;
  let dovecot: Dovecot;
  let smtp: SmtpPeer;
  let imap: ImapFlow;
  let alice: string;
  let api: Awaited<ReturnType<typeof userClient>>;
  let meetingId: string;
  let personId: string;

  const invitations = async () => (await api.get(`/api/connectors/calendar/invitations?activity=${meetingId}`)).body.data as { address: string; partstat: string; sequence: number; cancelled: boolean }[];
  const notes = async () => (await env.platform.knex('tessera.comments').where({ entity: 'activity', record_id: meetingId }).orderBy('created_at').pluck('body')) as string[];
  const sync = () => syncAllAccounts(env.platform.connectors.context('email'));

  beforeAll(async () => {
    dovecot = await startDovecot();
    smtp = await startSmtpPeer();
    env = await startTestPlatform({ connectors: [email, calendarConnector({ pollSeconds: 3600 })] });
    await env.platform.applyMetadata(await seedPackage(), { source: 'seed' });
    for (const id of ['email', 'calendar']) await env.platform.connectors.settings.write(id, undefined, { enabled: true }, { userId: null, via: 'system' });
    await env.platform.processes.startWorkers();
    server = await startTestServer(env.platform);
    alice = await createTestUser(env.platform, { login: 'alice', roles: ['salesperson'] });
    api = await userClient(env.platform, server.url, alice);
    await env.platform.records.create(SYSTEM, 'email_account', {
      name: 'Alice',
      address: ORGANISER,
      sender_name: 'Alicja Nowak',
      account_type: 'personal',
      owner_user: alice,
      imap_host: dovecot.host,
      imap_port: dovecot.port,
      imap_tls: false,
      imap_user: 'alice',
      imap_password: 'alicepw',
      smtp_host: '127.0.0.1',
      smtp_port: smtp.port,
      smtp_tls: false,
      folders: 'INBOX',
      throttle_per_minute: 100000,
    });
    const contractor = String((await env.platform.records.create(SYSTEM, 'contractor', { name: 'Klient Sp. z o.o.', contractor_type: 'company', country: 'pl' })).id);
    personId = String((await env.platform.records.create(SYSTEM, 'person', { contractor, first_name: 'Jan', last_name: 'Kowalski', email: 'Jan.Kowalski@klient.example' })).id);
    meetingId = String(
      (await env.platform.records.create(SYSTEM, 'activity', { kind: 'meeting', subject: 'Oferta; wycena', start_at: '2026-12-10T09:00:00Z', end_at: '2026-12-10T10:00:00Z', location: 'Kraków, Rynek 1', person: personId, assignee: alice })).id,
    );
    imap = new ImapFlow({ host: dovecot.host, port: dovecot.port, secure: false, auth: { user: 'alice', pass: 'alicepw' }, logger: false, disableAutoIdle: true });
    await imap.connect();
    await sync(); // the mailbox is synced from here on (its first pass sets the cursor)
  }, 180_000);

  afterAll(async () => {
    await imap?.logout().catch(() => imap.close());
    await server?.close();
    await env?.close();
    await smtp?.close();
    await dovecot?.stop();
  });

  test('the invitation goes out by e-mail as an iTIP REQUEST from the organiser’s account', async () => {
    const sent = await api.post('/api/connectors/calendar/invitations', { activity: meetingId });
    expect(sent.status).toBe(202);
    expect(sent.body.data).toEqual([expect.objectContaining({ address: GUEST, name: 'Jan Kowalski', partstat: 'NEEDS-ACTION', sequence: 0, organizer: ORGANISER })]);
    const mail = await eventually(async () => smtp.received[0], 20_000, 'the REQUEST');
    expect(mail.to).toEqual([GUEST]);
    const { parsed, text, event, header } = await calendarOf(mail);
    expect(parsed.subject).toBe('Zaproszenie: Oferta; wycena');
    expect(parsed.from?.value[0]?.address).toBe(ORGANISER);
    expect(header).toMatch(/method=REQUEST/i);
    expect(text).toMatch(/^METHOD:REQUEST\r$/m);
    expect(text).toContain('TZID:Europe/Warsaw');
    expect(event.uid).toBe(`${meetingId}@tessera`);
    expect(String(event.sequence)).toBe('0');
    expect(event.summary).toBe('Oferta; wycena');
    expect(event.location).toBe('Kraków, Rynek 1');
    expect(new Date(event.start).toISOString()).toBe('2026-12-10T09:00:00.000Z');
    expect(new Date(event.end!).toISOString()).toBe('2026-12-10T10:00:00.000Z');
    const organizer = event.organizer as unknown as { val: string; params: { CN: string } };
    expect(organizer.val).toBe(`mailto:${ORGANISER}`);
    expect(organizer.params.CN).toBe('Alicja Nowak');
    const attendee = event.attendee as unknown as { val: string; params: Record<string, string> };
    expect(attendee.val).toBe(`mailto:${GUEST}`);
    expect(attendee.params).toMatchObject({ PARTSTAT: 'NEEDS-ACTION', RSVP: true, ROLE: 'REQ-PARTICIPANT', CN: 'Jan Kowalski' });
  });

  test('the attendee’s REPLY arriving in the synced mailbox sets their answer and leaves a note; a spoofed one does not', async () => {
    await imap.append('INBOX', replyMail({ from: 'intruz@zly.example', attendee: GUEST, uid: `${meetingId}@tessera`, partstat: 'DECLINED', sequence: 0, messageId: 'spoof-1@zly.example' }));
    await imap.append('INBOX', replyMail({ from: `Jan Kowalski <${GUEST}>`, attendee: GUEST, uid: `${meetingId}@tessera`, partstat: 'ACCEPTED', sequence: 0, messageId: 'reply-1@klient.example' }));
    const reports = await sync();
    expect(reports.find((r) => r.mailbox === 'INBOX')).toMatchObject({ created: 2 });
    expect(await invitations()).toEqual([expect.objectContaining({ address: GUEST, partstat: 'ACCEPTED' })]);
    expect(await notes()).toEqual(['Zaproszenie: Jan Kowalski <jan.kowalski@klient.example> przyjmuje zaproszenie']);
  });

  test('moving the meeting re-sends it with SEQUENCE 1 and asks again; an answer to the old version is stale', async () => {
    const current = await env.platform.records.get(SYSTEM, 'activity', meetingId);
    await env.platform.records.update(SYSTEM, 'activity', meetingId, { start_at: '2026-12-11T09:00:00Z', end_at: '2026-12-11T10:30:00Z' }, { expectedVersion: Number(current.version) });
    const mail = await eventually(async () => smtp.received[1], 20_000, 'the second REQUEST');
    const { event } = await calendarOf(mail);
    expect(String(event.sequence)).toBe('1');
    expect(new Date(event.start).toISOString()).toBe('2026-12-11T09:00:00.000Z');
    expect(await invitations()).toEqual([expect.objectContaining({ partstat: 'NEEDS-ACTION', sequence: 1 })]);
    await imap.append('INBOX', replyMail({ from: GUEST, attendee: GUEST, uid: `${meetingId}@tessera`, partstat: 'DECLINED', sequence: 0, messageId: 'reply-stale@klient.example' }));
    await imap.append('INBOX', replyMail({ from: GUEST, attendee: GUEST, uid: `${meetingId}@tessera`, partstat: 'TENTATIVE', sequence: 1, messageId: 'reply-2@klient.example' }));
    await sync();
    expect(await invitations()).toEqual([expect.objectContaining({ partstat: 'TENTATIVE', sequence: 1 })]);
    expect((await notes()).at(-1)).toBe('Zaproszenie: Jan Kowalski <jan.kowalski@klient.example> wstępnie przyjmuje zaproszenie');
  });

  test('cancelling the meeting sends an iTIP CANCEL', async () => {
    const current = await env.platform.records.get(SYSTEM, 'activity', meetingId);
    await env.platform.records.update(SYSTEM, 'activity', meetingId, { status: 'cancelled' }, { expectedVersion: Number(current.version) });
    const mail = await eventually(async () => smtp.received[2], 20_000, 'the CANCEL');
    const { parsed, text, header } = await calendarOf(mail);
    expect(header).toMatch(/method=CANCEL/i);
    expect(text).toMatch(/^METHOD:CANCEL\r$/m);
    expect(text).toMatch(/^STATUS:CANCELLED\r$/m);
    expect(text).toMatch(/^SEQUENCE:2\r$/m);
    expect(parsed.subject).toBe('Odwołane: Oferta; wycena');
    expect(await invitations()).toEqual([expect.objectContaining({ cancelled: true, sequence: 2 })]);
  });

  test('deleting an invited meeting sends an iTIP CANCEL too', async () => {
    const second = String(
      (await env.platform.records.create(SYSTEM, 'activity', { kind: 'meeting', subject: 'Przegląd umowy', start_at: '2026-12-15T13:00:00Z', end_at: '2026-12-15T14:00:00Z', person: personId, assignee: alice })).id,
    );
    const before = smtp.received.length;
    expect((await api.post('/api/connectors/calendar/invitations', { activity: second })).status).toBe(202);
    await eventually(async () => smtp.received[before], 20_000, 'the REQUEST');
    await env.platform.records.remove(SYSTEM, 'activity', second);
    const mail = await eventually(async () => smtp.received[before + 1], 20_000, 'the CANCEL');
    const { parsed, text, event } = await calendarOf(mail);
    expect(text).toMatch(/^METHOD:CANCEL\r$/m);
    expect(event.uid).toBe(`${second}@tessera`);
    expect(String(event.sequence)).toBe('1');
    expect(parsed.subject).toBe('Odwołane: Przegląd umowy');
  });

  test('bad requests: problem details with pointers; no mail account; an activity one may not read', async () => {
    const bad = await api.post('/api/connectors/calendar/invitations', { activity: 'x', attendees: ['not-an-address', { address: 'a@b.example', name: 5 }], extra: 1 });
    expect(bad.status).toBe(422);
    expect(bad.contentType).toMatch(/application\/problem\+json/);
    expect((bad.body.errors as { pointer: string }[]).map((e) => e.pointer).sort()).toEqual(['/activity', '/attendees/0/address', '/attendees/1/name', '/extra']);
    const bob = await createTestUser(env.platform, { login: 'bob', roles: ['salesperson'] });
    const bobApi = await userClient(env.platform, server.url, bob);
    const own = String((await env.platform.records.create(SYSTEM, 'activity', { kind: 'meeting', subject: 'Bob', start_at: '2026-12-12T09:00:00Z', assignee: bob })).id);
    const noAccount = await bobApi.post('/api/connectors/calendar/invitations', { activity: own, attendees: [GUEST] });
    expect(noAccount.status).toBe(422);
    expect(noAccount.body.errors).toEqual([expect.objectContaining({ pointer: '/account', code: 'CALENDAR_NO_MAIL_ACCOUNT' })]);
    const foreign = await bobApi.post('/api/connectors/calendar/invitations', { activity: meetingId, attendees: [GUEST] });
    expect([403, 404]).toContain(foreign.status);
    expect((await bobApi.get(`/api/connectors/calendar/invitations?activity=${meetingId}`)).status).toBeGreaterThanOrEqual(403);
  });
});
