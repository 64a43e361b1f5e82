import type { Knex } from 'knex';

// What inside the platform made a change, beside the user and `via`: for a Node-RED flow, the flow
// and node ({flow, flowName, node, nodeName}, docs/automation.md). Null for every other change.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`ALTER TABLE tessera.audit_log ADD COLUMN origin jsonb`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`ALTER TABLE tessera.audit_log DROP COLUMN origin`);
}
