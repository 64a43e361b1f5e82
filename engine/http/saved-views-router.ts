// /api/saved-views — a user's saved views of lists and boards (engine/views): their own and those
// shared with their teams. Reading needs the read scope of a token, changes the write scope.
import { Router } from 'express';
import { TesseraError } from '../errors.ts';
import type { Platform } from '../platform.ts';
import { SavedViews, type SavedViewKind } from '../views/index.ts';
import { requireScope } from './authenticate.ts';
import { recordContext } from './context.ts';
import { requireJsonObject, stringParam } from './params.ts';

export function savedViewsRouter(platform: Platform): Router {
  const router = Router();
  const views = new SavedViews(platform.knex, platform.records);

  router.get('/saved-views', requireScope('reading saved views', 'read'), async (req, res) => {
    const q = req.query as Record<string, unknown>;
    const unknown = Object.keys(q).filter((k) => k !== 'entity' && k !== 'kind');
    if (unknown.length) throw new TesseraError('BAD_QUERY', `unknown query parameter(s): ${unknown.join(', ')}`, { problems: unknown.map((k) => ({ pointer: `/query/${k}`, detail: 'unknown parameter' })) });
    const entity = stringParam(q.entity, 'entity');
    const kind = stringParam(q.kind, 'kind');
    if (kind !== undefined && kind !== 'list' && kind !== 'board') throw new TesseraError('BAD_QUERY', 'kind is list or board', { problems: [{ pointer: '/query/kind', detail: 'must be list or board' }] });
    res.json({ data: await views.list(recordContext(req), { ...(entity ? { entity } : {}), ...(kind ? { kind: kind as SavedViewKind } : {}) }) });
  });

  router.get('/saved-views/:id', requireScope('reading saved views', 'read'), async (req, res) => {
    res.json(await views.get(recordContext(req), String(req.params.id)));
  });

  router.post('/saved-views', requireScope('saving views', 'write'), async (req, res) => {
    const view = await views.create(recordContext(req), requireJsonObject(req));
    res.status(201).location(`${req.baseUrl}/saved-views/${view.id}`).json(view);
  });

  router.patch('/saved-views/:id', requireScope('changing saved views', 'write'), async (req, res) => {
    res.json(await views.update(recordContext(req), String(req.params.id), requireJsonObject(req)));
  });

  router.delete('/saved-views/:id', requireScope('deleting saved views', 'write'), async (req, res) => {
    await views.remove(recordContext(req), String(req.params.id));
    res.status(204).end();
  });

  return router;
}
