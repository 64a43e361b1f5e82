// Loading the acting user (roles, teams, team mates) for permission checks: one place, so sessions,
// API tokens and workflows acting "as" a user all resolve a user the same way.
import type { Knex } from 'knex';
import type { Subject } from './permissions.ts';

export interface UserIdentityRow {
  readonly id: string;
  readonly login: string;
  readonly display_name: string;
  readonly is_admin: boolean;
  readonly active: boolean;
  readonly roles: readonly string[];
  readonly employee: string | null;
}

/** Columns of tessera.users (aliased `u`) that sessions and tokens join to identify their user. */
export const IDENTITY_COLUMNS = ['u.login', 'u.display_name', 'u.is_admin', 'u.active', 'u.roles', 'u.employee'] as const;

/** The subject of an active user, or null when the user does not exist or is deactivated. */
export async function loadSubject(db: Knex | Knex.Transaction, userId: string): Promise<Subject | null> {
  const user = (await db('tessera.users').where({ id: userId, active: true }).first('id', 'login', 'display_name', 'is_admin', 'active', 'roles', 'employee')) as UserIdentityRow | undefined;
  if (!user) return null;
  return subjectOf(db, user);
}

export async function subjectOf(db: Knex | Knex.Transaction, user: UserIdentityRow): Promise<Subject> {
  // One round trip per request: the user's teams (names, ids) and everyone sharing a team with them.
  const result = (await db.raw(
    `SELECT ARRAY(SELECT t.name::text FROM tessera.team_members m JOIN tessera.teams t ON t.id = m.team_id WHERE m.user_id = ? ORDER BY t.name) AS teams,
            ARRAY(SELECT t.id::text FROM tessera.team_members m JOIN tessera.teams t ON t.id = m.team_id WHERE m.user_id = ? ORDER BY t.name) AS team_ids,
            ARRAY(SELECT DISTINCT m2.user_id::text FROM tessera.team_members m1 JOIN tessera.team_members m2 ON m2.team_id = m1.team_id WHERE m1.user_id = ?) AS mates`,
    [user.id, user.id, user.id],
  )) as { rows: { teams: string[]; team_ids: string[]; mates: string[] }[] };
  const { teams, team_ids: teamIds, mates } = result.rows[0]!;
  return {
    userId: user.id,
    login: user.login,
    displayName: user.display_name,
    admin: user.is_admin,
    roles: [...user.roles],
    teams,
    teamIds,
    teamMates: [...new Set([user.id, ...mates])],
    employee: user.employee,
  };
}

/**
 * Users' subjects loaded in the last seconds, for workflows that act for a user step after step.
 * Like the token cache it is emptied on every change of users or teams (the auth channel), so a
 * deactivation or a role change reaches running workflows at once; `ttlMs: 0` keeps nothing.
 */
export class SubjectCache {
  readonly #entries = new Map<string, { readonly subject: Subject | null; readonly expires: number }>();
  readonly #ttlMs: number;

  constructor(options: { ttlMs?: number } = {}) {
    this.#ttlMs = options.ttlMs ?? 5000;
  }

  /** The user's subject; null when the user does not exist or is deactivated. */
  async load(db: Knex | Knex.Transaction, userId: string): Promise<Subject | null> {
    const hit = this.#entries.get(userId);
    if (hit && hit.expires > Date.now()) return hit.subject;
    const subject = await loadSubject(db, userId);
    if (this.#ttlMs > 0) {
      if (this.#entries.size >= 10_000) this.#entries.clear();
      this.#entries.set(userId, { subject, expires: Date.now() + this.#ttlMs });
    }
    return subject;
  }

  clear(): void {
    this.#entries.clear();
  }
}
