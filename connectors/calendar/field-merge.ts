// Three-way merge of the synced fields: base (as both sides last agreed), local (the CRM now) and
// remote (the calendar now). A field changed on one side takes that side's value; changed on both
// to different values, the later writer wins and the field is reported as a conflict, so the sync
// can leave a visible note on the activity.
import { CALENDAR_FIELD_NAMES, type CalendarFields } from './activity-ical.ts';

export type FieldName = (typeof CALENDAR_FIELD_NAMES)[number];
export type Side = 'local' | 'remote';

export interface FieldConflict {
  readonly field: FieldName;
  readonly local: unknown;
  readonly remote: unknown;
  readonly winner: Side;
}

export interface MergeOutcome {
  readonly merged: CalendarFields;
  /** Fields whose merged value differs from the CRM's: to write into the activity. */
  readonly toLocal: readonly FieldName[];
  /** Whether the merged value differs from the calendar's: the object must be written back. */
  readonly toRemote: boolean;
  readonly conflicts: readonly FieldConflict[];
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

export interface MergeInput {
  readonly base: CalendarFields | null;
  readonly local: CalendarFields;
  readonly remote: CalendarFields;
  /** When each side last wrote (ISO); a missing time loses to a known one, a tie goes to the CRM. */
  readonly localWrittenAt: string | null;
  readonly remoteWrittenAt: string | null;
}

export function mergeFields(input: MergeInput): MergeOutcome {
  const { base, local, remote } = input;
  const later: Side = input.remoteWrittenAt !== null && (input.localWrittenAt === null || input.remoteWrittenAt > input.localWrittenAt) ? 'remote' : 'local';
  const merged: Record<string, unknown> = {};
  const conflicts: FieldConflict[] = [];
  for (const field of CALENDAR_FIELD_NAMES) {
    const l = local[field];
    const r = remote[field];
    if (same(l, r)) {
      merged[field] = l;
      continue;
    }
    // No base (first meeting of two existing copies): every difference is a conflict.
    const localChanged = base === null || !same(l, base[field]);
    const remoteChanged = base === null || !same(r, base[field]);
    if (localChanged && remoteChanged) {
      conflicts.push({ field, local: l, remote: r, winner: later });
      merged[field] = later === 'remote' ? r : l;
    } else merged[field] = remoteChanged ? r : l;
  }
  const result = merged as unknown as CalendarFields;
  return {
    merged: result,
    toLocal: CALENDAR_FIELD_NAMES.filter((f) => !same(result[f], local[f])),
    toRemote: CALENDAR_FIELD_NAMES.some((f) => !same(result[f], remote[f])),
    conflicts,
  };
}
