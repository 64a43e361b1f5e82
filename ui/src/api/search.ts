// Global search (GET /api/search): hits grouped by entity type, only records the user may read.
import type { SearchGroup, SearchHit } from '../../../metadata/browser.ts';
import { api } from './client.ts';

export type { SearchGroup, SearchHit };

export async function searchAll(q: string, signal?: AbortSignal): Promise<SearchGroup[]> {
  return (await api.get<{ data: SearchGroup[] }>(`/search?q=${encodeURIComponent(q)}`, signal ? { signal } : {})).data.data;
}
