// The `send` action of the SMS connector (ConnectorAction): what a Node-RED `tessera-sms-send`
// node calls, as its identity. The same path as the compose dialog (queueSms with the caller as
// actor: the contact is read with the caller's rights, the activity is theirs), under the caller's
// idempotency key: a second call with the key answers the stored message and sends nothing.
import { TesseraError, type ConnectorAction, type JsonObject, type Problem } from '../../engine/connectors/index.ts';
import { queueSms } from './outbound.ts';

const TEXT_FIELDS = ['to', 'text', 'template', 'account', 'language'] as const;

function optionalText(input: JsonObject, name: string): string | null {
  const value = input[name];
  return typeof value === 'string' && value !== '' ? value : null;
}

/** The request's problems, one per bad value, with its pointer. */
export function smsActionProblems(input: JsonObject): Problem[] {
  const problems: Problem[] = TEXT_FIELDS.filter((k) => input[k] !== undefined && input[k] !== null && typeof input[k] !== 'string').map((k) => ({ pointer: `/${k}`, detail: 'must be a text' }));
  const record = input.record;
  if (record !== undefined && (typeof record !== 'object' || record === null || Array.isArray(record) || typeof record.entity !== 'string' || typeof record.id !== 'string')) problems.push({ pointer: '/record', detail: 'must be {entity, id}' });
  if (input.purpose !== undefined && input.purpose !== 'transactional' && input.purpose !== 'marketing') problems.push({ pointer: '/purpose', detail: 'must be transactional or marketing' });
  if (!input.to && !record) problems.push({ pointer: '/to', detail: 'give a number or a record' });
  return problems;
}

export const smsSendAction: ConnectorAction = {
  description: 'Sends an SMS (to a number or a record’s contact; a text or a template with values) through the outbox, as the caller.',
  async run(input, ctx, call) {
    const problems = smsActionProblems(input);
    if (problems.length > 0) throw new TesseraError('VALIDATION_FAILED', `invalid SMS: ${problems.map((p) => `${p.pointer} ${p.detail}`).join('; ')}`, { problems });
    const record = input.record as { entity: string; id: string } | undefined;
    const result = await queueSms(ctx, {
      to: optionalText(input, 'to'),
      record: record ? { entity: record.entity, id: record.id } : null,
      text: optionalText(input, 'text'),
      template: optionalText(input, 'template'),
      values: typeof input.values === 'object' && input.values !== null && !Array.isArray(input.values) ? input.values : {},
      language: optionalText(input, 'language'),
      account: optionalText(input, 'account'),
      purpose: input.purpose === 'marketing' || input.purpose === 'transactional' ? input.purpose : null,
      idempotencyKey: call.idempotencyKey,
      actor: call.actor,
    });
    if (!result.ok) {
      const first = result.problems[0]!;
      throw new TesseraError('VALIDATION_FAILED', `${first.code}: ${first.detail}`, { problems: result.problems.map((p) => ({ pointer: p.pointer, detail: p.detail, code: p.code })) });
    }
    const m = result.message;
    return { id: m.id, status: m.status, to: m.to_number, account: m.account, activityId: m.activity_id, purpose: m.purpose, created: result.created };
  },
};
