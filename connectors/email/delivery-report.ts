// Delivery status notifications (RFC 3464): a bounce arrives as multipart/report;
// report-type=delivery-status with a per-recipient block (Final-Recipient, Action, Status,
// Diagnostic-Code) and the original message's headers (text/rfc822-headers or message/rfc822).
// mailparser folds the message/delivery-status part into the text, so the fields are read from
// there; the original Message-ID from the returned headers. Pure: no I/O.
import type { MailAttachment } from './message.ts';

export interface BouncedRecipient {
  /** Lower-cased address of Final-Recipient (or Original-Recipient). */
  readonly address: string;
  /** failed, delayed, delivered, relayed or expanded. */
  readonly action: string;
  /** The enhanced status code, e.g. 5.1.1. */
  readonly status: string;
  /** Diagnostic-Code without its type ("smtp; "), e.g. "550 5.1.1 User unknown"; '' when none. */
  readonly diagnostic: string;
  /** The SMTP reply code of the diagnostic (550), else null. */
  readonly smtpCode: number | null;
}

export interface DeliveryReport {
  /** Message-ID of the message the report is about, without angle brackets; null when not returned. */
  readonly originalMessageId: string | null;
  readonly recipients: readonly BouncedRecipient[];
}

const RETURNED_HEADERS = new Set(['text/rfc822-headers', 'message/rfc822', 'message/global-headers', 'message/global']);

/** Header-style lines with continuation lines joined (RFC 5322 folding). */
function unfold(text: string): string[] {
  return text.replace(/\r\n/g, '\n').replace(/\n[ \t]+/g, ' ').split('\n');
}

const afterType = (value: string) => (value.includes(';') ? value.slice(value.indexOf(';') + 1) : value).trim();

/** The per-recipient blocks of a delivery-status text. */
export function recipientsOf(text: string): BouncedRecipient[] {
  const result: BouncedRecipient[] = [];
  let current: { address: string; action: string; status: string; diagnostic: string } | null = null;
  const close = () => {
    if (current?.address) {
      const code = /^([245]\d\d)\b/.exec(current.diagnostic)?.[1];
      result.push({ ...current, smtpCode: code ? Number(code) : null });
    }
    current = null;
  };
  for (const line of unfold(text)) {
    const field = /^([A-Za-z-]+):\s*(.*)$/.exec(line);
    if (!field) {
      if (line.trim() === '') close();
      continue;
    }
    const name = field[1]!.toLowerCase();
    const value = field[2]!.trim();
    if (name === 'final-recipient' || (name === 'original-recipient' && !current)) {
      if (name === 'final-recipient') close();
      current ??= { address: '', action: '', status: '', diagnostic: '' };
      current.address = afterType(value).replace(/^<|>$/g, '').toLowerCase();
    } else if (current && name === 'action') current.action = value.toLowerCase();
    else if (current && name === 'status') current.status = value.split(/\s/)[0] ?? '';
    else if (current && name === 'diagnostic-code') current.diagnostic = afterType(value);
  }
  close();
  return result;
}

/** The Message-ID of returned headers (the first header block of the part). */
export function returnedMessageId(content: string): string | null {
  const headers = content.replace(/\r\n/g, '\n').split('\n\n')[0] ?? '';
  const id = unfold(headers).map((line) => /^message-id:\s*<?([^>\s]+)>?/i.exec(line)?.[1]).find(Boolean);
  return id ?? null;
}

/**
 * The delivery report of a message, or null when it is not one: `contentType` is the message's
 * Content-Type value and its report-type parameter.
 */
export function deliveryReportOf(contentType: { value: string; reportType: string | null }, text: string, attachments: readonly MailAttachment[], inReplyTo: string | null): DeliveryReport | null {
  if (contentType.value.toLowerCase() !== 'multipart/report' || contentType.reportType?.toLowerCase() !== 'delivery-status') return null;
  const recipients = recipientsOf(text);
  if (recipients.length === 0) return null;
  const returned = attachments.find((a) => RETURNED_HEADERS.has(a.contentType.toLowerCase()));
  return { originalMessageId: (returned ? returnedMessageId(returned.content.toString('utf8')) : null) ?? inReplyTo, recipients };
}
