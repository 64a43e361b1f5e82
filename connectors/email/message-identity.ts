// Which stored message a fetched one is. Message-ID alone is not enough: some senders reuse one ID for
// different mails, and some mail has none. The raw bytes are not enough either: the same mail delivered
// to two accounts carries different Received/Delivered-To headers, and a server may re-fold headers. So
// the key is the Message-ID plus a hash of what the author wrote (addresses, date, subject, bodies,
// attachment bytes), never of transport headers.
import { createHash } from 'node:crypto';
import type { MailAddress } from './message.ts';

export interface IdentityParts {
  readonly messageId: string | null;
  readonly date: Date | null;
  readonly subject: string;
  readonly from: readonly MailAddress[];
  readonly to: readonly MailAddress[];
  readonly cc: readonly MailAddress[];
  readonly text: string;
  readonly html: string | null;
  readonly attachmentHashes: readonly string[];
}

const addresses = (list: readonly MailAddress[]) => list.map((a) => a.address).join(',');

/** Line endings and trailing blanks differ between servers and transfer encodings; content does not. */
const normaliseBody = (body: string) =>
  body
    .replace(/\r\n?/g, '\n')
    .replace(/[ \t]+$/gm, '')
    .trim();

export function contentHash(parts: IdentityParts): string {
  const hash = createHash('sha256');
  for (const piece of [
    parts.date ? String(parts.date.getTime()) : '',
    parts.subject.trim(),
    addresses(parts.from),
    addresses(parts.to),
    addresses(parts.cc),
    normaliseBody(parts.text),
    normaliseBody(parts.html ?? ''),
    ...parts.attachmentHashes,
  ]) {
    hash.update(piece);
    hash.update('\0');
  }
  return hash.digest('hex');
}

export function dedupeKey(messageId: string | null, hash: string): string {
  return `${messageId ?? ''}|${hash}`;
}
