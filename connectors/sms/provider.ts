// What the three providers (GSM modem, SMSAPI.pl, Twilio) have in common. The outbox calls `send`
// and records the provider id and parts; later status changes arrive through the ports
// (ports.ts) from delivery reports or HTTP callbacks.
import type { SmsErrorInfo } from './errors.ts';

export type SmsStatus = 'queued' | 'sent' | 'delivered' | 'failed' | 'expired';

export interface OutgoingSms {
  /** The outbox's id for this message; providers that deduplicate (SMSAPI `idx`) get it. */
  messageId: string;
  /** E.164 (normalise with phone-numbers.ts first). */
  to: string;
  text: string;
  /** Sender name or number when the account allows choosing one. */
  from?: string;
}

export interface SendResult {
  /** The provider's id for the message (modem: `modem:<ref>`, the concatenation reference). */
  providerId: string;
  /** Parts billed/sent. */
  parts: number;
  /** Per-part ids where the provider has them (modem: the TP-MR of each part). */
  partIds: string[];
  status: SmsStatus;
}

export interface StatusUpdate {
  providerId: string;
  /** The part concerned, when the provider reports per part (modem). */
  partId?: string;
  /** The part's index in the message and its own status (modem): kept in the database, so a report
   * after a restart combines with the parts reported before it. */
  part?: { index: number; status: SmsStatus };
  status: SmsStatus;
  /** When the provider says it happened (ISO), or when we learnt it. */
  at: string;
  /** The provider's raw status, for the log. */
  providerStatus: string;
  error: SmsErrorInfo | null;
}

export interface SmsProvider {
  readonly kind: 'modem' | 'smsapi' | 'twilio';
  /** Resolves once the provider took the message; rejects with SmsError (see `retry`). */
  send(message: OutgoingSms): Promise<SendResult>;
  close?(): Promise<void>;
}

/** The status of a whole message from the statuses of its parts: delivered when every part is,
 * failed/expired as soon as one is, queued while none has left, else sent. */
export function combinePartStatuses(statuses: readonly SmsStatus[]): SmsStatus {
  if (statuses.includes('failed')) return 'failed';
  if (statuses.includes('expired')) return 'expired';
  if (statuses.every((s) => s === 'queued')) return 'queued';
  if (statuses.every((s) => s === 'delivered')) return 'delivered';
  return 'sent';
}
