// Serial SMS to a list: one text with the merge placeholders of e-mail templates
// (metadata/merge-template.ts: `{{first_name}}`, `{{contractor.name}}`, `{{#vip}}…{{/vip}}`), filled
// per record and queued as one SMS per record by `queueSmsMany` (one transaction). Records are read
// with the caller's rights: an id the caller may not read is refused on its own, as is a record
// without a mobile number; the rest go out. Each message's key is (caller, request key, record), so
// repeating a request (a lost answer, a double click) queues nothing new. More than LIST_SEND_MAX
// recipients go as a background job (`smsListJob`), chunk by chunk with the same keys.
import type { Knex } from 'knex';
import { SYSTEM_COLUMNS, TemplateProblem, compileTemplate, renderTemplate, templateRoots, type CompiledTemplate } from '../../metadata/index.ts';
import type { Actor, ConnectorContext, ConnectorRecordJobKind } from '../../engine/connectors/index.ts';
import type { SmsPurpose } from './consent.ts';
import { type SmsRequest, queueSmsMany } from './outbound.ts';

/** At most this many recipients in one request's transaction; more go as a job (`smsListJob`). */
export const LIST_SEND_MAX = 1000;
/** Records read per list page (the records service's largest page). */
const PAGE = 500;

export interface SmsListRequest {
  readonly entity: string;
  readonly ids?: readonly string[];
  /** A filter as the list API takes it; read with the caller's rights. */
  readonly filter?: unknown;
  readonly text: string;
  readonly account: string | null;
  readonly purpose: SmsPurpose;
  readonly idempotencyKey: string;
  readonly actor: Actor;
}

export interface SmsListRefusal {
  readonly id: string;
  readonly code: string;
  readonly detail: string;
}

export interface SmsListResult {
  /** SMS queued by this request. */
  readonly queued: number;
  /** Recipients whose SMS an earlier request with the same key queued already. */
  readonly repeated: number;
  readonly refused: readonly SmsListRefusal[];
}

/** A problem with the request as a whole (answered 422 with its pointer). */
export class SmsListProblem extends Error {
  readonly code: string;
  readonly pointer: string;
  constructor(code: string, pointer: string, message: string) {
    super(message);
    this.name = 'SmsListProblem';
    this.code = code;
    this.pointer = pointer;
  }
}

/** The merge language's problem codes in the connector's words. */
const TEMPLATE_CODES: Record<string, string> = { TEMPLATE_SYNTAX: 'sms.template.syntax', TEMPLATE_UNKNOWN_FIELD: 'sms.template.unknownField' };

/** The text compiled, and the reference fields its placeholders start with (embedded when read). */
export function compileListText(ctx: ConnectorContext, entity: string, text: string): { template: CompiledTemplate; include: string[] } {
  let template: CompiledTemplate;
  try {
    template = compileTemplate(text);
  } catch (error) {
    if (error instanceof TemplateProblem) throw new SmsListProblem(TEMPLATE_CODES[error.code]!, '/text', error.message);
    throw error;
  }
  const model = ctx.records.runtime.entity(entity).entity;
  const include: string[] = [];
  for (const root of templateRoots(template)) {
    const field = model.fieldsByName.get(root);
    if (field?.type === 'reference') include.push(root);
    else if (!field && root !== 'record' && !(SYSTEM_COLUMNS as readonly string[]).includes(root)) throw new SmsListProblem('sms.template.unknownField', '/text', `${entity} has no field "${root}"`);
  }
  return { template, include };
}

/** The recipients' records, read with the actor's rights; ids the actor may not read are absent. */
async function readRecords(ctx: ConnectorContext, request: SmsListRequest, include: readonly string[], trx: Knex.Transaction): Promise<Record<string, unknown>[]> {
  const context = { actor: request.actor, trx };
  const more = include.length ? { include } : {};
  const out: Record<string, unknown>[] = [];
  if (request.ids) {
    const ids = [...new Set(request.ids)];
    for (let i = 0; i < ids.length; i += PAGE) out.push(...(await ctx.records.list(context, request.entity, { filter: { id: { in: ids.slice(i, i + PAGE) } }, limit: PAGE, ...more })).data);
    return out;
  }
  let after: string | undefined;
  do {
    const page = await ctx.records.list(context, request.entity, { ...(request.filter === undefined ? {} : { filter: request.filter }), limit: PAGE, ...(after ? { after } : {}), ...more });
    out.push(...page.data);
    if (out.length > LIST_SEND_MAX) throw new SmsListProblem('sms.list.tooMany', '/filter', `the filter matches more than ${LIST_SEND_MAX} records`);
    after = page.next ?? undefined;
  } while (after);
  return out;
}

