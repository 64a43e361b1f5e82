// In-app notifications about activities, written in the transaction of the change (so a rolled-back
// change notifies nobody): the new assignee of an activity (a task given to someone, by a person or
// a workflow's user task), and users mentioned as @login in its text fields. Nobody is notified of
// what they did themselves (a workflow acting for them is not them), and a mention reaches only a user who may read the activity. Platform
// writes (seed data) notify nobody.
import type { Knex } from 'knex';
import { ACTIVITY_ENTITY } from '../../../metadata/index.ts';
import { accessFor, loadSubject } from '../../access/index.ts';
import { isTesseraError } from '../../errors.ts';
import type { RecordChange, RecordService } from '../../records/index.ts';
import { IN_APP, type NotificationService } from './notifications.ts';

export const ASSIGNED = 'assigned';
export const MENTION = 'mention';

// "@login": a login (letters, digits, ".", "_", "-") not glued to a word before it, without a trailing dot.
const MENTION_PATTERN = /(?<![\w@])@([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9_-])?)/g;

/** The logins mentioned in a text (lower-cased, each once). Pure. */
export function mentionedLogins(text: unknown): Set<string> {
  const found = new Set<string>();
  if (typeof text !== 'string') return found;
  for (const match of text.matchAll(MENTION_PATTERN)) found.add(match[1]!.toLowerCase());
  return found;
}

/** The line of a text where a login is mentioned, shortened, for the notification's body. */
function mentionLine(text: string, login: string): string {
  const line = text.split('\n').find((l) => mentionedLogins(l).has(login)) ?? text;
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}

/** Logins newly mentioned by a change: in the record's text fields now and not before. */
export function newMentions(change: Pick<RecordChange, 'record' | 'previous'>, textFields: readonly string[]): Map<string, string> {
  const mentions = new Map<string, string>();
  for (const field of textFields) {
    const now = change.record[field];
    if (typeof now !== 'string') continue;
    const before = mentionedLogins(change.previous?.[field]);
    for (const login of mentionedLogins(now)) if (!before.has(login) && !mentions.has(login)) mentions.set(login, mentionLine(now, login));
  }
  return mentions;
}

export function activityNotificationsHook(records: RecordService, notifications: NotificationService): (trx: Knex.Transaction, change: RecordChange) => Promise<void> {
  return async (trx, change) => {
    // Platform writes (seed, migrations) are nobody's news; people's and workflows' are.
    if (change.entity !== ACTIVITY_ENTITY || (change.action !== 'create' && change.action !== 'update') || change.actor.via === 'system') return;
    // A workflow acting for a user is not that user's own doing: a task it gives them is news to them.
    const actorId = change.actor.via === 'workflow' ? null : change.actor.userId;
    const about = { entity: ACTIVITY_ENTITY, id: change.record.id as string };
    const subject = String(change.record.subject ?? '');
    const assignee = change.record.assignee as string | null | undefined;
    const assigned = assignee && assignee !== actorId && (change.action === 'create' || 'assignee' in change.changes);
    const entity = records.runtime.snapshot.entities.get(ACTIVITY_ENTITY)?.entity;
    const textFields = (entity?.fields ?? []).filter((f) => f.type === 'text').map((f) => f.name);
    const mentions = newMentions(change, textFields);
    if (!assigned && mentions.size === 0) return;
    if (assigned) {
      await notifications.write(trx, { channel: IN_APP, kind: ASSIGNED, userId: assignee, subject, record: about });
      // The trigger leaves assignments silent (migration 046): the feed is woken after the commit.
      notifications.wakeAfter(trx.executionPromise, assignee);
    }
    if (mentions.size === 0) return;
    const users = (await trx('tessera.users').where({ active: true }).whereRaw('lower(login) = ANY(?::text[])', [[...mentions.keys()]]).select('id', 'login')) as { id: string; login: string }[];
    for (const user of users) {
      // The writer knows; a new assignee already has the assignment (which links the same activity).
      if (user.id === actorId || (assigned && user.id === assignee)) continue;
      if (!(await userMayRead(records, trx, user.id, ACTIVITY_ENTITY, about.id))) continue;
      await notifications.write(trx, { channel: IN_APP, kind: MENTION, userId: user.id, subject, body: mentions.get(user.login.toLowerCase()) ?? null, record: about });
    }
  };
}

/** Whether an (active) user may read a record, with their own rights: a mention must not reveal a record to someone who may not read it. */
export async function userMayRead(records: RecordService, trx: Knex.Transaction, userId: string, entity: string, id: string): Promise<boolean> {
  const reader = await loadSubject(trx, userId);
  if (!reader) return false;
  const access = accessFor(records.runtime.snapshot.model, reader);
  try {
    await records.get({ actor: { userId, via: 'system', access }, trx }, entity, id, { fields: ['id'] });
    return true;
  } catch (error) {
    if (isTesseraError(error) && (error.code === 'NOT_FOUND' || error.code === 'FORBIDDEN')) return false;
    throw error;
  }
}
