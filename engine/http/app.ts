// The express application: JSON API under /api, the web app at /. Every API route but health and
// sign-in needs a session or an API token (engine/http/authenticate.ts); security headers by helmet.
import compression from 'compression';
import express, { type Express, type RequestHandler } from 'express';
import { existsSync } from 'node:fs';
import { TesseraError } from '../errors.ts';
import { authRouter } from './auth-router.ts';
import { recordSetsRouter } from './record-sets-router.ts';
import { conversionRouter } from './conversion-router.ts';
import { authenticate, requireAuthenticated, requireRight, resolveAuthOptions, type AuthOptions } from './authenticate.ts';
import { filesRouter } from './files-router.ts';
import { importsRouter } from './imports-router.ts';
import { checkJsonBody, checkPath, jsonParser, parseQueryString } from './input.ts';
import type { Platform } from '../platform.ts';
import { rolePreviewRouter } from './role-preview-router.ts';
import { metaRouter } from './meta-router.ts';
import { printRouter } from './print-router.ts';
import { pricingRouter } from './pricing-router.ts';
import { notificationsRouter } from './notifications-router.ts';
import { openApiDocument } from './openapi.ts';
import { problemHandler, sendProblem } from './problem.ts';
import { markWrites } from './read-routing.ts';
import { hotRecordRoutes, recordsRouter } from './records-router.ts';
import { recordsFastLane, type FastRoute } from './fast-lane.ts';
import { searchRouter } from './search-router.ts';
import { securityHeaders } from './security-headers.ts';
import { savedViewsRouter } from './saved-views-router.ts';
import { dashboardsRouter } from './dashboards-router.ts';
import { streamRouter } from './stream-router.ts';
import { usersRouter } from './users-router.ts';
import { workflowsRouter } from './workflows-router.ts';
import { connectorsPublicRouter, connectorsRouter } from './connectors-router.ts';

export interface AppOptions {
  /** Folder of the built web app (ui/dist); served at / when present. */
  readonly uiDir?: string;
  /** Session lifetime, login throttling, cookie flags (defaults in docs/security.md). */
  readonly auth?: AuthOptions;
  /** Embedded Node-RED (engine/automation): answers /automation with its own sign-in bridge and headers. */
  readonly automation?: RequestHandler;
  /**
   * The records API's list, get and create answered without express's routing (engine/http/fast-lane.ts);
   * on unless false (tests compare both paths). `served` is told of each request the lane answers.
   */
  readonly fastLane?: false | { readonly served?: (route: FastRoute) => void };
}

