// /api/dashboards — the dashboards a user opens: their roles' (metadata) and their own
// (engine/reports). Reading needs the read scope of a token, changes the write scope.
import { Router } from 'express';
import type { Platform } from '../platform.ts';
import { Dashboards } from '../reports/index.ts';
import { requireScope } from './authenticate.ts';
import { requireJsonObject } from './params.ts';
import { TesseraError } from '../errors.ts';
import type { Request } from 'express';
import type { Access } from '../access/index.ts';

function accessOf(req: Request): Access {
  const access = (req.res?.locals.actor as { access?: Access } | undefined)?.access;
  if (!access) throw new TesseraError('UNAUTHENTICATED', 'sign in or send an API token');
  return access;
}

export function dashboardsRouter(platform: Platform): Router {
  const router = Router();
  const dashboards = new Dashboards(platform.knex, platform.runtime);

  router.get('/dashboards', requireScope('reading dashboards', 'read'), async (req, res) => {
    res.json({ data: await dashboards.list(accessOf(req)) });
  });

  router.put('/dashboards/mine', requireScope('saving your dashboard', 'write'), async (req, res) => {
    res.json(await dashboards.saveOwn(accessOf(req), requireJsonObject(req)));
  });

  router.delete('/dashboards/mine', requireScope('removing your dashboard', 'write'), async (req, res) => {
    await dashboards.removeOwn(accessOf(req));
    res.status(204).end();
  });

  return router;
}
