// Who is calling: an API token (`Authorization: Bearer tsr_…`, via "api") or a browser session
// cookie (via "ui"). Sets res.locals.actor with the user's effective rights for the records service,
// and enforces CSRF protection for cookie-authenticated unsafe requests (synchronizer token: the
// X-CSRF-Token header must equal the token stored with the session).
import type { Request, RequestHandler, Response } from 'express';
import { DEFAULT_SESSION_POLICY, DEFAULT_THROTTLE_POLICY, accessFor, findApiToken, findSession, sameSecret, scopeHeld, secretHash, subjectOf, type AdminRight, type SessionPolicy, type ThrottlePolicy, type TokenScope } from '../access/index.ts';
import { TesseraError } from '../errors.ts';
import type { Platform } from '../platform.ts';

export const SESSION_COOKIE = 'tessera_session';
/** Readable by the page's scripts (not httpOnly): the value to send back in CSRF_HEADER. */
export const CSRF_COOKIE = 'tessera_csrf';
export const CSRF_HEADER = 'x-csrf-token';

export interface AuthOptions {
  readonly session?: Partial<SessionPolicy>;
  readonly throttle?: Partial<ThrottlePolicy>;
  /** Mark cookies Secure even on plain HTTP requests (behind a TLS proxy that sends no X-Forwarded-Proto). */
  readonly secureCookies?: boolean;
}

export interface ResolvedAuthOptions {
  readonly session: SessionPolicy;
  readonly throttle: ThrottlePolicy;
  readonly secureCookies: boolean;
}

export function resolveAuthOptions(options: AuthOptions = {}): ResolvedAuthOptions {
  return {
    session: { ...DEFAULT_SESSION_POLICY, ...options.session },
    throttle: { ...DEFAULT_THROTTLE_POLICY, ...options.throttle },
    secureCookies: options.secureCookies ?? false,
  };
}

/** How the request authenticated, for the auth endpoints (logout needs the session, /me shows the token). */
export type Authentication = { readonly kind: 'session'; readonly sessionId: string; readonly csrfToken: string; readonly expiresAt: Date } | { readonly kind: 'token'; readonly tokenId: string; readonly scopes: readonly TokenScope[] };

declare module 'express-serve-static-core' {
  interface Locals {
    auth?: Authentication;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
// Sign-in starts a new session whatever cookie the browser still has; it needs no CSRF token.
const CSRF_EXEMPT = new Set(['/auth/login']);
const BACKGROUND_PATHS = new Set(['/notifications/stream', '/notifications/summary']);
// What a session signed in with a temporary password may do: see who it is, choose a password, leave.
const PASSWORD_CHANGE_PATHS = new Set(['GET /auth/me', 'POST /auth/password', 'POST /auth/logout', 'POST /auth/login']);

export function readCookies(req: Request): Record<string, string> {
  const header = req.get('cookie');
  const cookies: Record<string, string> = {};
  if (!header) return cookies;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    let value = part.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    try {
      if (!Object.hasOwn(cookies, name)) cookies[name] = decodeURIComponent(value);
    } catch {
      // a malformed cookie is ignored like a missing one
    }
  }
  return cookies;
}

export function clearSessionCookies(req: Request, res: Response, options: ResolvedAuthOptions): void {
  const secure = options.secureCookies || req.secure;
  res.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'lax', secure });
  res.clearCookie(CSRF_COOKIE, { path: '/', sameSite: 'strict', secure });
}

export function setSessionCookies(req: Request, res: Response, options: ResolvedAuthOptions, secret: string, csrfToken: string): void {
  const secure = options.secureCookies || req.secure;
  const maxAge = options.session.absoluteHours * 3600 * 1000;
  // Lax keeps the session on top-level navigations from other sites (links in e-mails) but not on
  // their cross-site POSTs; the CSRF token protects the rest.
  res.cookie(SESSION_COOKIE, secret, { path: '/', httpOnly: true, sameSite: 'lax', secure, maxAge });
  res.cookie(CSRF_COOKIE, csrfToken, { path: '/', httpOnly: false, sameSite: 'strict', secure, maxAge });
}

function unauthenticated(message: string): TesseraError {
  return new TesseraError('UNAUTHENTICATED', message);
}

