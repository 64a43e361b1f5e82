// POST /api/records/:type/prices — the price lookup for a record being edited (engine/records/pricing.ts):
// the form sends its values when a line's product or quantity changes and shows the prices and
// discounts the server would store. Mounted before the generic records routes.
import { Router } from 'express';
import type { Platform } from '../platform.ts';
import { recordContext } from './context.ts';
import { requireJsonObject } from './params.ts';

export function pricingRouter(platform: Platform): Router {
  const router = Router();
  router.post('/records/:type/prices', async (req, res) => {
    res.json(await platform.records.quotePrices(recordContext(req), req.params.type, requireJsonObject(req)));
  });
  return router;
}
