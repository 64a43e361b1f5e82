// A message of the outbox (every outbound channel: webhooks, e-mail, SMS) as the API shows it
// (GET /api/outbox) and the connectors page lists it: one declaration for the engine and the app.
export type OutboxState = 'queued' | 'sending' | 'sent' | 'delivered' | 'failed';
export const OUTBOX_STATES: readonly OutboxState[] = ['queued', 'sending', 'sent', 'delivered', 'failed'];

export interface OutboxEntry<Payload = unknown> {
  readonly id: string;
  readonly connectorId: string;
  readonly channel: string;
  readonly recipient: string;
  readonly payload: Payload;
  readonly idempotencyKey: string;
  readonly state: OutboxState;
  readonly attempts: number;
  readonly maxAttempts: number;
  readonly lastStatus: number | null;
  readonly lastError: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly nextAttemptAt: string | null;
  readonly sentAt: string | null;
}
