import type { Knex } from 'knex';

// Identity: teams, browser sessions, API tokens, login attempts (throttling and the sign-in log),
// and the append-only guarantee of the audit trail. Secrets (session ids, tokens) are stored only
// as SHA-256 hashes: a copy of the database does not let anyone sign in.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE tessera.teams (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      name varchar(100) NOT NULL,
      label varchar(200) NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
  await knex.raw(`CREATE UNIQUE INDEX teams_name_uq ON tessera.teams (lower(name))`);
  await knex.raw(`
    CREATE TABLE tessera.team_members (
      team_id uuid NOT NULL REFERENCES tessera.teams(id) ON DELETE CASCADE,
      user_id uuid NOT NULL REFERENCES tessera.users(id) ON DELETE CASCADE,
      PRIMARY KEY (team_id, user_id)
    )`);
  await knex.raw(`CREATE INDEX team_members_user_ix ON tessera.team_members (user_id)`);

  await knex.raw(`
    CREATE TABLE tessera.sessions (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      secret_hash char(64) NOT NULL,
      user_id uuid NOT NULL REFERENCES tessera.users(id) ON DELETE CASCADE,
      csrf_token varchar(64) NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      last_seen_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL,
      ip varchar(64),
      user_agent varchar(300)
    )`);
  await knex.raw(`CREATE UNIQUE INDEX sessions_secret_uq ON tessera.sessions (secret_hash)`);
  await knex.raw(`CREATE INDEX sessions_user_ix ON tessera.sessions (user_id)`);

  await knex.raw(`
    CREATE TABLE tessera.api_tokens (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      user_id uuid NOT NULL REFERENCES tessera.users(id) ON DELETE CASCADE,
      name varchar(100) NOT NULL,
      prefix varchar(16) NOT NULL,
      secret_hash char(64) NOT NULL,
      scopes text[] NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz,
      last_used_at timestamptz,
      revoked_at timestamptz
    )`);
  await knex.raw(`CREATE UNIQUE INDEX api_tokens_secret_uq ON tessera.api_tokens (secret_hash)`);
  await knex.raw(`CREATE INDEX api_tokens_user_ix ON tessera.api_tokens (user_id)`);

  await knex.raw(`
    CREATE TABLE tessera.login_attempts (
      id bigserial PRIMARY KEY,
      at timestamptz NOT NULL DEFAULT now(),
      login varchar(100) NOT NULL,
      ip varchar(64) NOT NULL,
      user_id uuid REFERENCES tessera.users(id) ON DELETE SET NULL,
      success boolean NOT NULL
    )`);
  await knex.raw(`CREATE INDEX login_attempts_login_ix ON tessera.login_attempts (login, at)`);
  await knex.raw(`CREATE INDEX login_attempts_ip_ix ON tessera.login_attempts (ip, at)`);

  await knex.raw(`ALTER TABLE tessera.users ADD COLUMN last_login_at timestamptz`);

  // The audit trail is append-only. No endpoint changes it; the trigger makes that hold for every
  // connection of the application too. A database administrator who must prune it (retention)
  // sets tessera.audit_maintenance = 'on' in their own session first.
  await knex.raw(`
    CREATE OR REPLACE FUNCTION tessera.audit_log_append_only() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
      IF coalesce(current_setting('tessera.audit_maintenance', true), '') = 'on' THEN
        RETURN coalesce(NEW, OLD);
      END IF;
      RAISE EXCEPTION 'tessera.audit_log is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
    END
    $$`);
  await knex.raw(`CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON tessera.audit_log FOR EACH ROW EXECUTE FUNCTION tessera.audit_log_append_only()`);
  await knex.raw(`CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON tessera.audit_log FOR EACH STATEMENT EXECUTE FUNCTION tessera.audit_log_append_only()`);
  // Deleting a user would blank the actor of their audit rows: users are deactivated, not deleted.
  await knex.raw(`ALTER TABLE tessera.audit_log DROP CONSTRAINT IF EXISTS audit_log_actor_fkey`);
  await knex.raw(`ALTER TABLE tessera.audit_log ADD CONSTRAINT audit_log_actor_fkey FOREIGN KEY (actor) REFERENCES tessera.users(id) ON DELETE RESTRICT`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`ALTER TABLE tessera.audit_log DROP CONSTRAINT IF EXISTS audit_log_actor_fkey`);
  await knex.raw(`ALTER TABLE tessera.audit_log ADD CONSTRAINT audit_log_actor_fkey FOREIGN KEY (actor) REFERENCES tessera.users(id) ON DELETE SET NULL`);
  await knex.raw(`DROP TRIGGER audit_log_no_truncate ON tessera.audit_log`);
  await knex.raw(`DROP TRIGGER audit_log_no_change ON tessera.audit_log`);
  await knex.raw(`DROP FUNCTION tessera.audit_log_append_only()`);
  await knex.raw(`ALTER TABLE tessera.users DROP COLUMN last_login_at`);
  await knex.raw(`DROP TABLE tessera.login_attempts, tessera.api_tokens, tessera.sessions, tessera.team_members, tessera.teams`);
}
