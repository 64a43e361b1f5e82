// Outgoing webhooks: subscriptions (entity type, events, optional FEEL filter) POST a signed JSON
// payload for each matching record change. The message is written to the outbox in the record's own
// transaction (a rolled-back change sends nothing), then sent with retries and exponential backoff;
// the outbox rows of a subscription are its delivery log. After `maxConsecutiveFailures` deliveries
// in a row have failed for good, the subscription is disabled and the administrators are notified.
// Reference: docs/connectors.md#webhooks.
import { SendFailure, feelConditionHolds, recordFeelContext, type Connector, type ConnectorContext, type JsonObject, type OutboxMessage, type RecordChange } from '../../engine/connectors/index.ts';
import type { Knex } from 'knex';
import { DELIVERY_ID_HEADER, EVENT_HEADER, SIGNATURE_HEADER, signatureHeader } from './signature.ts';

export const WEBHOOKS = 'webhooks';
export const EVENTS = ['create', 'update', 'delete', 'restore'] as const;

export interface Subscription {
  readonly id: string;
  readonly url: string;
  readonly entity: string;
  readonly events: readonly string[];
  readonly filter?: string;
  readonly enabled?: boolean;
  readonly disabledReason?: string;
}

interface WebhooksConfig {
  readonly signingSecret?: string;
  readonly subscriptions?: readonly Subscription[];
  readonly maxConsecutiveFailures?: number;
  readonly maxAttempts?: number;
  readonly retryDelaySeconds?: number;
  readonly timeoutSeconds?: number;
}

const labels = (pl: string, en: string, ro: string) => ({ 'x-labels': { pl, en, ro }, title: en });

export const configSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    signingSecret: { type: 'string', writeOnly: true, minLength: 16, maxLength: 200, ...labels('Sekret podpisu', 'Signing secret', 'Secret de semnare') },
    maxConsecutiveFailures: { type: 'integer', minimum: 1, maximum: 100, default: 5, ...labels('Wyłącz po tylu nieudanych dostawach z rzędu', 'Disable after this many failed deliveries in a row', 'Dezactivează după atâtea livrări eșuate la rând') },
    maxAttempts: { type: 'integer', minimum: 1, maximum: 20, default: 6, ...labels('Próby jednej dostawy', 'Attempts per delivery', 'Încercări per livrare') },
    retryDelaySeconds: { type: 'number', minimum: 0.1, maximum: 3600, default: 10, ...labels('Pierwsze ponowienie po (s), potem dwa razy dłużej', 'First retry after (s), then twice as long each time', 'Prima reîncercare după (s), apoi de două ori mai mult') },
    timeoutSeconds: { type: 'number', minimum: 0.1, maximum: 60, default: 10, ...labels('Limit czasu odpowiedzi (s)', 'Response timeout (s)', 'Timp limită de răspuns (s)') },
    subscriptions: {
      type: 'array',
      maxItems: 200,
      ...labels('Subskrypcje', 'Subscriptions', 'Abonamente'),
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'url', 'entity', 'events'],
        properties: {
          id: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,39}$', ...labels('Identyfikator', 'Id', 'Identificator') },
          url: { type: 'string', format: 'uri', pattern: '^https?://', maxLength: 2000, ...labels('Adres URL', 'URL', 'Adresă URL') },
          entity: { type: 'string', minLength: 1, maxLength: 64, ...labels('Typ rekordu', 'Record type', 'Tip de înregistrare') },
          events: { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string', enum: [...EVENTS] }, ...labels('Zdarzenia', 'Events', 'Evenimente') },
          filter: { type: 'string', maxLength: 2000, ...labels('Filtr FEEL (opcjonalny)', 'FEEL filter (optional)', 'Filtru FEEL (opțional)') },
          enabled: { type: 'boolean', default: true, ...labels('Włączona', 'Enabled', 'Activat') },
          disabledReason: { type: 'string', maxLength: 500, ...labels('Powód wyłączenia', 'Why it was disabled', 'Motivul dezactivării') },
        },
      },
    },
  },
} as const;

async function settingsOf(ctx: ConnectorContext, trx?: Knex.Transaction): Promise<WebhooksConfig> {
  return (await ctx.settings(trx)).config as WebhooksConfig;
}

/** Subscriptions a record change is for: entity, event and filter (on the record after the change; before it for a delete). */
export function matchingSubscriptions(subscriptions: readonly Subscription[], change: Pick<RecordChange, 'entity' | 'action' | 'record'>, log: (message: string) => void): Subscription[] {
  return subscriptions.filter((s) => {
    if (s.enabled === false || s.entity !== change.entity || !s.events.includes(change.action)) return false;
    if (!s.filter || s.filter.trim() === '') return true;
    try {
      return feelConditionHolds(s.filter, recordFeelContext(Object.keys(change.record), change.record));
    } catch (error) {
      log(`subscription ${s.id}: the filter failed (${error instanceof Error ? error.message : String(error)}); nothing sent`);
      return false;
    }
  });
}

