// GET /api/records/:type/:id/print/:template?lang=pl — the record printed to PDF with a document
// template; POST …/attach stores that PDF in the template's attachment field (engine/documents).
// Mounted before the generic records routes.
import { Router, type Request } from 'express';
import { attachPrintout, printRecord } from '../documents/index.ts';
import { TesseraError } from '../errors.ts';
import type { Platform } from '../platform.ts';
import { recordContext } from './context.ts';
import { booleanParam, stringParam } from './params.ts';

const QUERY = new Set(['lang', 'download']);

function printQuery(req: Request): { lang: string | undefined; download: boolean } {
  const query = req.query as Record<string, unknown>;
  const unknown = Object.keys(query).filter((k) => !QUERY.has(k));
  if (unknown.length) {
    throw new TesseraError('BAD_QUERY', `unknown query parameter ${unknown.join(', ')}`, { problems: unknown.map((k) => ({ pointer: `/query/${k}`, detail: 'is not a parameter of printing', code: 'UNKNOWN_FIELD' })) });
  }
  return { lang: stringParam(query.lang, 'lang'), download: booleanParam(query.download, 'download') ?? false };
}

export function printRouter(platform: Platform): Router {
  const router = Router();

  router.get('/records/:type/:id/print/:template', async (req, res) => {
    const { lang, download } = printQuery(req);
    const printout = await printRecord(platform, recordContext(req), req.params.type, req.params.id, req.params.template, lang);
    res
      .status(200)
      .set({
        'Content-Type': 'application/pdf',
        'Content-Disposition': `${download ? 'attachment' : 'inline'}; filename*=UTF-8''${encodeURIComponent(printout.fileName)}`,
        'Content-Language': printout.language,
        'X-Content-Type-Options': 'nosniff',
      })
      .send(printout.pdf);
  });

  router.post('/records/:type/:id/print/:template/attach', async (req, res) => {
    const { lang } = printQuery(req);
    const attached = await attachPrintout(platform, recordContext(req), req.params.type, req.params.id, req.params.template, lang);
    res.status(201).set('ETag', `"${String(attached.record.version)}"`).json(attached);
  });

  return router;
}
