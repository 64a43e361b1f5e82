import type { Knex } from 'knex';

// Per-user e-mail signatures (docs/email.md): what the user's messages end with, whichever account
// they send from; without one, the account's own signature is used.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE tessera.email_signatures (
      user_id uuid PRIMARY KEY REFERENCES tessera.users(id) ON DELETE CASCADE,
      signature text NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`DROP TABLE tessera.email_signatures`);
}
