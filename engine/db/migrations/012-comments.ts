import type { Knex } from 'knex';

// Comments on records (the record card's stream, docs/api.md): a conversation beside the record,
// readable and writable by whoever may read the record. Not activities: an activity follows the
// activity rights (a salesperson reads only their own), so a colleague's comment — and the
// notification of an @mention in it — would not reach them. By record id alone, like the audit
// trail: ids are unique across entity types and survive a rename of the type.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE tessera.comments (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      entity varchar(64) NOT NULL,
      record_id uuid NOT NULL,
      author uuid REFERENCES tessera.users(id) ON DELETE SET NULL,
      body text NOT NULL CHECK (char_length(body) BETWEEN 1 AND 10000),
      mentions uuid[] NOT NULL DEFAULT '{}',
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
  await knex.raw(`CREATE INDEX comments_record_ix ON tessera.comments (record_id, created_at DESC, id)`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`DROP TABLE tessera.comments`);
}
