import type { Knex } from 'knex';

// The platform's own tables, in schema `tessera`. Entity tables live in `public` and are created by
// schema sync from metadata, never here.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`CREATE SCHEMA IF NOT EXISTS tessera_archive`);
  // Lower case without Polish and Romanian diacritics; IMMUTABLE so expression indexes can use it.
  await knex.raw(`
    CREATE OR REPLACE FUNCTION tessera.fold(value text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
      SELECT lower(translate(value,
        'ĄĆĘŁŃÓŚŹŻąćęłńóśźżĂÂÎȘŞȚŢăâîșşțţÄÖÜäöüÉÈÊéèêÁÀáàÍíÚúČčŠšŽžŘřŇňĎďŤťŮů',
        'ACELNOSZZacelnoszzAAISSTTaaisstAOUaouEEEeeeAAaaIiUuCcSsZzRrNnDdTtUu'))
    $$`);
  await knex.raw(`
    CREATE TABLE tessera.users (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      login varchar(100) NOT NULL,
      display_name varchar(200) NOT NULL,
      email varchar(254),
      password_hash text,
      employee uuid,
      is_admin boolean NOT NULL DEFAULT false,
      active boolean NOT NULL DEFAULT true,
      roles text[] NOT NULL DEFAULT '{}',
      language varchar(2) NOT NULL DEFAULT 'pl',
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
  await knex.raw(`CREATE UNIQUE INDEX users_login_uq ON tessera.users (lower(login))`);
  await knex.raw(`
    CREATE TABLE tessera.meta_versions (
      version integer PRIMARY KEY,
      package jsonb NOT NULL,
      checksum char(64) NOT NULL,
      plan jsonb NOT NULL,
      source varchar(20) NOT NULL,
      applied_by uuid REFERENCES tessera.users(id) ON DELETE SET NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
  await knex.raw(`
    CREATE TABLE tessera.files (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      name varchar(255) NOT NULL,
      media_type varchar(255) NOT NULL,
      size integer NOT NULL,
      sha256 char(64) NOT NULL,
      content bytea NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      created_by uuid REFERENCES tessera.users(id) ON DELETE SET NULL
    )`);
  await knex.raw(`
    CREATE TABLE tessera.audit_log (
      id bigserial PRIMARY KEY,
      at timestamptz NOT NULL DEFAULT now(),
      actor uuid REFERENCES tessera.users(id) ON DELETE SET NULL,
      via varchar(20) NOT NULL,
      entity varchar(64) NOT NULL,
      record_id uuid NOT NULL,
      action varchar(16) NOT NULL,
      changes jsonb NOT NULL DEFAULT '{}',
      meta_version integer
    )`);
  await knex.raw(`CREATE INDEX audit_log_record_ix ON tessera.audit_log (entity, record_id, id)`);
  await knex.raw(`
    CREATE TABLE tessera.number_series (
      series varchar(200) PRIMARY KEY,
      last_value bigint NOT NULL
    )`);
  await knex.raw(`
    CREATE TABLE tessera.archived_values (
      id bigserial PRIMARY KEY,
      meta_version integer NOT NULL,
      table_name varchar(64) NOT NULL,
      column_name varchar(64) NOT NULL,
      record_id uuid,
      value jsonb,
      archived_at timestamptz NOT NULL DEFAULT now()
    )`);
  await knex.raw(`CREATE INDEX archived_values_ix ON tessera.archived_values (table_name, column_name, meta_version)`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`DROP TABLE tessera.archived_values, tessera.number_series, tessera.audit_log, tessera.files, tessera.meta_versions, tessera.users`);
  await knex.raw(`DROP FUNCTION tessera.fold(text)`);
}
