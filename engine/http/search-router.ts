// GET /api/search — one text across every entity type the user may read (engine/records/search.ts).
import { Router } from 'express';
import type { Platform } from '../platform.ts';
import { searchRecords } from '../records/search.ts';
import { replicaRead } from './read-routing.ts';
import { requireScope } from './authenticate.ts';
import { listParam, stringParam } from './params.ts';

export function searchRouter(platform: Platform): Router {
  const router = Router();
  router.get('/search', requireScope('searching records', 'read'), async (req, res) => {
    const q = req.query as Record<string, unknown>;
    const request = { q: stringParam(q.q, 'q'), limit: stringParam(q.limit, 'limit'), types: listParam(q.types, 'types') };
    const groups = await replicaRead(platform, req, (ctx) => searchRecords(platform.records, ctx, request));
    res.json({ data: groups });
  });
  return router;
}
