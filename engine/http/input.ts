// What a request brings in, before any route reads it: the query string and JSON bodies. Hostile
// input becomes a problem with a pointer here, instead of a 500 from PostgreSQL (NUL characters),
// a value changed behind the client's back (invalid UTF-8 read as U+FFFD), a term dropped in
// silence (qs ignores `__proto__` keys and cuts keys nested too deep), or a stack overflow
// (bodies nested thousands of levels deep).
import { isUtf8 } from 'node:buffer';
import express, { type RequestHandler } from 'express';
import qs from 'qs';
import { textProblem } from '../../metadata/index.ts';
import { TesseraError, type Problem } from '../errors.ts';

/** Bracket levels of a query key (`filter[or][0][name][eq]` has four). */
export const MAX_QUERY_DEPTH = 20;
/** Query parameters per request, and items of one bracket array (`in` takes up to 1,000 values). */
export const MAX_QUERY_PARAMETERS = 1000;
/** Nesting of a JSON body: deeper values are refused before anything walks them recursively. */
export const MAX_JSON_DEPTH = 64;
/** Problems listed per request; the rest are counted in the detail. */
const MAX_PROBLEMS = 100;

const escapePointer = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');

/**
 * Strings and member names that cannot be stored, and values nested deeper than `maxDepth`, with
 * their pointers under `base`. Iterative: the depth of the input costs no stack.
 */
export function inputProblems(value: unknown, base: string, maxDepth = MAX_JSON_DEPTH): Problem[] {
  const problems: Problem[] = [];
  const stack: [unknown, string, number][] = [[value, base, 0]];
  while (stack.length > 0 && problems.length <= MAX_PROBLEMS) {
    const [item, at, depth] = stack.pop()!;
    if (typeof item === 'string') {
      const problem = textProblem(item);
      if (problem) problems.push({ pointer: at, detail: problem, code: 'TEXT' });
      continue;
    }
    if (typeof item !== 'object' || item === null) continue;
    if (depth >= maxDepth) {
      problems.push({ pointer: at, detail: `is nested deeper than ${maxDepth} levels`, code: 'DEPTH' });
      continue;
    }
    for (const [key, member] of Object.entries(item)) {
      const here = `${at}/${escapePointer(key)}`;
      const problem = textProblem(key);
      if (problem) problems.push({ pointer: here, detail: `its name ${problem}`, code: 'TEXT' });
      else stack.push([member, here, depth + 1]);
    }
  }
  return problems;
}

function refuse(code: 'BAD_QUERY' | 'VALIDATION_FAILED', what: string, problems: Problem[]): TesseraError {
  const shown = problems.slice(0, MAX_PROBLEMS);
  const more = problems.length > shown.length ? ` (and more)` : '';
  return new TesseraError(code, `${what}: ${shown.map((p) => `${p.pointer} ${p.detail}`).join('; ')}${more}`, { problems: shown });
}

const decodeKey = (key: string): string => {
  try {
    return decodeURIComponent(key.replace(/\+/g, ' '));
  } catch {
    return key;
  }
};

/**
 * The query parser of the app (express "query parser"): qs with objects that have no prototype
 * (`filter[constructor]=x` is a key like any other), limits that throw instead of cutting, and
 * every key and value checked. Throws BAD_QUERY; express calls it when a route reads req.query.
 */
export function parseQueryString(text: string | null | undefined): Record<string, unknown> {
  if (!text) return Object.create(null) as Record<string, unknown>;
  const problems: Problem[] = [];
  for (const part of text.split('&')) {
    const key = decodeKey(part.split('=', 1)[0]!);
    // name[a][b] → name, a, b (as qs reads it, for the pointers).
    const path = [key.split('[', 1)[0]!, ...[...key.matchAll(/\[([^[\]]*)\]/g)].map((m) => m[1]!)];
    const pointer = (segments: readonly string[]) => `/query/${segments.map(escapePointer).join('/')}`;
    const proto = path.indexOf('__proto__');
    // qs drops these keys without a word, so a filter on "__proto__" would vanish and match every row.
    if (proto >= 0) problems.push({ pointer: pointer(path.slice(0, proto + 1)), detail: '"__proto__" is not a parameter or field name' });
    else if (path.length - 1 > MAX_QUERY_DEPTH) {
      problems.push({ pointer: pointer(path.slice(0, 1)), detail: `is nested deeper than ${MAX_QUERY_DEPTH} bracket levels; send a deep filter as JSON (filter={…})` });
    }
  }
  if (problems.length) throw refuse('BAD_QUERY', 'invalid query string', problems);
  let query: Record<string, unknown>;
  try {
    query = qs.parse(text, {
      plainObjects: true,
      allowPrototypes: true,
      depth: MAX_QUERY_DEPTH,
      strictDepth: true,
      parameterLimit: MAX_QUERY_PARAMETERS,
      arrayLimit: MAX_QUERY_PARAMETERS,
      throwOnLimitExceeded: true,
    });
  } catch (error) {
    throw new TesseraError('BAD_QUERY', `invalid query string: ${(error as Error).message}`, { problems: [{ pointer: '/query', detail: (error as Error).message }] });
  }
  const unstorable = inputProblems(query, '/query', MAX_QUERY_DEPTH + 1);
  if (unstorable.length) throw refuse('BAD_QUERY', 'invalid query string', unstorable);
  return query;
}

const JSON_TYPES = ['application/json', 'application/*+json'];

/**
 * express.json with the body checked as bytes first: UTF-8 (RFC 8259 §8.1) and valid, where the
 * stock parser would decode bad bytes to U+FFFD and store them.
 */
export function jsonParser(limit: string): RequestHandler {
  return express.json({
    limit,
    type: JSON_TYPES,
    verify: (_req, _res, body, encoding) => {
      if (encoding !== 'utf-8' && encoding !== 'utf8') throw new TesseraError('UNSUPPORTED_MEDIA_TYPE', `send JSON as UTF-8, not ${encoding}`);
      if (!isUtf8(body)) {
        throw new TesseraError('MALFORMED_JSON', 'the body is not valid UTF-8', { problems: [{ pointer: '', detail: 'is not valid UTF-8 (send text as UTF-8)' }] });
      }
    },
  });
}

/**
 * The path of an API request, before routes decode it into parameters: valid percent-encoded UTF-8
 * without text the database cannot store (a NUL in /workflows/:processId would reach SQL).
 */
export const checkPath: RequestHandler = (req, _res, next) => {
  let path: string;
  try {
    path = decodeURIComponent(req.path);
  } catch {
    throw new TesseraError('MALFORMED_REQUEST', 'the path is not valid percent-encoded UTF-8');
  }
  const problem = textProblem(path);
  if (problem) throw new TesseraError('MALFORMED_REQUEST', `the path ${problem}`);
  next();
};

/** After the JSON parsers: every string of the body storable, the body not nested too deep. */
export const checkJsonBody: RequestHandler = (req, _res, next) => {
  const body: unknown = req.body;
  // What the JSON parsers made (a raw upload's Buffer is not walked byte by byte).
  if (typeof body === 'object' && body !== null && !Buffer.isBuffer(body)) {
    const problems = inputProblems(body, '');
    if (problems.length) throw refuse('VALIDATION_FAILED', 'invalid body', problems);
  }
  next();
};
