// A record's stream: the comments people write on it and its change history, newest first, as the
// record card shows them. Comments follow the record's rights: whoever may read the record reads
// and writes its comments. An @login in a comment notifies that user (in-app notification of kind
// `mention`, written in the comment's transaction) when they may read the record.
import type { Knex } from 'knex';
import { labelText } from '../../metadata/index.ts';
import { TesseraError, type Problem } from '../errors.ts';
import type { RecordContext, RecordService } from '../records/index.ts';
import { IN_APP, MENTION, mentionedLogins, sqlOf, userMayRead, writeNotification } from '../workflows/runtime/index.ts';

export const COMMENT_MAX_LENGTH = 10_000;
export const STREAM_MAX_LIMIT = 500;

export interface CommentPerson {
  readonly id: string;
  readonly login: string;
  readonly displayName: string;
}

export interface StreamComment {
  readonly kind: 'comment';
  readonly id: string;
  readonly at: string;
  readonly author: CommentPerson | null;
  readonly body: string;
  /** The users the comment mentions who may read the record (each was notified). */
  readonly mentions: readonly CommentPerson[];
}

export interface StreamChange {
  readonly kind: 'change';
  readonly id: number;
  readonly at: string;
  readonly action: string;
  readonly actorName: string | null;
  readonly via: string;
  /** The fields the change touched (those the reader may see). */
  readonly fields: readonly string[];
}

export type StreamItem = StreamComment | StreamChange;

const bad = (problems: Problem[]) => new TesseraError('VALIDATION_FAILED', `invalid comment: ${problems.map((p) => `${p.pointer || '/'} ${p.detail}`).join('; ')}`, { problems });

/** `{body}` → the comment's text; problems point into the body. Pure. */
export function parseCommentInput(input: Readonly<Record<string, unknown>>): string {
  const problems: Problem[] = [];
  for (const key of Object.keys(input)) if (key !== 'body') problems.push({ pointer: `/${key}`, detail: 'unknown property', code: 'UNKNOWN_FIELD' });
  const body = typeof input.body === 'string' ? input.body.trim() : null;
  if (body === null) problems.push({ pointer: '/body', detail: input.body === undefined ? 'is required' : 'must be string', code: input.body === undefined ? 'REQUIRED' : 'TYPE' });
  else if (body.length === 0) problems.push({ pointer: '/body', detail: 'is required', code: 'REQUIRED' });
  else if (body.length > COMMENT_MAX_LENGTH) problems.push({ pointer: '/body', detail: `must NOT have more than ${COMMENT_MAX_LENGTH} characters`, code: 'MAXLENGTH' });
  if (problems.length) throw bad(problems);
  return body!;
}

/** The line of a text where a login is mentioned, shortened, for the notification's body. Pure. */
function mentionLine(text: string, login: string): string {
  const line = text.split('\n').find((l) => mentionedLogins(l).has(login)) ?? text;
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}

interface CommentRow {
  id: string;
  author: string | null;
  author_login: string | null;
  author_name: string | null;
  body: string;
  mentions: string[];
  created_at: Date;
}

async function people(db: Knex | Knex.Transaction, ids: readonly string[]): Promise<Map<string, CommentPerson>> {
  if (ids.length === 0) return new Map();
  const rows = (await db('tessera.users').whereIn('id', [...new Set(ids)]).select('id', 'login', 'display_name')) as { id: string; login: string; display_name: string }[];
  return new Map(rows.map((r) => [r.id, { id: r.id, login: r.login, displayName: r.display_name }]));
}

function commentItem(row: CommentRow, directory: ReadonlyMap<string, CommentPerson>): StreamComment {
  return {
    kind: 'comment',
    id: row.id,
    at: row.created_at.toISOString(),
    author: row.author ? { id: row.author, login: row.author_login ?? '', displayName: row.author_name ?? '' } : null,
    body: row.body,
    mentions: row.mentions.flatMap((id) => directory.get(id) ?? []),
  };
}