export function authenticate(platform: Platform, options: ResolvedAuthOptions): RequestHandler {
  const model = () => (platform.runtime.loaded ? platform.runtime.snapshot.model : null);
  return async (req, res, next) => {
    const authorization = req.get('authorization');
    if (authorization !== undefined) {
      // A bad token is an error, never a silent fall-back to the cookie.
      const match = /^Bearer[ ]+(\S+)\s*$/i.exec(authorization);
      res.set('WWW-Authenticate', 'Bearer realm="tessera", error="invalid_token"');
      if (!match) throw unauthenticated('the Authorization header must be "Bearer <API token>"');
      const key = secretHash(match[1]!);
      let found = platform.tokenCache.get(key);
      if (found && found.token.expiresAt !== null && new Date(found.token.expiresAt).getTime() <= Date.now()) found = undefined;
      if (!found) {
        const row = await findApiToken(platform.knex, match[1]!);
        if (!row) throw unauthenticated('the API token is unknown, expired or revoked, or its user is deactivated');
        found = { token: row.token, subject: await subjectOf(platform.knex, row.user) };
        platform.tokenCache.set(key, found);
      }
      res.removeHeader('WWW-Authenticate');
      const { subject, token } = found;
      res.locals.actor = { userId: subject.userId, via: 'api', access: accessFor(model(), subject, token.scopes) };
      res.locals.auth = { kind: 'token', tokenId: token.id, scopes: token.scopes };
      next();
      return;
    }
    const secret = readCookies(req)[SESSION_COOKIE];
    if (secret) {
      // The notification stream reconnects on its own: it must not keep an idle session alive.
      const found = await findSession(platform.knex, secret, options.session, { touch: !BACKGROUND_PATHS.has(req.path) });
      if (!found) {
        // Expired, idle, logged out or never ours: the request goes on unauthenticated.
        clearSessionCookies(req, res, options);
        next();
        return;
      }
      if (!SAFE_METHODS.has(req.method) && !CSRF_EXEMPT.has(req.path)) {
        const sent = req.get(CSRF_HEADER);
        if (!sent || !sameSecret(sent, found.session.csrf_token)) {
          throw new TesseraError('CSRF_REJECTED', `a signed-in browser request that changes something must send the ${CSRF_HEADER} header (the csrfToken of GET /api/auth/me, also in the ${CSRF_COOKIE} cookie)`, {
            problems: [{ pointer: `/headers/${CSRF_HEADER}`, detail: sent ? 'does not match the session' : 'is missing' }],
          });
        }
      }
      // A temporary password (invitation, reset) signs in only to choose the user's own.
      if (found.mustChangePassword && !PASSWORD_CHANGE_PATHS.has(`${req.method} ${req.path}`)) {
        throw new TesseraError('FORBIDDEN', 'choose your own password first (POST /api/auth/password): you signed in with a temporary one', { extensions: { passwordChangeRequired: true } });
      }
      const subject = await subjectOf(platform.knex, found.user);
      res.locals.actor = { userId: subject.userId, via: 'ui', access: accessFor(model(), subject) };
      res.locals.auth = { kind: 'session', sessionId: found.session.id, csrfToken: found.session.csrf_token, expiresAt: found.session.expires_at };
    }
    next();
  };
}

/** Everything after this needs a signed-in user or a valid token. */
export const requireAuthenticated: RequestHandler = (_req, res, next) => {
  if (!res.locals.actor?.access) {
    res.set('WWW-Authenticate', 'Bearer realm="tessera"');
    throw unauthenticated('sign in (POST /api/auth/login) or send an API token (Authorization: Bearer …)');
  }
  next();
};

/** An administration right (metadata, workflows, users), from the user's roles and the token's scopes. */
export function requireRight(right: AdminRight): RequestHandler {
  return (_req, res, next) => {
    const access = res.locals.actor?.access;
    if (!access) throw unauthenticated('sign in or send an API token');
    if (!access.can(right)) throw new TesseraError('FORBIDDEN', `this needs the ${right} right`);
    next();
  };
}

export function hasRight(res: Response, right: AdminRight): boolean {
  return res.locals.actor?.access?.can(right) ?? false;
}

/** Whether the request may act in a token scope: a session holds all of them, a token those it lists. */
export function holdsScope(res: Response, scope: TokenScope): boolean {
  const auth = res.locals.auth;
  return auth?.kind !== 'token' || scopeHeld(scope, (s) => auth.scopes.includes(s));
}

/** Refuses (403) a token without any of `scopes`; sessions pass. `what` names the action in the message. */
export function requireScope(what: string, ...scopes: readonly TokenScope[]): RequestHandler {
  return (_req, res, next) => {
    if (!scopes.some((s) => holdsScope(res, s))) throw scopeMissing(what, scopes);
    next();
  };
}

export function scopeMissing(what: string, scopes: readonly TokenScope[]): TesseraError {
  return new TesseraError('FORBIDDEN', `${what} needs an API token with the ${scopes.join(' or ')} scope`, { extensions: { requiredScopes: [...scopes] } });
}
