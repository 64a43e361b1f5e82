// /api/records/:type/:id/stream and …/comments — the record card's stream (engine/comments).
import { Router } from 'express';
import { RecordStreams } from '../comments/index.ts';
import type { Platform } from '../platform.ts';
import { requireScope } from './authenticate.ts';
import { recordContext } from './context.ts';
import { requireJsonObject, stringParam } from './params.ts';

export function streamRouter(platform: Platform): Router {
  const router = Router();
  const streams = new RecordStreams(platform.records, platform.knex);

  router.get('/:type/:id/stream', async (req, res) => {
    const limit = stringParam((req.query as Record<string, unknown>).limit, 'limit');
    res.json({ data: await streams.stream(recordContext(req), req.params.type, req.params.id, limit === undefined ? {} : { limit: Number(limit) }) });
  });

  router.post('/:type/:id/comments', requireScope('writing a comment', 'write'), async (req, res) => {
    const comment = await streams.post(recordContext(req), String(req.params.type), String(req.params.id), requireJsonObject(req));
    res.status(201).json(comment);
  });

  return router;
}
