// Platform users (logins) and their administration. Passwords are hashed with argon2id (OWASP's
// first choice). Users live in tessera.users, not in a metadata-defined entity type: credentials,
// sessions and the `user` reference target must not be reshaped by a metadata change, and the
// generic records API must never hand out password hashes. Users are deactivated, never deleted,
// so the audit trail keeps its actors.
import type { UserInfo } from '../../metadata/index.ts';
import { hash, verify } from '@node-rs/argon2';
import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import { TesseraError, type Problem } from '../errors.ts';
import { auditAdminChange, diff, type AuditActor } from './audit.ts';
import { revokeUserSessions } from './sessions.ts';
import { revokeUserTokens } from './tokens.ts';
import { isUuid } from '../../metadata/index.ts';
import { postgresError } from '../db/errors.ts';

export interface UserRow {
  readonly id: string;
  readonly login: string;
  readonly display_name: string;
  readonly email: string | null;
  readonly is_admin: boolean;
  readonly active: boolean;
  readonly roles: readonly string[];
  readonly language: string;
  readonly employee: string | null;
  readonly last_login_at: Date | null;
  readonly created_at: Date;
  readonly password_temporary_until: Date | null;
}

export type { UserInfo };

// Algorithm 2 = argon2id; OWASP's recommended minimum: m=19 MiB, t=2, p=1.
export const ARGON2_OPTIONS = { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

/** ASVS V2.1: at least 12 characters, long passphrases allowed, no composition rules. */
export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 256;

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2_OPTIONS);
}

export function generatePassword(): string {
  return randomBytes(12).toString('base64url');
}

/** How long a temporary password (invitation, reset) signs in (ASVS V2.3.1: short-lived initial secrets). */
export const TEMPORARY_PASSWORD_HOURS = 72;

/** Creates the administrator on a database without users. Returns the generated password, if one was generated. */
export async function ensureAdmin(knex: Knex, password?: string): Promise<{ created: boolean; login: string; password?: string }> {
  const existing = await knex('tessera.users').where({ is_admin: true }).first('login');
  if (existing) return { created: false, login: existing.login as string };
  const plain = password ?? generatePassword();
  await knex('tessera.users').insert({ login: 'admin', display_name: 'Administrator', is_admin: true, roles: ['admin'], password_hash: await hashPassword(plain) });
  return { created: true, login: 'admin', ...(password ? {} : { password: plain }) };
}

export async function userIdByLogin(knex: Knex, login: string): Promise<string | null> {
  const row = await knex('tessera.users').whereRaw('lower(login) = lower(?)', [login]).first('id');
  return (row?.id as string | undefined) ?? null;
}

// Verifying against this hash when the login is unknown keeps the response time the same, so
// timing does not tell which logins exist.
let dummyHash: Promise<string> | null = null;

/** The user id when login and password match an active user with a password; null otherwise (one answer for every failure). */
export async function verifyCredentials(knex: Knex | Knex.Transaction, login: string, password: string): Promise<string | null> {
  const row = (await knex('tessera.users').whereRaw('lower(login) = lower(?)', [login]).first('id', 'password_hash', 'active', knex.raw('password_temporary_until <= now() AS temporary_expired'))) as
    | { id: string; password_hash: string | null; active: boolean; temporary_expired: boolean | null }
    | undefined;
  if (!row?.password_hash || !row.active || row.temporary_expired) {
    await verify(await (dummyHash ??= hashPassword(generatePassword())), password).catch(() => false);
    return null;
  }
  const ok = await verify(row.password_hash, password).catch(() => false);
  return ok ? row.id : null;
}

export function checkPassword(password: unknown, pointer: string): string {
  if (typeof password !== 'string' || [...password].length < PASSWORD_MIN || [...password].length > PASSWORD_MAX) {
    throw new TesseraError('VALIDATION_FAILED', `a password has ${PASSWORD_MIN} to ${PASSWORD_MAX} characters`, { problems: [{ pointer, detail: `must have ${PASSWORD_MIN}–${PASSWORD_MAX} characters`, code: 'PASSWORD_POLICY' }] });
  }
  return password;
}

/** Sets a user's own password (no longer temporary) and ends their other sessions (ASVS V3.3.3). */
export async function setPassword(knex: Knex, actor: AuditActor, userId: string, password: string, keepSession?: string): Promise<void> {
  const passwordHash = await hashPassword(password);
  await knex.transaction(async (trx) => {
    await trx('tessera.users').where({ id: userId }).update({ password_hash: passwordHash, password_temporary_until: null, updated_at: trx.fn.now() });
    await revokeUserSessions(trx, userId, keepSession);
    await auditAdminChange(trx, actor, 'user', userId, 'update', { password: ['***', '***'] });
  });
}

