// GET /api/connectors/calendar/load?user=&start=&end=&exclude=: the assignee's busy time on the day
// of a proposed slot and the overload warning (assignee-load.ts), for the activity form. Free/busy
// for anyone signed in; what each activity is (its subject) only for the assignee and administrators.
import type { Response, Router } from 'express';
import type { ConnectorContext, ConnectorRoutes } from '../../engine/connectors/index.ts';
import { businessZone } from './account-sync.ts';
import { assigneeLoad, businessDay, type BusyItem } from './assignee-load.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HOUR = 3_600_000;
/** Where a user's available hours are, unless the connector's settings say otherwise (the seed's employee). */
export const CAPACITY_DEFAULTS = { entity: 'employee', userField: 'user_account', hoursField: 'available_hours_per_day' } as const;

function problem(res: Response, errors: { pointer: string; detail: string }[]): void {
  res.status(422).type('application/problem+json').send(JSON.stringify({ type: 'https://tessera.dev/problems/validation-failed', title: 'invalid query', status: 422, detail: 'invalid query', code: 'VALIDATION_FAILED', errors }));
}

const name = (value: unknown, fallback: string) => (typeof value === 'string' && /^[a-z][a-z0-9_]{0,62}$/.test(value) ? value : fallback);

/** The user's available hours a day, from the capacity entity; null when the model has none for them. */
async function capacityHours(ctx: ConnectorContext, userId: string): Promise<number | null> {
  const config = (await ctx.settings()).config;
  const entity = name(config.capacityEntity, CAPACITY_DEFAULTS.entity);
  const userField = name(config.capacityUserField, CAPACITY_DEFAULTS.userField);
  const hoursField = name(config.capacityHoursField, CAPACITY_DEFAULTS.hoursField);
  const model = ctx.records.runtime.snapshot.model.entities.get(entity);
  if (!model || !model.fields.some((f) => f.name === userField) || !model.fields.some((f) => f.name === hoursField)) return null;
  const row = (await ctx.knex(`public.${entity}`).where({ [userField]: userId }).whereNull('deleted_at').first(hoursField)) as Record<string, unknown> | undefined;
  const hours = row ? Number(row[hoursField]) : NaN;
  return Number.isFinite(hours) ? hours : null;
}

export const assigneeRoutes: ConnectorRoutes = (router: Router, ctx) => {
  router.get('/load', async (req, res) => {
    const subject = ctx.access(res)?.subject;
    if (!subject) return res.status(403).type('application/problem+json').send(JSON.stringify({ title: 'sign in first', status: 403, code: 'FORBIDDEN' }));
    const q = req.query as Record<string, unknown>;
    const errors: { pointer: string; detail: string }[] = [];
    const user = String(q.user ?? '');
    const start = new Date(String(q.start ?? ''));
    const end = q.end === undefined || q.end === '' ? new Date(start.getTime() + HOUR) : new Date(String(q.end));
    if (!UUID.test(user)) errors.push({ pointer: '/query/user', detail: 'must be the id of a user' });
    if (Number.isNaN(start.getTime())) errors.push({ pointer: '/query/start', detail: 'must be a date-time' });
    if (Number.isNaN(end.getTime()) || end.getTime() < start.getTime() || end.getTime() - start.getTime() > 31 * 24 * HOUR) errors.push({ pointer: '/query/end', detail: 'must be a date-time after the start, within 31 days' });
    if (q.exclude !== undefined && q.exclude !== '' && !UUID.test(String(q.exclude))) errors.push({ pointer: '/query/exclude', detail: 'must be the id of an activity' });
    if (errors.length) return problem(res, errors);
    const zone = businessZone(ctx as ConnectorContext);
    const { from, to } = businessDay(zone, start);
    const query = ctx
      .knex('public.activity')
      .where({ assignee: user })
      .whereNull('deleted_at')
      .whereNot('status', 'cancelled')
      .whereNotNull('start_at')
      .where('start_at', '<', new Date(Math.max(to.getTime(), end.getTime())))
      .where((w) => w.where('end_at', '>', from).orWhere((s) => s.whereNull('end_at').where('start_at', '>=', from)))
      .orderBy('start_at')
      .limit(500)
      .select('id', 'kind', 'subject', 'start_at', 'end_at');
    if (q.exclude) query.whereNot('id', String(q.exclude));
    const rows = (await query) as { id: string; kind: string; subject: string | null; start_at: Date; end_at: Date | null }[];
    const seeing = subject.userId === user || subject.admin;
    const activities: BusyItem[] = rows.map((r) => ({ id: r.id, kind: r.kind, subject: seeing ? (r.subject ?? '') : null, start: new Date(r.start_at).toISOString(), end: r.end_at ? new Date(r.end_at).toISOString() : null }));
    res.json(assigneeLoad({ zone, start, end, capacityHours: await capacityHours(ctx as ConnectorContext, user), activities }));
  });
};
