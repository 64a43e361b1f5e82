// API tokens for integrations and Node-RED: `Authorization: Bearer tsr_…`. The token is shown once
// when created; the database keeps its SHA-256 and a short prefix to recognise it in lists. Tokens
// are scoped (they never exceed their user's rights), may expire, and are revoked, never deleted.
import type { Knex } from 'knex';
import { TesseraError } from '../errors.ts';
import { TOKEN_SCOPES, type TokenScope } from './permissions.ts';
import { randomSecret, secretHash } from './secrets.ts';
import { IDENTITY_COLUMNS, type UserIdentityRow } from './subjects.ts';
import type { ApiToken } from '../../metadata/index.ts';

export const TOKEN_PREFIX = 'tsr_';

/** A token as the API shows it. */
export type ApiTokenInfo = ApiToken;

interface TokenRow {
  id: string;
  user_id: string;
  name: string;
  prefix: string;
  scopes: string[];
  created_at: Date;
  expires_at: Date | null;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const info = (r: TokenRow): ApiTokenInfo => ({
  id: r.id,
  name: r.name,
  prefix: r.prefix,
  scopes: r.scopes as TokenScope[],
  createdAt: r.created_at.toISOString(),
  expiresAt: iso(r.expires_at),
  lastUsedAt: iso(r.last_used_at),
  revokedAt: iso(r.revoked_at),
});

export function checkScopes(scopes: unknown, pointer = '/scopes'): TokenScope[] {
  if (!Array.isArray(scopes) || scopes.length === 0 || !scopes.every((s) => typeof s === 'string')) {
    throw new TesseraError('VALIDATION_FAILED', `scopes is a non-empty list of: ${TOKEN_SCOPES.join(', ')}`, { problems: [{ pointer, detail: `must list some of ${TOKEN_SCOPES.join(', ')}` }] });
  }
  const problems = scopes.flatMap((s, i) => ((TOKEN_SCOPES as readonly string[]).includes(s as string) ? [] : [{ pointer: `${pointer}/${i}`, detail: `unknown scope "${String(s)}"` }]));
  if (problems.length) throw new TesseraError('VALIDATION_FAILED', `unknown token scope(s): ${problems.map((p) => p.detail).join('; ')}`, { problems });
  return [...new Set(scopes as TokenScope[])];
}

export async function createApiToken(db: Knex | Knex.Transaction, userId: string, options: { name: string; scopes: readonly TokenScope[]; expiresAt?: Date | null }): Promise<{ token: string; info: ApiTokenInfo }> {
  const token = `${TOKEN_PREFIX}${randomSecret()}`;
  const [row] = (await db('tessera.api_tokens')
    .insert({ user_id: userId, name: options.name, prefix: token.slice(0, 12), secret_hash: secretHash(token), scopes: [...options.scopes], expires_at: options.expiresAt ?? null })
    .returning('*')) as TokenRow[];
  return { token, info: info(row!) };
}

const TOUCH_SECONDS = 60;

/** The live token and its (active) user; null when unknown, revoked, expired or the user is deactivated. */
export async function findApiToken(db: Knex, token: string): Promise<{ token: ApiTokenInfo; user: UserIdentityRow } | null> {
  if (!token.startsWith(TOKEN_PREFIX) || token.length > 100) return null;
  const row = (await db('tessera.api_tokens as t')
    .join('tessera.users as u', 'u.id', 't.user_id')
    .where('t.secret_hash', secretHash(token))
    .whereNull('t.revoked_at')
    .where((b) => b.whereNull('t.expires_at').orWhereRaw('t.expires_at > now()'))
    .where('u.active', true)
    .first(
      't.*',
      ...IDENTITY_COLUMNS,
      db.raw(`(t.last_used_at IS NULL OR t.last_used_at < now() - make_interval(secs => ${TOUCH_SECONDS})) AS stale`),
    )) as (TokenRow & Omit<UserIdentityRow, 'id'> & { stale: boolean }) | undefined;
  if (!row) return null;
  if (row.stale) await db('tessera.api_tokens').where({ id: row.id }).update({ last_used_at: db.fn.now() });
  return { token: info(row), user: { id: row.user_id, login: row.login, display_name: row.display_name, is_admin: row.is_admin, active: row.active, roles: row.roles, employee: row.employee } };
}

export async function listApiTokens(db: Knex, userId: string): Promise<ApiTokenInfo[]> {
  return ((await db('tessera.api_tokens').where({ user_id: userId }).orderBy('created_at', 'desc')) as TokenRow[]).map(info);
}

/** Revokes one token of a user; false when the user has no such live token. */
export async function revokeApiToken(db: Knex | Knex.Transaction, userId: string, id: string): Promise<boolean> {
  return (await db('tessera.api_tokens').where({ id, user_id: userId }).whereNull('revoked_at').update({ revoked_at: db.fn.now() })) > 0;
}

export async function revokeUserTokens(db: Knex | Knex.Transaction, userId: string): Promise<number> {
  return db('tessera.api_tokens').where({ user_id: userId }).whereNull('revoked_at').update({ revoked_at: db.fn.now() });
}
