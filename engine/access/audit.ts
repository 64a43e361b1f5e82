// Audit rows for changes the records service does not make: users and teams. Same table, same
// shape as record changes (entity "user" / "team"), so one trail answers "who changed what".
import type { Knex } from 'knex';

export interface AuditActor {
  readonly userId: string | null;
  readonly via: string;
}

export type Changes = Record<string, [unknown, unknown]>;

export async function auditAdminChange(trx: Knex.Transaction, actor: AuditActor, entity: 'user' | 'team' | 'connector', id: string, action: 'create' | 'update' | 'delete', changes: Changes): Promise<void> {
  await trx('tessera.audit_log').insert({ actor: actor.userId, via: actor.via, entity, record_id: id, action, changes: JSON.stringify(changes) });
}

/** old → new of the keys whose values differ (compared as JSON). */
export function diff(before: Readonly<Record<string, unknown>>, after: Readonly<Record<string, unknown>>, keys: readonly string[]): Changes {
  const changes: Changes = {};
  for (const key of keys) {
    const a = before[key] ?? null;
    const b = after[key] ?? null;
    if (JSON.stringify(a) !== JSON.stringify(b)) changes[key] = [a, b];
  }
  return changes;
}

export async function adminHistory(db: Knex, entity: 'user' | 'team' | 'connector', id: string): Promise<Record<string, unknown>[]> {
  const rows = (await db('tessera.audit_log as a')
    .leftJoin('tessera.users as u', 'u.id', 'a.actor')
    .where({ 'a.entity': entity, 'a.record_id': id })
    .orderBy('a.id')
    .select('a.id', 'a.at', 'a.actor', 'u.display_name as actor_name', 'a.via', 'a.action', 'a.changes')) as Record<string, unknown>[];
  return rows.map((r) => ({ ...r, id: Number(r.id), at: (r.at as Date).toISOString() }));
}
