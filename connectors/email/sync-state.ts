// The sync's decisions as pure functions over the stored cursor and what the server reports, so the
// rules for "nothing lost, nothing doubled" are testable without a server.
import type { SyncCursor } from './ports.ts';

export interface ServerMailboxState {
  readonly uidValidity: bigint;
  readonly uidNext: number;
  /** HIGHESTMODSEQ when the server has CONDSTORE, else undefined. */
  readonly highestModseq?: bigint | undefined;
}

export type MailboxSyncPlan =
  /** No cursor, or the UIDVALIDITY changed: every UID we knew is void; fetch the window again. */
  | { readonly kind: 'full'; readonly since: Date; readonly staleUidValidity: bigint | null }
  /** New UIDs above the cursor, and flag changes since the stored modseq (null: compare all flags). */
  | {
      readonly kind: 'incremental';
      readonly fromUid: number;
      readonly flagsChangedSince: bigint | null;
      readonly newMessages: boolean;
      readonly changed: boolean;
    };

export function planMailboxSync(cursor: SyncCursor | null, server: ServerMailboxState, now: Date, windowDays: number): MailboxSyncPlan {
  const since = new Date(now.getTime() - windowDays * 86_400_000);
  if (!cursor) return { kind: 'full', since, staleUidValidity: null };
  if (cursor.uidValidity !== server.uidValidity) return { kind: 'full', since, staleUidValidity: cursor.uidValidity };
  const newMessages = server.uidNext > cursor.lastUid + 1;
  // Without CONDSTORE nothing tells whether flags or expunges happened: assume they did.
  const modseqKnown = server.highestModseq !== undefined && cursor.highestModseq !== null;
  const changed = newMessages || !modseqKnown || server.highestModseq !== cursor.highestModseq;
  return { kind: 'incremental', fromUid: cursor.lastUid + 1, flagsChangedSince: modseqKnown ? cursor.highestModseq : null, newMessages, changed };
}

/** Polling: does a STATUS answer show anything the cursor does not cover? */
export function statusShowsChange(
  cursor: SyncCursor | null,
  status: { uidValidity?: bigint | undefined; uidNext?: number | undefined; highestModseq?: bigint | undefined },
): boolean {
  if (!cursor || status.uidValidity === undefined || status.uidNext === undefined) return true;
  if (status.uidValidity !== cursor.uidValidity || status.uidNext > cursor.lastUid + 1) return true;
  return status.highestModseq === undefined || cursor.highestModseq === null || status.highestModseq !== cursor.highestModseq;
}

export interface BackoffPolicy {
  readonly baseMs: number;
  readonly maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 500, maxMs: 5 * 60_000 };

/** Exponential backoff with "full jitter" (so many accounts failing together do not retry in step). */
export function backoffDelay(attempt: number, policy: BackoffPolicy = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}

/** UIDs in ascending order, cut into batches of at most `size`. */
export function uidBatches(uids: readonly number[], size: number): number[][] {
  const sorted = [...new Set(uids)].sort((a, b) => a - b);
  const batches: number[][] = [];
  for (let i = 0; i < sorted.length; i += size) batches.push(sorted.slice(i, i + size));
  return batches;
}

/** A compact IMAP sequence set for ascending UIDs: [1,2,3,7,9,10] → "1:3,7,9:10". */
export function sequenceSet(uids: readonly number[]): string {
  const parts: string[] = [];
  let start = uids[0];
  let previous = start;
  for (let i = 1; i <= uids.length; i++) {
    const uid = uids[i];
    if (uid !== undefined && previous !== undefined && uid === previous + 1) {
      previous = uid;
      continue;
    }
    if (start !== undefined && previous !== undefined) parts.push(start === previous ? String(start) : `${start}:${previous}`);
    start = uid;
    previous = uid;
  }
  return parts.join(',');
}

/** Stored UIDs the server no longer has (expunged or moved away). */
export function vanishedUids(stored: readonly number[], present: readonly number[]): number[] {
  const onServer = new Set(present);
  return stored.filter((uid) => !onServer.has(uid));
}
