// How the driver turns PostgreSQL's text into values: every connection's parsers, and a variant for
// the statements whose rows only become API records (a list page).
import pg from 'pg';

const { types } = pg;
const TIMESTAMPTZ = 1184;

// Parse at the driver so every query agrees: DATE stays 'YYYY-MM-DD' (no time-zone shift),
// int8 (counts) and numeric become numbers (amounts fit easily in a double).
const typeParsers: Record<number, (value: string) => unknown> = {
  1082: (v) => v,
  20: (v) => Number(v),
  1700: (v) => Number(v),
};

export interface TypeParsers {
  getTypeParser(oid: number, format?: 'text' | 'binary'): (value: string) => unknown;
}

/** The parsers of every connection (createKnex). */
export const driverTypes: TypeParsers = {
  getTypeParser(oid, format) {
    return typeParsers[oid] ?? (types.getTypeParser(oid, format) as (value: string) => unknown);
  },
};

const parseTimestamp = driverTypes.getTypeParser(TIMESTAMPTZ, 'text');
// A UTC session's text of a four-digit year: '2026-12-06 05:43:01.123456+00'.
const UTC_TEXT = /^([1-9]\d{3}-\d\d-\d\d) (\d\d:\d\d:\d\d)(\.\d{1,6})?\+00$/;

/**
 * A timestamptz as the API writes it: the ISO text of the Date the driver would give
 * (`Date.toISOString()`, milliseconds truncated as the driver's Date truncates them), straight from
 * PostgreSQL's text in a UTC session; anything else (another offset, a year outside 1000–9999,
 * infinity) through the driver's Date itself.
 */
export function isoTimestamp(text: string): unknown {
  const match = UTC_TEXT.exec(text);
  if (match) {
    // The driver's arithmetic exactly (1000 × parseFloat of the fraction, then truncated by Date).
    const ms = match[3] === undefined ? 0 : Math.trunc(1000 * parseFloat(match[3]));
    return `${match[1]}T${match[2]}.${ms < 10 ? '00' : ms < 100 ? '0' : ''}${ms}Z`;
  }
  const value = parseTimestamp(text);
  return value instanceof Date ? value.toISOString() : value;
}

/**
 * The connection's parsers with timestamptz columns as ISO text: for rows that only become API
 * records, whose timestamps are that text anyway (values.ts, row-reader.ts), without a Date each.
 */
export const isoTimestampTypes: TypeParsers = {
  getTypeParser(oid, format) {
    return oid === TIMESTAMPTZ && format !== 'binary' ? isoTimestamp : driverTypes.getTypeParser(oid, format);
  },
};
