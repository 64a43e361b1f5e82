import type { Knex } from 'knex';

// A change of a connector's settings is announced after commit on its own channel (payload: the
// connector id), so every process drops its cached copy at once instead of serving the old one for
// the cache's seconds (engine/connectors/settings.ts) — with `tessera start --processes N` a
// connector disabled through one process stops in all of them.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE OR REPLACE FUNCTION tessera.notify_connector_settings_change() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_notify('tessera_connector_settings', coalesce(NEW.connector_id, OLD.connector_id));
      RETURN NULL;
    END $$`);
  await knex.raw(`CREATE TRIGGER connector_settings_change AFTER INSERT OR UPDATE OR DELETE ON tessera.connector_settings FOR EACH ROW EXECUTE FUNCTION tessera.notify_connector_settings_change()`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TRIGGER IF EXISTS connector_settings_change ON tessera.connector_settings');
  await knex.raw('DROP FUNCTION IF EXISTS tessera.notify_connector_settings_change()');
}
