import type { Knex } from 'knex';

// Saved views (docs/api.md, "Saved views"): a user's own filters, sort and columns of a list or a
// board, private (team_id null) or shared with one team, whose members see it and cannot change it.
// A view goes with its owner; a deleted team leaves its views private to their owners.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE tessera.saved_views (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      owner_id uuid NOT NULL REFERENCES tessera.users(id) ON DELETE CASCADE,
      team_id uuid REFERENCES tessera.teams(id) ON DELETE SET NULL,
      entity varchar(63) NOT NULL,
      kind varchar(10) NOT NULL DEFAULT 'list' CHECK (kind IN ('list', 'board')),
      name varchar(100) NOT NULL,
      definition jsonb NOT NULL DEFAULT '{}',
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
  await knex.raw(`CREATE UNIQUE INDEX saved_views_name_uq ON tessera.saved_views (owner_id, entity, kind, lower(name))`);
  await knex.raw(`CREATE INDEX saved_views_team ON tessera.saved_views (team_id, entity) WHERE team_id IS NOT NULL`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`DROP TABLE tessera.saved_views`);
}
