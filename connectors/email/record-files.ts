// What the compose dialog may attach besides the user's own uploads: the files of the record the
// message is about (its attachment fields), of the activities on its timeline, and the attachments
// of its e-mails (a received order forwarded on). All read with the sender's rights: a file is
// offered (and accepted) only through a record they may read. And the sender's own signature.
import type { Knex } from 'knex';
import type { Actor, ConnectorContext, JsonObject } from '../../engine/connectors/index.ts';

export interface RecordFile {
  readonly id: string;
  readonly name: string;
  readonly mediaType: string;
  readonly size: number;
}

const attachmentFields = (ctx: ConnectorContext, entity: string) => ctx.records.runtime.entity(entity).entity.fields.filter((f) => f.type === 'attachment').map((f) => f.name);

/** The files of a record (attachment fields), its timeline's activities and their e-mail attachments. */
export async function recordFiles(ctx: ConnectorContext, actor: Actor, entity: string, id: string): Promise<RecordFile[]> {
  const record = (await ctx.records.get({ actor }, entity, id).catch(() => null)) as JsonObject | null;
  if (!record) return [];
  const ids = new Set<string>();
  for (const name of attachmentFields(ctx, entity)) if (typeof record[name] === 'string') ids.add(record[name]);
  const activityFields = ctx.records.runtime.entity('activity').entity.fieldsByName;
  const activityIds: string[] = [];
  if (entity === 'activity') activityIds.push(id);
  else if (activityFields.has(entity)) {
    const { data } = await ctx.records.list({ actor }, 'activity', { filter: { [entity]: { eq: id } }, limit: 500 });
    for (const a of data) {
      activityIds.push(String(a.id));
      for (const name of attachmentFields(ctx, 'activity')) if (typeof a[name] === 'string') ids.add(a[name]);
    }
  }
  if (activityIds.length) {
    const mailFiles = (await ctx.knex('tessera.email_attachments').whereIn('activity_id', activityIds).where({ inline: false }).select('file_id')) as { file_id: string }[];
    for (const f of mailFiles) ids.add(f.file_id);
  }
  if (ids.size === 0) return [];
  const rows = (await ctx.knex('tessera.files').whereIn('id', [...ids]).orderBy('name').select('id', 'name', 'media_type', 'size')) as { id: string; name: string; media_type: string; size: number }[];
  return rows.map((r) => ({ id: r.id, name: r.name, mediaType: r.media_type, size: Number(r.size) }));
}

export const SIGNATURE_MAX = 2000;

export async function userSignature(knex: Knex, userId: string | null): Promise<string | null> {
  if (!userId) return null;
  const row = (await knex('tessera.email_signatures').where({ user_id: userId }).first('signature')) as { signature: string } | undefined;
  return row?.signature ?? null;
}

/** Sets (or, with an empty text, removes) the user's signature. */
export async function setUserSignature(knex: Knex, userId: string, signature: string): Promise<void> {
  if (!signature.trim()) {
    await knex('tessera.email_signatures').where({ user_id: userId }).delete();
    return;
  }
  await knex('tessera.email_signatures').insert({ user_id: userId, signature, updated_at: knex.fn.now() }).onConflict('user_id').merge();
}
