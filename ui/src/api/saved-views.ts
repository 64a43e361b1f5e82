// Saved views of lists and boards (docs/api.md, "Saved views"): the user's own and their teams'.
import { api } from './client.ts';

export type SavedViewKind = 'list' | 'board';

export interface SavedViewDefinition {
  readonly filter: unknown;
  readonly sort: string | null;
  readonly columns: readonly string[] | null;
  readonly search: string | null;
}

export interface SavedView extends SavedViewDefinition {
  readonly id: string;
  readonly entity: string;
  readonly kind: SavedViewKind;
  readonly name: string;
  readonly teamId: string | null;
  readonly team: { readonly id: string; readonly label: string } | null;
  readonly owner: { readonly id: string; readonly displayName: string };
  readonly mine: boolean;
}

const enc = encodeURIComponent;

export async function listSavedViews(entity: string, kind: SavedViewKind): Promise<SavedView[]> {
  return (await api.get<{ data: SavedView[] }>(`/saved-views?entity=${enc(entity)}&kind=${kind}`)).data.data;
}

export async function createSavedView(view: { entity: string; kind: SavedViewKind; name: string; teamId: string | null } & SavedViewDefinition): Promise<SavedView> {
  return (await api.post<SavedView>('/saved-views', view)).data;
}

export async function deleteSavedView(id: string): Promise<void> {
  await api.delete(`/saved-views/${enc(id)}`);
}
