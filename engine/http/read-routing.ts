// Which database a request reads (engine/db/replica.ts): lists, search, aggregates and exports may
// read the streaming replica; a session's write requests are marked so that its next reads see them.
import { randomUUID } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import type { Platform } from '../platform.ts';
import type { RecordContext } from '../records/index.ts';
import { readCookies } from './authenticate.ts';
import { recordContext } from './context.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/**
 * POSTs that only read (what they are sent is too large or too structured for a URL). Counted as
 * writes they would make the session's next reads wait for the replica or use the primary:
 * - reports' and dashboards' aggregates;
 * - a form's duplicate check and its live price quote (records' duplicates and prices);
 * - a metadata package's plan, and its sandbox (applied and tried on a transaction that is always
 *   rolled back: nothing stays on the primary);
 * - an import's preview (reads the file sent, or one the user uploaded before — that upload was the write).
 */
const READING_POSTS = [/^\/records\/[^/]+\/(aggregate|duplicates|prices)\/?$/, /^\/meta\/(plan|sandbox)\/?$/, /^\/imports\/preview\/?$/];

/** Whether a request may write (and so is followed for the session's next reads). */
export function mayWrite(method: string, path: string): boolean {
  if (SAFE_METHODS.has(method)) return false;
  return !(method === 'POST' && READING_POSTS.some((pattern) => pattern.test(path)));
}
/**
 * A browser session's writes are also told to the browser: with several processes its next read
 * may reach one that did not see the write (the marks below are per process). The cookie holds
 * when the write began; for this long after it, a process without its own mark makes the read
 * wait for the replica to reach the primary's position.
 */
export const WROTE_COOKIE = 'tessera_wrote';
const WROTE_WINDOW_MS = 60_000;

/** Which running platform (process) set a cookie: its own writes it knows by its marks. */
const instances = new WeakMap<Platform, string>();
function instanceOf(platform: Platform): string {
  let id = instances.get(platform);
  if (id === undefined) instances.set(platform, (id = randomUUID().slice(0, 8)));
  return id;
}

/** The session or API token a request acts through (read-your-writes is kept per each); null when anonymous. */
function sessionOf(req: Request): string | null {
  const auth = req.res?.locals.auth;
  if (!auth) return null;
  return auth.kind === 'session' ? `session:${auth.sessionId}` : `token:${auth.tokenId}`;
}

/**
 * After authentication: every request that may write marks its session until it has finished, and
 * then leaves the primary's WAL position for the session's next reads. Nothing without a replica.
 * An API token's write is told to the other processes first (the request waits for that): unlike a
 * browser, its client has no cookie to carry the news to whichever process takes its next read.
 */
export function markWrites(platform: Platform, options: { secureCookies: boolean }): RequestHandler {
  return (req, res, next) => {
    const replica = platform.db.replica;
    const session = replica && mayWrite(req.method, req.path) ? sessionOf(req) : null;
    if (!replica || !session) {
      next();
      return;
    }
    const kind = res.locals.auth?.kind;
    // Set before the handler runs (the headers are not sent yet); the browser keeps it with the answer.
    if (kind === 'session') res.cookie(WROTE_COOKIE, `${instanceOf(platform)}:${Date.now()}`, { path: '/api', httpOnly: true, sameSite: 'strict', secure: options.secureCookies, maxAge: WROTE_WINDOW_MS });
    const { told, done } = replica.beginWrite(session, { shared: kind === 'token' });
    // 'close' too: a request whose client went away may still have committed.
    res.on('finish', () => void done());
    res.on('close', () => void done());
    void told.then(() => next());
  };
}

/** Runs read-only `work` with a context that reads the replica when it may serve this request's session. */
export function replicaRead<T>(platform: Platform, req: Request, work: (ctx: RecordContext) => Promise<T>): Promise<T> {
  const ctx = recordContext(req);
  const replica = platform.db.replica;
  if (!replica) return work(ctx);
  return replica.read(sessionOf(req), (reader) => work({ ...ctx, reader }), { wroteElsewhere: wroteLately(platform, req), shared: req.res?.locals.auth?.kind === 'token' });
}

/**
 * The browser says its session wrote within the window through another process (a value from the
 * future or the past beyond it counts for nothing). A write through this process is known by its
 * own mark, which is dropped once the replica has it: the cookie must not make every later read
 * wait for the primary's newest position.
 */
function wroteLately(platform: Platform, req: Request): boolean {
  if (req.res?.locals.auth?.kind !== 'session') return false;
  const [writer, time] = String(readCookies(req)[WROTE_COOKIE] ?? '').split(':');
  if (writer === instanceOf(platform)) return false;
  const at = Number(time);
  const age = Date.now() - at;
  return Number.isFinite(at) && age >= -5000 && age <= WROTE_WINDOW_MS;
}
