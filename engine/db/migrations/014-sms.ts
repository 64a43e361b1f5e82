import type { Knex } from 'knex';

// The SMS connector's own state (docs/sms.md). The outbox row says whether a message left; this
// says what the provider made of it: its id and parts (delivery reports and callbacks find the
// message by them), the SMS status (queued → sent → delivered | failed | expired), the error code
// the app words, and the activity on the contact's timeline that shows it. Opt-outs are kept by
// E.164 number: a STOP reply stops marketing to that line whoever it is filed under.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE tessera.sms_messages (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      idempotency_key text NOT NULL UNIQUE,
      account varchar(64) NOT NULL,
      provider varchar(16) NOT NULL,
      to_number varchar(20) NOT NULL,
      body text NOT NULL,
      purpose varchar(16) NOT NULL DEFAULT 'transactional' CHECK (purpose IN ('transactional', 'marketing')),
      status varchar(16) NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sent', 'delivered', 'failed', 'expired')),
      provider_id text,
      part_ids text[] NOT NULL DEFAULT '{}',
      parts integer,
      error_code varchar(64),
      error_detail text,
      activity_id uuid,
      record_entity varchar(64),
      record_id uuid,
      notification_id bigint,
      created_by uuid REFERENCES tessera.users(id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      sent_at timestamptz,
      delivered_at timestamptz
    )`);
  await knex.raw(`CREATE INDEX sms_messages_provider_ix ON tessera.sms_messages (provider, provider_id)`);
  await knex.raw(`CREATE INDEX sms_messages_activity_ix ON tessera.sms_messages (activity_id)`);
  await knex.raw(`
    CREATE TABLE tessera.sms_opt_outs (
      phone varchar(20) PRIMARY KEY,
      source varchar(32) NOT NULL,
      detail text,
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
  // Phone fields of persons and contractors as E.164, kept by the connector's record hook in each
  // change's transaction: an incoming SMS finds its sender by one indexed lookup, however the
  // number was written ("600 100 200", "+48600100200", "0048 600-100-200").
  await knex.raw(`
    CREATE TABLE tessera.sms_phone_index (
      entity varchar(64) NOT NULL,
      record_id uuid NOT NULL,
      field varchar(64) NOT NULL,
      phone varchar(20) NOT NULL,
      PRIMARY KEY (entity, record_id, field)
    )`);
  await knex.raw(`CREATE INDEX sms_phone_index_phone_ix ON tessera.sms_phone_index (phone)`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`DROP TABLE tessera.sms_messages, tessera.sms_opt_outs, tessera.sms_phone_index`);
}
