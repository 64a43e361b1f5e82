// Reading query parameters and headers into typed values, with problems pointing at /query/<name>.
import type { Request } from 'express';
import { TesseraError } from '../errors.ts';
import type { ListRequest } from '../records/index.ts';

export function listParam(value: unknown, name: string): string[] | undefined {
  if (value === undefined) return undefined;
  const items = Array.isArray(value) ? value : [value];
  if (!items.every((v) => typeof v === 'string')) throw new TesseraError('BAD_QUERY', `${name} is a comma-separated list`, { problems: [{ pointer: `/query/${name}`, detail: 'must be a comma-separated list' }] });
  return (items as string[]).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
}

export function stringParam(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new TesseraError('BAD_QUERY', `${name} must be given once, as text`, { problems: [{ pointer: `/query/${name}`, detail: 'must be a single value' }] });
  return value;
}

/** A yes/no query parameter: exactly `true` or `false` (anything else would be read one way silently). */
export function booleanParam(value: unknown, name: string): boolean | undefined {
  const text = stringParam(value, name);
  if (text === undefined) return undefined;
  if (text !== 'true' && text !== 'false') throw new TesseraError('BAD_QUERY', `${name} is true or false`, { problems: [{ pointer: `/query/${name}`, detail: 'must be true or false' }] });
  return text === 'true';
}

export function listRequest(req: Request, ownParameters: readonly string[] = []): ListRequest {
  const q = req.query as Record<string, unknown>;
  const known = new Set(['filter', 'sort', 'limit', 'after', 'search', 'include', 'fields', 'count', 'deleted', ...ownParameters]);
  const unknown = Object.keys(q).filter((k) => !known.has(k));
  if (unknown.length) {
    throw new TesseraError('BAD_QUERY', `unknown query parameter(s): ${unknown.join(', ')}`, { problems: unknown.map((k) => ({ pointer: `/query/${k}`, detail: 'unknown parameter' })) });
  }
  const limitText = stringParam(q.limit, 'limit');
  const limit = limitText === undefined ? undefined : /^\d{1,6}$/.test(limitText) ? Number(limitText) : NaN;
  if (Number.isNaN(limit)) throw new TesseraError('BAD_QUERY', 'limit must be a whole number', { problems: [{ pointer: '/query/limit', detail: 'must be a whole number' }] });
  const deleted = stringParam(q.deleted, 'deleted');
  if (deleted !== undefined && !['exclude', 'include', 'only'].includes(deleted)) {
    throw new TesseraError('BAD_QUERY', 'deleted is exclude, include or only', { problems: [{ pointer: '/query/deleted', detail: 'must be exclude, include or only' }] });
  }
  const count = booleanParam(q.count, 'count');
  const sort = stringParam(q.sort, 'sort');
  const after = stringParam(q.after, 'after');
  const search = stringParam(q.search, 'search');
  const include = listParam(q.include, 'include');
  const fields = listParam(q.fields, 'fields');
  return {
    ...(q.filter !== undefined ? { filter: q.filter } : {}),
    ...(sort !== undefined ? { sort } : {}),
    ...(limit !== undefined ? { limit } : {}),
    ...(after !== undefined ? { after } : {}),
    ...(search !== undefined ? { search } : {}),
    ...(include ? { include } : {}),
    ...(fields ? { fields } : {}),
    ...(count ? { count } : {}),
    ...(deleted ? { deleted: deleted as 'exclude' | 'include' | 'only' } : {}),
  };
}

/** The version a client edited: If-Match: "3" (or W/"3"), else "version" in the body. */
export function expectedVersion(req: Request, body: Record<string, unknown> | undefined): number | undefined {
  const header = req.get('if-match');
  if (header) {
    const match = /^(?:W\/)?"(\d+)"$/.exec(header.trim());
    if (!match) throw new TesseraError('BAD_QUERY', 'If-Match must be an ETag of this API, e.g. "3"', { problems: [{ pointer: '/headers/if-match', detail: 'must look like "3"' }] });
    return Number(match[1]);
  }
  const version = body?.version;
  if (version === undefined) return undefined;
  if (!Number.isInteger(version) || (version as number) < 1) throw new TesseraError('VALIDATION_FAILED', 'version must be a positive integer', { problems: [{ pointer: '/version', detail: 'must be a positive integer' }] });
  return version as number;
}

export function requireJsonObject(req: Request): Record<string, unknown> {
  if (!req.is('application/json') && !req.is('application/*+json')) {
    throw new TesseraError('UNSUPPORTED_MEDIA_TYPE', 'send the body as application/json');
  }
  const body: unknown = req.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new TesseraError('VALIDATION_FAILED', 'the body must be a JSON object', { problems: [{ pointer: '', detail: 'must be an object', code: 'TYPE' }] });
  }
  return body as Record<string, unknown>;
}

/**
 * An aggregate query from a query string: groupBy=stage,deal_date:month, measures=count,sum:amount,
 * filter=<JSON>, convertTo=PLN, rateDate=<field or day>; problems point at /query/<name>.
 */
export function aggregateRequest(req: Request): Record<string, unknown> {
  const q = req.query as Record<string, unknown>;
  const known = new Set(['groupBy', 'measures', 'filter', 'convertTo', 'rateDate']);
  const unknown = Object.keys(q).filter((k) => !known.has(k));
  if (unknown.length) throw new TesseraError('BAD_QUERY', `unknown query parameter(s): ${unknown.join(', ')}`, { problems: unknown.map((k) => ({ pointer: `/query/${k}`, detail: 'unknown parameter' })) });
  const groupBy = listParam(q.groupBy, 'groupBy');
  const measures = listParam(q.measures, 'measures');
  const filterText = stringParam(q.filter, 'filter');
  const convertTo = stringParam(q.convertTo, 'convertTo');
  const rateDate = stringParam(q.rateDate, 'rateDate');
  let filter: unknown;
  if (filterText !== undefined && filterText !== '') {
    try {
      filter = JSON.parse(filterText);
    } catch {
      throw new TesseraError('BAD_QUERY', 'invalid filter: /query/filter is not valid JSON', { problems: [{ pointer: '/query/filter', detail: 'is not valid JSON' }] });
    }
  }
  return { ...(groupBy ? { groupBy } : {}), ...(measures ? { measures } : {}), ...(filter !== undefined ? { filter } : {}), ...(convertTo !== undefined ? { convertTo } : {}), ...(rateDate !== undefined ? { rateDate } : {}) };
}
