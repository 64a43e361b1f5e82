import type { Knex } from 'knex';

// Meeting invitations the calendar connector sent by e-mail (iTIP, docs/calendar.md): one row per
// activity and invited address, with the attendee's answer (PARTSTAT) as their REPLY said, the
// SEQUENCE of the last REQUEST, and the mail account the invitation went out from (the ORGANIZER).
// ICS feeds get the scope `yearly` (birthdays and other yearly dates the metadata declares).
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`ALTER TABLE tessera.calendar_feeds DROP CONSTRAINT calendar_feeds_scope_check`);
  await knex.raw(`ALTER TABLE tessera.calendar_feeds ADD CONSTRAINT calendar_feeds_scope_check CHECK (scope IN ('user', 'team', 'resource', 'yearly'))`);
  await knex.raw(`
    CREATE TABLE tessera.calendar_invitations (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      activity_id uuid NOT NULL,
      attendee text NOT NULL,
      name text NOT NULL DEFAULT '',
      partstat text NOT NULL DEFAULT 'NEEDS-ACTION' CHECK (partstat IN ('NEEDS-ACTION', 'ACCEPTED', 'DECLINED', 'TENTATIVE', 'DELEGATED')),
      sequence integer NOT NULL DEFAULT 0,
      organizer text NOT NULL,
      mail_account uuid NOT NULL,
      sent_by uuid REFERENCES tessera.users(id) ON DELETE SET NULL,
      sent_at timestamptz NOT NULL DEFAULT now(),
      replied_at timestamptz,
      cancelled_at timestamptz,
      UNIQUE (activity_id, attendee)
    )`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`DROP TABLE tessera.calendar_invitations`);
  await knex.raw(`DELETE FROM tessera.calendar_feeds WHERE scope = 'yearly'`);
  await knex.raw(`ALTER TABLE tessera.calendar_feeds DROP CONSTRAINT calendar_feeds_scope_check`);
  await knex.raw(`ALTER TABLE tessera.calendar_feeds ADD CONSTRAINT calendar_feeds_scope_check CHECK (scope IN ('user', 'team', 'resource'))`);
}
