import type { Knex } from 'knex';

// Node-RED automation (docs/automation.md):
// - automation_store: what Node-RED's storage API keeps — flows, credentials (one AES-256-GCM
//   envelope, engine/connectors/secrets.ts), runtime settings, editor sessions — one row per kind,
//   and library entries by path. `rev` counts deploys of the flows. `json`, not `jsonb`: Node-RED's
//   revision is a hash of the flows' text, which must come back with its keys in the order stored.
// - automation_deploys: who deployed which flows when (the audit of the editor), with the flows.
// - automation_events: record changes for the flows' `tessera-event` nodes, written in the
//   change's transaction and delivered after commit, at least once (delivered_at set after the
//   nodes took them); the id is the idempotency key a flow sees.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE tessera.automation_store (
      kind varchar(20) NOT NULL CHECK (kind IN ('flows', 'credentials', 'settings', 'sessions', 'library')),
      path text NOT NULL DEFAULT '',
      body json NOT NULL,
      sealed text,
      rev integer NOT NULL DEFAULT 1,
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (kind, path)
    )`);
  await knex.raw(`
    CREATE TABLE tessera.automation_deploys (
      id bigserial PRIMARY KEY,
      at timestamptz NOT NULL DEFAULT now(),
      actor uuid REFERENCES tessera.users(id) ON DELETE SET NULL,
      actor_login text,
      rev integer NOT NULL,
      flows json NOT NULL
    )`);
  await knex.raw(`
    CREATE TABLE tessera.automation_events (
      id bigserial PRIMARY KEY,
      entity varchar(100) NOT NULL,
      action varchar(20) NOT NULL,
      record_id uuid NOT NULL,
      payload jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      delivered_at timestamptz
    )`);
  await knex.raw(`CREATE INDEX automation_events_pending_ix ON tessera.automation_events (id) WHERE delivered_at IS NULL`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`DROP TABLE tessera.automation_events, tessera.automation_deploys, tessera.automation_store`);
}
