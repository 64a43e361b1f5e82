// The e-mail connector's own vocabulary: a message as parsed from MIME, independent of any engine type,
// so the pure parts (parse, sanitise, thread, link) and the sync engine share one shape.
import type { DeliveryReport } from './delivery-report.ts';

/** One mailbox address, `address` lower-cased and trimmed (the form every comparison uses). */
export interface MailAddress {
  readonly name: string;
  readonly address: string;
}

export interface MailAttachment {
  readonly filename: string;
  readonly contentType: string;
  readonly size: number;
  /** Content-ID without angle brackets, for `cid:` references from the HTML body. */
  readonly contentId: string | null;
  /** Shown inline (referenced from the HTML body) rather than listed as a file. */
  readonly inline: boolean;
  /** SHA-256 of the decoded bytes, hex. */
  readonly sha256: string;
  readonly content: Buffer;
}

export interface ParsedMessage {
  /** Message-ID without angle brackets, or null when the message has none. */
  readonly messageId: string | null;
  readonly inReplyTo: string | null;
  /** References, oldest first, without angle brackets. */
  readonly references: readonly string[];
  readonly subject: string;
  readonly date: Date | null;
  readonly from: readonly MailAddress[];
  readonly to: readonly MailAddress[];
  readonly cc: readonly MailAddress[];
  readonly bcc: readonly MailAddress[];
  readonly replyTo: readonly MailAddress[];
  readonly text: string;
  /** The HTML body as sent (unsanitised): sanitise with `sanitiseHtml` before display. */
  readonly html: string | null;
  readonly attachments: readonly MailAttachment[];
  /** SHA-256 over what makes the message the same message wherever it is stored (see message-identity.ts). */
  readonly contentHash: string;
  /** Message-ID + content hash: the same message in two folders or two accounts has one key. */
  readonly dedupeKey: string;
  /** Size of the raw message in bytes. */
  readonly size: number;
  /** What was wrong with the MIME, if anything (the message is still usable). */
  readonly problems: readonly string[];
  /** A bounce's delivery status notification (multipart/report; report-type=delivery-status). */
  readonly deliveryReport?: DeliveryReport | null;
}
