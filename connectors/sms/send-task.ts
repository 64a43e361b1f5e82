// The BPMN task type `sms:send` and the `sms` notification channel. The task queues the message
// through the outbox (idempotent per task activation), waits until the provider took it, and
// raises a BPMN error the model can catch when it failed for good; while it keeps failing in ways
// a retry can fix, the attempt fails and the task is retried, then becomes an incident.
import { TaskBpmnError, type ConnectorContext, type ConnectorTaskType, type JsonObject, type JsonValue } from '../../engine/connectors/index.ts';
import { messageByKey } from './message-store.ts';
import { type QueueResult, type SmsRequest, SYSTEM, queueSms, queueSmsMany } from './outbound.ts';

const WAIT_MS = 20_000;

function text(parameters: JsonObject, name: string): string | null {
  const v = parameters[name];
  return typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : null;
}

function isRef(v: JsonValue | undefined): v is { entity: string; id: string } {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && typeof v.entity === 'string' && typeof v.id === 'string';
}

export const sendTask: ConnectorTaskType = {
  type: 'sms:send',
  mode: 'job',
  description:
    'Sends an SMS through the outbox and waits until the provider took it: parameters to (a number) or record ({entity, id}; default: the instance record), text or template (+ values, language), account, purpose (transactional | marketing), resultVariable. Raises SMS_FAILED (or the refusal code, e.g. SMS_OPTED_OUT, SMS_INVALID_NUMBER) as a BPMN error.',
  timeoutSeconds: 60,
  concurrency: 8,
  async handler(input, ctx) {
    const p = input.parameters;
    const record = isRef(p.record) ? p.record : ctx.record ?? null;
    const values = (typeof p.values === 'object' && p.values !== null && !Array.isArray(p.values) ? p.values : input.variables) as JsonObject;
    const key = `bpmn:${ctx.idempotencyKey}`;
    const queued = await queueSms(ctx.connector, {
      to: text(p, 'to'),
      record,
      text: text(p, 'text'),
      template: text(p, 'template'),
      values,
      language: text(p, 'language'),
      account: text(p, 'account'),
      purpose: p.purpose === 'marketing' ? 'marketing' : 'transactional',
      idempotencyKey: key,
      actor: { userId: null, via: 'workflow' },
    });
    if (!queued.ok) {
      const first = queued.problems[0]!;
      throw new TaskBpmnError(bpmnCode(first.code), `${first.code}: ${first.detail}`, { smsError: first.code });
    }
    const resultVariable = text(p, 'resultVariable') ?? 'sms';
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      const row = await messageByKey(ctx.connector.knex, key);
      if (row && row.status !== 'queued') {
        if (row.status === 'failed' || row.status === 'expired') throw new TaskBpmnError('SMS_FAILED', `${row.error_code ?? row.status}: the SMS to ${row.to_number} failed`, { smsError: row.error_code ?? row.status });
        return { [resultVariable]: { id: row.id, status: row.status, to: row.to_number, parts: row.parts, activityId: row.activity_id } };
      }
      if (Date.now() > deadline || ctx.signal.aborted) throw new Error(`the SMS is still queued${row?.error_code ? ` (${row.error_code})` : ''}; trying again`);
      await new Promise((r) => setTimeout(r, 200));
    }
  },
};

/** sms.error.optedOut → SMS_OPTED_OUT; phone.invalid → SMS_INVALID_NUMBER. */
export function bpmnCode(code: string): string {
  if (code.startsWith('phone.')) return 'SMS_INVALID_NUMBER';
  const tail = code.replace(/^sms\.(error\.)?/, '').replace(/\./g, '_');
  return `SMS_${tail.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase()}`;
}

/** Takes the `sms` rows of the notifications outbox (tessera:notify, e.g. the service order's
 * "ready for pick-up") and queues each as an SMS; the row is settled when the SMS is delivered or
 * fails. A row that cannot be sent at all (no number) fails at once. */
export async function takeNotifications(ctx: ConnectorContext, limit = 100): Promise<number> {
  const rows = (await ctx.knex('tessera.notifications as n')
    .where({ 'n.channel': 'sms', 'n.status': 'pending' })
    .whereNotExists((q) => q.select(ctx.knex.raw('1')).from('tessera.sms_messages as m').whereRaw('m.notification_id = n.id'))
    .orderBy('n.id')
    .limit(limit)
    .select('n.id', 'n.address', 'n.subject', 'n.body', 'n.recipient_entity', 'n.recipient_id', 'n.record_entity', 'n.record_id')) as { id: string | number; address: string | null; subject: string; body: string | null; recipient_entity: string | null; recipient_id: string | null; record_entity: string | null; record_id: string | null }[];
  const requests = rows.map((n): SmsRequest => {
    const about = n.record_entity && n.record_id ? { entity: n.record_entity, id: n.record_id } : null;
    const record = n.recipient_entity && n.recipient_id ? { entity: n.recipient_entity, id: n.recipient_id } : about;
    return {
      ...(about && record !== about ? { alsoLink: [about] } : {}),
      to: n.address,
      record,
      text: n.body ? `${n.subject}\n${n.body}` : n.subject,
      idempotencyKey: `notification:${n.id}`,
      actor: SYSTEM,
      notificationId: Number(n.id),
    };
  });
  // All in one transaction (one activity insert for all); if that is refused, one by one, so a bad
  // row fails alone.
  const unknown = (error: unknown): QueueResult => ({ ok: false, problems: [{ code: 'sms.error.unknown', detail: error instanceof Error ? error.message : String(error), pointer: '' }] });
  const results = await queueSmsMany(ctx, requests).catch(async () => {
    const one: QueueResult[] = [];
    for (const request of requests) one.push(await queueSms(ctx, request).catch(unknown));
    return one;
  });
  let queued = 0;
  for (const [i, result] of results.entries()) {
    const n = rows[i]!;
    if (result.ok) queued++;
    else {
      ctx.log(`notification ${n.id}: not sent by SMS (${result.problems[0]!.code}: ${result.problems[0]!.detail})`);
      await ctx.knex('tessera.notifications').where({ id: n.id }).update({ status: 'failed' });
    }
  }
  return queued;
}
