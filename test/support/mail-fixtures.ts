// Raw RFC 5322 messages for the e-mail connector's tests, built byte by byte where the charset matters
// (Polish mail in ISO-8859-2 and windows-1250, as older Outlook and Thunderbird installs still send it).
import { randomBytes } from 'node:crypto';

const POLISH = 'ąćęłńóśźżĄĆĘŁŃÓŚŹŻ';
const ISO_8859_2 = [0xb1, 0xe6, 0xea, 0xb3, 0xf1, 0xf3, 0xb6, 0xbc, 0xbf, 0xa1, 0xc6, 0xca, 0xa3, 0xd1, 0xd3, 0xa6, 0xac, 0xaf];
const WINDOWS_1250 = [0xb9, 0xe6, 0xea, 0xb3, 0xf1, 0xf3, 0x9c, 0x9f, 0xbf, 0xa5, 0xc6, 0xca, 0xa3, 0xd1, 0xd3, 0x8c, 0x8f, 0xaf];

export type PolishCharset = 'iso-8859-2' | 'windows-1250';

/** Encodes Polish text (ASCII plus Polish letters) in a legacy single-byte charset. */
export function encodeLegacy(text: string, charset: PolishCharset): Buffer {
  const table = charset === 'iso-8859-2' ? ISO_8859_2 : WINDOWS_1250;
  return Buffer.from(
    [...text].map((ch) => {
      const index = POLISH.indexOf(ch);
      if (index >= 0) return table[index]!;
      const code = ch.charCodeAt(0);
      if (code > 0x7f) throw new Error(`not encodable: ${ch}`);
      return code;
    }),
  );
}

const qEncodedWord = (text: string, charset: PolishCharset) =>
  `=?${charset.toUpperCase()}?Q?${[...encodeLegacy(text, charset)].map((b) => (b === 0x20 ? '_' : b > 0x7e || b < 0x21 || b === 0x3d || b === 0x3f || b === 0x5f ? `=${b.toString(16).toUpperCase().padStart(2, '0')}` : String.fromCharCode(b))).join('')}?=`;

export const POLISH_SUBJECT = 'Zażółć gęślą jaźń - oferta';
export const POLISH_BODY = 'Dzień dobry,\nprzesyłam ofertę na łożyska. Proszę o odpowiedź.\nPozdrawiam, Łucja Żółkiewska';

/** A Polish message in a legacy charset: encoded-word subject and From name, 8-bit body. */
export function polishMessage(charset: PolishCharset, messageId = `<pl-${charset}-${Date.now()}@example.test>`): Buffer {
  const subject = POLISH_SUBJECT;
  const head = [
    `From: ${qEncodedWord('Łucja Żółkiewska', charset)} <lucja@dostawca.example>`,
    'To: biuro@firma.example',
    `Subject: ${qEncodedWord(subject, charset)}`,
    'Date: Tue, 01 Dec 2026 10:00:00 +0100',
    `Message-ID: ${messageId}`,
    'MIME-Version: 1.0',
    `Content-Type: text/plain; charset=${charset}`,
    'Content-Transfer-Encoding: 8bit',
    '',
    '',
  ].join('\r\n');
  return Buffer.concat([Buffer.from(head, 'latin1'), encodeLegacy(POLISH_BODY, charset), Buffer.from('\r\n')]);
}

export interface SimpleMessage {
  readonly messageId?: string | null;
  readonly subject?: string;
  readonly from?: string;
  readonly to?: readonly string[];
  readonly cc?: readonly string[];
  readonly date?: Date;
  readonly body?: string;
  readonly inReplyTo?: string;
  readonly references?: readonly string[];
  readonly extraHeaders?: readonly string[];
}

