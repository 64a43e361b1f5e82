// POST /api/records/lead/:id/convert — a lead into contractor, contact person and deal in one step;
// POST /api/records/:type/:id/convert/:conversion — a declared conversion (offer → sales order), see
// engine/conversion; POST /api/records/:type/:id/actions/:action — a declared record action (a
// conversion or a workflow about the record). Mounted before the generic records routes.
import { Router } from 'express';
import { convertLead, runConversion, runRecordAction } from '../conversion/index.ts';
import type { Platform } from '../platform.ts';
import { recordContext } from './context.ts';
import { requireJsonObject } from './params.ts';

export function conversionRouter(platform: Platform): Router {
  const router = Router();
  router.post('/records/lead/:id/convert', async (req, res) => {
    res.status(201).json(await convertLead(platform.records, platform.knex, recordContext(req), req.params.id, requireJsonObject(req)));
  });
  router.post('/records/:type/:id/convert/:conversion', async (req, res) => {
    const result = await runConversion(platform.records, platform.knex, recordContext(req), req.params.type, req.params.id, req.params.conversion);
    const first = result.records[0];
    if (first) res.location(`${req.baseUrl}/records/${result.target}/${String(first.id)}`);
    res.status(201).json(result);
  });
  router.post('/records/:type/:id/actions/:action', async (req, res) => {
    res.status(201).json(await runRecordAction(platform.records, platform.knex, platform.processes, recordContext(req), req.params.type, req.params.id, req.params.action));
  });
  return router;
}
