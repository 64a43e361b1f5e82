// /api/dashboards — the dashboards a user opens: their roles' (metadata) and their own
// (engine/reports). Reading needs the read scope of a token, changes the write scope.
// /api/reports/:name/export — a report as an XLSX or PDF file, computed with the caller's rights.
import { Router } from 'express';
import type { Platform } from '../platform.ts';
import { Dashboards, exportReport, parseExportRequest } from '../reports/index.ts';
import { replicaRead } from './read-routing.ts';
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

  router.get('/reports/:name/export', requireScope('exporting a report', 'read'), async (req, res) => {
    const access = accessOf(req);
    // Without ?lang the file speaks the user's language, else the browser's.
    const own = access.subject ? ((await platform.knex('tessera.users').where({ id: access.subject.userId }).first('language')) as { language: string | null } | undefined) : undefined;
    const request = parseExportRequest(req.query as Record<string, unknown>, own?.language ?? (req.acceptsLanguages('pl', 'en', 'ro') || undefined));
    const file = await replicaRead(platform, req, (ctx) => exportReport(platform, ctx, String(req.params.name), request));
    res
      .set({ 'Content-Type': file.contentType, 'Content-Language': file.language, 'Content-Disposition': `attachment; filename="${file.fileName}"`, 'Cache-Control': 'no-store' })
      .send(file.bytes);
  });

  return router;
}
