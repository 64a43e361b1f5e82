import type { Knex } from 'knex';

// Every change of who may do what (tokens, users, teams, membership) is announced on the auth
// channel after commit, so each process drops the identities it cached (engine/access/token-cache.ts).
// Updates count only for the columns that decide access: a token's last_used_at or a user's
// last_login_at change all the time and must not empty every cache.
const TABLES: readonly (readonly [string, readonly string[] | null])[] = [
  ['api_tokens', ['revoked_at', 'expires_at', 'scopes', 'user_id']],
  ['users', ['active', 'roles', 'is_admin', 'login', 'display_name', 'employee', 'password_hash']],
  ['teams', null],
  ['team_members', null],
];

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE OR REPLACE FUNCTION tessera.notify_auth_change() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_notify('tessera_auth', TG_TABLE_NAME);
      RETURN NULL;
    END $$`);
  for (const [table, columns] of TABLES) {
    const update = columns ? `UPDATE OF ${columns.join(', ')}` : 'UPDATE';
    await knex.raw(`CREATE TRIGGER auth_change AFTER INSERT OR ${update} OR DELETE ON tessera.${table} FOR EACH STATEMENT EXECUTE FUNCTION tessera.notify_auth_change()`);
  }
}

export async function down(knex: Knex): Promise<void> {
  for (const [table] of TABLES) await knex.raw(`DROP TRIGGER IF EXISTS auth_change ON tessera.${table}`);
  await knex.raw('DROP FUNCTION IF EXISTS tessera.notify_auth_change()');
}
