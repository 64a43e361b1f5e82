import { nextNumbers, numberingMoment, seriesFor } from '../../../metadata/index.ts';
import { defaultsFor } from '../../../engine/records/values.ts';
import { buildModel, groupItems, isoLocalDate } from '../../../metadata/index.ts';

const offer = { field: 'number', pattern: 'OF/{YYYY}/{MM}/{seq:4}', reset: 'yearly' as const };

test('the series follows the business time zone: 23:30 UTC on 31 December is already next year in Warsaw', () => {
  const at = new Date('2026-12-31T23:30:00Z');
  expect(seriesFor('offer', offer, at, 'UTC').render(7)).toBe('OF/2026/12/0007');
  const warsaw = seriesFor('offer', offer, at, 'Europe/Warsaw');
  expect(warsaw.render(7)).toBe('OF/2027/01/0007');
  expect(warsaw.key).toBe('offer.number@2027');
  expect(seriesFor('offer', { ...offer, reset: 'monthly' }, at, 'Europe/Warsaw').key).toBe('offer.number@2027-01');
  expect(seriesFor('offer', { ...offer, reset: 'never' }, at, 'Europe/Warsaw').key).toBe('offer.number');
});

test('"$today" is the calendar day in the business time zone', () => {
  const pkg = groupItems({
    'tessera.json': { kind: 'manifest', name: 't', version: '1', timeZone: 'Europe/Bucharest' },
    'entities/visit.json': { kind: 'entity', id: 'v', name: 'visit', label: { en: 'Visit' }, fields: [{ id: 'v.day', name: 'day', type: 'date', default: '$today', label: { en: 'Day' } }] },
  });
  const entity = buildModel(pkg).entities.get('visit')!;
  const at = new Date('2026-06-30T22:10:00Z'); // 01:10 on 1 July in Bucharest
  expect(defaultsFor(entity, undefined, { now: at, timeZone: 'Europe/Bucharest' }).day).toBe('2026-07-01');
  expect(defaultsFor(entity, undefined, { now: at, timeZone: 'UTC' }).day).toBe('2026-06-30');
  expect(isoLocalDate(at, 'Europe/Bucharest')).toBe('2026-07-01');
});


test('the next numbers the designer previews are the renders of the counter values the engine takes next', () => {
  const at = new Date('2026-03-31T22:30:00Z'); // already April in Warsaw
  const spec = { field: 'number', pattern: 'FV/{YYYY}/{MM}/{seq}', reset: 'monthly' as const, name: 'invoice' };
  const { key, render } = seriesFor('invoice', spec, at, 'Europe/Warsaw');
  const preview = nextNumbers('invoice', spec, 41, 3, at, 'Europe/Warsaw');
  expect(preview).toEqual({ key, numbers: [render(42), render(43), render(44)] });
  expect(preview.numbers).toEqual(['FV/2026/04/42', 'FV/2026/04/43', 'FV/2026/04/44']);
  expect(preview.key).toBe('invoice.number.invoice@2026-04');
  // A fresh counter (a new series or period) starts at 1.
  expect(nextNumbers('offer', offer, null, 2, at, 'UTC').numbers).toEqual(['OF/2026/03/0001', 'OF/2026/03/0002']);
});

test('a dated document is numbered in its date’s period, whatever the moment of typing', () => {
  const typedIn = new Date('2026-04-02T09:00:00Z');
  expect(numberingMoment('issue_date', { issue_date: '2026-03-31' }, typedIn, 'Europe/Warsaw')).toEqual({ at: new Date('2026-03-31T12:00:00Z'), timeZone: 'UTC' });
  expect(numberingMoment('issue_date', {}, typedIn, 'Europe/Warsaw')).toEqual({ at: typedIn, timeZone: 'Europe/Warsaw' });
  expect(numberingMoment(undefined, { issue_date: '2026-03-31' }, typedIn, 'Europe/Warsaw').at).toBe(typedIn);
});
