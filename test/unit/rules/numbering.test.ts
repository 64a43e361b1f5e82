import { nextNumbers, seriesFor } from '../../../metadata/index.ts';
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