// ---- administration -------------------------------------------------------------------------

const USER_COLUMNS = ['id', 'login', 'display_name', 'email', 'is_admin', 'active', 'roles', 'language', 'employee', 'last_login_at', 'created_at', 'password_temporary_until'] as const;

async function teamsOf(db: Knex | Knex.Transaction, ids: readonly string[]): Promise<Map<string, string[]>> {
  const rows = (await db('tessera.team_members as m').join('tessera.teams as t', 't.id', 'm.team_id').whereIn('m.user_id', ids).orderBy('t.name').select('m.user_id', 't.name')) as { user_id: string; name: string }[];
  const map = new Map<string, string[]>();
  for (const r of rows) map.set(r.user_id, [...(map.get(r.user_id) ?? []), r.name]);
  return map;
}

function toInfo(row: UserRow, teams: readonly string[]): UserInfo {
  return {
    id: row.id,
    login: row.login,
    displayName: row.display_name,
    email: row.email,
    isAdmin: row.is_admin,
    active: row.active,
    roles: [...row.roles],
    teams: [...teams],
    employee: row.employee,
    language: row.language,
    lastLoginAt: row.last_login_at ? row.last_login_at.toISOString() : null,
    createdAt: row.created_at.toISOString(),
    mustChangePassword: row.password_temporary_until !== null,
  };
}

export async function listUsers(db: Knex): Promise<UserInfo[]> {
  const rows = (await db('tessera.users').orderBy('login').select(USER_COLUMNS)) as UserRow[];
  const teams = await teamsOf(db, rows.map((r) => r.id));
  return rows.map((r) => toInfo(r, teams.get(r.id) ?? []));
}

export async function getUser(db: Knex | Knex.Transaction, id: string): Promise<UserInfo> {
  if (!isUuid(id)) throw new TesseraError('NOT_FOUND', `no user with id ${id}`);
  const row = (await db('tessera.users').where({ id }).first(USER_COLUMNS)) as UserRow | undefined;
  if (!row) throw new TesseraError('NOT_FOUND', `no user with id ${id}`);
  return toInfo(row, (await teamsOf(db, [id])).get(id) ?? []);
}

export interface UserInput {
  readonly login?: string;
  readonly displayName?: string;
  readonly email?: string | null;
  readonly password?: string;
  readonly roles?: readonly string[];
  readonly teams?: readonly string[];
  readonly employee?: string | null;
  readonly active?: boolean;
  readonly isAdmin?: boolean;
  readonly language?: string;
}

const LOGIN = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,99}$/;
const KNOWN = new Set(['login', 'displayName', 'email', 'password', 'roles', 'teams', 'employee', 'active', 'isAdmin', 'language']);

/** Checks a create/update body; roles must be declared in the applied metadata, teams must exist. */
export function parseUserInput(body: Record<string, unknown>, mode: 'create' | 'update', knownRoles: ReadonlySet<string>): UserInput {
  const problems: Problem[] = [];
  const bad = (key: string, detail: string) => problems.push({ pointer: `/${key}`, detail });
  for (const key of Object.keys(body)) if (!KNOWN.has(key)) bad(key, 'unknown property');
  const input: Record<string, unknown> = {};
  const take = (key: string, ok: (v: unknown) => boolean, detail: string) => {
    if (!Object.hasOwn(body, key)) return;
    if (ok(body[key])) input[key] = body[key];
    else bad(key, detail);
  };
  take('login', (v) => typeof v === 'string' && LOGIN.test(v), 'must be 1–100 letters, digits, ".", "_", "@" or "-"');
  take('displayName', (v) => typeof v === 'string' && v.trim().length > 0 && v.length <= 200, 'must be 1–200 characters');
  take('email', (v) => v === null || (typeof v === 'string' && v.length <= 254 && /^[^\s@]+@[^\s@]+$/.test(v)), 'must be an e-mail address or null');
  take('roles', (v) => Array.isArray(v) && v.every((r) => typeof r === 'string'), 'must be a list of role names');
  take('teams', (v) => Array.isArray(v) && v.every((r) => typeof r === 'string'), 'must be a list of team names');
  take('employee', (v) => v === null || (typeof v === 'string' && isUuid(v)), 'must be an employee record id or null');
  take('active', (v) => typeof v === 'boolean', 'must be true or false');
  take('isAdmin', (v) => typeof v === 'boolean', 'must be true or false');
  take('language', (v) => typeof v === 'string' && /^[a-z]{2}$/.test(v), 'must be a two-letter language code');
  if ('password' in body) {
    const p = body.password;
    if (typeof p !== 'string' || [...p].length < PASSWORD_MIN || [...p].length > PASSWORD_MAX) problems.push({ pointer: '/password', detail: `must have ${PASSWORD_MIN}–${PASSWORD_MAX} characters`, code: 'PASSWORD_POLICY' });
    else input.password = p;
  }
  if (mode === 'create') {
    if (!('login' in body)) bad('login', 'is required');
    if (!('displayName' in body)) bad('displayName', 'is required');
  }
  if (Array.isArray(input.roles)) {
    (input.roles as string[]).forEach((r, i) => {
      if (!knownRoles.has(r)) problems.push({ pointer: `/roles/${i}`, detail: `no role "${r}" is declared in the metadata`, code: 'UNKNOWN_ROLE' });
    });
  }
  if (problems.length) throw new TesseraError('VALIDATION_FAILED', `invalid user: ${problems.map((p) => `${p.pointer} ${p.detail}`).join('; ')}`, { problems });
  return input as UserInput;
}

