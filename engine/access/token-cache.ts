// API tokens verified in the last seconds, so an integration's request does not pay two queries for
// its identity. Any change of tokens, users or teams — in this process or another (the triggers of
// migration 004 NOTIFY the auth channel) — clears the whole cache, so revocation stays immediate.
import type { ApiTokenInfo } from './tokens.ts';
import type { Subject } from './permissions.ts';

export const AUTH_CHANNEL = 'tessera_auth';

export interface CachedToken {
  readonly token: ApiTokenInfo;
  readonly subject: Subject;
}

export class TokenCache {
  readonly #entries = new Map<string, { readonly value: CachedToken; readonly expires: number }>();
  readonly #ttlMs: number;
  readonly #capacity: number;

  constructor(options: { ttlMs?: number; capacity?: number } = {}) {
    this.#ttlMs = options.ttlMs ?? 5000;
    this.#capacity = options.capacity ?? 10_000;
  }

  get(key: string, now = Date.now()): CachedToken | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.expires <= now) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  set(key: string, value: CachedToken, now = Date.now()): void {
    if (this.#ttlMs <= 0) return;
    if (this.#entries.size >= this.#capacity) this.#entries.clear();
    this.#entries.set(key, { value, expires: now + this.#ttlMs });
  }

  clear(): void {
    this.#entries.clear();
  }

  get size(): number {
    return this.#entries.size;
  }
}
