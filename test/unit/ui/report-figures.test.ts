// What a report shows, from the aggregate API's answer: keys as text, a pivot's rows and columns,
// chart series kept apart per currency, the CSV, the query under a dashboard's filters, and the
// list address a figure drills down to. Pure functions of the web app.
import type { Report } from '../../../metadata/index.ts';
import type { AggregateResult } from '../../../metadata/index.ts';
import { chartSeries, drillPath, periodRange, pivot, reportCsv, reportQuery, type Texts } from '../../../ui/src/pages/reports/figures.ts';
import { parseFilterParam } from '../../../ui/src/list/query.ts';
import { entity, field, modelOf, packageOf } from '../metadata/package-builder.ts';

const texts: Texts = { label: (l) => l.en, locale: 'en-GB', empty: '(empty)', hidden: '(hidden)', yes: 'Yes', no: 'No', days: 'days', weekOf: 'week of' };

const result: AggregateResult = {
  entity: 'deal',
  groups: [
    { name: 'owner', field: 'owner', kind: 'user' },
    { name: 'signed:month', field: 'signed', bucket: 'month', kind: 'date' },
  ],
  measures: [{ name: 'sum:value', fn: 'sum', field: 'value', money: true }],
  rows: [
    { keys: [{ value: 'u1', label: 'Anna' }, { value: '2026-03-01' }], currency: { value: 'PLN' }, values: [100], filter: { a: 1 } },
    { keys: [{ value: 'u1', label: 'Anna' }, { value: '2026-03-01' }], currency: { value: 'EUR' }, values: [5], filter: { a: 2 } },
    { keys: [{ value: 'u2', label: null }, { value: '2026-01-01' }], currency: { value: 'PLN' }, values: [7], filter: { a: 3 } },
  ],
  truncated: false,
};

test('a pivot: the first group as rows, the others and the currency as columns (dates in order)', () => {
  const p = pivot(result, texts);
  expect(p.rows.map((r) => r.text)).toEqual(['Anna', '(hidden)']);
  expect(p.columns.map((c) => c.text)).toEqual(['January 2026 · PLN', 'March 2026 · EUR', 'March 2026 · PLN']);
  expect(p.cell(p.rows[0]!.key, p.columns[1]!.key)?.values).toEqual([5]);
  expect(p.cell(p.rows[1]!.key, p.columns[1]!.key)).toBeUndefined();
});

test('chart series never mix currencies; the CSV has the raw numbers', () => {
  expect(chartSeries(result, texts).map((s) => [s.name, s.slices.map((x) => [x.text, x.value])])).toEqual([
    ['March 2026 · PLN', [['Anna', 100]]],
    ['March 2026 · EUR', [['Anna', 5]]],
    ['January 2026 · PLN', [['(hidden)', 7]]],
  ]);
  expect(reportCsv(result, { groups: ['Owner', 'Month'], measures: ['Sum'], currency: 'Currency' }, texts)).toBe('\uFEFFOwner,Month,Currency,Sum\r\nAnna,March 2026,PLN,100\r\nAnna,March 2026,EUR,5\r\n(hidden),January 2026,PLN,7\r\n');
});

test('a dashboard filter narrows the fields the report declares; a drill-down address carries the filter back', () => {
  const model = modelOf(packageOf(entity('deal', [field('date', 'signed'), field('reference', 'rep', { target: 'deal' }), field('datetime', 'closed_at')])));
  const deal = model.entities.get('deal')!;
  const report = { kind: 'report', id: 'r', name: 'r', label: { en: 'r' }, entity: 'deal', type: 'table', measures: ['count'], filter: { signed: { isNull: false } }, parameters: { period: 'signed', owner: 'rep' } } as Report;
  const today = new Date(2026, 4, 15);
  expect(periodRange('lastMonth', today)).toEqual(['2026-04-01', '2026-04-30']);
  expect(periodRange('thisQuarter', today)).toEqual(['2026-04-01', '2026-06-30']);
  expect(reportQuery(report, deal, { period: 'thisMonth', owner: 'x', campaign: 'ignored' }, today)).toEqual({
    groupBy: [],
    measures: ['count'],
    filter: { and: [{ signed: { isNull: false } }, { signed: { gte: '2026-05-01', lte: '2026-05-31' } }, { rep: { eq: 'x' } }] },
  });
  const path = drillPath('deal', { stage: { eq: 'new' } });
  expect(parseFilterParam(new URL(path, 'http://x').searchParams.get('filter'))).toEqual({ stage: { eq: 'new' } });
  expect(parseFilterParam('{oops')).toBeUndefined();
});

test('the currency choice converts money measures (convertTo), and only where the report measures money', () => {
  const deal = modelOf(packageOf(entity('deal', [field('money', 'value'), field('integer', 'seats')]))).entities.get('deal')!;
  const money: Report = { kind: 'report', id: 'r.m', name: 'm', label: { en: 'M' }, entity: 'deal', type: 'table', groupBy: [], measures: ['count', { fn: 'sum', field: 'value' }] };
  const seats: Report = { ...money, id: 'r.s', name: 's', measures: ['sum:seats'] };
  const today = new Date(2026, 4, 15);
  expect(reportQuery(money, deal, { currency: 'RON' }, today)).toEqual({ groupBy: [], measures: ['count', { fn: 'sum', field: 'value' }], convertTo: 'RON' });
  expect(reportQuery(money, deal, {}, today)).toEqual({ groupBy: [], measures: ['count', { fn: 'sum', field: 'value' }] });
  expect(reportQuery(seats, deal, { currency: 'RON' }, today)).toEqual({ groupBy: [], measures: ['sum:seats'] });
});
