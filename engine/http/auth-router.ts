// /api/auth — sign in and out, the current user and their rights, sessions, API tokens.
import { Router, type Request, type Response } from 'express';
import { ADMIN_RIGHTS, PASSWORD_MAX, checkPassword, checkScopes, createApiToken, createSession, getUser, listApiTokens, listSessions, pruneSessions, revokeApiToken, revokeSession, revokeUserSessions, revokeUserTokens, secretHash, setPassword, summarizeRights, throttledVerification, verifyCredentials, type Access } from '../access/index.ts';
import { TesseraError } from '../errors.ts';
import type { Platform } from '../platform.ts';
import { clearSessionCookies, holdsScope, readCookies, requireAuthenticated, requireScope, scopeMissing, SESSION_COOKIE, setSessionCookies, type ResolvedAuthOptions } from './authenticate.ts';
import { requireJsonObject } from './params.ts';
import { isUuid } from '../../metadata/index.ts';

// A token acts on the account (other sessions and tokens) only with the account scope; a session always may.
const account = (what: string) => requireScope(what, 'account');

function text(body: Record<string, unknown>, key: string, max: number): string {
  const value = body[key];
  if (typeof value !== 'string' || value.length === 0 || value.length > max) {
    throw new TesseraError('VALIDATION_FAILED', `${key} is required`, { problems: [{ pointer: `/${key}`, detail: `must be a non-empty string of at most ${max} characters` }] });
  }
  return value;
}

function actorOf(res: Response) {
  const actor = res.locals.actor!;
  return { actor, access: actor.access!, userId: actor.userId! };
}

function sessionOnly(res: Response, what: string): { sessionId: string } {
  const auth = res.locals.auth;
  if (auth?.kind !== 'session') throw new TesseraError('FORBIDDEN', `${what} needs a signed-in browser session, not an API token`);
  return { sessionId: auth.sessionId };
}

/** The rights of the user on every entity type, for the UI to show only what can be done. */
function rightsOf(platform: Platform, access: Access): Record<string, unknown> {
  const admin = Object.fromEntries(ADMIN_RIGHTS.map((r) => [r, access.can(r)]));
  const entities: Record<string, unknown> = {};
  if (platform.runtime.loaded) for (const name of platform.runtime.snapshot.entities.keys()) entities[name] = summarizeRights(access.entity(name));
  return { ...admin, entities };
}

