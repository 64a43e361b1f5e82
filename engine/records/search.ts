// Global search: one text searched across every entity type the user may read, over each type's
// searchable fields (metadata `searchable: true`), results grouped by type. Each type's part is an
// ordinary list search (records service: rights, hidden fields, row conditions, the folded
// trigram-indexed LIKE of metadata/physical.ts), so a hit is exactly what the list would show.
import { ACTIVITY_ENTITY, type SearchGroup, type SearchHit } from '../../metadata/index.ts';
import { isTesseraError, TesseraError } from '../errors.ts';
import { fold } from './list.ts';
import type { RecordContext, RecordService } from './service.ts';
import type { ApiRecord } from './values.ts';

export type { SearchGroup, SearchHit };

export interface SearchRequest {
  readonly q: unknown;
  readonly limit?: unknown;
  readonly types?: readonly string[] | undefined;
}

export const SEARCH_MIN_LENGTH = 2;
export const SEARCH_MAX_PER_TYPE = 20;

const bad = (pointer: string, detail: string, code: string) => new TesseraError('BAD_QUERY', `invalid search: ${pointer} ${detail}`, { problems: [{ pointer, detail, code }] });

/** What the request asks for, checked: problems point at the query parameter. Pure. */
export function parseSearch(request: SearchRequest, known: (entity: string) => boolean): { term: string; limit: number; types: readonly string[] | null } {
  const term = typeof request.q === 'string' ? request.q.trim() : '';
  if (term.length < SEARCH_MIN_LENGTH) throw bad('/query/q', `must have at least ${SEARCH_MIN_LENGTH} characters`, 'MIN_LENGTH');
  if (term.length > 200) throw bad('/query/q', 'is longer than 200 characters', 'MAX_LENGTH');
  let limit = 5;
  if (request.limit !== undefined) {
    limit = Number(request.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > SEARCH_MAX_PER_TYPE) throw bad('/query/limit', `must be an integer from 1 to ${SEARCH_MAX_PER_TYPE}`, 'RANGE');
  }
  const types = request.types ?? null;
  types?.forEach((type, i) => {
    if (!known(type)) throw bad(`/query/types/${i}`, `is not an entity type`, 'UNKNOWN_ENTITY');
  });
  return { term, limit, types };
}

/**
 * Searches every entity type with searchable fields that the user may read (activities last), at
 * most `limit` hits per type; types without a hit are left out. Types the user may not read are
 * skipped silently: the search must not reveal what exists there.
 */
export async function searchRecords(records: RecordService, ctx: RecordContext, request: SearchRequest): Promise<SearchGroup[]> {
  const model = records.runtime.snapshot.model;
  const { term, limit, types } = parseSearch(request, (name) => model.entities.has(name));
  const entities = [...model.entities.values()]
    .filter((e) => e.searchFields.length > 0 && (types === null || types.includes(e.name)))
    .sort((a, b) => Number(a.name === ACTIVITY_ENTITY) - Number(b.name === ACTIVITY_ENTITY));
  const needle = fold(term);
  const groups = await Promise.all(
    entities.map(async (entity): Promise<SearchGroup | null> => {
      let page;
      try {
        page = await records.list(ctx, entity.name, { search: term, limit, fields: ['id', ...new Set([entity.displayField, ...entity.searchFields])] });
      } catch (error) {
        // No read right on the type; a hidden display field (fields= refused); every searchable field hidden.
        if (isTesseraError(error) && (error.code === 'FORBIDDEN' || error.code === 'BAD_QUERY')) return null;
        throw error;
      }
      if (page.data.length === 0) return null;
      return { entity: entity.name, data: page.data.map((r) => hit(r, entity.displayField, entity.searchFields, needle)), more: page.next !== undefined };
    }),
  );
  return groups.filter((g): g is SearchGroup => g !== null);
}

function hit(record: ApiRecord, displayField: string, searchFields: readonly string[], needle: string): SearchHit {
  const matched: Record<string, string> = {};
  for (const field of searchFields) {
    const value = record[field];
    if (field === displayField || value === null || value === undefined) continue;
    if (fold(String(value)).includes(needle)) matched[field] = String(value);
  }
  const title = record[displayField];
  return { id: record.id as string, title: title === null || title === undefined ? '' : String(title), matched };
}
