import type { Knex } from 'knex';

// Work over sets of records (docs/workflows.md, "Set-based processes"): one row per member of a run —
// a marketing action's member contractor, or a record selected in a list for a bulk action — with
// the process instance started for it (its own state) or why none was. Progress and results (counts
// per outcome) are read by joining the instances. A marketing action's member appears once per action
// (the unique key), so starting it again adds only new members.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE tessera.record_set_members (
      id bigserial PRIMARY KEY,
      run_id uuid NOT NULL,
      source_entity varchar(63),
      source_id uuid,
      member_entity varchar(63) NOT NULL,
      member_id uuid NOT NULL,
      process_id varchar(255) NOT NULL,
      instance_id uuid,
      error text,
      started_by uuid REFERENCES tessera.users(id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
  await knex.raw(`CREATE INDEX record_set_members_run ON tessera.record_set_members (run_id)`);
  await knex.raw(`CREATE UNIQUE INDEX record_set_members_source ON tessera.record_set_members (source_entity, source_id, member_id) WHERE source_id IS NOT NULL`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`DROP TABLE IF EXISTS tessera.record_set_members`);
}
