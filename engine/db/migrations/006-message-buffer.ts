import type { Knex } from 'knex';

// Messages published with a time to live that no instance was waiting for: kept until one opens a
// matching subscription (which consumes the message) or the time runs out.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE tessera.process_messages (
      id uuid PRIMARY KEY,
      message_name varchar(255) NOT NULL,
      correlation_key text NOT NULL,
      variables jsonb NOT NULL DEFAULT '{}',
      created_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL
    )`);
  await knex.raw(`CREATE INDEX process_messages_key_ix ON tessera.process_messages (message_name, correlation_key, created_at)`);
  await knex.raw(`CREATE INDEX process_messages_expiry_ix ON tessera.process_messages (expires_at)`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE tessera.process_messages');
}
