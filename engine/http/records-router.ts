// /api/records/:type — CRUD, lists, timeline, history of the records of every entity type.
import { Router, type RequestHandler } from 'express';
import type { Platform } from '../platform.ts';
import { massUpdate, parseMassUpdate, type ApiRecord } from '../records/index.ts';
import { TesseraError } from '../errors.ts';
import { csvColumns, csvLine } from './csv.ts';
import { sendJson } from './json-response.ts';
import { recordContext } from './context.ts';
import { auditArchivedBefore } from '../db/audit-partitions.ts';
import { replicaRead } from './read-routing.ts';
import { aggregateRequest, expectedVersion, listParam, listRequest, requireJsonObject, stringParam } from './params.ts';

/** The three hot routes, one handler each, served by this router and by engine/http/fast-lane.ts. */
export interface HotRecordRoutes {
  /** GET /:type */
  readonly list: RequestHandler<{ type: string }>;
  /** GET /:type/:id */
  readonly get: RequestHandler<{ type: string; id: string }>;
  /** POST /:type */
  readonly create: RequestHandler<{ type: string }>;
}

export function hotRecordRoutes(platform: Platform): HotRecordRoutes {
  const { records } = platform;
  return {
    list: async (req, res) => {
      const request = listRequest(req);
      const result = await replicaRead(platform, req, (ctx) => records.list(ctx, req.params.type, request));
      if (result.next) {
        const url = new URL(req.originalUrl, 'http://x');
        url.searchParams.set('after', result.next);
        res.links({ next: `${url.pathname}${url.search}` });
      }
      sendJson(req, res, { data: result.data, next: result.next ?? null, ...(result.count !== undefined ? { count: result.count } : {}) });
    },
    get: async (req, res) => {
      const q = req.query as Record<string, unknown>;
      const include = listParam(q.include, 'include');
      const fields = listParam(q.fields, 'fields');
      const record = await records.get(recordContext(req), req.params.type, req.params.id, { ...(include ? { include } : {}), ...(fields ? { fields } : {}) });
      res.setHeader('ETag', `"${String(record.version)}"`);
      sendJson(req, res, record);
    },
    create: async (req, res) => {
      const record = await records.create(recordContext(req), req.params.type, requireJsonObject(req));
      res.location(`${req.baseUrl}/${req.params.type}/${String(record.id)}`).set('ETag', `"${String(record.version)}"`);
      sendJson(req, res, record, 201);
    },
  };
}

export function recordsRouter(platform: Platform, hot: HotRecordRoutes = hotRecordRoutes(platform)): Router {
  const router = Router();
  const { records } = platform;

  router.get('/:type', hot.list);

  // Before /:type/:id. Groups and measures over the records the user may read (docs/reports.md).
  router.get('/:type/aggregate', async (req, res) => {
    const request = aggregateRequest(req);
    res.json(await replicaRead(platform, req, (ctx) => records.aggregate(ctx, req.params.type, request, '/query')));
  });

  router.post('/:type/aggregate', async (req, res) => {
    const request = requireJsonObject(req);
    res.json(await replicaRead(platform, req, (ctx) => records.aggregate(ctx, req.params.type, request)));
  });

  // Before /:type/:id. The export right applies on top of the read right; the first page is
  // computed before the response starts, so a refusal is still a proper problem response.
  router.get('/:type/export', async (req, res) => {
    const { after: _after, limit: _limit, include: _include, count: _count, ...request } = listRequest(req);
    const entity = platform.runtime.entity(req.params.type).entity;
    // The replica (or the primary) the first page was read on serves the following pages too.
    const { pages, first } = await replicaRead(platform, req, async (ctx) => {
      const exported = records.export(ctx, req.params.type, request);
      return { pages: exported, first: await exported.next() };
    });
    const firstPage = first.done ? [] : first.value;
    const columns = csvColumns(entity, firstPage[0], request.fields);
    res.status(200).set({ 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': `attachment; filename="${entity.name}.csv"` });
    res.write(`\uFEFF${csvLine(columns.map((c) => c.header))}`);
    const write = (page: readonly ApiRecord[]) => {
      for (const record of page) res.write(csvLine(columns.map((c) => c.value(record))));
    };
    write(firstPage);
    for await (const page of pages) write(page);
    res.end();
  });

  router.post('/:type', hot.create);

  // Before /:type/:id. Probable duplicates of the values sent (a form being filled in; ?exclude=<id> for an edit).
  router.post('/:type/duplicates', async (req, res) => {
    const exclude = stringParam((req.query as Record<string, unknown>).exclude, 'exclude');
    res.json({ data: await records.duplicates(recordContext(req), req.params.type, requireJsonObject(req), exclude ? { exclude } : {}) });
  });

  // One change to many records, all or nothing (engine/records/mass-update.ts).
  router.post('/:type/mass-update', async (req, res) => {
    const input = parseMassUpdate(requireJsonObject(req));
    const data = await massUpdate(platform.knex, records, recordContext(req), req.params.type, input);
    res.json({ data });
  });

  router.get('/:type/:id', hot.get);

  router.patch('/:type/:id', async (req, res) => {
    const body = requireJsonObject(req);
    const version = expectedVersion(req, body);
    const { version: _omit, ...values } = body;
    const record = await records.update(recordContext(req), req.params.type, req.params.id, values, version !== undefined ? { expectedVersion: version } : {});
    res.set('ETag', `"${String(record.version)}"`).json(record);
  });

  router.delete('/:type/:id', async (req, res) => {
    const version = expectedVersion(req, undefined);
    const record = await records.remove(recordContext(req), req.params.type, req.params.id, version !== undefined ? { expectedVersion: version } : {});
    res.json(record);
  });

  router.post('/:type/:id/restore', async (req, res) => {
    const record = await records.restore(recordContext(req), req.params.type, req.params.id);
    res.set('ETag', `"${String(record.version)}"`).json(record);
  });

  router.post('/:type/:id/merge', async (req, res) => {
    const body = requireJsonObject(req);
    const version = expectedVersion(req, body);
    const result = await records.merge(recordContext(req), req.params.type, req.params.id, body, version !== undefined ? { expectedVersion: version } : {});
    res.set('ETag', `"${String(result.record.version)}"`).json(result);
  });

  router.get('/:type/:id/history', async (req, res) => {
    const data = await records.history(recordContext(req), req.params.type, req.params.id);
    // Months past the audit retention were archived: the trail here is whole only if it begins with the create.
    const before = await auditArchivedBefore(platform.knex);
    res.json({ data, archived: before ? { before: before.toISOString(), complete: data[0]?.action === 'create' } : null });
  });

  router.get('/:type/:id/activities', async (req, res) => {
    const { scope, kind } = req.query as Record<string, unknown>;
    if (scope !== undefined && scope !== 'own' && scope !== 'all') throw new TesseraError('BAD_QUERY', 'scope is own or all', { problems: [{ pointer: '/query/scope', detail: 'must be own or all' }] });
    if (kind !== undefined && typeof kind !== 'string') throw new TesseraError('BAD_QUERY', 'kind is a comma-separated list of activity kinds', { problems: [{ pointer: '/query/kind', detail: 'must be text' }] });
    const kinds = kind ? kind.split(',').map((k) => k.trim()).filter(Boolean) : undefined;
    const request = listRequest(req, ['scope', 'kind']);
    const result = await records.timeline(recordContext(req), req.params.type, req.params.id, { ...request, ...(scope ? { scope } : {}), ...(kinds ? { kinds } : {}) });
    res.json({ data: result.data, next: result.next ?? null, ...(result.count !== undefined ? { count: result.count } : {}) });
  });

  return router;
}
