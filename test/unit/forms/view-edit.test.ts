// The designer's view editor operations: columns are added once, removed (with their width, never the
// last one), moved by drop or keys, sized within 40–800 px; sort, filter, a board's grouping and total
// are set and cleared; every result is a view the validator accepts, and a wrong grouping is refused.
import { addColumn, columnChoices, groupChoices, moveColumn, newView, removeColumn, setFilter, setGroupBy, setSort, setTotal, setWidth, totalChoices } from '../../../forms/index.ts';
import type { View } from '../../../metadata/browser.ts';
import { validatePackage } from '../../../metadata/index.ts';
import { contractor, entityOf, modelOf, packageOf, view } from '../metadata/package-builder.ts';

const files = packageOf(contractor());
const model = modelOf(files);
const entity = entityOf(model, 'contractor');
const base: View = view('mine', 'contractor', { label: { en: 'Mine' }, columns: ['name', 'nip', 'segment'] });
const valid = (v: View) => {
  const result = validatePackage(packageOf(contractor(), v));
  return result.ok ? [] : result.errors.map((e) => `${e.pointer} ${e.message}`);
};

describe('columns', () => {
  test('a column is added once at the end and removed with its width; the last one stays', () => {
    expect(addColumn(base, 'email').columns).toEqual(['name', 'nip', 'segment', 'email']);
    expect(addColumn(base, 'nip')).toBe(base);
    const sized = setWidth(base, 'nip', 120);
    expect(sized.widths).toEqual({ nip: 120 });
    const removed = removeColumn(sized, 'nip');
    expect(removed.columns).toEqual(['name', 'segment']);
    expect(removed.widths).toBeUndefined();
    const one = { ...base, columns: ['name'] };
    expect(removeColumn(one, 'name')).toBe(one);
  });

  test('a column moves to an index (a drop, or a key press one step), clamped to the list', () => {
    expect(moveColumn(base, 'segment', 0).columns).toEqual(['segment', 'name', 'nip']);
    expect(moveColumn(base, 'name', 1).columns).toEqual(['nip', 'name', 'segment']);
    expect(moveColumn(base, 'name', 99).columns).toEqual(['nip', 'segment', 'name']);
    expect(moveColumn(base, 'name', -1).columns).toEqual(['name', 'nip', 'segment']);
    expect(moveColumn(base, 'email', 0)).toBe(base);
    expect(base.columns).toEqual(['name', 'nip', 'segment']);
  });

  test('a width is clamped to 40–800 px, cleared by null, and only for a column of the view', () => {
    expect(setWidth(base, 'name', 10).widths).toEqual({ name: 40 });
    expect(setWidth(base, 'name', 5000).widths).toEqual({ name: 800 });
    expect(setWidth(setWidth(base, 'name', 200), 'name', null).widths).toBeUndefined();
    expect(setWidth(base, 'email', 200).widths).toBeUndefined();
    expect(valid(setWidth(base, 'name', 240))).toEqual([]);
    expect(valid({ ...base, widths: { email: 100 } })).toEqual(['/widths/email "email" is not a column of the view']);
  });

  test('the choices are the fields a list can show and the system columns', () => {
    expect(columnChoices(entity)).toEqual(['name', 'nip', 'segment', 'email', 'created_at', 'updated_at', 'created_by', 'updated_by', 'owner']);
  });
});

describe('sort and filter', () => {
  test('one sort key, or the type default', () => {
    expect(setSort(base, 'name', 'desc').sort).toEqual([{ field: 'name', direction: 'desc' }]);
    expect('sort' in setSort(setSort(base, 'name'), null)).toBe(false);
  });

  test('a filter is set and cleared', () => {
    const filtered = setFilter(base, { segment: { eq: 'large' } });
    expect(filtered.filter).toEqual({ segment: { eq: 'large' } });
    expect(valid(filtered)).toEqual([]);
    expect('filter' in setFilter(filtered, undefined)).toBe(false);
  });
});

describe('boards', () => {
  test('grouped by an enum or a state field, totalled over a number or money field', () => {
    expect(groupChoices(entity)).toEqual(['segment']);
    expect(totalChoices(entity)).toEqual([]);
    const board = setGroupBy({ ...base, type: 'board' }, 'segment');
    expect(board.groupBy).toBe('segment');
    // An entity type without a pipeline or status machine has a board when it is grouped by an enum.
    expect(valid(board)).toEqual([]);
    expect(valid({ ...base, type: 'board' })).toEqual(['/type a board needs a pipeline or status machine on contractor']);
    expect('groupBy' in setGroupBy(board, null)).toBe(false);
  });

  test('a grouping by another kind of field, or a total of a text field, is refused', () => {
    expect(valid(setGroupBy({ ...base, type: 'board' }, 'name'))).toEqual(['/groupBy "name" is not a state or enum field']);
    expect(valid(setTotal(setGroupBy({ ...base, type: 'board' }, 'segment'), 'name'))).toEqual(['/total "name" is not a money or number field']);
    expect('total' in setTotal(setTotal(base, 'x'), null)).toBe(false);
  });

  test('a new board is grouped by the first state or enum field and shows the display field', () => {
    const created = newView(entity, 'by_segment', 'board', 'By segment');
    expect(created).toMatchObject({ kind: 'view', id: 'custom.view.contractor.by_segment', entity: 'contractor', type: 'board', columns: ['name'], groupBy: 'segment' });
    expect(valid(created)).toEqual([]);
  });
});
