// Raw MIME → ParsedMessage with mailparser. Never throws for input: broken MIME yields what could be read
// plus `problems`, because one unreadable message must not stop a mailbox's sync.
import { createHash } from 'node:crypto';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import { deliveryReportOf } from './delivery-report.ts';
import type { MailAddress, MailAttachment, ParsedMessage } from './message.ts';
import { contentHash, dedupeKey } from './message-identity.ts';

/** `<a@b>` → `a@b`; empty → null. */
export function bareMessageId(value: string | undefined | null): string | null {
  if (!value) return null;
  const trimmed = value.trim().replace(/^<+/, '').replace(/>+$/, '').trim();
  return trimmed ? trimmed : null;
}

/** A References/In-Reply-To header value (string or list, possibly several ids in one string) → ids. */
export function messageIdList(value: string | readonly string[] | undefined | null): string[] {
  if (!value) return [];
  const joined = typeof value === 'string' ? value : value.join(' ');
  const bracketed = joined.match(/<[^<>\s]+>/g);
  const tokens = bracketed ?? joined.split(/\s+/);
  return tokens.map((token) => bareMessageId(token)).filter((id): id is string => id !== null);
}

function flattenAddresses(value: AddressObject | AddressObject[] | undefined): MailAddress[] {
  if (!value) return [];
  const objects = Array.isArray(value) ? value : [value];
  const out: MailAddress[] = [];
  const visit = (entry: { address?: string | undefined; name: string; group?: (typeof entry)[] | undefined }) => {
    if (entry.group) entry.group.forEach(visit);
    else if (entry.address) out.push({ name: entry.name ?? '', address: entry.address.trim().toLowerCase() });
  };
  for (const object of objects) object.value.forEach(visit);
  return out;
}

function attachmentsOf(mail: ParsedMail): MailAttachment[] {
  return mail.attachments.map((attachment, index) => ({
    filename: attachment.filename ?? `attachment-${index + 1}`,
    contentType: attachment.contentType || 'application/octet-stream',
    size: attachment.content.length,
    contentId: bareMessageId(attachment.contentId ?? attachment.cid ?? null),
    inline: attachment.related || attachment.contentDisposition === 'inline',
    sha256: createHash('sha256').update(attachment.content).digest('hex'),
    content: attachment.content,
  }));
}

const ENTITIES: Record<string, string> = { nbsp: ' ', amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Readable text of an HTML body: blocks become lines, tags and invisible parts go, entities decoded. */
export function htmlText(html: string): string {
  return html
    .replace(/<(script|style|head|title|template)\b[\s\S]*?<\/\1\s*>/gi, '')
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|tr|li|h[1-6]|table|blockquote)\s*>/gi, '\n')
    .replace(/<\/t[dh]\s*>/gi, '\t')
    .replace(/<[^>]*>/g, '')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (entity, code: string) => {
      if (code[0] === '#') {
        const point = code[1] === 'x' || code[1] === 'X' ? parseInt(code.slice(2), 16) : parseInt(code.slice(1), 10);
        return Number.isFinite(point) && point > 0 && point <= 0x10ffff ? String.fromCodePoint(point) : entity;
      }
      return ENTITIES[code.toLowerCase()] ?? entity;
    })
    .replace(/[ \t\u00a0]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

// mailparser replaces a missing or unreadable Date with the current time; that would make the content
// hash (and so the dedupe key) differ on every fetch of the same message. Read the header itself.
function headerDate(mail: ParsedMail): Date | null {
  const line = mail.headerLines.find((entry) => entry.key === 'date')?.line;
  if (!line) return null;
  const value = line
    .slice(line.indexOf(':') + 1)
    .replace(/\s+/g, ' ')
    .trim();
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

export async function parseMessage(raw: Buffer): Promise<ParsedMessage> {
  const problems: string[] = [];
  let mail: ParsedMail | null = null;
  try {
    // skipTextToHtml: the plain text stays text; generating HTML from it would only add a body to sanitise.
    // skipHtmlToText: mailparser's html-to-text costs more than the rest of the parse together (bench);
    // the text of an HTML-only mail (for search and previews) comes from htmlText below instead.
    mail = await simpleParser(raw, { skipTextToHtml: true, skipImageLinks: true, skipHtmlToText: true });
  } catch (error) {
    problems.push(`unparseable MIME: ${(error as Error).message}`);
  }
  if (!mail) {
    const text = raw.toString('latin1');
    return finish({
      messageId: null,
      inReplyTo: null,
      references: [],
      subject: '',
      date: null,
      from: [],
      to: [],
      cc: [],
      bcc: [],
      replyTo: [],
      text,
      html: null,
      attachments: [],
      size: raw.length,
      problems,
    });
  }
  const date = headerDate(mail);
  if (mail.headerLines.some((line) => line.key === 'date') && !date) problems.push('unreadable Date header');
  if (!mail.messageId) problems.push('no Message-ID');
  const attachments = attachmentsOf(mail);
  const inReplyTo = messageIdList(mail.inReplyTo)[0] ?? null;
  const contentType = mail.headers.get('content-type') as { value?: string; params?: Record<string, string> } | undefined;
  return finish({
    messageId: bareMessageId(mail.messageId),
    inReplyTo,
    references: messageIdList(mail.references),
    subject: mail.subject ?? '',
    date,
    from: flattenAddresses(mail.from),
    to: flattenAddresses(mail.to),
    cc: flattenAddresses(mail.cc),
    bcc: flattenAddresses(mail.bcc),
    replyTo: flattenAddresses(mail.replyTo),
    text: mail.text || (typeof mail.html === 'string' ? htmlText(mail.html) : ''),
    html: typeof mail.html === 'string' ? mail.html : null,
    attachments,
    size: raw.length,
    problems,
    deliveryReport: contentType?.value ? deliveryReportOf({ value: contentType.value, reportType: contentType.params?.['report-type'] ?? null }, mail.text ?? '', attachments, inReplyTo) : null,
  });
}

function finish(message: Omit<ParsedMessage, 'contentHash' | 'dedupeKey'>): ParsedMessage {
  const hash = contentHash({ ...message, attachmentHashes: message.attachments.map((a) => a.sha256) });
  return { ...message, contentHash: hash, dedupeKey: dedupeKey(message.messageId, hash) };
}
