// The one place the web app talks HTTP. Every request goes through `request`, so the identity layer
// can add its session cookie handling and CSRF header here (configureApi) and nowhere else.
// Errors come back as ApiError carrying the server's problem+json document.

export interface ProblemEntry {
  readonly pointer: string;
  readonly detail: string;
  readonly code?: string;
  /** What the app words the problem with (ui/src/app/problems.ts). */
  readonly params?: Readonly<Record<string, unknown>>;
}

export interface Problem {
  readonly type?: string;
  readonly title?: string;
  readonly status: number;
  readonly code?: string;
  readonly detail?: string;
  readonly errors?: readonly ProblemEntry[];
  readonly allowed?: readonly string[];
  readonly currentVersion?: number;
  readonly [extension: string]: unknown;
}

export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem;
  constructor(problem: Problem) {
    super(problem.detail ?? problem.title ?? `HTTP ${problem.status}`);
    this.name = 'ApiError';
    this.status = problem.status;
    this.problem = problem;
  }
}

export interface ApiConfig {
  /** Extra headers for every request (e.g. the CSRF token once sign-in exists). */
  headers(method: string): Record<string, string>;
  /** Called on 401, e.g. to show the sign-in page. */
  onUnauthenticated(): void;
}

/** The CSRF token of the session: the server also puts it in a script-readable cookie. */
export function csrfFromCookie(): string | undefined {
  const match = /(?:^|;\s*)tessera_csrf=([^;]+)/.exec(globalThis.document?.cookie ?? '');
  return match ? decodeURIComponent(match[1]!) : undefined;
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

// A signed-in browser's unsafe requests carry the session's CSRF token (synchronizer token).
const config: ApiConfig = {
  headers: (method): Record<string, string> => {
    const token = SAFE.has(method) ? undefined : csrfFromCookie();
    return token ? { 'x-csrf-token': token } : {};
  },
  onUnauthenticated: () => undefined,
};

export function configureApi(overrides: Partial<ApiConfig>): void {
  Object.assign(config, overrides);
}

export interface RequestOptions {
  readonly body?: unknown;
  /** Raw body (a file upload); sent as is with its own content type. */
  readonly blob?: Blob;
  readonly headers?: Record<string, string>;
  readonly signal?: AbortSignal;
  /** The answer as a Blob (a PDF), not parsed; a refusal is still a problem (ApiError). */
  readonly binary?: boolean;
}

export interface ApiResponse<T> {
  readonly data: T;
  readonly status: number;
  readonly headers: Headers;
}

export const API_BASE = '/api';

export async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { accept: 'application/json, application/problem+json', ...config.headers(method), ...options.headers };
  let body: BodyInit | undefined;
  if (options.blob) {
    body = options.blob;
    headers['content-type'] ??= options.blob.type || 'application/octet-stream';
  } else if (options.body !== undefined) {
    body = typeof options.body === 'string' && headers['content-type'] ? options.body : JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  let res: Response;
  try {
    res = await fetch(`${API_BASE}${path}`, { method, headers, body, credentials: 'same-origin', ...(options.signal ? { signal: options.signal } : {}) });
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw new ApiError({ status: 0, title: 'Network error', detail: `the server is not reachable (${(error as Error).message})` });
  }
  if (options.binary && res.ok) return { data: (await res.blob()) as T, status: res.status, headers: res.headers };
  const type = res.headers.get('content-type') ?? '';
  const text = await res.text();
  const parsed: unknown = text && type.includes('json') ? JSON.parse(text) : text;
  if (!res.ok) {
    if (res.status === 401) config.onUnauthenticated();
    const problem = parsed && typeof parsed === 'object' ? (parsed as Problem) : { status: res.status, title: res.statusText, detail: typeof parsed === 'string' && parsed ? parsed.slice(0, 300) : res.statusText };
    throw new ApiError({ ...problem, status: res.status });
  }
  return { data: parsed as T, status: res.status, headers: res.headers };
}

export const api = {
  get: <T>(path: string, options?: RequestOptions) => request<T>('GET', path, options),
  post: <T>(path: string, body?: unknown, options?: RequestOptions) => request<T>('POST', path, { ...options, body }),
  put: <T>(path: string, body?: unknown, options?: RequestOptions) => request<T>('PUT', path, { ...options, body }),
  patch: <T>(path: string, body?: unknown, options?: RequestOptions) => request<T>('PATCH', path, { ...options, body }),
  delete: <T>(path: string, options?: RequestOptions) => request<T>('DELETE', path, options),
};

/** The version in an ETag ("3" or W/"3"). */
export function etagVersion(headers: Headers): number | undefined {
  const match = /^(?:W\/)?"(\d+)"$/.exec(headers.get('etag') ?? '');
  return match ? Number(match[1]) : undefined;
}
