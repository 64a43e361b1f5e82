import type { Knex } from 'knex';

// Day one in the web app (docs/security.md, docs/api.md):
// - users.password_temporary_until: a password the user did not choose (an invitation, a reset by an
//   administrator or `tessera users reset-password`) signs in only until then, and its session may do
//   nothing but choose a new one (null: the user's own password);
// - notifications.kind: what an in-app notification is about (assignment, mention; null for those a
//   workflow sends), so the web app can say it in the reader's language;
// - every in-app notification written or read, by any process, is announced on the
//   `tessera_notifications` channel with its user's id, for the live stream
//   (GET /api/notifications/stream) of whichever process holds that user's browser.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`ALTER TABLE tessera.users ADD COLUMN password_temporary_until timestamptz`);
  await knex.raw(`ALTER TABLE tessera.notifications ADD COLUMN kind varchar(20)`);
  await knex.raw(`
    CREATE OR REPLACE FUNCTION tessera.notify_notification() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_notify('tessera_notifications', NEW.user_id::text);
      RETURN NULL;
    END $$`);
  await knex.raw(`
    CREATE TRIGGER notification_written AFTER INSERT OR UPDATE OF read_at ON tessera.notifications
    FOR EACH ROW WHEN (NEW.channel = 'in-app' AND NEW.user_id IS NOT NULL) EXECUTE FUNCTION tessera.notify_notification()`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`DROP TRIGGER IF EXISTS notification_written ON tessera.notifications`);
  await knex.raw(`DROP FUNCTION IF EXISTS tessera.notify_notification()`);
  await knex.raw(`ALTER TABLE tessera.notifications DROP COLUMN kind`);
  await knex.raw(`ALTER TABLE tessera.users DROP COLUMN password_temporary_until`);
}