interface ListText {
  readonly entity: string;
  readonly account: string | null;
  readonly purpose: SmsPurpose;
  readonly idempotencyKey: string;
  readonly actor: Actor;
}

/** One SMS request per record (the text merged with it), or the record's refusal when its text cannot be merged. */
function listRequests(template: CompiledTemplate, list: ListText, records: readonly Record<string, unknown>[], refused: SmsListRefusal[]): SmsRequest[] {
  const requests: SmsRequest[] = [];
  for (const record of records) {
    const id = String(record.id);
    let text: string;
    try {
      text = renderTemplate(template, { ...record, record }, { html: false });
    } catch (error) {
      if (!(error instanceof TemplateProblem)) throw error;
      refused.push({ id, code: TEMPLATE_CODES[error.code]!, detail: error.message });
      continue;
    }
    // The same key for a record whether the list went in one request or as a job: repeating either queues nothing new.
    requests.push({ record: { entity: list.entity, id }, text, account: list.account, purpose: list.purpose, idempotencyKey: `list:${list.actor.userId ?? 'system'}:${list.idempotencyKey}:${id}`, actor: list.actor });
  }
  return requests;
}

/** Queues the requests in `trx`; how many were new, how many queued before, and the refusals added to `refused`. */
async function queueRequests(ctx: ConnectorContext, requests: readonly SmsRequest[], refused: SmsListRefusal[], trx: Knex.Transaction): Promise<{ queued: number; repeated: number }> {
  const results = await queueSmsMany(ctx, requests, trx);
  let queued = 0;
  let repeated = 0;
  results.forEach((result, i) => {
    if (result.ok) {
      if (result.created) queued++;
      else repeated++;
    } else refused.push({ id: requests[i]!.record!.id, code: result.problems[0]!.code, detail: result.problems[0]!.detail });
  });
  return { queued, repeated };
}

/** Queues one SMS per record of the list (see the head of the file). */
export async function queueSmsList(ctx: ConnectorContext, request: SmsListRequest): Promise<SmsListResult> {
  const { template, include } = compileListText(ctx, request.entity, request.text);
  return ctx.knex.transaction(async (trx) => {
    const records = await readRecords(ctx, request, include, trx);
    const refused: SmsListRefusal[] = [];
    if (request.ids) {
      const read = new Set(records.map((r) => String(r.id)));
      for (const id of new Set(request.ids)) if (!read.has(id)) refused.push({ id, code: 'sms.recipient.unreadable', detail: `no ${request.entity} ${id} you may read` });
    }
    const { queued, repeated } = await queueRequests(ctx, listRequests(template, request, records, refused), refused, trx);
    // In the order asked for.
    const order = new Map((request.ids ?? records.map((r) => String(r.id))).map((id, i) => [id, i]));
    refused.sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
    return { queued, repeated, refused };
  });
}

/** What a serial SMS job keeps of the request (its selection is the job's). */
export interface SmsListJobParams {
  readonly text: string;
  readonly account: string | null;
  readonly purpose: SmsPurpose;
  readonly idempotencyKey: string;
}

/**
 * Serial SMS to more than LIST_SEND_MAX recipients as a background job (engine/record-sets/jobs.ts):
 * each chunk of records, read with the sender's rights, is queued like a list of its own, in the
 * chunk's transaction; a refused recipient is the job's failed item with the same code.
 */
export const smsListJob: ConnectorRecordJobKind = {
  name: 'list',
  include: (entity, params, ctx) => compileListText(ctx, entity, String(params.text)).include,
  async handle({ trx, actor, job, records }, ctx) {
    const params = job.params as unknown as SmsListJobParams;
    const { template } = compileListText(ctx, job.entity, params.text);
    const refused: SmsListRefusal[] = [];
    const requests = listRequests(template, { entity: job.entity, account: params.account, purpose: params.purpose, idempotencyKey: params.idempotencyKey, actor }, records, refused);
    await queueRequests(ctx, requests, refused, trx);
    const failed = new Map(refused.map((r) => [r.id, r]));
    return records.map((r) => {
      const refusal = failed.get(String(r.id));
      return refusal ? { id: refusal.id, ok: false, code: refusal.code, detail: refusal.detail } : { id: String(r.id), ok: true };
    });
  },
};
