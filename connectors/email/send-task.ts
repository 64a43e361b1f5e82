// BPMN task type `email:send` (inline: the message is queued in the step's transaction, so a step that
// rolls back sends nothing). Parameters (input mappings, FEEL): `account` (an email_account id or its
// address), `to` (an address, a list of them), `cc`, then either `template` (a template id or code;
// `language`) rendered with the `record` ({entity, id}; default: the instance's record), or `subject`
// with `html`/`text`. The message is linked to the record. Wrong parameters raise EMAIL_SEND_INVALID.
import { TaskBpmnError, type ConnectorContext, type ConnectorTaskType, type JsonObject, type JsonValue } from '../../engine/connectors/index.ts';
import type { Knex } from 'knex';
import { ACCOUNT_ENTITY } from './metadata.ts';
import type { MailAddress } from './message.ts';
import { queueMail } from './outbound.ts';
import { TemplateProblem } from './template-render.ts';
import { findTemplate, renderFor, templateData } from './templates.ts';

const SYSTEM = { actor: { userId: null, via: 'system' as const } };
const ADDRESS = /^[^\s@<>]+@[^\s@<>]+$/;

const invalid = (message: string) => new TaskBpmnError('EMAIL_SEND_INVALID', message);

/** "a@x.pl", "Ann <a@x.pl>", ["a@x.pl", …], [{name, address}] → addresses; throws on a bad one. */
export function addressList(value: JsonValue | undefined, name: string): MailAddress[] {
  if (value === undefined || value === null || value === '') return [];
  const items = Array.isArray(value) ? value : typeof value === 'string' ? value.split(/[,;]/) : [value];
  return items.flatMap((item): MailAddress[] => {
    if (typeof item === 'string') {
      const trimmed = item.trim();
      if (!trimmed) return [];
      const match = /^(.*)<([^>]+)>$/.exec(trimmed);
      const address = (match ? match[2]! : trimmed).trim().toLowerCase();
      if (!ADDRESS.test(address)) throw invalid(`${name}: "${trimmed}" is not an e-mail address`);
      return [{ name: match ? match[1]!.trim().replace(/^"|"$/g, '') : '', address }];
    }
    if (item && typeof item === 'object' && !Array.isArray(item) && typeof item.address === 'string' && ADDRESS.test(item.address)) {
      return [{ name: typeof item.name === 'string' ? item.name : '', address: item.address.toLowerCase() }];
    }
    throw invalid(`${name}: ${JSON.stringify(item)} is not an e-mail address`);
  });
}

async function accountId(ctx: ConnectorContext, ref: JsonValue | undefined, trx: Knex.Transaction): Promise<string> {
  if (typeof ref !== 'string' || !ref) throw invalid('account: give the mail account (its id or address)');
  const filter = ADDRESS.test(ref) ? { address: ref.toLowerCase() } : { id: ref };
  const { data } = await ctx.records.list({ ...SYSTEM, trx }, ACCOUNT_ENTITY, { filter, limit: 1 }).catch(() => ({ data: [] }));
  if (!data[0]) throw invalid(`account: no mail account ${ref}`);
  return String(data[0].id);
}

export const emailSendTask: ConnectorTaskType = {
  type: 'email:send',
  mode: 'inline',
  description: 'Send an e-mail through a mail account (queued in the outbox with the step)',
  async handler(input, ctx) {
    const p = input.parameters;
    const account = await accountId(ctx.connector, p.account, ctx.trx);
    const to = addressList(p.to, 'to');
    if (to.length === 0) throw invalid('to: give at least one recipient');
    const cc = addressList(p.cc, 'cc');
    const recordParam = p.record && typeof p.record === 'object' && !Array.isArray(p.record) ? (p.record as JsonObject) : null;
    const record = recordParam && typeof recordParam.entity === 'string' && typeof recordParam.id === 'string' ? { entity: recordParam.entity, id: recordParam.id } : ctx.record;
    let subject: string;
    let html: string | null;
    let text: string;
    if (typeof p.template === 'string' && p.template) {
      const template = await findTemplate(ctx.connector, p.template, typeof p.language === 'string' ? p.language : null, ctx.trx);
      if (!template) throw invalid(`template: no e-mail template ${p.template}`);
      const data = record ? await templateData(ctx.connector, ctx.actor, record.entity, record.id, ctx.trx) : {};
      try {
        ({ subject, html, text } = renderFor(template, { ...input.variables, ...data }));
      } catch (error) {
        if (error instanceof TemplateProblem) throw invalid(`template ${template.code}: ${error.message}`);
        throw error;
      }
    } else {
      if (typeof p.subject !== 'string' || !p.subject.trim()) throw invalid('subject: give a subject or a template');
      subject = p.subject;
      html = typeof p.html === 'string' ? p.html : null;
      text = typeof p.text === 'string' ? p.text : '';
    }
    const activityLinks = ctx.records.runtime.entity('activity').entity.fieldsByName;
    const links = record && activityLinks.has(record.entity) ? { [record.entity]: record.id } : {};
    await queueMail(ctx.connector, ctx.trx, { account, userId: ctx.actor.userId, to, cc, subject, html, text, links }, `task:${ctx.idempotencyKey}`);
    return { emailQueued: true };
  },
};
