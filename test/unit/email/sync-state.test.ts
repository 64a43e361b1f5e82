// The sync's decisions: full vs incremental by cursor and UIDVALIDITY, change detection for polling,
// backoff bounds, UID batches and sequence sets.
import { backoffDelay, planMailboxSync, sequenceSet, statusShowsChange, uidBatches, vanishedUids } from '../../../connectors/email/index.ts';

const now = new Date('2026-12-03T12:00:00Z');

describe('planMailboxSync', () => {
  it('syncs the window when there is no cursor or the UIDVALIDITY changed', () => {
    expect(planMailboxSync(null, { uidValidity: 7n, uidNext: 10 }, now, 30)).toEqual({
      kind: 'full',
      since: new Date('2026-11-03T12:00:00Z'),
      staleUidValidity: null,
    });
    expect(planMailboxSync({ uidValidity: 6n, lastUid: 9, highestModseq: 3n }, { uidValidity: 7n, uidNext: 10 }, now, 30)).toMatchObject({
      kind: 'full',
      staleUidValidity: 6n,
    });
  });

  it('goes on from the cursor, noticing new UIDs and modseq changes', () => {
    const cursor = { uidValidity: 7n, lastUid: 9, highestModseq: 3n };
    expect(planMailboxSync(cursor, { uidValidity: 7n, uidNext: 10, highestModseq: 3n }, now, 30)).toEqual({
      kind: 'incremental',
      fromUid: 10,
      flagsChangedSince: 3n,
      newMessages: false,
      changed: false,
    });
    expect(planMailboxSync(cursor, { uidValidity: 7n, uidNext: 12, highestModseq: 5n }, now, 30)).toMatchObject({ newMessages: true, changed: true });
    expect(planMailboxSync(cursor, { uidValidity: 7n, uidNext: 10, highestModseq: 4n }, now, 30)).toMatchObject({ newMessages: false, changed: true });
    // Without CONDSTORE nothing proves the flags unchanged.
    expect(planMailboxSync({ ...cursor, highestModseq: null }, { uidValidity: 7n, uidNext: 10 }, now, 30)).toMatchObject({
      changed: true,
      flagsChangedSince: null,
    });
  });

  it('polls by STATUS', () => {
    const cursor = { uidValidity: 7n, lastUid: 9, highestModseq: 3n };
    expect(statusShowsChange(cursor, { uidValidity: 7n, uidNext: 10, highestModseq: 3n })).toBe(false);
    expect(statusShowsChange(cursor, { uidValidity: 7n, uidNext: 11, highestModseq: 4n })).toBe(true);
    expect(statusShowsChange(cursor, { uidValidity: 8n, uidNext: 10, highestModseq: 3n })).toBe(true);
    expect(statusShowsChange(null, { uidValidity: 7n, uidNext: 1 })).toBe(true);
  });
});

describe('sync helpers', () => {
  it('backs off exponentially with jitter, capped', () => {
    const policy = { baseMs: 100, maxMs: 10_000 };
    expect(backoffDelay(0, policy, () => 0)).toBe(50);
    expect(backoffDelay(0, policy, () => 1)).toBe(100);
    expect(backoffDelay(3, policy, () => 1)).toBe(800);
    expect(backoffDelay(40, policy, () => 1)).toBe(10_000);
    expect(backoffDelay(40, policy, () => 0)).toBe(5_000);
  });

  it('batches and writes sequence sets', () => {
    expect(uidBatches([5, 1, 3, 3, 2, 9], 2)).toEqual([[1, 2], [3, 5], [9]]);
    expect(sequenceSet([1, 2, 3, 7, 9, 10])).toBe('1:3,7,9:10');
    expect(sequenceSet([4])).toBe('4');
    expect(vanishedUids([1, 2, 3, 4], [1, 3, 5])).toEqual([2, 4]);
  });
});
