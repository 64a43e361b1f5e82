// ISO 8601 timer values: durations (P1DT2H), dates (2025-01-01T09:00:00Z) and repeating cycles
// (R3/PT10M, R/P1D, R2/2025-01-01T09:00:00Z/PT1H). Pure arithmetic in UTC; the clock is always injected.

export type TimerKind = 'duration' | 'date' | 'cycle';

export interface IsoDuration {
  readonly years: number;
  readonly months: number;
  readonly weeks: number;
  readonly days: number;
  readonly hours: number;
  readonly minutes: number;
  readonly seconds: number;
}

export type TimerSpec =
  | { readonly kind: 'duration'; readonly duration: IsoDuration }
  | { readonly kind: 'date'; readonly at: Date }
  /** repetitions null = unbounded (`R/…`). */
  | { readonly kind: 'cycle'; readonly repetitions: number | null; readonly start: Date | null; readonly interval: IsoDuration };

const DURATION = /^P(?!$)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:[.,]\d+)?)S)?)?$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?$/;

export function parseIsoDuration(text: string): IsoDuration | null {
  const match = DURATION.exec(text.trim());
  if (!match) return null;
  const n = (index: number): number => Number((match[index] ?? '0').replace(',', '.'));
  return { years: n(1), months: n(2), weeks: n(3), days: n(4), hours: n(5), minutes: n(6), seconds: n(7) };
}

/** An ISO date-time; without an offset it is read as UTC so the result never depends on the host zone. */
export function parseIsoDateTime(text: string): Date | null {
  const trimmed = text.trim();
  if (!DATE_TIME.test(trimmed)) return null;
  const zoned = /(?:Z|[+-]\d{2}:?\d{2})$/.test(trimmed) ? trimmed : `${trimmed}Z`;
  const date = new Date(zoned);
  return Number.isNaN(date.getTime()) ? null : date;
}

export function parseTimer(kind: TimerKind, text: string): TimerSpec | null {
  if (kind === 'duration') {
    const duration = parseIsoDuration(text);
    return duration ? { kind, duration } : null;
  }
  if (kind === 'date') {
    const at = parseIsoDateTime(text);
    return at ? { kind, at } : null;
  }
  const parts = text.trim().split('/');
  const repeat = /^R(\d*)$/.exec(parts[0] ?? '');
  if (!repeat || parts.length < 2 || parts.length > 3) return null;
  const repetitions = repeat[1] === '' || repeat[1] === undefined ? null : Number(repeat[1]);
  const start = parts.length === 3 ? parseIsoDateTime(parts[1] ?? '') : null;
  const interval = parseIsoDuration(parts[parts.length - 1] ?? '');
  if (!interval || (parts.length === 3 && !start) || repetitions === 0) return null;
  return { kind, repetitions, start, interval };
}

export function addDuration(from: Date, duration: IsoDuration): Date {
  const date = new Date(from.getTime());
  date.setUTCFullYear(date.getUTCFullYear() + duration.years, date.getUTCMonth() + duration.months, date.getUTCDate() + duration.weeks * 7 + duration.days);
  return new Date(date.getTime() + ((duration.hours * 60 + duration.minutes) * 60 + duration.seconds) * 1000);
}

/** When a timer created at `now` first fires. A cycle with a start date fires at that date first. */
export function firstDueDate(spec: TimerSpec, now: Date): Date {
  if (spec.kind === 'duration') return addDuration(now, spec.duration);
  if (spec.kind === 'date') return spec.at;
  return spec.start ?? addDuration(now, spec.interval);
}

/** Repetitions still due after one firing; null means unbounded. */
export function remainingAfterFiring(repetitions: number | null): number | null {
  return repetitions === null ? null : repetitions - 1;
}
