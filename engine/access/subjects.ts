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
  const teams = (await db('tessera.team_members as m').join('tessera.teams as t', 't.id', 'm.team_id').where('m.user_id', user.id).orderBy('t.name').select('t.name')) as { name: string }[];
  const mates = (await db('tessera.team_members as m1')
    .join('tessera.team_members as m2', 'm2.team_id', 'm1.team_id')
    .where('m1.user_id', user.id)
    .distinct('m2.user_id')) as { user_id: string }[];
  const teamMates = new Set([user.id, ...mates.map((m) => m.user_id)]);
  return {
    userId: user.id,
    login: user.login,
    displayName: user.display_name,
    admin: user.is_admin,
    roles: [...user.roles],
    teams: teams.map((t) => t.name),
    teamMates: [...teamMates],
    employee: user.employee,
  };
}
