import type { Knex } from 'knex';

// Every change of who may do what (tokens, users, teams, membership) is announced on the auth
// channel after commit, so each process drops the identities it cached (engine/access/token-cache.ts).
const TABLES = ['api_tokens', 'users', 'teams', 'team_members'] as const;

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE OR REPLACE FUNCTION tessera.notify_auth_change() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_notify('tessera_auth', TG_TABLE_NAME);
      RETURN NULL;
    END $$`);
  for (const table of TABLES) {
    await knex.raw(`CREATE TRIGGER auth_change AFTER INSERT OR UPDATE OR DELETE ON tessera.${table} FOR EACH STATEMENT EXECUTE FUNCTION tessera.notify_auth_change()`);
  }
}

export async function down(knex: Knex): Promise<void> {
  for (const table of TABLES) await knex.raw(`DROP TRIGGER IF EXISTS auth_change ON tessera.${table}`);
  await knex.raw('DROP FUNCTION IF EXISTS tessera.notify_auth_change()');
}
