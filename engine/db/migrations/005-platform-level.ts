import type { Knex } from 'knex';

// The level of the platform's own schema (metadata/activity.ts PLATFORM_LEVEL) each metadata version
// was applied at. Versions stored before levels existed were applied at level 1.
export async function up(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE tessera.meta_versions ADD COLUMN platform_level integer NOT NULL DEFAULT 1');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE tessera.meta_versions DROP COLUMN platform_level');
}
