// Platform users (logins). Passwords are hashed with argon2id (OWASP's first choice).
import { hash } from '@node-rs/argon2';
import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';

export interface UserRow {
  readonly id: string;
  readonly login: string;
  readonly display_name: string;
  readonly email: string | null;
  readonly is_admin: boolean;
  readonly active: boolean;
  readonly roles: readonly string[];
  readonly language: string;
}

// Algorithm 2 = argon2id; OWASP's recommended minimum: m=19 MiB, t=2, p=1.
export const ARGON2_OPTIONS = { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2_OPTIONS);
}

export function generatePassword(): string {
  return randomBytes(12).toString('base64url');
}

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
