// Who a workflow instance acts as (docs/security.md, "Workflows act for a user"). An instance a
// user starts reads and writes records with that user's rights, unless its definition version was
// deployed with platform rights by a workflow administrator. Instances started by record changes
// (triggers), timers and the platform itself act with platform rights. Either way every change is
// audited with the acting user (the starter, or the user whose change triggered the instance) and
// the instance, and the records it creates belong to the starter or to the triggering record's owner.
import type { Knex } from 'knex';
import type { Model } from '../../../metadata/index.ts';
import { accessFor, type Access, type SubjectCache } from '../../access/index.ts';
import { TesseraError } from '../../errors.ts';
import type { Actor } from '../../records/index.ts';

/** Whose rights an instance reads and writes records with. */
export type RunAs = 'user' | 'platform';

/** How an instance was started (kept on the instance row). */
export type StartedVia = 'user' | 'trigger' | 'message' | 'timer' | 'call';

export interface StartOrigin {
  readonly via: StartedVia;
  /** The starting user, or the user whose change triggered the start; null: the platform. */
  readonly userId: string | null;
  /** Owner of the records the instance creates: the starter, or the triggering record's owner. */
  readonly owner: string | null;
  /** The start is a user's own request: their rights apply unless the definition runs with platform rights. */
  readonly userRequest: boolean;
}

/** Who an instance acts as, as its row keeps it. */
export interface ActingAs {
  readonly instanceId: string;
  readonly userId: string | null;
  readonly owner: string | null;
  readonly runAs: RunAs;
}

export const TIMER_ORIGIN: StartOrigin = { via: 'timer', userId: null, owner: null, userRequest: false };

/** A user's own start (API, web app, record action): the records the instance creates are theirs. */
export function userOrigin(userId: string | null, via: StartedVia = 'user'): StartOrigin {
  return { via, userId, owner: userId, userRequest: userId !== null };
}

/** A start caused by a record change: platform rights, on the changing user's behalf, for the record's owner. */
export function triggerOrigin(userId: string | null, recordOwner: string | null, via: StartedVia = 'trigger'): StartOrigin {
  return { via, userId, owner: recordOwner, userRequest: false };
}

/** A called process acts for its caller: with the caller's user's rights, unless it runs with platform rights itself. */
export function callOrigin(caller: Omit<ActingAs, 'instanceId'>): StartOrigin {
  return { via: 'call', userId: caller.userId, owner: caller.owner, userRequest: caller.runAs === 'user' };
}

export function runAsOf(origin: StartOrigin, platformRights: boolean): RunAs {
  return origin.userRequest && origin.userId !== null && !platformRights ? 'user' : 'platform';
}

/**
 * The records-service actor of an instance: the acting user and the instance for the audit, the
 * owner of what it creates, and — when it acts with a user's rights — that user's access.
 */
export function workflowActor(acting: ActingAs, access?: Access): Actor {
  return { userId: acting.userId, via: 'workflow', instanceId: acting.instanceId, owner: acting.owner, ...(access ? { access } : {}) };
}

/**
 * The rights of the user an instance acts for, from their current roles and teams. A deactivated or
 * deleted user's workflow may do nothing for them: an error (the task raises an incident).
 */
export async function userAccess(subjects: SubjectCache, db: Knex | Knex.Transaction, model: Model, userId: string): Promise<Access> {
  const subject = await subjects.load(db, userId);
  if (!subject) throw new TesseraError('FORBIDDEN', `the workflow acts for user ${userId}, who is deactivated or gone: it may not read or change records for them`);
  return accessFor(model, subject);
}
