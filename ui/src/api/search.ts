// Global search (GET /api/search): hits grouped by entity type, only records the user may read.
import { api } from './client.ts';

export interface SearchHit {
  readonly id: string;
  readonly title: string;
  /** Searchable values besides the title that contain the text (NIP, e-mail, phone, number). */
  readonly matched: Readonly<Record<string, string>>;
}

export interface SearchGroup {
  readonly entity: string;
  readonly data: readonly SearchHit[];
  readonly more: boolean;
}

export async function searchAll(q: string, signal?: AbortSignal): Promise<SearchGroup[]> {
  return (await api.get<{ data: SearchGroup[] }>(`/search?q=${encodeURIComponent(q)}`, signal ? { signal } : {})).data.data;
}