export function authRouter(platform: Platform, options: ResolvedAuthOptions): Router {
  const router = Router();
  const { knex } = platform;

  router.post('/login', async (req, res) => {
    const body = requireJsonObject(req);
    const login = text(body, 'login', 100);
    const password = text(body, 'password', PASSWORD_MAX * 4);
    const ip = req.ip ?? 'unknown';
    const outcome = await throttledVerification(knex, { login, ip }, options.throttle, (db) => verifyCredentials(db, login, password));
    if ('retryAfter' in outcome) {
      res.set('Retry-After', String(outcome.retryAfter));
      throw new TesseraError('TOO_MANY_REQUESTS', `too many failed sign-ins; try again in ${outcome.retryAfter} s`, { extensions: { retryAfter: outcome.retryAfter } });
    }
    const { userId } = outcome;
    if (!userId) throw new TesseraError('UNAUTHENTICATED', 'wrong login or password');
    // Session fixation: whatever session this browser came with ends; the new one has a fresh id.
    const previous = readCookies(req)[SESSION_COOKIE];
    if (previous) await knex('tessera.sessions').where({ secret_hash: secretHash(previous) }).delete();
    const session = await createSession(knex, userId, { ip, userAgent: req.get('user-agent') ?? '' }, options.session);
    // Ended sessions are refused anyway; now and then they are also removed.
    if (Math.random() < 0.05) await pruneSessions(knex, options.session);
    await knex('tessera.users').where({ id: userId }).update({ last_login_at: knex.fn.now() });
    setSessionCookies(req, res, options, session.secret, session.csrfToken);
    res.json({ user: await getUser(knex, userId), csrfToken: session.csrfToken, expiresAt: session.expiresAt.toISOString() });
  });

  router.use(requireAuthenticated);

  router.get('/me', async (_req, res) => {
    const { access, userId } = actorOf(res);
    const auth = res.locals.auth!;
    res.json({
      user: await getUser(knex, userId),
      via: res.locals.actor!.via,
      rights: rightsOf(platform, access),
      ...(auth.kind === 'session' ? { csrfToken: auth.csrfToken, session: { id: auth.sessionId, expiresAt: auth.expiresAt.toISOString() } } : { token: { id: auth.tokenId, scopes: auth.scopes } }),
    });
  });

  router.post('/logout', async (req, res) => {
    const { sessionId } = sessionOnly(res, 'logout');
    await revokeSession(knex, sessionId);
    clearSessionCookies(req, res, options);
    res.status(204).end();
  });

  /** Ends every session of the user (this one included); with {"tokens": true} also revokes every API token. */
  router.post('/logout-all', account('logging out everywhere'), async (req, res) => {
    const { userId } = actorOf(res);
    const body = req.body && typeof req.body === 'object' ? (req.body as Record<string, unknown>) : {};
    const sessions = await revokeUserSessions(knex, userId);
    const tokens = body.tokens === true ? await revokeUserTokens(knex, userId) : 0;
    if (res.locals.auth?.kind === 'session') clearSessionCookies(req, res, options);
    res.json({ sessions, tokens });
  });

  router.post('/password', async (req, res) => {
    const { sessionId } = sessionOnly(res, 'changing the password');
    const { actor, userId } = actorOf(res);
    const body = requireJsonObject(req);
    const current = text(body, 'currentPassword', PASSWORD_MAX * 4);
    const next = checkPassword(body.newPassword, '/newPassword');
    const user = await getUser(knex, userId);
    const ip = req.ip ?? 'unknown';
    const outcome = await throttledVerification(knex, { login: user.login, ip }, options.throttle, async (db) => ((await verifyCredentials(db, user.login, current)) === userId ? userId : null));
    if ('retryAfter' in outcome) {
      res.set('Retry-After', String(outcome.retryAfter));
      throw new TesseraError('TOO_MANY_REQUESTS', `too many failed attempts; try again in ${outcome.retryAfter} s`, { extensions: { retryAfter: outcome.retryAfter } });
    }
    const ok = outcome.userId !== null;
    if (!ok) throw new TesseraError('FORBIDDEN', 'the current password is wrong', { problems: [{ pointer: '/currentPassword', detail: 'is wrong', code: 'WRONG_PASSWORD' }] });
    // Other sessions end (ASVS V3.3.3); this one stays.
    await setPassword(knex, actor, userId, next, sessionId);
    res.status(204).end();
  });

  router.get('/sessions', account('listing sessions'), async (_req, res) => {
    const { userId } = actorOf(res);
    const current = res.locals.auth?.kind === 'session' ? res.locals.auth.sessionId : null;
    const sessions = await listSessions(knex, userId, options.session);
    res.json({
      data: sessions.map((s) => ({ id: s.id, createdAt: s.created_at.toISOString(), lastSeenAt: s.last_seen_at.toISOString(), expiresAt: s.expires_at.toISOString(), ip: s.ip, userAgent: s.user_agent, current: s.id === current })),
    });
  });

  router.delete('/sessions/:id', account('ending a session'), async (req, res) => {
    const { userId } = actorOf(res);
    const id = String(req.params.id);
    if (!isUuid(id) || !(await revokeSession(knex, id, userId))) throw new TesseraError('NOT_FOUND', `no session ${id}`);
    res.status(204).end();
  });

  router.get('/tokens', account('listing API tokens'), async (_req, res) => {
    const { userId } = actorOf(res);
    res.json({ data: await listApiTokens(knex, userId) });
  });

  // A token is created from a signed-in session only: a leaked token cannot mint more tokens.
  router.post('/tokens', async (req, res) => {
    sessionOnly(res, 'creating an API token');
    const { userId } = actorOf(res);
    const body = requireJsonObject(req);
    const name = text(body, 'name', 100);
    const scopes = checkScopes(body.scopes ?? ['read', 'write']);
    let expiresAt: Date | null = null;
    if (body.expiresAt !== undefined && body.expiresAt !== null) {
      expiresAt = typeof body.expiresAt === 'string' ? new Date(body.expiresAt) : new Date(NaN);
      if (Number.isNaN(expiresAt.getTime()) || expiresAt.getTime() <= Date.now()) {
        throw new TesseraError('VALIDATION_FAILED', 'expiresAt must be a future ISO 8601 date-time', { problems: [{ pointer: '/expiresAt', detail: 'must be a future date-time', code: 'NOT_IN_FUTURE' }] });
      }
    }
    const { token, info } = await createApiToken(knex, userId, { name, scopes, expiresAt });
    res.status(201).set('Cache-Control', 'no-store').json({ ...info, token });
  });

  // A token may always revoke itself (a leaked one can be switched off with nothing else at hand).
  router.delete('/tokens/:id', async (req: Request, res: Response) => {
    const { userId } = actorOf(res);
    const auth = res.locals.auth;
    if (auth?.kind === 'token' && auth.tokenId !== req.params.id && !holdsScope(res, 'account')) throw scopeMissing('revoking another API token', ['account']);
    if (!isUuid(req.params.id as string) || !(await revokeApiToken(knex, userId, req.params.id as string))) throw new TesseraError('NOT_FOUND', `no live token ${String(req.params.id)}`);
    res.status(204).end();
  });

  return router;
}