async function teamIds(trx: Knex.Transaction, names: readonly string[]): Promise<string[]> {
  const rows = (await trx('tessera.teams').whereRaw('lower(name) = ANY(?::text[])', [names.map((n) => n.toLowerCase())]).select('id', 'name')) as { id: string; name: string }[];
  const found = new Map(rows.map((r) => [r.name.toLowerCase(), r.id]));
  const problems = names.flatMap((n, i) => (found.has(n.toLowerCase()) ? [] : [{ pointer: `/teams/${i}`, detail: `no team "${n}"`, code: 'UNKNOWN_TEAM' }]));
  if (problems.length) throw new TesseraError('VALIDATION_FAILED', `unknown team(s): ${problems.map((p) => p.detail).join('; ')}`, { problems });
  return names.map((n) => found.get(n.toLowerCase())!);
}

function uniqueLogin(error: unknown): never {
  const pg = postgresError(error);
  if (pg.code === '23505') throw new TesseraError('UNIQUE_VIOLATION', 'another user has this login', { problems: [{ pointer: '/login', detail: 'must be unique', code: 'UNIQUE' }] });
  throw error;
}

const AUDITED = ['login', 'displayName', 'email', 'roles', 'teams', 'employee', 'active', 'isAdmin', 'language'] as const;

export interface AdminActor extends AuditActor {
  /** Only administrators (is_admin) may grant or take administrator status, or edit an administrator. */
  readonly isAdmin: boolean;
}

/**
 * Creates a user. Without a password this is an invitation: a temporary password is generated and
 * returned once (`temporaryPassword`), valid for TEMPORARY_PASSWORD_HOURS, to be replaced at the
 * first sign-in. There is no e-mail connector yet: the administrator hands it over.
 */
export async function createUser(knex: Knex, actor: AdminActor, input: UserInput): Promise<UserInfo & { readonly temporaryPassword?: string }> {
  if (input.isAdmin && !actor.isAdmin) throw new TesseraError('FORBIDDEN', 'only an administrator may create administrators', { problems: [{ pointer: '/isAdmin', detail: 'needs an administrator', code: 'ADMIN_ONLY' }] });
  const temporaryPassword = input.password ? undefined : generatePassword();
  const passwordHash = await hashPassword(input.password ?? temporaryPassword!);
  return knex.transaction(async (trx) => {
    const teams = input.teams ? await teamIds(trx, input.teams) : [];
    let id: string;
    try {
      const [row] = (await trx('tessera.users')
        .insert({
          login: input.login,
          display_name: input.displayName,
          email: input.email ?? null,
          password_hash: passwordHash,
          roles: [...(input.roles ?? [])],
          employee: input.employee ?? null,
          active: input.active ?? true,
          is_admin: input.isAdmin ?? false,
          password_temporary_until: temporaryPassword ? temporaryUntil(trx) : null,
          ...(input.language ? { language: input.language } : {}),
        })
        .returning('id')) as { id: string }[];
      id = row!.id;
    } catch (error) {
      uniqueLogin(error);
    }
    if (teams.length) await trx('tessera.team_members').insert(teams.map((team_id) => ({ team_id, user_id: id })));
    const user = await getUser(trx, id);
    const changes = diff({}, user as unknown as Record<string, unknown>, AUDITED);
    changes.password = [null, '***'];
    await auditAdminChange(trx, actor, 'user', id, 'create', changes);
    return temporaryPassword ? { ...user, temporaryPassword } : user;
  });
}

