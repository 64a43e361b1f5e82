// Tessera's sign-in for Node-RED's editor and admin API. Node-RED's `adminAuth.tokens` hook asks for
// a user given a header value; we resolve the request's Tessera session cookie (or API token) before
// Node-RED sees it, hand Node-RED an opaque one-request key in a header of ours (removing any such
// header the client sent), and answer the hook from that key. administerAutomation gives Node-RED's
// "*" permission, viewAutomation "read" (a read-only editor); anything else is refused before
// Node-RED, so its API is protected the same way. No second password.
import type { IncomingMessage } from 'node:http';
import { randomBytes } from 'node:crypto';
import { accessFor, findApiToken, findSession, sameSecret, subjectOf, type Access, type SessionPolicy } from '../access/index.ts';
import type { Platform } from '../platform.ts';

export const EDITOR_TOKEN_HEADER = 'x-tessera-automation-user';
const SESSION_COOKIE = 'tessera_session';
const CSRF_HEADER = 'x-csrf-token';

/** The user Node-RED sees (adminAuth `tokens`/`users`): login, permissions, and our user id for the deploy audit. */
export interface EditorUser {
  readonly username: string;
  readonly permissions: '*' | 'read';
  readonly userId: string;
}

export type EditorAccess = { readonly kind: 'user'; readonly user: EditorUser } | { readonly kind: 'anonymous' } | { readonly kind: 'forbidden'; readonly login: string };

function cookie(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/** Node-RED's permission for a Tessera user's rights; null: no editor at all. */
export function editorPermissions(access: Pick<Access, 'can'>): '*' | 'read' | null {
  if (access.can('administerAutomation')) return '*';
  if (access.can('viewAutomation')) return 'read';
  return null;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * A browser's unsafe request must carry a header a cross-site form cannot send: Node-RED's editor
 * sends `Node-RED-API-Version` on every request of its own; our X-CSRF-Token is accepted too.
 */
export function csrfSafe(method: string, headers: IncomingMessage['headers'], csrfToken: string): boolean {
  if (SAFE_METHODS.has(method)) return true;
  if (headers['node-red-api-version'] !== undefined) return true;
  const sent = headers[CSRF_HEADER];
  return typeof sent === 'string' && sameSecret(sent, csrfToken);
}

export class EditorAuth {
  readonly #platform: Platform;
  readonly #policy: SessionPolicy;
  readonly #pending = new Map<string, EditorUser>();

  constructor(platform: Platform, policy: SessionPolicy) {
    this.#platform = platform;
    this.#policy = policy;
  }

  /** Who is asking: a signed-in user with an automation right, someone without it, or nobody. */
  async resolve(req: IncomingMessage): Promise<EditorAccess> {
    const model = this.#platform.runtime.loaded ? this.#platform.runtime.snapshot.model : null;
    const bearer = /^Bearer[ ]+(tsr_\S+)\s*$/i.exec(req.headers.authorization ?? '');
    if (bearer) {
      const found = await findApiToken(this.#platform.knex, bearer[1]!);
      if (!found) return { kind: 'anonymous' };
      const subject = await subjectOf(this.#platform.knex, found.user);
      const permissions = editorPermissions(accessFor(model, subject, found.token.scopes));
      return permissions ? { kind: 'user', user: { username: subject.login, permissions, userId: subject.userId } } : { kind: 'forbidden', login: subject.login };
    }
    const secret = cookie(req, SESSION_COOKIE);
    if (!secret) return { kind: 'anonymous' };
    const found = await findSession(this.#platform.knex, secret, this.#policy);
    if (!found || found.mustChangePassword) return { kind: 'anonymous' };
    const subject = await subjectOf(this.#platform.knex, found.user);
    const permissions = editorPermissions(accessFor(model, subject));
    if (!permissions) return { kind: 'forbidden', login: subject.login };
    if (!csrfSafe(req.method ?? 'GET', req.headers, found.session.csrf_token)) return { kind: 'forbidden', login: subject.login };
    return { kind: 'user', user: { username: subject.login, permissions, userId: subject.userId } };
  }

  /** Puts the one-request key for `user` on the request (replacing whatever the client sent under that name). */
  admit(req: IncomingMessage, user: EditorUser | null, done: Promise<unknown>): void {
    delete req.headers[EDITOR_TOKEN_HEADER];
    if (!user) return;
    const key = randomBytes(24).toString('base64url');
    this.#pending.set(key, user);
    req.headers[EDITOR_TOKEN_HEADER] = key;
    void done.finally(() => this.#pending.delete(key));
  }

  /** Node-RED's adminAuth.tokens: the user of a key we put on the request. */
  async user(key: string): Promise<EditorUser | null> {
    return this.#pending.get(key) ?? null;
  }
}
