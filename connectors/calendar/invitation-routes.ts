// /api/connectors/calendar/invitations: send a meeting's invitation by e-mail (iTIP REQUEST) and read
// its attendees' answers. Acting as the signed-in user: the activity is read with their rights and
// the mail goes out from their own mail account.
import type { Request, Response, Router } from 'express';
import type { Actor, ConnectorContext, ConnectorRoutes } from '../../engine/connectors/index.ts';
import { invitationsOf, invitationView, invite, type InviteRequest } from './invitations.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EMAIL = /^[^\s@<>()[\],;:"\\]+@[^\s@<>()[\],;:"\\]+\.[^\s@<>()[\],;:"\\]+$/;
const MAX_ATTENDEES = 100;

type Problem = { pointer: string; detail: string };

function problem(res: Response, status: number, code: string, detail: string, errors: Problem[] = []): void {
  res
    .status(status)
    .type('application/problem+json')
    .send(JSON.stringify({ type: `https://tessera.dev/problems/${code.toLowerCase().replace(/_/g, '-')}`, title: detail, status, detail, code, ...(errors.length ? { errors } : {}) }));
}

/** The body of POST /invitations, checked; the problems with their JSON pointers otherwise. */
export function inviteRequest(body: unknown): InviteRequest | Problem[] {
  const errors: Problem[] = [];
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return [{ pointer: '', detail: 'must be an object' }];
  const b = body as Record<string, unknown>;
  for (const key of Object.keys(b)) if (!['activity', 'attendees', 'account'].includes(key)) errors.push({ pointer: `/${key}`, detail: 'unknown property' });
  if (typeof b.activity !== 'string' || !UUID.test(b.activity)) errors.push({ pointer: '/activity', detail: 'must be the id of an activity' });
  if (b.account !== undefined && (typeof b.account !== 'string' || !UUID.test(b.account))) errors.push({ pointer: '/account', detail: 'must be the id of a mail account' });
  const attendees: { address: string; name?: string }[] = [];
  if (b.attendees !== undefined) {
    if (!Array.isArray(b.attendees) || b.attendees.length > MAX_ATTENDEES) errors.push({ pointer: '/attendees', detail: `must be a list of at most ${MAX_ATTENDEES} attendees` });
    else
      b.attendees.forEach((a: unknown, i) => {
        const entry = (typeof a === 'string' ? { address: a } : a) as Record<string, unknown> | null;
        if (typeof entry?.address !== 'string' || !EMAIL.test(entry.address.trim()) || entry.address.length > 320) errors.push({ pointer: `/attendees/${i}/address`, detail: 'must be an e-mail address' });
        else if (entry.name !== undefined && (typeof entry.name !== 'string' || entry.name.length > 200)) errors.push({ pointer: `/attendees/${i}/name`, detail: 'must be a name of at most 200 characters' });
        else attendees.push({ address: entry.address, ...(typeof entry.name === 'string' ? { name: entry.name } : {}) });
      });
  }
  if (errors.length) return errors;
  return { activity: String(b.activity).toLowerCase(), ...(b.attendees !== undefined ? { attendees } : {}), ...(typeof b.account === 'string' ? { account: b.account.toLowerCase() } : {}) };
}

export const invitationRoutes: ConnectorRoutes = (router: Router, ctx) => {
  const actorOf = (res: Response): (Actor & { userId: string }) | null => {
    const access = ctx.access(res);
    if (!access?.subject) {
      problem(res, 403, 'FORBIDDEN', 'invitations are sent by a signed-in user');
      return null;
    }
    return { userId: access.subject.userId, via: 'api', access };
  };

  router.post('/invitations', async (req: Request, res) => {
    const actor = actorOf(res);
    if (!actor) return;
    const parsed = inviteRequest(req.body);
    if (Array.isArray(parsed)) return problem(res, 422, 'VALIDATION_FAILED', 'invalid invitation', parsed);
    const rows = await invite(ctx as ConnectorContext, actor, parsed);
    res.status(202).json({ data: rows.map(invitationView) });
  });

  router.get('/invitations', async (req, res) => {
    const actor = actorOf(res);
    if (!actor) return;
    const activity = String(req.query.activity ?? '');
    if (!UUID.test(activity)) return problem(res, 422, 'VALIDATION_FAILED', 'invalid query', [{ pointer: '/query/activity', detail: 'must be the id of an activity' }]);
    res.json({ data: (await invitationsOf(ctx as ConnectorContext, actor, activity.toLowerCase())).map(invitationView) });
  });
};
