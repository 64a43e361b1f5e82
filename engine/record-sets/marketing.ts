// Marketing actions (seed entity marketing_action): starting one evaluates its declared member
// filter over contractors with the starting user's rights and runs its scenario process once per
// member — each its own instance with its own state, acting as that user. Starting it again adds only
// members that joined since (the filter is evaluated anew; a member runs once per action).
import { TesseraError } from '../errors.ts';
import { MAX_LIMIT, type ApiRecord, type RecordContext } from '../records/index.ts';
import { toJsonValue } from '../workflows/expression.ts';
import { mayStartAbout, startMembers, type RecordSetServices, type RunResult } from './runs.ts';

export const MARKETING_ACTION = 'marketing_action';
/** The scenario run per member when the action names none (workflows/marketing-generate-opportunities.bpmn). */
export const DEFAULT_MARKETING_SCENARIO = 'marketing-generate-opportunities';
/** At most this many members per action. */
export const MARKETING_MAX_MEMBERS = 10_000;

/** The contractors an action's member filter finds, with the user's rights. */
export async function marketingMembers(services: RecordSetServices, ctx: RecordContext, action: ApiRecord): Promise<ApiRecord[]> {
  const filter = action.member_filter;
  if (filter === null || filter === undefined || filter === '') {
    throw new TesseraError('VALIDATION_FAILED', 'the marketing action declares no member filter', { problems: [{ pointer: '/member_filter', detail: 'declare which contractors are members (a filter over contractors, as lists take it)' }] });
  }
  const members: ApiRecord[] = [];
  let after: string | undefined;
  for (;;) {
    let page;
    try {
      page = await services.records.list(ctx, 'contractor', { filter, sort: 'id', limit: MAX_LIMIT, ...(after ? { after } : {}) });
    } catch (error) {
      // A filter the list refuses is a problem of the action's field, not of the request.
      if (error instanceof TesseraError && error.code === 'BAD_QUERY') {
        throw new TesseraError('VALIDATION_FAILED', `the member filter is not valid: ${error.message}`, { problems: (error.problems ?? []).map((p) => ({ pointer: `/member_filter${p.pointer.replace(/^\/query\/filter/, '')}`, detail: p.detail })) });
      }
      throw error;
    }
    members.push(...page.data);
    if (members.length > MARKETING_MAX_MEMBERS) throw new TesseraError('VALIDATION_FAILED', `the member filter finds more than ${MARKETING_MAX_MEMBERS} contractors`, { problems: [{ pointer: '/member_filter', detail: `finds more than ${MARKETING_MAX_MEMBERS} contractors; narrow it` }] });
    if (!page.next) return members;
    after = page.next;
  }
}

/** Starts (or continues) a marketing action: members from its filter, its scenario per new member, status executing. */
export async function startMarketingAction(services: RecordSetServices, ctx: RecordContext, actionId: string): Promise<RunResult & { readonly found: number }> {
  await mayStartAbout(services.records, ctx, MARKETING_ACTION, actionId);
  const action = await services.records.get(ctx, MARKETING_ACTION, actionId);
  if (action.status === 'closed') throw new TesseraError('CONFLICT', 'the marketing action is closed', { problems: [{ pointer: '/status', detail: 'is closed' }] });
  const found = await marketingMembers(services, ctx, action);
  const already = new Set(((await services.knex('tessera.record_set_members').where({ source_entity: MARKETING_ACTION, source_id: actionId }).select('member_id')) as { member_id: string }[]).map((r) => r.member_id));
  const fresh = found.filter((m) => !already.has(m.id as string));
  // The members show on the card: the action's contractors gain those the filter found (links there stay).
  const linked = Array.isArray(action.contractors) ? (action.contractors as { id: string; role?: string }[]) : [];
  const linkedIds = new Set(linked.map((l) => l.id));
  const joining = found.filter((m) => !linkedIds.has(m.id as string)).map((m) => ({ id: m.id as string }));
  const change: Record<string, unknown> = {};
  if (joining.length) change.contractors = [...linked, ...joining];
  if (action.status === 'open') change.status = 'executing';
  if (Object.keys(change).length) await services.records.update(ctx, MARKETING_ACTION, actionId, change, { expectedVersion: action.version as number });
  const processId = typeof action.scenario_process === 'string' && action.scenario_process !== '' ? action.scenario_process : DEFAULT_MARKETING_SCENARIO;
  const byId = new Map(fresh.map((m) => [m.id as string, m]));
  const run = await startMembers(services, ctx, {
    runId: actionId,
    source: { entity: MARKETING_ACTION, id: actionId },
    memberEntity: 'contractor',
    ids: [...byId.keys()],
    processId,
    check: false,
    variables: { marketingAction: actionId, actionName: String(action.name), campaign: typeof action.campaign === 'string' ? action.campaign : null },
    memberVariables: (id) => ({ member: toJsonValue(byId.get(id)) }),
  });
  return { ...run, found: found.length };
}
