// MIME → message: addresses, threading headers, attachments, legacy Polish charsets, and broken MIME
// read without throwing.
import { parseMessage, messageIdList } from '../../../connectors/email/index.ts';
import { attachmentMessage, manyRecipientsMessage, POLISH_BODY, POLISH_SUBJECT, polishMessage, simpleMessage } from '../../support/mail-fixtures.ts';

const multipart = Buffer.from(
  [
    'From: "Nowak, Anna" <Anna@Klient.Example>',
    'To: biuro@firma.example, Jan <jan@firma.example>',
    'Cc: Zespół: kasia@klient.example, piotr@klient.example;',
    'Subject: =?UTF-8?Q?Re:_Oferta_na_=C5=82o=C5=BCyska?= [TR/2026/0031]',
    'Date: Tue, 01 Dec 2026 10:00:00 +0100',
    'Message-ID: <reply-2@klient.example>',
    'In-Reply-To: <root-1@firma.example>',
    'References: <root-1@firma.example>\r\n <mid-1@klient.example>',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="outer"',
    '',
    '--outer',
    'Content-Type: multipart/related; boundary="rel"',
    '',
    '--rel',
    'Content-Type: text/html; charset=utf-8',
    '',
    '<p>Logo: <img src="cid:logo@klient"></p><script>alert(1)</script>',
    '--rel',
    'Content-Type: image/png',
    'Content-ID: <logo@klient>',
    'Content-Disposition: inline',
    'Content-Transfer-Encoding: base64',
    '',
    Buffer.from('png-bytes').toString('base64'),
    '--rel--',
    '--outer',
    'Content-Type: application/pdf; name="=?UTF-8?Q?faktura-=C4=85=C4=99.pdf?="',
    "Content-Disposition: attachment; filename*=UTF-8''faktura-%C4%85%C4%99.pdf",
    'Content-Transfer-Encoding: base64',
    '',
    Buffer.from('%PDF-1.4 test').toString('base64'),
    '--outer--',
    '',
  ].join('\r\n'),
);