export function createApp(platform: Platform, options: AppOptions = {}): Express {
  const app = express();
  app.disable('x-powered-by');
  // Records carry their own ETag (the version); hashing every response body would only cost time.
  app.set('etag', false);
  // qs with the limits and checks of engine/http/input.ts (bracket filters: filter[city][in]=…).
  app.set('query parser', parseQueryString);
  app.set('trust proxy', 'loopback');
  // Before helmet and compression: Node-RED's editor sets its own headers (its page needs inline scripts).
  if (options.automation) app.use(options.automation);
  // Helmet's defaults (CSP 'self', frame-ancestors, nosniff, no referrer…), except upgrading
  // requests to https: a server on plain HTTP in a LAN would break its own page; and images from
  // anywhere, because an e-mail's "show images" lives in a srcdoc frame that obeys this policy too.
  // That frame has its own stricter policy until the user asks; the sanitiser blocks remote images
  // everywhere else, and scripts stay 'self' only.
  // Computed once from helmet (engine/http/security-headers.ts): the same headers on every response.
  const headers = securityHeaders({ contentSecurityPolicy: { directives: { upgradeInsecureRequests: null, imgSrc: ["'self'", 'data:', 'blob:', 'https:', 'http:'] } } });
  // gzip for the web app's bundles and large JSON lists (threshold 1 KB, as the middleware defaults).
  const compress = compression();
  const auth = resolveAuthOptions(options.auth);
  // Responses carry personal data: no caches (ASVS V8.2.1). Routes may loosen it (files are immutable).
  const noStore: RequestHandler = (_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  };
  const authenticated = authenticate(platform, auth);
  // With a read replica: a session's writes are followed so that its next reads see them.
  const writes = markWrites(platform, { secureCookies: auth.secureCookies });
  // A change of tokens, users or teams made here is seen by this process's very next request; other
  // processes hear of it through the database (migration 004 NOTIFYs the auth channel).
  const accountChanges: RequestHandler = (req, res, next) => {
    if (req.method !== 'GET' && /^\/(auth|users|teams)(\/|$)/.test(req.path)) res.on('finish', () => platform.tokenCache.clear());
    next();
  };
  const json = jsonParser('1mb');
  const hot = hotRecordRoutes(platform);
  if (options.fastLane !== false) {
    // The same middleware as below, in the same order, for the paths of the three hot routes; the
    // API's layers left out (health, the connectors' public routes, /files, /meta, /imports, /auth)
    // answer no path of those shapes.
    const before = [headers, compress, checkPath, noStore, authenticated, writes, accountChanges, json, checkJsonBody, requireAuthenticated];
    app.use(recordsFastLane({ before, routes: hot, problems: problemHandler, ...(options.fastLane?.served ? { served: options.fastLane.served } : {}) }));
  }
  app.use(headers);
  app.use(compress);

  // A middleware added below for the paths of /records (before the records router) goes into the
  // fast lane's `before` above as well; test/integration/records-fast-lane.test.ts compares the two.
  const api = express.Router();
  api.use(checkPath);
  api.use(noStore);
  api.get('/health', async (_req, res) => {
    const metadataVersion = platform.runtime.loaded ? platform.runtime.snapshot.version : null;
    const embedded = platform.db.embedded;
    if (!embedded) {
      await platform.knex.raw('SELECT 1');
      // A replica's outage is not the server's: reads fall back to the primary, so status stays ok.
      const replica = platform.db.replica ? { replica: platform.db.replica.available ? 'ok' : 'unavailable' } : {};
      res.json({ status: 'ok', database: 'server', metadataVersion, ...replica });
      return;
    }
    // The embedded database runs one statement at a time: a probe would wait behind a long one (a
    // metadata apply), so health reads the state of the database thread instead.
    const { running, busyMs } = embedded.activity();
    res.status(running ? 200 : 503).json({ status: running ? 'ok' : 'unavailable', database: 'embedded', metadataVersion, databaseBusyMs: busyMs });
  });
  // Connectors' public routes (ICS feeds read by calendar apps): no session, a token in the URL.
  api.use(connectorsPublicRouter(platform));
  api.use(authenticated);
  api.use(writes);
  api.use(accountChanges);
  api.use('/files', requireAuthenticated, filesRouter(platform)); // before the JSON parsers: uploads are raw bytes
  api.use('/meta', jsonParser('10mb'));
  api.use('/imports', jsonParser('28mb')); // a 20 MB file in base64
  api.use(json);
  api.use(checkJsonBody);

  api.use('/auth', authRouter(platform, auth));
  // Connectors' public routes (callbacks, unsubscribe links, feeds) authorise themselves, not by sign-in.
  api.use(connectorsPublicRouter(platform));
  // Everything below needs a signed-in user or a token; the OpenAPI document too (it describes the whole data model).
  api.use(requireAuthenticated);
  // The records API first: it serves most requests, and express tries every router mounted before it.
  // No route below answers a path of its shapes (/records/:type, /records/:type/:id and the literal
  // sub-paths it declares), so the order changes no answer.
  api.use('/records', recordsRouter(platform, hot));
  api.get('/openapi.json', (_req, res) => {
    const { model, version } = platform.runtime.snapshot;
    res.json(openApiDocument(model, version));
  });
  api.post('/meta/plan', requireRight('administerMetadata'));
  api.put('/meta', requireRight('administerMetadata'));
  api.post('/meta/sandbox', requireRight('administerMetadata'));
  api.use('/meta/numbering', requireRight('administerMetadata'));
  api.use('/meta/versions', requireRight('administerMetadata'));
  api.use('/meta/roles', requireRight('administerMetadata'), rolePreviewRouter(platform));
  api.use('/meta', metaRouter(platform));
  api.use(conversionRouter(platform));
  api.use(printRouter(platform));
  api.use(pricingRouter(platform));
  api.use(recordSetsRouter(platform));
  api.use('/records', streamRouter(platform));
  api.use(searchRouter(platform));
  api.use(savedViewsRouter(platform));
  api.use(dashboardsRouter(platform));
  api.use(importsRouter(platform));
  api.use(usersRouter(platform));
  api.use(notificationsRouter(platform));
  api.use(workflowsRouter(platform));
  api.use(connectorsRouter(platform));
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
