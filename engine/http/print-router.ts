// GET /api/records/:type/:id/print/:template?lang=pl — the record printed to PDF with a document
// template; POST …/attach stores that PDF in the template's attachment field; POST
// /api/records/:type/print/:template prints many records into one PDF (serial letters) with an
// optional text given at print time (engine/documents).
// Mounted before the generic records routes.
import { Router, type Request } from 'express';
import { attachPrintout, MAX_SERIAL_RECORDS, printRecord, printRecords } from '../documents/index.ts';
import { TesseraError } from '../errors.ts';
import type { Platform } from '../platform.ts';
import { recordContext } from './context.ts';
import { isUuid } from '../../metadata/index.ts';
import type { Problem } from '../errors.ts';
import { booleanParam, requireJsonObject, stringParam } from './params.ts';

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

  // Serial printing: {ids, lang?, subject?, body?} → one PDF, each record from a new page.
  router.post('/records/:type/print/:template', async (req, res) => {
    const input = requireJsonObject(req);
    const problems: Problem[] = [];
    for (const key of Object.keys(input)) if (!['ids', 'lang', 'subject', 'body'].includes(key)) problems.push({ pointer: `/${key}`, detail: 'unknown property', code: 'UNKNOWN_FIELD' });
    const ids = input.ids;
    if (!Array.isArray(ids) || ids.length === 0 || ids.length > MAX_SERIAL_RECORDS) problems.push({ pointer: '/ids', detail: `must be a list of 1 to ${MAX_SERIAL_RECORDS} record ids` });
    else ids.forEach((id, i) => (typeof id === 'string' && isUuid(id) ? undefined : problems.push({ pointer: `/ids/${i}`, detail: 'must be a record id (UUID)' })));
    if (input.lang !== undefined && typeof input.lang !== 'string') problems.push({ pointer: '/lang', detail: 'must be a language code' });
    if (input.subject !== undefined && (typeof input.subject !== 'string' || input.subject.length > 500)) problems.push({ pointer: '/subject', detail: 'must be a text of at most 500 characters' });
    if (input.body !== undefined && (typeof input.body !== 'string' || input.body.length > 20_000)) problems.push({ pointer: '/body', detail: 'must be a text of at most 20,000 characters' });
    if (problems.length) throw new TesseraError('VALIDATION_FAILED', `invalid print request: ${problems.map((p) => `${p.pointer} ${p.detail}`).join('; ')}`, { problems });
    const printout = await printRecords(platform, recordContext(req), req.params.type, ids as string[], req.params.template, input.lang as string | undefined, {
      ...(typeof input.subject === 'string' ? { subject: input.subject } : {}),
      ...(typeof input.body === 'string' ? { body: input.body } : {}),
    });
    res
      .status(200)
      .set({
        'Content-Type': 'application/pdf',
        'Content-Disposition': `inline; filename*=UTF-8''${encodeURIComponent(printout.fileName)}`,
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
