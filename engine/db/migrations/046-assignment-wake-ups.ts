import type { Knex } from 'knex';

// An in-app notification that assigns an activity (kind `assigned`: every workflow user task) no
// longer NOTIFYs `tessera_notifications` from inside the transaction that writes it; the writer
// (engine/workflows/runtime/activity-notifications.ts) sends the wake-up once it committed.
// PostgreSQL serializes the commits of transactions that NOTIFY — each holds a server-wide lock
// through its WAL flush — so one NOTIFY per user task capped workflows at about one instance per
// disk flush. Other notifications (mentions, workflow messages, connector alerts) and marking one
// read still NOTIFY from the trigger (migration 009).
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`DROP TRIGGER IF EXISTS notification_written ON tessera.notifications`);
  await knex.raw(`
    CREATE TRIGGER notification_written AFTER INSERT ON tessera.notifications
    FOR EACH ROW WHEN (NEW.channel = 'in-app' AND NEW.user_id IS NOT NULL AND NEW.kind IS DISTINCT FROM 'assigned') EXECUTE FUNCTION tessera.notify_notification()`);
  await knex.raw(`
    CREATE TRIGGER notification_read AFTER UPDATE OF read_at ON tessera.notifications
    FOR EACH ROW WHEN (NEW.channel = 'in-app' AND NEW.user_id IS NOT NULL) EXECUTE FUNCTION tessera.notify_notification()`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`DROP TRIGGER IF EXISTS notification_read ON tessera.notifications`);
  await knex.raw(`DROP TRIGGER IF EXISTS notification_written ON tessera.notifications`);
  await knex.raw(`
    CREATE TRIGGER notification_written AFTER INSERT OR UPDATE OF read_at ON tessera.notifications
    FOR EACH ROW WHEN (NEW.channel = 'in-app' AND NEW.user_id IS NOT NULL) EXECUTE FUNCTION tessera.notify_notification()`);
}