const commentQuery = (db: Knex | Knex.Transaction) =>
  db('tessera.comments as c').leftJoin('tessera.users as u', 'u.id', 'c.author').select('c.id', 'c.author', 'u.login as author_login', 'u.display_name as author_name', 'c.body', 'c.mentions', 'c.created_at');

export class RecordStreams {
  readonly #records: RecordService;
  readonly #knex: Knex;

  constructor(records: RecordService, knex: Knex) {
    this.#records = records;
    this.#knex = knex;
  }

  /** Comments and changes of a record, newest first, at most `limit` (1–500, default 100). 404 for a record the user may not read. */
  async stream(ctx: RecordContext, entity: string, id: string, options: { limit?: number } = {}): Promise<StreamItem[]> {
    const limit = options.limit ?? 100;
    if (!Number.isInteger(limit) || limit < 1 || limit > STREAM_MAX_LIMIT) {
      throw new TesseraError('BAD_QUERY', `limit must be an integer from 1 to ${STREAM_MAX_LIMIT}`, { problems: [{ pointer: '/query/limit', detail: `must be 1…${STREAM_MAX_LIMIT}`, code: 'RANGE' }] });
    }
    await this.#records.get(ctx, entity, id, { fields: ['id'] });
    const [rows, history] = await Promise.all([
      commentQuery(this.#knex).where('c.record_id', id).orderBy([{ column: 'c.created_at', order: 'desc' }, { column: 'c.id', order: 'desc' }]).limit(limit) as Promise<CommentRow[]>,
      this.#records.history(ctx, entity, id),
    ]);
    const directory = await people(this.#knex, rows.flatMap((r) => r.mentions));
    const changes: StreamChange[] = history.map((h) => ({
      kind: 'change',
      id: h.id as number,
      at: h.at as string,
      action: h.action as string,
      actorName: (h.actor_name as string | null) ?? null,
      via: h.via as string,
      fields: Object.keys((h.changes as Record<string, unknown> | null) ?? {}),
    }));
    const items: StreamItem[] = [...rows.map((r) => commentItem(r, directory)), ...changes];
    return items.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : a.kind === 'comment' ? -1 : 1)).slice(0, limit);
  }

  /** Posts a comment as the signed-in user (who must be able to read the record) and notifies the users it mentions. */
  async post(ctx: RecordContext, entity: string, id: string, input: Readonly<Record<string, unknown>>): Promise<StreamComment> {
    const author = ctx.actor.userId;
    if (!author) throw new TesseraError('FORBIDDEN', 'comments are written by a signed-in user');
    const rt = this.#records.runtime.entity(entity);
    const record = await this.#records.get(ctx, entity, id, { fields: ['id', rt.entity.displayField].filter((f) => rt.entity.fieldsByName.has(f) || f === 'id') });
    const body = parseCommentInput(input);
    const title = String(record[rt.entity.displayField] ?? labelText(rt.entity.label, 'en'));
    return this.#knex.transaction(async (trx) => {
      const logins = [...mentionedLogins(body)];
      const users = logins.length ? ((await trx('tessera.users').where({ active: true }).whereRaw('lower(login) = ANY(?::text[])', [logins]).select('id', 'login')) as { id: string; login: string }[]) : [];
      const mentioned: string[] = [];
      for (const user of users) if (await userMayRead(this.#records, trx, user.id, entity, id)) mentioned.push(user.id);
      const [inserted] = (await trx('tessera.comments').insert({ entity, record_id: id, author, body, mentions: mentioned }).returning('id')) as { id: string }[];
      if (mentioned.length) {
        const { sql } = await sqlOf(trx);
        for (const user of users) {
          // The writer knows what they wrote.
          if (!mentioned.includes(user.id) || user.id === author) continue;
          await writeNotification(sql, { channel: IN_APP, kind: MENTION, userId: user.id, subject: title, body: mentionLine(body, user.login.toLowerCase()), record: { entity, id } });
        }
      }
      const row = (await commentQuery(trx).where('c.id', inserted!.id).first()) as CommentRow;
      return commentItem(row, await people(trx, mentioned));
    });
  }
}