async function onRecordChange(trx: Knex.Transaction, change: RecordChange, ctx: ConnectorContext): Promise<void> {
  const config = await settingsOf(ctx, trx);
  const matches = matchingSubscriptions(config.subscriptions ?? [], change, (m) => ctx.log(m));
  if (matches.length === 0) return;
  const id = String(change.record.id);
  const version = String(change.record.version ?? '');
  const payload: JsonObject = {
    event: `${change.entity}.${change.action}`,
    entity: change.entity,
    action: change.action,
    recordId: id,
    record: JSON.parse(JSON.stringify(change.record)) as JsonObject,
    changes: JSON.parse(JSON.stringify(change.changes)) as JsonObject,
    actor: change.actor.userId,
    occurredAt: new Date().toISOString(),
  };
  await ctx.enqueue(
    trx,
    matches.map((s) => ({ channel: WEBHOOKS, recipient: s.id, payload, idempotencyKey: `${s.id}:${change.entity}:${id}:${version}:${change.action}`, maxAttempts: config.maxAttempts ?? 6 })),
  );
}

async function send(message: OutboxMessage, ctx: ConnectorContext): Promise<{ state: 'sent'; status: number }> {
  const config = await settingsOf(ctx);
  const subscription = (config.subscriptions ?? []).find((s) => s.id === message.recipient);
  if (!subscription) throw new SendFailure(`the subscription ${message.recipient} no longer exists`, { retryable: false });
  if (subscription.enabled === false) throw new SendFailure(`the subscription ${message.recipient} is disabled`, { retryable: false });
  if (!config.signingSecret) throw new SendFailure('the webhooks connector has no signing secret', { retryable: false });
  // The delivery's id is the outbox message's: the same on every retry, so receivers can drop repeats.
  const body = JSON.stringify({ ...message.payload, id: message.id });
  const timestamp = Math.floor(Date.now() / 1000);
  let response: Response;
  const timeout = AbortSignal.timeout((config.timeoutSeconds ?? 10) * 1000);
  try {
    response = await fetch(subscription.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Tessera-Webhooks/1',
        [DELIVERY_ID_HEADER]: message.id,
        [EVENT_HEADER]: String(message.payload.event ?? ''),
        [SIGNATURE_HEADER]: signatureHeader(config.signingSecret, timestamp, body),
      },
      body,
      redirect: 'manual',
      signal: timeout,
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    const what = timeout.aborted ? `no response within ${config.timeoutSeconds ?? 10} s` : `${error instanceof Error ? error.message : String(error)}${cause ? ` (${cause})` : ''}`;
    throw new SendFailure(what);
  }
  await response.body?.cancel().catch(() => undefined);
  if (response.status >= 200 && response.status < 300) return { state: 'sent', status: response.status };
  throw new SendFailure(`the receiver answered ${response.status}`, { status: response.status });
}

/** After a delivery failed for good: disable the subscription once its last N deliveries all failed. */
async function deliveryFailed(message: OutboxMessage, _error: string, ctx: ConnectorContext): Promise<void> {
  const config = await settingsOf(ctx);
  const limit = config.maxConsecutiveFailures ?? 5;
  const last = (await ctx.knex('tessera.outbox')
    .where({ channel: WEBHOOKS, recipient: message.recipient })
    .whereIn('state', ['sent', 'delivered', 'failed'])
    .orderBy('updated_at', 'desc')
    .limit(limit)
    .select('state')) as { state: string }[];
  if (last.length < limit || last.some((r) => r.state !== 'failed')) return;
  const subscription = (config.subscriptions ?? []).find((s) => s.id === message.recipient);
  if (!subscription || subscription.enabled === false) return;
  const reason = `${limit} deliveries in a row failed (last at ${new Date().toISOString()})`;
  await ctx.updateConfig(
    (current) => ({
      ...current,
      subscriptions: ((current.subscriptions ?? []) as unknown as Subscription[]).map((s) => (s.id === message.recipient ? { ...s, enabled: false, disabledReason: reason } : s)) as unknown as JsonObject[],
    }),
    `subscription ${message.recipient} disabled: ${reason}`,
  );
  await ctx.notifyAdmins(
    { pl: `Webhook „${message.recipient}” wyłączony`, en: `Webhook "${message.recipient}" disabled`, ro: `Webhook „${message.recipient}” dezactivat` },
    {
      pl: `${limit} dostaw z rzędu nie powiodło się (${subscription.url}). Sprawdź odbiorcę i włącz subskrypcję w Ustawieniach → Konektory.`,
      en: `${limit} deliveries in a row failed (${subscription.url}). Check the receiver and enable the subscription again in Settings → Connectors.`,
      ro: `${limit} livrări la rând au eșuat (${subscription.url}). Verificați destinatarul și reactivați abonamentul în Setări → Conectori.`,
    },
  );
}

export const webhooks: Connector = {
  id: WEBHOOKS,
  label: { pl: 'Webhooki wychodzące', en: 'Outgoing webhooks', ro: 'Webhook-uri de ieșire' },
  description: {
    pl: 'Wysyła podpisany JSON (HMAC-SHA256) pod adres URL przy każdej zmianie rekordów wybranego typu.',
    en: 'POSTs signed JSON (HMAC-SHA256) to a URL on each change of records of a chosen type.',
    ro: 'Trimite JSON semnat (HMAC-SHA256) la o adresă URL la fiecare modificare a înregistrărilor de un anumit tip.',
  },
  configSchema,
  uiSchema: { signingSecret: { 'ui:widget': 'password' }, subscriptions: { items: { filter: { 'ui:widget': 'textarea' }, disabledReason: { 'ui:readonly': true } } } },
  channels: [
    {
      id: WEBHOOKS,
      send,
      failed: deliveryFailed,
      async configuredBackoff(ctx) {
        const config = await settingsOf(ctx);
        return { initialMs: (config.retryDelaySeconds ?? 10) * 1000, factor: 2, maxMs: 60 * 60_000 };
      },
    },
  ],
  onRecordChange,
};
