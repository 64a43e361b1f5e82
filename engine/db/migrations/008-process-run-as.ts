import type { Knex } from 'knex';

// Who a workflow acts as (docs/security.md, "Workflows act for a user"): a definition version may
// run with platform rights (set at deploy by a workflow administrator); an instance keeps whose
// rights it acts with, how it was started and whom the records it creates belong to; an audit row
// written by a workflow names the instance. Rows from before keep what they did: platform rights.
export async function up(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE tessera.process_definitions ADD COLUMN platform_rights boolean NOT NULL DEFAULT false');
  await knex.raw(`
    ALTER TABLE tessera.process_instances
      ADD COLUMN run_as varchar(8) NOT NULL DEFAULT 'platform' CHECK (run_as IN ('user', 'platform')),
      ADD COLUMN started_via varchar(8) CHECK (started_via IN ('user', 'trigger', 'message', 'timer', 'call')),
      ADD COLUMN record_owner uuid`);
  await knex.raw('ALTER TABLE tessera.audit_log ADD COLUMN instance_id uuid');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE tessera.audit_log DROP COLUMN instance_id');
  await knex.raw('ALTER TABLE tessera.process_instances DROP COLUMN run_as, DROP COLUMN started_via, DROP COLUMN record_owner');
  await knex.raw('ALTER TABLE tessera.process_definitions DROP COLUMN platform_rights');
}
