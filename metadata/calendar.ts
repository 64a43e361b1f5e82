// The business's calendar: which day and month it is in the package's time zone. Numbering series
// and "$today" defaults follow it, so a record created at 00:30 in Warsaw on 1 January is numbered
// in the new year although it is still 23:30 UTC.

export interface LocalDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

const formats = new Map<string, Intl.DateTimeFormat>();

export function localDate(at: Date, timeZone = 'UTC'): LocalDate {
  let format = formats.get(timeZone);
  if (!format) formats.set(timeZone, (format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })));
  const parts = Object.fromEntries(format.formatToParts(at).map((p) => [p.type, p.value]));
  return { year: Number(parts.year), month: Number(parts.month), day: Number(parts.day) };
}

/** YYYY-MM-DD of a moment in a time zone. */
export function isoLocalDate(at: Date, timeZone = 'UTC'): string {
  const { year, month, day } = localDate(at, timeZone);
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** Whether the runtime knows the IANA time zone. */
export function knownTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone });
    return true;
  } catch {
    return false;
  }
}
