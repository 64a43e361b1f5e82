// API tokens as the HTTP API shows them (GET /api/auth/tokens) and the account page lists them, and
// the scopes a token may carry: one list for the engine's checks, the OpenAPI document and the app.
export const TOKEN_SCOPES = ['read', 'write', 'export', 'files', 'account', 'metadata', 'workflows', 'users', 'connectors', 'automation'] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

export interface ApiToken {
  readonly id: string;
  readonly name: string;
  readonly prefix: string;
  readonly scopes: readonly TokenScope[];
  readonly createdAt: string;
  readonly expiresAt: string | null;
  readonly lastUsedAt: string | null;
  readonly revokedAt: string | null;
}
