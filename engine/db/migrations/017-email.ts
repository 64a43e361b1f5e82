import type { Knex } from 'knex';

// The e-mail connector's platform tables (docs/email.md). A stored message is an e-mail activity;
// these tables hold what the model does not: its dedupe identity (one row per Message-ID + content
// hash, so the same mail in two folders or accounts is one activity), where it sits on the servers
// (account, mailbox, UIDVALIDITY, UID), how far each mailbox is synced, its attachments (files read
// through the activity's read right), the "to file" queue, per-account send throttling and mail merges.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE tessera.email_messages (
      activity_id uuid PRIMARY KEY,
      dedupe_key text NOT NULL UNIQUE,
      account uuid,
      message_id text,
      thread_id text NOT NULL,
      filing varchar(16) NOT NULL DEFAULT 'linked' CHECK (filing IN ('linked', 'to_file', 'dismissed')),
      direction varchar(8) NOT NULL CHECK (direction IN ('inbound', 'outbound')),
      sent_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
  await knex.raw(`CREATE INDEX email_messages_message_id_ix ON tessera.email_messages (message_id)`);
  await knex.raw(`CREATE INDEX email_messages_thread_ix ON tessera.email_messages (thread_id)`);
  await knex.raw(`CREATE INDEX email_messages_to_file_ix ON tessera.email_messages (account, created_at DESC) WHERE filing = 'to_file'`);
  await knex.raw(`
    CREATE TABLE tessera.email_locations (
      account uuid NOT NULL,
      mailbox text NOT NULL,
      uid_validity bigint NOT NULL,
      uid bigint NOT NULL,
      activity_id uuid NOT NULL REFERENCES tessera.email_messages(activity_id) ON DELETE CASCADE,
      flags text[] NOT NULL DEFAULT '{}',
      PRIMARY KEY (account, mailbox, uid_validity, uid)
    )`);
  await knex.raw(`CREATE INDEX email_locations_activity_ix ON tessera.email_locations (activity_id)`);
  await knex.raw(`
    CREATE TABLE tessera.email_sync_state (
      account uuid NOT NULL,
      mailbox text NOT NULL,
      uid_validity bigint NOT NULL,
      last_uid bigint NOT NULL,
      highest_modseq numeric(20),
      last_error text,
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (account, mailbox)
    )`);
  await knex.raw(`
    CREATE TABLE tessera.email_attachments (
      activity_id uuid NOT NULL REFERENCES tessera.email_messages(activity_id) ON DELETE CASCADE,
      position int NOT NULL,
      file_id uuid NOT NULL REFERENCES tessera.files(id),
      content_id text,
      inline boolean NOT NULL DEFAULT false,
      PRIMARY KEY (activity_id, position)
    )`);
  // The next free send slot of an account: a send reserves one (throttling in messages per minute
  // across every process) and waits for it.
  await knex.raw(`
    CREATE TABLE tessera.email_send_slots (
      account uuid PRIMARY KEY,
      next_at timestamptz NOT NULL DEFAULT now()
    )`);
  await knex.raw(`
    CREATE TABLE tessera.email_merges (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      request_key text UNIQUE,
      account uuid NOT NULL,
      template uuid NOT NULL,
      entity varchar(64) NOT NULL,
      language varchar(8) NOT NULL,
      total int NOT NULL,
      skipped int NOT NULL,
      created_by uuid REFERENCES tessera.users(id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
  await knex.raw(`
    CREATE TABLE tessera.email_merge_recipients (
      merge_id uuid NOT NULL REFERENCES tessera.email_merges(id) ON DELETE CASCADE,
      record_id uuid NOT NULL,
      address text,
      skipped varchar(32),
      outbox_key text,
      PRIMARY KEY (merge_id, record_id)
    )`);
  await knex.raw(`
    CREATE TABLE tessera.email_unsubscribed (
      address text PRIMARY KEY,
      entity varchar(64),
      record_id uuid,
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['email_unsubscribed', 'email_merge_recipients', 'email_merges', 'email_send_slots', 'email_attachments', 'email_sync_state', 'email_locations', 'email_messages']) {
    await knex.raw(`DROP TABLE tessera.${table}`);
  }
}
