// POST /api/records/lead/:id/convert — a lead into contractor, contact person and deal in one step
// (engine/conversion). Mounted before the generic records routes.
import { Router } from 'express';
import { convertLead } from '../conversion/index.ts';
import type { Platform } from '../platform.ts';
import { recordContext } from './context.ts';
import { requireJsonObject } from './params.ts';

export function conversionRouter(platform: Platform): Router {
  const router = Router();
  router.post('/records/lead/:id/convert', async (req, res) => {
    res.status(201).json(await convertLead(platform.records, platform.knex, recordContext(req), req.params.id, requireJsonObject(req)));
  });
  return router;
}
