import type { Knex } from 'knex';

// Token scopes `files` and `account` (docs/security.md, API tokens). Uploading files used to come
// with any token; a token that may write records keeps it (attachment fields need uploads), a
// read-only one loses it. No token gets `account`: ending sessions and revoking other tokens was
// never meant to be a token's business, so it is granted only to tokens created for it.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`UPDATE tessera.api_tokens SET scopes = array_append(scopes, 'files') WHERE 'write' = ANY (scopes) AND NOT 'files' = ANY (scopes)`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`UPDATE tessera.api_tokens SET scopes = array_remove(array_remove(scopes, 'files'), 'account') WHERE scopes && ARRAY['files', 'account']::text[]`);
}