describe('parseMessage', () => {
  it('reads addresses (groups flattened, lower-cased), subject, threading headers and attachments', async () => {
    const message = await parseMessage(multipart);
    expect(message.from).toEqual([{ name: 'Nowak, Anna', address: 'anna@klient.example' }]);
    expect(message.to.map((a) => a.address)).toEqual(['biuro@firma.example', 'jan@firma.example']);
    expect(message.cc.map((a) => a.address)).toEqual(['kasia@klient.example', 'piotr@klient.example']);
    expect(message.subject).toBe('Re: Oferta na łożyska [TR/2026/0031]');
    expect(message.messageId).toBe('reply-2@klient.example');
    expect(message.inReplyTo).toBe('root-1@firma.example');
    expect(message.references).toEqual(['root-1@firma.example', 'mid-1@klient.example']);
    expect(message.date?.toISOString()).toBe('2026-12-01T09:00:00.000Z');
    expect(message.html).toContain('cid:logo@klient');
    const pdf = message.attachments.find((a) => a.contentType === 'application/pdf')!;
    expect(pdf.filename).toBe('faktura-ąę.pdf');
    expect(pdf.content.toString()).toBe('%PDF-1.4 test');
    expect(pdf.inline).toBe(false);
    const logo = message.attachments.find((a) => a.contentType === 'image/png')!;
    expect(logo).toMatchObject({ contentId: 'logo@klient', inline: true });
    expect(message.problems).toEqual([]);
  });

  it.each(['iso-8859-2', 'windows-1250'] as const)('decodes Polish mail in %s', async (charset) => {
    const message = await parseMessage(polishMessage(charset));
    expect(message.subject).toBe(POLISH_SUBJECT);
    expect(message.from[0]).toEqual({ name: 'Łucja Żółkiewska', address: 'lucja@dostawca.example' });
    expect(message.text.trim()).toBe(POLISH_BODY);
  });

  it('reads a message with 500 recipients and an attachment intact', async () => {
    const many = await parseMessage(manyRecipientsMessage(500));
    expect(many.to).toHaveLength(500);
    expect(many.to[499]!.address).toBe('odbiorca499@lista.example');
    const { raw, attachment } = attachmentMessage(300_000);
    const withFile = await parseMessage(raw);
    expect(withFile.attachments).toHaveLength(1);
    expect(withFile.attachments[0]!.content.equals(attachment)).toBe(true);
  });

  it('reads broken MIME without throwing and says what was wrong', async () => {
    const broken = Buffer.from(
      [
        'From: nobody',
        'Subject: =?UTF-8?B?bad-base64!!?=',
        'Date: yesterday-ish',
        'Content-Type: multipart/mixed; boundary="never-closed"',
        '',
        '--never-closed',
        'Content-Type: text/plain; charset=x-unknown-charset',
        'Content-Transfer-Encoding: quoted-printable',
        '',
        'Tre=C5=9B=C4=87 =ZZ broken',
      ].join('\r\n'),
    );
    const message = await parseMessage(broken);
    expect(message.messageId).toBeNull();
    expect(message.problems).toEqual(expect.arrayContaining(['no Message-ID', 'unreadable Date header']));
    expect(message.text).toContain('broken');
    expect(message.from).toEqual([]);
    const garbage = await parseMessage(Buffer.from([0, 1, 2, 255, 254, 13, 10, 13, 10]));
    expect(garbage.dedupeKey).toMatch(/^\|[0-9a-f]{64}$/);
  });

  it('gives one dedupe key to the same message delivered with different transport headers, another to a different body', async () => {
    const base = { messageId: 'same@klient.example', date: new Date('2026-12-01T10:00:00Z'), body: 'Treść' };
    const a = await parseMessage(simpleMessage({ ...base, extraHeaders: ['Received: from mx1 by a.example', 'Delivered-To: alice@firma.example'] }));
    const b = await parseMessage(
      simpleMessage({ ...base, extraHeaders: ['Received: from mx2 by b.example', 'Delivered-To: bob@firma.example', 'X-Spam-Score: 0.1'] }),
    );
    const c = await parseMessage(simpleMessage({ ...base, body: 'Inna treść' }));
    expect(a.dedupeKey).toBe(b.dedupeKey);
    expect(c.dedupeKey).not.toBe(a.dedupeKey);
    expect(a.dedupeKey.startsWith('same@klient.example|')).toBe(true);
  });

  it('splits reference lists however they are written', () => {
    expect(messageIdList('<a@x> <b@y>\r\n\t<c@z>')).toEqual(['a@x', 'b@y', 'c@z']);
    expect(messageIdList(['<a@x>', '<b@y>'])).toEqual(['a@x', 'b@y']);
    expect(messageIdList('bare@id')).toEqual(['bare@id']);
    expect(messageIdList(undefined)).toEqual([]);
  });
});

describe('parseMessage date', () => {
  it('keeps a missing or unreadable Date as null (not "now"), so re-parsing gives the same dedupe key', async () => {
    const raw = simpleMessage({ messageId: 'nodate@x' })
      .toString()
      .replace(/^Date: .*\r\n/m, '');
    const first = await parseMessage(Buffer.from(raw));
    await new Promise((resolve) => setTimeout(resolve, 5));
    const second = await parseMessage(Buffer.from(raw));
    expect(first.date).toBeNull();
    expect(second.dedupeKey).toBe(first.dedupeKey);
  });
});

describe('htmlText', () => {
  it('gives the readable text of an HTML-only mail', async () => {
    const raw = Buffer.from(
      simpleMessage({ messageId: 'html@x' })
        .toString()
        .replace('text/plain', 'text/html')
        .replace(
          /\r\n\r\n[\s\S]*$/,
          '\r\n\r\n<html><head><style>p{color:red}</style></head><body><p>Dzie&#324; dobry,</p><p>cena:&nbsp;12&nbsp;z&#x142; &amp; VAT<br>Pozdrawiam</p><script>x()</script><table><tr><td>a</td><td>b</td></tr></table></body></html>\r\n',
        ),
    );
    const message = await parseMessage(raw);
    expect(message.text).toBe('Dzień dobry,\ncena: 12 zł & VAT\nPozdrawiam\na\tb');
    expect(message.html).toContain('<p>Dzie&#324; dobry,</p>');
  });
});
