// /api/meta/roles/:name/preview — "view as this role" for the designer (docs/security.md#view-as-a-role):
// the rights one role gives on every entity type and the first page of a list as a user holding
// only that role sees it, read by the records service with that role's access. GET previews the
// applied role; POST with the analyst's draft package (`{ files }`, as for /api/meta/plan) previews
// the role as the draft defines it — its rights, field rights and row conditions — over the applied
// records, before it is applied. Needs administerMetadata (mounted behind it: only designers preview a
// draft) and, for a token, the read scope. The identity is the caller's own, or that of the active
// user named by `as` (their owner and teams decide own/team scopes); no session is used or made for
// them, and the rows are narrowed to what the caller may read.
import { Router, type Request, type Response } from 'express';
import type { Model, PackageFiles } from '../../metadata/index.ts';
import { loadSubject, roleAccess, summarizeRights, userIdByLogin, withinCaller } from '../access/index.ts';
import { TesseraError } from '../errors.ts';
import type { Platform } from '../platform.ts';
import { holdsScope, scopeMissing } from './authenticate.ts';
import { listRequest, requireJsonObject, stringParam } from './params.ts';

/** The draft package of a POST body: `{ files: {…} }` and nothing else. */
function draftOf(req: Request): PackageFiles {
  const { files, ...rest } = requireJsonObject(req);
  const unknown = Object.keys(rest)[0];
  if (unknown !== undefined) throw new TesseraError('VALIDATION_FAILED', `unknown property ${JSON.stringify(unknown.slice(0, 60))}; the body is {"files": {…}}`, { problems: [{ pointer: `/${unknown.replaceAll('~', '~0').replaceAll('/', '~1')}`, detail: 'unknown property' }] });
  if (typeof files !== 'object' || files === null || Array.isArray(files)) {
    throw new TesseraError('VALIDATION_FAILED', 'the body is {"files": {"<path>.json": item, …}}', { problems: [{ pointer: '/files', detail: 'must be an object of files' }] });
  }
  return { files: files as Record<string, unknown> };
}

export function rolePreviewRouter(platform: Platform): Router {
  const router = Router();

  /** The preview of role `:name` as `model` defines it, over the applied records. */
  const preview = async (req: Request, res: Response, model: Model) => {
    const caller = res.locals.actor!.access!;
    const name = req.params.name as string;
    if (!model.roles.some((r) => r.name === name)) throw new TesseraError('NOT_FOUND', `there is no role ${JSON.stringify(name.slice(0, 60))}`);
    // The records are those of the applied tables: a type the draft only adds has none yet.
    const applied = platform.runtime.snapshot.entities;
    const entity = stringParam(req.query.entity, 'entity');
    if (entity !== undefined && !applied.has(entity)) {
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
    for (const type of applied.keys()) if (model.entities.has(type)) rights[type] = summarizeRights(access.entity(type));
    if (entity === undefined) {
      res.json({ role: name, as: identity.login, rights });
      return;
    }
    // The role may not read the type at all (or the draft removes it): an empty list, as its users see no list.
    const readable = model.entities.has(entity) && access.entity(entity).read.length > 0;
    const result = readable ? await platform.records.list({ actor: { userId: identity.userId, via: 'ui', access } }, entity, request) : { data: [], next: undefined };
    res.json({ role: name, as: identity.login, rights, data: withinCaller(caller, entity, result.data), next: result.next ?? null });
  };

  /** The applied version, as another process may just have applied it (a one-row check when current). */
  const appliedModel = async (): Promise<Model> => {
    await platform.runtime.reload();
    if (!platform.runtime.loaded) throw new TesseraError('NOT_FOUND', 'no metadata has been applied yet');
    return platform.runtime.snapshot.model;
  };

  router.get('/:name/preview', async (req, res) => {
    if (!holdsScope(res, 'read')) throw scopeMissing('a role preview', ['read']);
    await preview(req, res, await appliedModel());
  });

  router.post('/:name/preview', async (req, res) => {
    if (!holdsScope(res, 'read')) throw scopeMissing('a role preview', ['read']);
    await appliedModel();
    // Validated as an apply would (the connectors' files merged in): an invalid draft is a 422 with pointers into /files.
    await preview(req, res, await platform.draftModel(draftOf(req)));
  });

  return router;
}
