import type { Knex } from 'knex';

// The calendar connector's sync state (docs/calendar.md). Per account (a calendar_account record of
// the connector's metadata): the collection's sync-token and ctag. Per synced object: where it lives
// (href, ETag, UID), the activity it is, and the field values both sides last agreed on (the base of
// the three-way merge) with the series parts the activity does not hold. A row exists only for
// objects the sync created or adopted: deletions propagate for those and nothing else.
// ICS feeds: a secret token per feed (only its hash is kept), revocable and regenerable.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE tessera.calendar_sync_accounts (
      account_id uuid PRIMARY KEY,
      sync_token text,
      ctag text,
      last_run_at timestamptz,
      last_error text
    )`);
  await knex.raw(`
    CREATE TABLE tessera.calendar_sync_objects (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      account_id uuid NOT NULL,
      activity_id uuid NOT NULL,
      href text NOT NULL,
      uid text NOT NULL,
      etag text,
      component text NOT NULL CHECK (component IN ('VEVENT', 'VTODO')),
      base jsonb NOT NULL,
      series jsonb,
      local_version integer NOT NULL,
      origin text NOT NULL CHECK (origin IN ('crm', 'remote')),
      synced_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (account_id, href),
      UNIQUE (account_id, uid),
      UNIQUE (account_id, activity_id)
    )`);
  await knex.raw(`
    CREATE TABLE tessera.calendar_feeds (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      token_hash text NOT NULL UNIQUE,
      scope text NOT NULL CHECK (scope IN ('user', 'team', 'resource')),
      target_id uuid NOT NULL,
      created_by uuid NOT NULL REFERENCES tessera.users(id) ON DELETE CASCADE,
      created_at timestamptz NOT NULL DEFAULT now(),
      revoked_at timestamptz
    )`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`DROP TABLE tessera.calendar_feeds`);
  await knex.raw(`DROP TABLE tessera.calendar_sync_objects`);
  await knex.raw(`DROP TABLE tessera.calendar_sync_accounts`);
}
