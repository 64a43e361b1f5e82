import type { Knex } from 'knex';

// SMS delivery across restarts and processes (docs/sms.md):
// - `sms_messages.part_states`: each part's own status by part index ({"0": "delivered"}), so a
//   modem's +CDS for one part arriving after a restart combines with the parts reported before it;
//   the open modem messages are found by account and number (TP-MR in `part_ids`);
// - `sms_rate_buckets`: the token bucket of each account (messages/second), shared by every
//   process that sends.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`ALTER TABLE tessera.sms_messages ADD COLUMN part_states jsonb NOT NULL DEFAULT '{}'::jsonb`);
  await knex.raw(`CREATE INDEX sms_messages_modem_open_ix ON tessera.sms_messages (account, to_number, sent_at) WHERE provider = 'modem' AND status = 'sent'`);
  await knex.raw(`
    CREATE TABLE tessera.sms_rate_buckets (
      account text PRIMARY KEY,
      tokens double precision NOT NULL,
      at timestamptz NOT NULL DEFAULT clock_timestamp()
    )`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`DROP TABLE tessera.sms_rate_buckets`);
  await knex.raw(`DROP INDEX tessera.sms_messages_modem_open_ix`);
  await knex.raw(`ALTER TABLE tessera.sms_messages DROP COLUMN part_states`);
}