/** A UTF-8 text message (headers above ASCII as RFC 2047 base64 words). */
export function simpleMessage(m: SimpleMessage = {}): Buffer {
  const word = (text: string) => (/^[\x20-\x7e]*$/.test(text) ? text : `=?UTF-8?B?${Buffer.from(text).toString('base64')}?=`);
  const lines = [
    `From: ${m.from ?? 'Anna Nowak <anna@klient.example>'}`,
    `To: ${(m.to ?? ['biuro@firma.example']).join(',\r\n ')}`,
    ...(m.cc?.length ? [`Cc: ${m.cc.join(',\r\n ')}`] : []),
    `Subject: ${word(m.subject ?? 'Zapytanie')}`,
    `Date: ${(m.date ?? new Date()).toUTCString().replace('GMT', '+0000')}`,
    ...(m.messageId === null ? [] : [`Message-ID: <${m.messageId ?? `${randomBytes(8).toString('hex')}@klient.example`}>`]),
    ...(m.inReplyTo ? [`In-Reply-To: <${m.inReplyTo}>`] : []),
    ...(m.references?.length ? [`References: ${m.references.map((r) => `<${r}>`).join(' ')}`] : []),
    ...(m.extraHeaders ?? []),
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    m.body ?? 'Dzień dobry, proszę o ofertę.',
    '',
  ];
  return Buffer.from(lines.join('\r\n'), 'utf8');
}

/** A message with one attachment of `bytes` random bytes (base64, 76-column lines). Returns the bytes too. */
export function attachmentMessage(bytes: number, messageId = `big-${Date.now()}@klient.example`): { raw: Buffer; attachment: Buffer } {
  const attachment = randomBytes(bytes);
  const b64 = attachment.toString('base64').replace(/.{76}/g, '$&\r\n');
  const raw = Buffer.from(
    [
      'From: anna@klient.example',
      'To: biuro@firma.example',
      'Subject: Rysunki techniczne',
      'Date: Tue, 01 Dec 2026 10:00:00 +0000',
      `Message-ID: <${messageId}>`,
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="b1"',
      '',
      '--b1',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'W załączniku rysunki.',
      '--b1',
      'Content-Type: application/octet-stream; name="rysunki.bin"',
      'Content-Disposition: attachment; filename="rysunki.bin"',
      'Content-Transfer-Encoding: base64',
      '',
      b64,
      '--b1--',
      '',
    ].join('\r\n'),
  );
  return { raw, attachment };
}

/** A message addressed to `count` recipients. */
export function manyRecipientsMessage(count: number, messageId = `many-${Date.now()}@firma.example`): Buffer {
  const to = Array.from({ length: count }, (_, i) => `Odbiorca ${i} <odbiorca${i}@lista.example>`);
  return simpleMessage({ messageId, subject: 'Newsletter grudzień', to });
}

/** A header line folded at its first space after 40 characters, as MTAs wrap long diagnostics. */
function folded(line: string): string[] {
  const at = line.indexOf(' ', 40);
  return at < 0 ? [line] : [line.slice(0, at), `   ${line.slice(at)}`];
}

/** A bounce (RFC 3464 multipart/report) about the message `original`, as an MTA returns it. */
export function deliveryStatusNotification(options: { original: string; recipients: { address: string; action: string; status: string; diagnostic?: string }[]; returned?: 'headers' | 'message' }): Buffer {
  const blocks = options.recipients.map((r) =>
    [`Final-Recipient: rfc822; ${r.address}`, `Action: ${r.action}`, `Status: ${r.status}`, ...(r.diagnostic ? folded(`Diagnostic-Code: smtp; ${r.diagnostic}`) : []), ''].join('\r\n'),
  );
  const returned = options.returned === 'message' ? 'message/rfc822' : 'text/rfc822-headers';
  return Buffer.from(
    [
      'From: Mail Delivery System <MAILER-DAEMON@mx.example>',
      'To: biuro@firma.example',
      'Subject: Undelivered Mail Returned to Sender',
      'Date: Fri, 04 Dec 2026 10:00:00 +0000',
      `Message-ID: <dsn-${options.original}>`,
      'MIME-Version: 1.0',
      'Content-Type: multipart/report; report-type=delivery-status; boundary="B"',
      '',
      '--B',
      'Content-Type: text/plain; charset=us-ascii',
      '',
      'Wiadomość nie została dostarczona.',
      '',
      '--B',
      'Content-Type: message/delivery-status',
      '',
      'Reporting-MTA: dns; mx.example',
      '',
      ...blocks,
      '--B',
      `Content-Type: ${returned}`,
      '',
      'From: Biuro <biuro@firma.example>',
      'Subject: Oferta',
      `Message-ID: <${options.original}>`,
      '',
      ...(options.returned === 'message' ? ['Treść oferty.', ''] : []),
      '--B--',
      '',
    ].join('\r\n'),
  );
}
