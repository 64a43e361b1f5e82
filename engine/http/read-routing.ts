// Which database a request reads (engine/db/replica.ts): lists, search, aggregates and exports may
// read the streaming replica; a session's write requests are marked so that its next reads see them.
import type { Request, RequestHandler } from 'express';
import type { Platform } from '../platform.ts';
import type { RecordContext } from '../records/index.ts';
import { recordContext } from './context.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The session or API token a request acts through (read-your-writes is kept per each); null when anonymous. */
function sessionOf(req: Request): string | null {
  const auth = req.res?.locals.auth;
  if (!auth) return null;
  return auth.kind === 'session' ? `session:${auth.sessionId}` : `token:${auth.tokenId}`;
}

/**
 * After authentication: every request that may write marks its session until it has finished, and
 * then leaves the primary's WAL position for the session's next reads. Nothing without a replica.
 */
export function markWrites(platform: Platform): RequestHandler {
  return (req, res, next) => {
    const replica = platform.db.replica;
    const session = replica && !SAFE_METHODS.has(req.method) ? sessionOf(req) : null;
    if (replica && session) {
      const done = replica.beginWrite(session);
      // 'close' too: a request whose client went away may still have committed.
      res.on('finish', () => void done());
      res.on('close', () => void done());
    }
    next();
  };
}

/** Runs read-only `work` with a context that reads the replica when it may serve this request's session. */
export function replicaRead<T>(platform: Platform, req: Request, work: (ctx: RecordContext) => Promise<T>): Promise<T> {
  const ctx = recordContext(req);
  const replica = platform.db.replica;
  if (!replica) return work(ctx);
  return replica.read(sessionOf(req), (reader) => work({ ...ctx, reader }));
}
