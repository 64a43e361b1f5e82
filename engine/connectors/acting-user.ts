// The records-service actor of a connector acting for a user (a mail account's owner, or the named
// identity of a shared mailbox): that user's current rights, and their name in the audit trail.
import type { Knex } from 'knex';
import { accessFor, loadSubject } from '../access/index.ts';
import { TesseraError } from '../errors.ts';
import type { Actor, RecordService } from '../records/index.ts';

/** Throws FORBIDDEN when the user is deactivated or gone: nothing may be done in their name. */
export async function actingUser(db: Knex | Knex.Transaction, records: RecordService, userId: string): Promise<Actor> {
  const subject = await loadSubject(db, userId);
  if (!subject) throw new TesseraError('FORBIDDEN', `user ${userId} is deactivated or gone: a connector may not act for them`);
  return { userId, via: 'automation', access: accessFor(records.runtime.snapshot.model, subject) };
}
