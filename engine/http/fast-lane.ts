// The records API's hot routes — list (GET /api/records/:type), get (GET /api/records/:type/:id) and
// create (POST /api/records/:type) — without express's routing. The app's router tries, for every
// request, each layer mounted before the one that answers (security headers, compression, the API's
// two dozen middleware and routers, the connectors' public routers twice) and wraps each call; on a
// get or a list that was a sixth of the request's JavaScript (docs/deployment.md, "Where the CPU
// goes"). The fast lane is the app's first layer: for those three shapes it runs the very middleware
// functions the API runs for them, in the same order, then the same route handler
// (engine/http/records-router.ts), and sends errors through the same problem handler. Every other
// request — another method, a sub-path (/aggregate, /export, /duplicates…), a path it would have to
// decode (percent-encoding, a trailing slash, other letter case), HEAD — goes on to the router unchanged.
import type { ErrorRequestHandler, NextFunction, Request, RequestHandler, Response } from 'express';
import type { HotRecordRoutes } from './records-router.ts';

export type FastRoute = keyof HotRecordRoutes;

export interface FastLaneParts {
  /** The middleware the app and the API run before the records router, in their order. */
  readonly before: readonly RequestHandler[];
  readonly routes: HotRecordRoutes;
  /** The API's error handler (problem+json). */
  readonly problems: ErrorRequestHandler;
  /** Told of every request the lane answers (tests prove with it that the lane served them). */
  readonly served?: (route: FastRoute) => void;
}

// Segments whose decoding is themselves (no '%'), so the express route parameters and checkPath's
// decoded path are the text as sent; a type and an id are names and UUIDs or numbers.
const HOT_PATH = /^\/api\/records\/([A-Za-z0-9_-]+)(?:\/([A-Za-z0-9_-]+))?$/;
// Literal sub-paths the records router answers before /:type/:id.
const NOT_AN_ID = new Set(['aggregate', 'export']);

/** Which hot route answers this request, if one does; with its parameters. */
export function hotRoute(method: string | undefined, url: string | undefined): { route: FastRoute; type: string; id?: string } | null {
  if ((method !== 'GET' && method !== 'POST') || url === undefined) return null;
  const q = url.indexOf('?');
  const match = HOT_PATH.exec(q < 0 ? url : url.slice(0, q));
  if (!match) return null;
  const type = match[1]!;
  const id = match[2];
  if (method === 'POST') return id === undefined ? { route: 'create', type } : null;
  if (id === undefined) return { route: 'list', type };
  return NOT_AN_ID.has(id) ? null : { route: 'get', type, id };
}

/** The app's first layer: answers the hot routes itself and passes every other request on. */
export function recordsFastLane(parts: FastLaneParts): RequestHandler {
  const { before, routes, problems, served } = parts;
  return (req, res, next) => {
    const hot = hotRoute(req.method, req.url);
    if (!hot) {
      next();
      return;
    }
    served?.(hot.route);
    const fail = (error: unknown) => problems(error, req, res, next);
    const url = req.url;
    // What the API's middleware see under app.use('/api', …): the path below /api.
    req.baseUrl = '/api';
    req.url = url.slice(4);
    const step = (index: number): NextFunction => (error?: unknown) => {
      if (error !== undefined && error !== null) return fail(error);
      const handler = index < before.length ? before[index]! : null;
      if (!handler) {
        // What the route sees under api.use('/records', …).
        req.baseUrl = '/api/records';
        req.url = url.slice(12);
        req.params = hot.id === undefined ? { type: hot.type } : { type: hot.type, id: hot.id };
        return call(routes[hot.route] as RequestHandler, req, res, fail);
      }
      return call(handler, req, res, step(index + 1), fail);
    };
    step(0)();
  };
}

/** A handler called as express's router calls it: a throw or a rejected promise is an error. */
function call(handler: RequestHandler, req: Request, res: Response, next: NextFunction, fail: (error: unknown) => void = next): void {
  try {
    const result: unknown = handler(req, res, next);
    if (result instanceof Promise) result.catch(fail);
  } catch (error) {
    fail(error);
  }
}
