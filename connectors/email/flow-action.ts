// The `send` action of the e-mail connector (ConnectorAction): what a Node-RED `tessera-email-send`
// node calls, as its identity. The rules of the compose dialog: the caller must be allowed to send
// from the account (their own personal account, or a shared one they may read); a template is
// filled with the record read with the caller's rights; the message is linked to that record when
// the caller may read it. Queued in the outbox under the caller's idempotency key (once per key).
import { TesseraError, type Actor, type ConnectorAction, type ConnectorContext, type JsonObject, type JsonValue, type Problem } from '../../engine/connectors/index.ts';
import { ACCOUNT_ENTITY } from './metadata.ts';
import { queueMail } from './outbound.ts';
import { addresses, usableAccount } from './routes.ts';
import { TemplateProblem } from './template-render.ts';
import { findTemplate, renderFor, templateData } from './templates.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const invalid = (problems: Problem[]) => new TesseraError('VALIDATION_FAILED', problems.map((p) => `${p.pointer}: ${p.detail}`).join('; '), { problems });
const str = (value: JsonValue | undefined): string | null => (typeof value === 'string' && value.trim() !== '' ? value : null);

/** An account given by its address is looked up (without rights: whether the caller may use it is checked next). */
async function accountRef(ctx: ConnectorContext, ref: string | null): Promise<string | null> {
  if (!ref || UUID.test(ref)) return ref;
  const { data } = await ctx.records.list({ actor: { userId: null, via: 'system' } }, ACCOUNT_ENTITY, { filter: { address: ref.toLowerCase() }, limit: 1 }).catch(() => ({ data: [] }));
  return data[0] ? String(data[0].id) : ref;
}

async function readable(ctx: ConnectorContext, actor: Actor, record: { entity: string; id: string }): Promise<boolean> {
  return (await ctx.records.get({ actor }, record.entity, record.id, { fields: ['id'] }).catch(() => null)) !== null;
}

export const emailSendAction: ConnectorAction = {
  description: 'Sends an e-mail from a mail account the caller may use (a subject and text/html, or a template filled with a record), through the outbox.',
  async run(input, ctx, call) {
    const { actor } = call;
    const problems: Problem[] = [];
    const to = addresses(input.to, '/to', problems);
    const cc = addresses(input.cc, '/cc', problems);
    const bcc = addresses(input.bcc, '/bcc', problems);
    if (to.length === 0 && !problems.some((p) => p.pointer === '/to')) problems.push({ pointer: '/to', detail: 'give at least one recipient', code: 'REQUIRED' });
    const ref = input.record;
    const record = ref && typeof ref === 'object' && !Array.isArray(ref) && typeof ref.entity === 'string' && typeof ref.id === 'string' ? { entity: ref.entity, id: ref.id } : null;
    if (ref !== undefined && !record) problems.push({ pointer: '/record', detail: 'must be {entity, id}' });
    else if (record && !(await readable(ctx, actor, record))) problems.push({ pointer: '/record', detail: 'not a record you can read', code: 'REFERENCE_NOT_FOUND' });
    const templateRef = str(input.template);
    if (!templateRef && !str(input.subject)) problems.push({ pointer: '/subject', detail: 'give a subject or a template', code: 'REQUIRED' });
    if (problems.length > 0) throw invalid(problems);
    const account = await usableAccount(ctx, actor, await accountRef(ctx, str(input.account)), '/account');
    let subject = str(input.subject) ?? '';
    let html = str(input.html);
    let text = typeof input.text === 'string' ? input.text : '';
    if (templateRef) {
      const template = await findTemplate(ctx, templateRef, str(input.language));
      if (!template) throw invalid([{ pointer: '/template', detail: `no e-mail template ${templateRef}`, code: 'REFERENCE_NOT_FOUND' }]);
      const data = record ? await templateData(ctx, actor, record.entity, record.id) : {};
      try {
        ({ subject, html, text } = renderFor(template, data));
      } catch (error) {
        if (error instanceof TemplateProblem) throw invalid([{ pointer: '/template', detail: error.message, code: error.code }]);
        throw error;
      }
    }
    if (subject.length > 300) throw invalid([{ pointer: '/subject', detail: 'at most 300 characters', code: 'MAXLENGTH', params: { limit: 300 } }]);
    const links = record && ctx.records.runtime.entity('activity').entity.fieldsByName.has(record.entity) ? { [record.entity]: record.id } : {};
    const queued = await queueMail(ctx, null, { account: account.id, userId: actor.userId, to, cc, bcc, subject, html, text, links }, call.idempotencyKey);
    return { queued, idempotencyKey: call.idempotencyKey, account: account.id } as JsonObject;
  },
};
