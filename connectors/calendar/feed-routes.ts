// ICS subscription feeds: per user (their activities), per team (the team's activities), per resource
// (its reservations). Managed by a signed-in user at /api/connectors/calendar/feeds; read by calendar
// apps without a session at /api/connectors/calendar/public/feeds/<token>.ics. The token is the only
// credential: 32 random bytes, only its SHA-256 kept, revocable and regenerable. A feed shows what
// its creator may read (their rights at the time of each fetch), so a revoked role empties it.
import { createHash, randomBytes } from 'node:crypto';
import type { Request, Response, Router } from 'express';
import type { Actor, ConnectorContext, ConnectorRoutes } from '../../engine/connectors/index.ts';
import { writeCalendarFeed, type CalendarFields, type CalendarObject } from './activity-ical.ts';
import { businessZone } from './account-sync.ts';
import type { IcsComponent } from './ics-text.ts';
import { formatUtc } from './time-zones.ts';
import { languageOf } from './wording.ts';
import { yearlyDates, yearlyEvent } from './yearly-dates.ts';

const YEARLY_NAME = { pl: 'Urodziny i rocznice', en: 'Birthdays and anniversaries', ro: 'Zile de naștere și aniversări' } as const;

const FEEDS = 'tessera.calendar_feeds';
const SCOPES = ['user', 'team', 'resource', 'yearly'] as const;
type Scope = (typeof SCOPES)[number];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TOKEN = /^[A-Za-z0-9_-]{43}$/;
const PAGE = 500;
/** At most this many items in a feed (the nearest to now first, by start). */
const FEED_LIMIT = 5000;

const hashOf = (token: string) => createHash('sha256').update(token).digest('hex');
const newToken = () => randomBytes(32).toString('base64url');
const publicPath = (token: string) => `/api/connectors/calendar/public/feeds/${token}.ics`;

function problem(res: Response, status: number, code: string, detail: string, errors: { pointer: string; detail: string }[] = []): void {
  res
    .status(status)
    .type('application/problem+json')
    .send(JSON.stringify({ type: `https://tessera.dev/problems/${code.toLowerCase().replace(/_/g, '-')}`, title: detail, status, detail, code, ...(errors.length ? { errors } : {}) }));
}

interface FeedRow {
  id: string;
  scope: Scope;
  target_id: string;
  created_by: string;
  created_at: string;
  revoked_at: string | null;
}

const view = (row: FeedRow) => ({ id: row.id, scope: row.scope, target: row.target_id, createdAt: row.created_at });

export const feedRoutes: ConnectorRoutes = (router: Router, ctx) => {
  const me = (res: Response) => {
    const access = ctx.access(res);
    const subject = access?.subject;
    if (!subject) {
      problem(res, 403, 'FORBIDDEN', 'feeds belong to a signed-in user');
      return null;
    }
    return { access, subject };
  };

  router.get('/feeds', async (_req, res) => {
    const who = me(res);
    if (!who) return;
    const rows = (await ctx.knex(FEEDS).where({ created_by: who.subject.userId }).whereNull('revoked_at').orderBy('created_at').select('*')) as FeedRow[];
    res.json({ data: rows.map(view) });
  });

  router.post('/feeds', async (req: Request, res) => {
    const who = me(res);
    if (!who) return;
    const body = (req.body ?? {}) as Record<string, unknown>;
    const errors: { pointer: string; detail: string }[] = [];
    for (const key of Object.keys(body)) if (key !== 'scope' && key !== 'target') errors.push({ pointer: `/${key}`, detail: 'unknown property' });
    const scope = body.scope as Scope;
    if (!SCOPES.includes(scope)) errors.push({ pointer: '/scope', detail: `must be one of ${SCOPES.join(', ')}` });
    const target = body.target === undefined && (scope === 'user' || scope === 'yearly') ? who.subject.userId : body.target;
    if (typeof target !== 'string' || !UUID.test(target)) errors.push({ pointer: '/target', detail: 'must be the id of a user, team or resource' });
    if (errors.length) return problem(res, 422, 'VALIDATION_FAILED', 'invalid feed', errors);
    const t = String(target).toLowerCase();
    // Whose calendar may one publish: one's own, one's teams', a resource one may read.
    if ((scope === 'user' || scope === 'yearly') && t !== who.subject.userId && !who.subject.admin) return problem(res, 403, 'FORBIDDEN', 'a user feed is for your own activities', [{ pointer: '/target', detail: 'not you' }]);
    if (scope === 'team' && !who.subject.teamIds.includes(t) && !who.subject.admin) return problem(res, 403, 'FORBIDDEN', 'you are not a member of this team', [{ pointer: '/target', detail: 'not your team' }]);
    if (scope === 'resource') await ctx.records.get({ actor: { userId: who.subject.userId, via: 'api', access: who.access } }, 'resource', t);
    const token = newToken();
    const [row] = (await ctx.knex(FEEDS).insert({ token_hash: hashOf(token), scope, target_id: t, created_by: who.subject.userId }).returning('*')) as FeedRow[];
    res.status(201).json({ ...view(row!), token, url: publicPath(token) });
  });

  const own = async (req: Request, res: Response): Promise<FeedRow | null> => {
    const who = me(res);
    if (!who) return null;
    const id = String(req.params.id);
    const row = UUID.test(id) ? ((await ctx.knex(FEEDS).where({ id }).whereNull('revoked_at').first()) as FeedRow | undefined) : undefined;
    if (!row || (row.created_by !== who.subject.userId && !who.subject.admin)) {
      problem(res, 404, 'NOT_FOUND', `no feed ${id}`);
      return null;
    }
    return row;
  };

  router.post('/feeds/:id/regenerate', async (req, res) => {
    const row = await own(req, res);
    if (!row) return;
    const token = newToken();
    await ctx.knex(FEEDS).where({ id: row.id }).update({ token_hash: hashOf(token) });
    res.json({ ...view(row), token, url: publicPath(token) });
  });

  router.delete('/feeds/:id', async (req, res) => {
    const row = await own(req, res);
    if (!row) return;
    await ctx.knex(FEEDS).where({ id: row.id }).update({ revoked_at: ctx.knex.fn.now() });
    res.status(204).end();
  });
};

