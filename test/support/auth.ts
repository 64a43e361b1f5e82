// Users, tokens and browser sessions for tests. `browserClient` behaves like the web app: it keeps
// the cookies the server sets and sends the CSRF header on unsafe requests (unless told not to).
import { TOKEN_SCOPES, createApiToken, createTeam, createUser, type TokenScope } from '../../engine/access/index.ts';
import type { Platform } from '../../engine/platform.ts';
import { jsonClient, type JsonResponse } from './http.ts';

const SYSTEM = { userId: null, via: 'system', isAdmin: true } as const;

export const TEST_PASSWORD = 'correct horse battery staple';

export async function createTestUser(platform: Platform, options: { login: string; roles?: string[]; teams?: string[]; password?: string; isAdmin?: boolean }): Promise<string> {
  const user = await createUser(platform.knex, SYSTEM, {
    login: options.login,
    displayName: options.login[0]!.toUpperCase() + options.login.slice(1),
    email: `${options.login}@example.com`,
    password: options.password ?? TEST_PASSWORD,
    roles: options.roles ?? [],
    teams: options.teams ?? [],
    isAdmin: options.isAdmin ?? false,
  });
  return user.id;
}

export async function createTestTeam(platform: Platform, name: string): Promise<string> {
  return (await createTeam(platform.knex, SYSTEM, { name, label: name })).id;
}

export async function tokenFor(platform: Platform, userId: string, scopes: readonly TokenScope[] = TOKEN_SCOPES): Promise<string> {
  return (await createApiToken(platform.knex, userId, { name: 'test', scopes })).token;
}

/** A client acting as a user through an API token. */
export async function userClient(platform: Platform, base: string, userId: string, scopes?: readonly TokenScope[]) {
  return jsonClient(base, { token: await tokenFor(platform, userId, scopes) });
}

export interface BrowserClient {
  readonly cookies: Map<string, string>;
  login(login: string, password?: string): Promise<JsonResponse>;
  request(method: string, path: string, body?: unknown, options?: { csrf?: boolean | string; headers?: Record<string, string> }): Promise<JsonResponse>;
  get(path: string): Promise<JsonResponse>;
  post(path: string, body?: unknown, options?: { csrf?: boolean | string }): Promise<JsonResponse>;
  patch(path: string, body?: unknown, options?: { csrf?: boolean | string }): Promise<JsonResponse>;
  delete(path: string, options?: { csrf?: boolean | string }): Promise<JsonResponse>;
}

/** A cookie-keeping client, like a browser tab of the web app (`base` is the /api URL). */
export function browserClient(base: string): BrowserClient {
  const cookies = new Map<string, string>();
  const keep = (headers: Headers) => {
    for (const line of headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = decodeURIComponent(pair!.slice(eq + 1).trim());
      const expired = attributes.some((a) => /^\s*expires=/i.test(a) && new Date(a.split('=')[1]!).getTime() <= Date.now()) || attributes.some((a) => /^\s*max-age=0\b/i.test(a));
      if (expired || value === '') cookies.delete(name);
      else cookies.set(name, value);
    }
  };
  const request = async (method: string, path: string, body?: unknown, options: { csrf?: boolean | string; headers?: Record<string, string> } = {}): Promise<JsonResponse> => {
    const headers: Record<string, string> = { ...options.headers };
    if (cookies.size) headers.cookie = [...cookies].map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('; ');
    const csrf = options.csrf ?? true;
    if (!['GET', 'HEAD'].includes(method) && csrf !== false) {
      const token = typeof csrf === 'string' ? csrf : cookies.get('tessera_csrf');
      if (token) headers['x-csrf-token'] = token;
    }
    let payload: string | undefined;
    if (body !== undefined) {
      payload = JSON.stringify(body);
      headers['content-type'] = 'application/json';
    }
    const res = await fetch(`${base}${path}`, { method, headers, ...(payload !== undefined ? { body: payload } : {}) });
    keep(res.headers);
    const text = await res.text();
    const contentType = res.headers.get('content-type') ?? '';
    return { status: res.status, headers: res.headers, contentType, body: text && contentType.includes('json') ? JSON.parse(text) : text };
  };
  return {
    cookies,
    login: (login, password = TEST_PASSWORD) => request('POST', '/auth/login', { login, password }),
    request,
    get: (path) => request('GET', path),
    post: (path, body, options) => request('POST', path, body, options),
    patch: (path, body, options) => request('PATCH', path, body, options),
    delete: (path, options) => request('DELETE', path, undefined, options),
  };
}