const temporaryUntil = (db: Knex | Knex.Transaction) => db.raw(`now() + make_interval(hours => ${TEMPORARY_PASSWORD_HOURS})`);

/**
 * Gives a user a new temporary password (returned once) and ends their sessions. API tokens stay:
 * they are not the password's. Only an administrator may reset an administrator's password.
 */
export async function resetPassword(knex: Knex, actor: AdminActor, id: string): Promise<{ readonly user: UserInfo; readonly temporaryPassword: string }> {
  const temporaryPassword = generatePassword();
  const passwordHash = await hashPassword(temporaryPassword);
  return knex.transaction(async (trx) => {
    const before = await getUser(trx, id);
    if (before.isAdmin && !actor.isAdmin) throw new TesseraError('FORBIDDEN', "only an administrator may reset an administrator's password");
    await trx('tessera.users').where({ id }).update({ password_hash: passwordHash, password_temporary_until: temporaryUntil(trx), updated_at: trx.fn.now() });
    await revokeUserSessions(trx, id);
    await auditAdminChange(trx, actor, 'user', id, 'update', { password: ['***', '***'], mustChangePassword: [before.mustChangePassword, true] });
    return { user: await getUser(trx, id), temporaryPassword };
  });
}

export async function updateUser(knex: Knex, actor: AdminActor, id: string, input: UserInput): Promise<UserInfo> {
  const passwordHash = input.password ? await hashPassword(input.password) : null;
  return knex.transaction(async (trx) => {
    const before = await getUser(trx, id);
    if ((before.isAdmin || input.isAdmin !== undefined) && !actor.isAdmin) {
      throw new TesseraError('FORBIDDEN', 'only an administrator may change an administrator or administrator status', { problems: [{ pointer: input.isAdmin !== undefined ? '/isAdmin' : '', detail: 'needs an administrator', code: 'ADMIN_ONLY' }] });
    }
    const losesAdmin = before.isAdmin && before.active && (input.isAdmin === false || input.active === false);
    if (losesAdmin) {
      await trx.raw('LOCK TABLE tessera.users IN SHARE ROW EXCLUSIVE MODE');
      const others = await trx('tessera.users').where({ is_admin: true, active: true }).whereNot({ id }).count({ n: '*' }).first();
      if (Number((others as { n: number | string }).n) === 0) throw new TesseraError('CONFLICT', 'this is the last active administrator; make someone else an administrator first');
    }
    const set: Record<string, unknown> = {};
    if (input.login !== undefined) set.login = input.login;
    if (input.displayName !== undefined) set.display_name = input.displayName;
    if (input.email !== undefined) set.email = input.email;
    if (input.roles !== undefined) set.roles = [...input.roles];
    if (input.employee !== undefined) set.employee = input.employee;
    if (input.active !== undefined) set.active = input.active;
    if (input.isAdmin !== undefined) set.is_admin = input.isAdmin;
    if (input.language !== undefined) set.language = input.language;
    if (passwordHash) Object.assign(set, { password_hash: passwordHash, password_temporary_until: null });
    if (Object.keys(set).length) {
      try {
        await trx('tessera.users').where({ id }).update({ ...set, updated_at: trx.fn.now() });
      } catch (error) {
        uniqueLogin(error);
      }
    }
    if (input.teams !== undefined) {
      const teams = await teamIds(trx, input.teams);
      await trx('tessera.team_members').where({ user_id: id }).delete();
      if (teams.length) await trx('tessera.team_members').insert([...new Set(teams)].map((team_id) => ({ team_id, user_id: id })));
    }
    // A new password or a deactivation ends the user's sessions; a deactivation also revokes their tokens.
    if (passwordHash || input.active === false) await revokeUserSessions(trx, id);
    if (input.active === false) await revokeUserTokens(trx, id);
    const after = await getUser(trx, id);
    const changes = diff(before as unknown as Record<string, unknown>, after as unknown as Record<string, unknown>, AUDITED);
    if (passwordHash) changes.password = ['***', '***'];
    if (Object.keys(changes).length) await auditAdminChange(trx, actor, 'user', id, 'update', changes);
    return after;
  });
}
