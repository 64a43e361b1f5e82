// The CalDAV edge, over tsdav: list a collection (with VTODOs: tsdav filters to VEVENT unless told,
// gotcha 5), changes since a sync-token (RFC 6578), the ctag, multiget, and conditional PUT/DELETE
// whose outcome (412 on a stale ETag) is a value, not an exception.
import { calendarMultiGet, calendarQuery, propfind, syncCollection, type DAVResponse } from 'tsdav';

export interface RemoteObject {
  readonly href: string;
  readonly etag: string | null;
  readonly data: string;
}

export type Changes =
  | { readonly kind: 'changes'; readonly token: string | null; readonly changed: readonly { href: string; etag: string | null }[]; readonly deleted: readonly string[] }
  /** The server no longer knows the token (or never did): list everything and compare ETags. */
  | { readonly kind: 'token-invalid' };

export type WriteOutcome = { readonly ok: true; readonly etag: string | null } | { readonly ok: false; readonly status: number };

export interface CalendarServer {
  readonly calendarUrl: string;
  /** Path of an object of the calendar, e.g. /alice/crm/<name>.ics. */
  hrefOf(name: string): string;
  /** The collection's sync-token and ctag now. */
  tokens(): Promise<{ syncToken: string | null; ctag: string | null }>;
  changesSince(token: string): Promise<Changes>;
  listAll(): Promise<RemoteObject[]>;
  get(hrefs: readonly string[]): Promise<RemoteObject[]>;
  /** PUT with If-Match (etag) or If-None-Match: * (null: create only). */
  put(href: string, data: string, etag: string | null): Promise<WriteOutcome>;
  remove(href: string, etag: string | null): Promise<WriteOutcome>;
}

export class CalDavError extends Error {
  readonly code = 'CALDAV_FAILED';
  readonly status: number | null;
  constructor(message: string, status: number | null = null) {
    super(message);
    this.name = 'CalDavError';
    this.status = status;
  }
}

const ALL_COMPONENTS = { 'c:comp-filter': { _attributes: { name: 'VCALENDAR' } } };
const MULTIGET_BATCH = 200;

const text = (value: unknown): string | null => {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && '_cdata' in value) return String((value as { _cdata: unknown })._cdata);
  if (value && typeof value === 'object' && '_text' in value) return String((value as { _text: unknown })._text);
  return null;
};

export function calendarServer(options: { calendarUrl: string; username: string; password: string; fetch?: typeof fetch }): CalendarServer {
  const calendarUrl = options.calendarUrl.endsWith('/') ? options.calendarUrl : `${options.calendarUrl}/`;
  const base = new URL(calendarUrl);
  const headers = { authorization: `Basic ${Buffer.from(`${options.username}:${options.password}`).toString('base64')}` };
  const doFetch = options.fetch ?? fetch;
  const absolute = (href: string) => new URL(href, base).toString();
  const pathOf = (href: string) => new URL(href, base).pathname;
  const objects = (responses: DAVResponse[]): RemoteObject[] =>
    responses
      .filter((r) => r.ok && r.href && text(r.props?.calendarData))
      .map((r) => ({ href: pathOf(r.href!), etag: text(r.props?.getetag), data: text(r.props?.calendarData)! }));
  const failed = (responses: DAVResponse[], what: string) => {
    const bad = responses.find((r) => !r.ok && r.status >= 400 && r.status !== 404);
    if (bad) throw new CalDavError(`${what}: ${bad.status} ${bad.statusText}`, bad.status);
  };

  const write = async (method: 'PUT' | 'DELETE', href: string, etag: string | null, body?: string): Promise<WriteOutcome> => {
    const conditional = etag ? { 'if-match': etag } : method === 'PUT' ? { 'if-none-match': '*' } : {};
    const res = await doFetch(absolute(href), { method, headers: { ...headers, ...conditional, ...(body ? { 'content-type': 'text/calendar; charset=utf-8' } : {}) }, ...(body ? { body } : {}) });
    await res.arrayBuffer();
    if (res.ok) return { ok: true, etag: res.headers.get('etag') };
    if (res.status === 412 || res.status === 404) return { ok: false, status: res.status };
    throw new CalDavError(`${method} ${pathOf(href)}: ${res.status} ${res.statusText}`, res.status);
  };

  return {
    calendarUrl,
    hrefOf: (name) => `${base.pathname}${encodeURIComponent(name)}`,
    async tokens() {
      const [r] = await propfind({ url: calendarUrl, props: { 'd:sync-token': {}, 'cs:getctag': {} }, depth: '0', headers });
      if (!r?.ok) throw new CalDavError(`PROPFIND ${base.pathname}: ${r?.status ?? 'no answer'}`, r?.status ?? null);
      return { syncToken: text(r.props?.syncToken), ctag: text(r.props?.getctag) };
    },
    async changesSince(token) {
      const responses = await syncCollection({ url: calendarUrl, props: { 'd:getetag': {} }, syncLevel: 1, syncToken: token, headers });
      // 403/409 with DAV:valid-sync-token: the token expired or the server forgot it.
      if (responses.some((r) => r.status === 403 || r.status === 409 || (r.status === 400 && JSON.stringify(r.raw ?? '').includes('sync-token')))) return { kind: 'token-invalid' };
      failed(responses, 'sync-collection');
      const newToken = text((responses[0]?.raw as { multistatus?: { syncToken?: unknown } } | undefined)?.multistatus?.syncToken);
      const own = (r: DAVResponse) => r.href !== undefined && pathOf(r.href) !== base.pathname;
      return {
        kind: 'changes',
        token: newToken,
        changed: responses.filter((r) => own(r) && r.status !== 404 && r.ok).map((r) => ({ href: pathOf(r.href!), etag: text(r.props?.getetag) })),
        deleted: responses.filter((r) => own(r) && r.status === 404).map((r) => pathOf(r.href!)),
      };
    },
    async listAll() {
      const responses = await calendarQuery({ url: calendarUrl, props: { 'd:getetag': {}, 'c:calendar-data': {} }, filters: ALL_COMPONENTS, depth: '1', headers });
      failed(responses, 'calendar-query');
      return objects(responses);
    },
    async get(hrefs) {
      const found: RemoteObject[] = [];
      for (let i = 0; i < hrefs.length; i += MULTIGET_BATCH) {
        const responses = await calendarMultiGet({ url: calendarUrl, props: { 'd:getetag': {}, 'c:calendar-data': {} }, objectUrls: hrefs.slice(i, i + MULTIGET_BATCH).map(pathOf), depth: '1', headers });
        failed(responses, 'calendar-multiget');
        found.push(...objects(responses));
      }
      return found;
    },
    put: (href, data, etag) => write('PUT', href, etag, data),
    remove: (href, etag) => write('DELETE', href, etag),
  };
}
