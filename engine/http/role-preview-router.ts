// /api/meta/roles/:name/preview — "view as this role" for the designer (docs/security.md#view-as-a-role):
// the rights one role gives on every entity type and the first page of a list as a user holding
// only that role sees it, read by the records service with that role's access. Needs
// administerMetadata (mounted behind it) and, for a token, the read scope. The identity is the
// caller's own, or that of the active user named by `as` (their owner and teams decide own/team
// scopes); no session is used or made for them, and the rows are narrowed to what the caller may read.
import { Router } from 'express';
import { loadSubject, roleAccess, summarizeRights, userIdByLogin, withinCaller } from '../access/index.ts';
import { TesseraError } from '../errors.ts';
import type { Platform } from '../platform.ts';
import { holdsScope, scopeMissing } from './authenticate.ts';
import { listRequest, stringParam } from './params.ts';

export function rolePreviewRouter(platform: Platform): Router {
  const router = Router();

  router.get('/:name/preview', async (req, res) => {
    if (!holdsScope(res, 'read')) throw scopeMissing('a role preview', ['read']);
    const caller = res.locals.actor!.access!;
    // The applied version, as another process may just have applied it (a one-row check when current).
    await platform.runtime.reload();
    if (!platform.runtime.loaded) throw new TesseraError('NOT_FOUND', 'no metadata has been applied yet');
    const { model } = platform.runtime.snapshot;
    const name = req.params.name;
    if (!model.roles.some((r) => r.name === name)) throw new TesseraError('NOT_FOUND', `there is no role ${JSON.stringify(name.slice(0, 60))}`);
    const entity = stringParam(req.query.entity, 'entity');
    if (entity !== undefined && !platform.runtime.snapshot.entities.has(entity)) {
      throw new TesseraError('BAD_QUERY', `there is no entity type ${JSON.stringify(entity.slice(0, 60))}`, { problems: [{ pointer: '/query/entity', detail: 'must be an entity type' }] });
    }
    const as = stringParam(req.query.as, 'as');
    // Includes would reach records of other types; a count is of no use to a preview.
    const { include: _include, count: _count, ...request } = listRequest(req, ['entity', 'as']);
    let identity = caller.subject;
    if (as !== undefined) {
      const id = await userIdByLogin(platform.knex, as);
      identity = id ? await loadSubject(platform.knex, id) : null;
      if (!identity) throw new TesseraError('BAD_QUERY', `there is no active user ${JSON.stringify(as.slice(0, 60))}`, { problems: [{ pointer: '/query/as', detail: 'must be the login of an active user' }] });
    }
    if (!identity) throw new TesseraError('FORBIDDEN', 'a role preview needs a signed-in user');
    const access = roleAccess(model, identity, name);
    const rights: Record<string, unknown> = {};
    for (const type of platform.runtime.snapshot.entities.keys()) rights[type] = summarizeRights(access.entity(type));
    if (entity === undefined) {
      res.json({ role: name, as: identity.login, rights });
      return;
    }
    // The role may not read the type at all: an empty list, as its users see no list.
    const readable = access.entity(entity).read.length > 0;
    const result = readable ? await platform.records.list({ actor: { userId: identity.userId, via: 'ui', access } }, entity, request) : { data: [], next: undefined };
    res.json({ role: name, as: identity.login, rights, data: withinCaller(caller, entity, result.data), next: result.next ?? null });
  });

  return router;
}
