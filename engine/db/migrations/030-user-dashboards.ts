import type { Knex } from 'knex';

// A user's own dashboard (docs/reports.md, "Dashboards"): the report widgets and filters they chose,
// beside the dashboards their roles get from metadata. It goes with its user.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE tessera.user_dashboards (
      user_id uuid PRIMARY KEY REFERENCES tessera.users(id) ON DELETE CASCADE,
      definition jsonb NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`DROP TABLE tessera.user_dashboards`);
}
