// List pages read timestamptz columns as ISO text (engine/db/type-parsers.ts) instead of a Date that
// the API then turned into that text: the text must be the Date's toISOString() for every value
// PostgreSQL can send, or the records would change.
import pg from 'pg';
import { driverTypes, isoTimestamp, isoTimestampTypes } from '../../../engine/db/type-parsers.ts';

const viaDate = (text: string): unknown => {
  const value = pg.types.getTypeParser(1184, 'text')(text) as unknown;
  return value instanceof Date ? value.toISOString() : value;
};

describe('timestamps as ISO text', () => {
  it('gives the Date path\'s text for every fraction of a second PostgreSQL may print', () => {
    const differing: string[] = [];
    let compared = 0;
    const compare = (text: string) => {
      compared++;
      if (isoTimestamp(text) !== viaDate(text)) differing.push(text);
    };
    for (let f = 0; f < 1_000_000; f += 3) {
      const digits = String(f).padStart(6, '0').replace(/0+$/, '');
      compare(`2026-12-06 05:43:01${digits ? `.${digits}` : ''}+00`);
    }
    for (let f = 0; f < 1000; f++) {
      compare(`1999-12-31 23:59:59.${String(f).padStart(3, '0')}+00`);
      compare(`2024-02-29 00:00:00.${f}+00`);
    }
    expect(differing).toEqual([]);
    expect(compared).toBe(333_334 + 2000);
  });

  it('falls back to the Date for other offsets, years and infinity', () => {
    for (const text of ['2026-12-06 05:43:01.5+02', '2026-12-06 05:43:01.123456-05:30', '0099-01-01 00:00:00+00', '0001-01-01 00:00:00+00 BC', '1000-01-01 00:00:00+00', '9999-12-31 23:59:59.999999+00', 'infinity', '-infinity']) {
      expect(isoTimestamp(text)).toBe(viaDate(text));
    }
    expect(isoTimestamp('2026-12-06 05:43:01.123456+00')).toBe('2026-12-06T05:43:01.123Z');
  });

  it('changes only timestamptz: the connection\'s other parsers stay', () => {
    for (const oid of [16, 20, 23, 25, 114, 1082, 1114, 1700, 2950, 3802]) expect(isoTimestampTypes.getTypeParser(oid, 'text')).toBe(driverTypes.getTypeParser(oid, 'text'));
    expect(isoTimestampTypes.getTypeParser(1184, 'text')).toBe(isoTimestamp);
    expect(driverTypes.getTypeParser(1082, 'text')('2026-12-06')).toBe('2026-12-06');
    expect(driverTypes.getTypeParser(1700, 'text')('12.50')).toBe(12.5);
  });
});