const iso = (v: unknown): string | null => (v === null || v === undefined ? null : new Date(v as string).toISOString());

/** Reads every page of a list as the actor. */
async function listAll(ctx: ConnectorContext, actor: Actor, entity: string, filter: Record<string, unknown>): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  let after: string | undefined;
  do {
    const page = await ctx.records.list({ actor }, entity, { filter, limit: PAGE, sort: 'created_at', ...(after ? { after } : {}) });
    rows.push(...page.data);
    after = page.next;
  } while (after && rows.length < FEED_LIMIT);
  return rows;
}

const activityObject = (r: Record<string, unknown>): CalendarObject => {
  const fields: CalendarFields = {
    subject: String(r.subject ?? ''),
    description: (r.description as string | null) ?? null,
    location: (r.location as string | null) ?? null,
    start_at: iso(r.start_at),
    end_at: iso(r.end_at),
    deadline: iso(r.deadline),
    status: r.status === 'resolved' || r.status === 'cancelled' ? r.status : 'open',
    percent_done: null,
    priority: r.priority === 'low' || r.priority === 'high' || r.priority === 'urgent' ? r.priority : 'normal',
    reminder: r.reminder === 'at_deadline' || r.reminder === 'one_day_before' || r.reminder === 'two_days_before' || r.reminder === 'three_days_before' ? r.reminder : null,
    attendees: [],
  };
  // Feeds are events everywhere (Outlook and Google ignore VTODO in subscriptions); a task shows at its deadline.
  const dated = fields.start_at ? fields : { ...fields, start_at: fields.deadline, end_at: fields.deadline };
  return { uid: `${String(r.id)}@tessera`, component: 'VEVENT', fields: dated, series: null, modifiedAt: null };
};

const reservationObject = (r: Record<string, unknown>): CalendarObject => ({
  uid: `${String(r.id)}@tessera`,
  component: 'VEVENT',
  series: null,
  modifiedAt: null,
  fields: {
    subject: String(r.title ?? r.id),
    description: (r.notes as string | null) ?? null,
    location: null,
    start_at: iso(r.starts_at),
    end_at: iso(r.ends_at),
    deadline: null,
    status: /cancel/i.test(String(r.status ?? '')) ? 'cancelled' : 'open',
    percent_done: null,
    priority: 'normal',
    reminder: null,
    attendees: [],
  },
});

export const publicFeedRoutes = (router: Router, ctx: ConnectorContext): void => {
  router.get('/feeds/:file', async (req, res) => {
    const token = String(req.params.file).replace(/\.ics$/, '');
    const row = TOKEN.test(token) ? ((await ctx.knex(FEEDS).where({ token_hash: hashOf(token) }).whereNull('revoked_at').first()) as FeedRow | undefined) : undefined;
    if (!row) return problem(res, 404, 'NOT_FOUND', 'no such feed (revoked, regenerated or never made)');
    const actor = await ctx.actAs(row.created_by);
    let objects: CalendarObject[];
    let name: string;
    let extra: IcsComponent[] = [];
    if (row.scope === 'yearly') {
      // Yearly dates (birthdays) the feed's creator may read, named in their language.
      const user = (await ctx.knex('tessera.users').where({ id: row.created_by }).first('language')) as { language: string } | undefined;
      const stamp = formatUtc(new Date());
      extra = (await yearlyDates(ctx, actor, languageOf(user?.language))).flatMap((item) => yearlyEvent(item, stamp) ?? []);
      objects = [];
      name = YEARLY_NAME[languageOf(user?.language)];
    } else if (row.scope === 'resource') {
      const resource = await ctx.records.get({ actor }, 'resource', row.target_id);
      name = String(resource.name ?? 'Resource');
      objects = (await listAll(ctx, actor, 'reservation', { resources: { eq: row.target_id } })).map(reservationObject);
    } else {
      const field = row.scope === 'user' ? 'assignee' : 'team';
      const owner = (await ctx.knex(row.scope === 'user' ? 'tessera.users' : 'tessera.teams').where({ id: row.target_id }).first(row.scope === 'user' ? 'display_name as name' : 'name')) as { name: string } | undefined;
      name = owner?.name ?? 'Tessera';
      objects = (await listAll(ctx, actor, 'activity', { [field]: { eq: row.target_id } })).map(activityObject);
    }
    const text = writeCalendarFeed(objects, { zone: businessZone(ctx), now: new Date(), name, extra });
    res.set('Cache-Control', 'private, max-age=300');
    res.type('text/calendar; charset=utf-8').send(text);
  });
};
