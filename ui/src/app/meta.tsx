// The applied metadata, loaded once from GET /api/meta and resolved in the browser with the same
// pure code the server uses (groupItems + buildModel; the server validated the package on apply).
// The designer calls reload() after an apply, so new fields appear without a restart.
import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { buildModel, type Model, groupItems, type MetadataItem } from '../../../metadata/browser.ts';
import { api, ApiError } from '../api/client.ts';

export interface AppliedMetadata {
  readonly version: number;
  readonly files: Readonly<Record<string, unknown>>;
  readonly model: Model;
}

interface MetaState {
  readonly meta: AppliedMetadata | null;
  readonly error: ApiError | null;
  readonly loading: boolean;
  reload(): Promise<void>;
}

const MetaContext = createContext<MetaState | null>(null);

export async function fetchMetadata(): Promise<AppliedMetadata> {
  const { data } = await api.get<{ version: number; files: Record<string, unknown> }>('/meta');
  const model = buildModel(groupItems(data.files as Record<string, MetadataItem>));
  return { version: data.version, files: data.files, model };
}

export function MetaProvider({ children }: { children: ReactNode }) {
  const [meta, setMeta] = useState<AppliedMetadata | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(true);
  const reload = useCallback(async () => {
    try {
      setMeta(await fetchMetadata());
      setError(null);
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError({ status: 0, detail: String(e) }));
    } finally {
      setLoading(false);
    }
  }, []);
  useEffect(() => {
    void reload();
  }, [reload]);
  return <MetaContext.Provider value={{ meta, error, loading, reload }}>{children}</MetaContext.Provider>;
}

export function useMetaState(): MetaState {
  const value = useContext(MetaContext);
  if (!value) throw new Error('useMetaState outside MetaProvider');
  return value;
}

/** The model; only for pages rendered once metadata is loaded. */
export function useMeta(): AppliedMetadata & { reload(): Promise<void> } {
  const { meta, reload } = useMetaState();
  if (!meta) throw new Error('metadata not loaded');
  return { ...meta, reload };
}
