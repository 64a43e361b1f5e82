import type { Knex } from 'knex';

// The connector platform (docs/connectors.md):
// - connector_settings: whether a connector is enabled and its configuration, one row per connector
//   (absent: disabled, empty configuration). Values of `writeOnly` (secret) fields are not in
//   `config` but in `secrets`, one AES-256-GCM envelope of them all (engine/connectors/secrets.ts).
//   `id` names the row in the audit trail, which keys rows by uuid.
// - outbox: every outbound message (a webhook delivery, later e-mail and SMS), written in the
//   business transaction and sent by a job; its state, attempts and last error are the delivery log.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE tessera.connector_settings (
      connector_id varchar(64) PRIMARY KEY,
      id uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
      enabled boolean NOT NULL DEFAULT false,
      config jsonb NOT NULL DEFAULT '{}',
      secrets text,
      version integer NOT NULL DEFAULT 1,
      updated_at timestamptz NOT NULL DEFAULT now(),
      updated_by uuid REFERENCES tessera.users(id) ON DELETE SET NULL
    )`);
  await knex.raw(`
    CREATE TABLE tessera.outbox (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      connector_id varchar(64) NOT NULL,
      channel varchar(100) NOT NULL,
      recipient text NOT NULL,
      payload jsonb NOT NULL,
      idempotency_key text NOT NULL,
      state varchar(10) NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'sending', 'sent', 'delivered', 'failed')),
      attempts integer NOT NULL DEFAULT 0,
      max_attempts integer NOT NULL DEFAULT 5,
      last_error text,
      last_status integer,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      next_attempt_at timestamptz,
      sent_at timestamptz,
      UNIQUE (channel, idempotency_key)
    )`);
  await knex.raw(`CREATE INDEX outbox_recipient_ix ON tessera.outbox (channel, recipient, created_at DESC)`);
  await knex.raw(`CREATE INDEX outbox_state_ix ON tessera.outbox (state, created_at DESC)`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`DROP TABLE tessera.outbox, tessera.connector_settings`);
}
