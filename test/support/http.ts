// A real HTTP server on a loopback port for API tests, and a small JSON client. The server comes
// with an administrator and an API token of theirs; a client made for the server's URL sends that
// token unless told otherwise ({ token: null } for anonymous requests, or another user's token).
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TOKEN_SCOPES, createApiToken, hashPassword } from '../../engine/access/index.ts';
import { createApp, type AppOptions } from '../../engine/http/app.ts';
import { createHttpServer } from '../../engine/http/listener.ts';
import type { Platform } from '../../engine/platform.ts';

export interface TestServer {
  readonly url: string;
  readonly server: Server;
  /** The test administrator (is_admin) and a token with every scope. */
  readonly adminId: string;
  readonly adminToken: string;
  close(): Promise<void>;
}

export const TEST_ADMIN_LOGIN = 'test-admin';
export const TEST_ADMIN_PASSWORD = 'test-admin-password';

// Server URL → the admin token its clients send by default.
const defaultTokens = new Map<string, string>();

/** The test administrator of a database (created on first use). */
export async function ensureTestAdmin(platform: Platform): Promise<string> {
  const existing = (await platform.knex('tessera.users').where({ login: TEST_ADMIN_LOGIN }).first('id')) as { id: string } | undefined;
  if (existing) return existing.id;
  const [row] = (await platform.knex('tessera.users')
    .insert({ login: TEST_ADMIN_LOGIN, display_name: 'Test Administrator', is_admin: true, roles: [], password_hash: await hashPassword(TEST_ADMIN_PASSWORD) })
    .returning('id')) as { id: string }[];
  return row!.id;
}

export async function startTestServer(platform: Platform, options: AppOptions = {}): Promise<TestServer> {
  const server = createHttpServer(createApp(platform, options));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  const adminId = await ensureTestAdmin(platform);
  const { token: adminToken } = await createApiToken(platform.knex, adminId, { name: 'test server', scopes: TOKEN_SCOPES });
  defaultTokens.set(url, adminToken);
  return {
    url,
    server,
    adminId,
    adminToken,
    close: () =>
      new Promise<void>((resolve) => {
        defaultTokens.delete(url);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface JsonResponse<T = any> {
  readonly status: number;
  readonly headers: Headers;
  readonly body: T;
  readonly contentType: string;
}

export interface ClientDefaults {
  readonly headers?: Record<string, string>;
  /** API token to send; null: none. Default: the admin token of the test server at `base`. */
  readonly token?: string | null;
}

export function jsonClient(base: string, defaults: ClientDefaults = {}) {
  const token = defaults.token !== undefined ? defaults.token : ([...defaultTokens].find(([url]) => base.startsWith(url))?.[1] ?? null);
  const auth: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  const request = async <T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<JsonResponse<T>> => {
    const init: RequestInit = { method, headers: { ...auth, ...defaults.headers, ...headers } };
    if (body !== undefined) {
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
      (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
    }
    const res = await fetch(`${base}${path}`, init);
    const text = await res.text();
    const contentType = res.headers.get('content-type') ?? '';
    return { status: res.status, headers: res.headers, contentType, body: (text && contentType.includes('json') ? JSON.parse(text) : text) as T };
  };
  return {
    request,
    get: <T = any>(path: string, headers?: Record<string, string>) => request<T>('GET', path, undefined, headers),
    post: <T = any>(path: string, body?: unknown, headers?: Record<string, string>) => request<T>('POST', path, body, headers),
    patch: <T = any>(path: string, body?: unknown, headers?: Record<string, string>) => request<T>('PATCH', path, body, headers),
    put: <T = any>(path: string, body?: unknown, headers?: Record<string, string>) => request<T>('PUT', path, body, headers),
    delete: <T = any>(path: string, headers?: Record<string, string>) => request<T>('DELETE', path, undefined, headers),
  };
}

export type JsonClient = ReturnType<typeof jsonClient>;
