// Browser sessions. The cookie carries a random secret; the database keeps its SHA-256 and a
// separate id (the handle shown in session lists). Sessions end on logout, after an idle period and
// after an absolute lifetime (OWASP ASVS V3.3), and with the user's deactivation.
import type { Knex } from 'knex';
import { randomSecret, secretHash } from './secrets.ts';
import { IDENTITY_COLUMNS, type UserIdentityRow } from './subjects.ts';

export interface SessionPolicy {
  /** Minutes without a request after which a session ends. */
  readonly idleMinutes: number;
  /** Hours after sign-in after which a session ends however active it is. */
  readonly absoluteHours: number;
}

export const DEFAULT_SESSION_POLICY: SessionPolicy = { idleMinutes: 30, absoluteHours: 12 };

export interface SessionRow {
  readonly id: string;
  readonly user_id: string;
  readonly csrf_token: string;
  readonly created_at: Date;
  readonly last_seen_at: Date;
  readonly expires_at: Date;
  readonly ip: string | null;
  readonly user_agent: string | null;
}

export interface NewSession {
  readonly id: string;
  /** The cookie value; never stored. */
  readonly secret: string;
  readonly csrfToken: string;
  readonly expiresAt: Date;
}

// last_seen_at is written at most once a minute, so reads do not turn into writes.
const TOUCH_SECONDS = 60;

export async function createSession(db: Knex | Knex.Transaction, userId: string, meta: { ip?: string; userAgent?: string }, policy: SessionPolicy): Promise<NewSession> {
  const secret = randomSecret();
  const csrfToken = randomSecret();
  const [row] = (await db('tessera.sessions')
    .insert({
      secret_hash: secretHash(secret),
      user_id: userId,
      csrf_token: csrfToken,
      expires_at: db.raw(`now() + make_interval(hours => ?)`, [policy.absoluteHours]),
      ip: meta.ip?.slice(0, 64) ?? null,
      user_agent: meta.userAgent?.slice(0, 300) ?? null,
    })
    .returning(['id', 'expires_at'])) as { id: string; expires_at: Date }[];
  return { id: row!.id, secret, csrfToken, expiresAt: row!.expires_at };
}

/**
 * The live session of a cookie secret and its (active) user; null when unknown, expired, idle or the
 * user is deactivated. `mustChangePassword`: the user signed in with a temporary password.
 * `touch: false` (background requests such as the notification stream) leaves the idle clock alone.
 */
export async function findSession(db: Knex, secret: string, policy: SessionPolicy, options: { readonly touch?: boolean } = {}): Promise<{ session: SessionRow; user: UserIdentityRow; mustChangePassword: boolean } | null> {
  if (!secret || secret.length > 100) return null;
  const row = (await db('tessera.sessions as s')
    .join('tessera.users as u', 'u.id', 's.user_id')
    .where('s.secret_hash', secretHash(secret))
    .where('u.active', true)
    .whereRaw('s.expires_at > now()')
    .whereRaw('s.last_seen_at > now() - make_interval(mins => ?)', [policy.idleMinutes])
    .first(
      's.id',
      's.user_id',
      's.csrf_token',
      's.created_at',
      's.last_seen_at',
      's.expires_at',
      's.ip',
      's.user_agent',
      ...IDENTITY_COLUMNS,
      db.raw(`s.last_seen_at < now() - make_interval(secs => ${TOUCH_SECONDS}) AS stale`),
      db.raw('u.password_temporary_until IS NOT NULL AS must_change_password'),
    )) as (SessionRow & Omit<UserIdentityRow, 'id'> & { stale: boolean; must_change_password: boolean }) | undefined;
  if (!row) return null;
  if (row.stale && options.touch !== false) await db('tessera.sessions').where({ id: row.id }).update({ last_seen_at: db.fn.now() });
  const { login, display_name, is_admin, active, roles, employee, stale: _stale, must_change_password, ...session } = row;
  return { session, user: { id: row.user_id, login, display_name, is_admin, active, roles, employee }, mustChangePassword: must_change_password };
}

export async function revokeSession(db: Knex | Knex.Transaction, id: string, userId?: string): Promise<boolean> {
  const q = db('tessera.sessions').where({ id });
  if (userId) q.where({ user_id: userId });
  return (await q.delete()) > 0;
}

/** Ends every session of a user (logout everywhere, password change, deactivation); `except` keeps one. */
export async function revokeUserSessions(db: Knex | Knex.Transaction, userId: string, except?: string): Promise<number> {
  const q = db('tessera.sessions').where({ user_id: userId });
  if (except) q.whereNot({ id: except });
  return q.delete();
}

export async function listSessions(db: Knex, userId: string, policy: SessionPolicy): Promise<SessionRow[]> {
  return (await db('tessera.sessions')
    .where({ user_id: userId })
    .whereRaw('expires_at > now()')
    .whereRaw('last_seen_at > now() - make_interval(mins => ?)', [policy.idleMinutes])
    .orderBy('created_at', 'desc')
    .select('id', 'user_id', 'csrf_token', 'created_at', 'last_seen_at', 'expires_at', 'ip', 'user_agent')) as SessionRow[];
}

/** Deletes sessions that can no longer be used (called now and then; they are refused either way). */
export async function pruneSessions(db: Knex, policy: SessionPolicy): Promise<void> {
  await db('tessera.sessions').whereRaw('expires_at <= now() OR last_seen_at <= now() - make_interval(mins => ?)', [policy.idleMinutes]).delete();
}
