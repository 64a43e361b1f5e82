// The express application: JSON API under /api, the web app at /.
import express, { type Express } from 'express';
import { existsSync } from 'node:fs';
import { TesseraError } from '../errors.ts';
import { filesRouter } from './files-router.ts';
import type { Platform } from '../platform.ts';
import { metaRouter } from './meta-router.ts';
import { openApiDocument } from './openapi.ts';
import { problemHandler, sendProblem } from './problem.ts';
import { recordsRouter } from './records-router.ts';

export interface AppOptions {
  /** Folder of the built web app (ui/dist); served at / when present. */
  readonly uiDir?: string;
}

export function createApp(platform: Platform, options: AppOptions = {}): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'extended');
  app.set('trust proxy', 'loopback');

  const api = express.Router();
  api.use('/files', filesRouter(platform)); // before the JSON parsers: uploads are raw bytes
  api.use('/meta', express.json({ limit: '10mb', type: ['application/json', 'application/*+json'] }));
  api.use(express.json({ limit: '1mb', type: ['application/json', 'application/*+json'] }));

  api.get('/health', async (_req, res) => {
    await platform.knex.raw('SELECT 1');
    res.json({ status: 'ok', database: platform.db.embedded ? 'embedded' : 'server', metadataVersion: platform.runtime.loaded ? platform.runtime.snapshot.version : null });
  });
  api.get('/openapi.json', (_req, res) => {
    const { model, version } = platform.runtime.snapshot;
    res.json(openApiDocument(model, version));
  });
  api.use('/meta', metaRouter(platform));
  api.use('/records', recordsRouter(platform));
  api.use((req, res) => sendProblem(res, new TesseraError('NOT_FOUND', `no API resource ${req.method} ${req.originalUrl}`), req.originalUrl));
  api.use(problemHandler);
  app.use('/api', api);

  if (options.uiDir && existsSync(options.uiDir)) {
    app.use(express.static(options.uiDir, { index: false, maxAge: '1h' }));
    // The single-page app routes on the client: unknown paths get index.html.
    app.get(/^\/(?!api\/).*/, (_req, res) => res.sendFile('index.html', { root: options.uiDir! }));
  }
  return app;
}
