// The signature of a webhook delivery, as a receiver checks it: HMAC-SHA256 with the shared signing
// secret over `<timestamp>.<body>` (the exact bytes sent), in the header
// `Tessera-Signature: t=<unix seconds>,v1=<hex>`. Binding the timestamp lets a receiver refuse
// replays older than a few minutes. Pure; receivers may copy it.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'tessera-signature';
export const DELIVERY_ID_HEADER = 'tessera-delivery-id';
export const EVENT_HEADER = 'tessera-event';

export function sign(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex');
}

export function signatureHeader(secret: string, timestamp: number, body: string): string {
  return `t=${timestamp},v1=${sign(secret, timestamp, body)}`;
}

/** Whether a header signs the body with the secret, no older than `toleranceSeconds`. */
export function verifySignature(secret: string, header: string, body: string, options: { now?: number; toleranceSeconds?: number } = {}): boolean {
  const parts = Object.fromEntries(header.split(',').map((part) => part.trim().split('=', 2) as [string, string]));
  const timestamp = Number(parts.t);
  if (!Number.isInteger(timestamp) || typeof parts.v1 !== 'string') return false;
  const now = options.now ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - timestamp) > (options.toleranceSeconds ?? 300)) return false;
  const expected = Buffer.from(sign(secret, timestamp, body), 'utf8');
  const given = Buffer.from(parts.v1, 'utf8');
  return expected.length === given.length && timingSafeEqual(expected, given);
}
