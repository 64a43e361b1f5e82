// The list's state as text (address bar) and as API filters, which board columns a board view
// shows, and which collation text sorts in: pure functions of the web app and the list queries.
import { collateText, parseSort, sortCollation } from '../../../engine/records/list.ts';
import { boardMachine, boardsOf, statesShown } from '../../../ui/src/list/board.ts';
import { combinedFilter, filterOf, parseColumns, parseRows, rowsOf, rowsText } from '../../../ui/src/list/query.ts';
import { entity, entityOf, field, modelOf, packageOf, state, statusMachine, values, view } from '../metadata/package-builder.ts';

const model = modelOf(
  packageOf(
    entity('work_order', [
      field('string', 'name', { required: true }),
      field('integer', 'amount'),
      field('boolean', 'urgent'),
      field('enum', 'kind', { values: values('repair', 'service') }),
      field('reference', 'owner_rep', { target: 'work_order' }),
      field('state', 'status'),
    ]),
    statusMachine('order_status', { entity: 'work_order', field: 'status' }, [state('new'), state('done'), state('cancelled')], [{ from: ['new'], to: 'done' }, { from: ['new'], to: 'cancelled' }]),
  ),
);
const order = entityOf(model, 'work_order');

test('filter rows ↔ address text ↔ API filter, and back from a saved filter', () => {
  const rows = [
    { field: 'name', op: 'contains', value: 'Łódź' },
    { field: 'amount', op: 'gte', value: '10' },
    { field: 'urgent', op: 'eq', value: 'true' },
    { field: 'owner_rep', op: 'isNull', value: '' },
    { field: 'kind', op: 'eq', value: '' }, // no value yet: left out
  ];
  expect(parseRows(rowsText(rows))).toEqual(rows);
  const filter = combinedFilter(filterOf(rows, order));
  expect(filter).toEqual({ and: [{ name: { contains: 'Łódź' } }, { amount: { gte: 10 } }, { urgent: { eq: true } }, { owner_rep: { isNull: true } }] });
  expect(rowsOf(filter, order)).toEqual(rows.slice(0, 4));
  // Metadata views write bare values and several fields in one object.
  expect(rowsOf({ kind: 'repair', amount: { lt: 5 } }, order)).toEqual([
    { field: 'kind', op: 'eq', value: 'repair' },
    { field: 'amount', op: 'lt', value: '5' },
  ]);
  // What the editor cannot show stays a filter of its own.
  expect(rowsOf({ or: [{ kind: 'repair' }, { urgent: true }] }, order)).toBeNull();
  expect(rowsOf({ kind: { in: ['repair'] } }, order)).toBeNull();
  expect(rowsOf({ nope: 1 }, order)).toBeNull();
  // An unusable address gives no rows, never an exception; unknown columns are dropped.
  expect(parseRows('[["name","eq"]]')).toEqual([]);
  expect(parseRows('{')).toEqual([]);
  expect(parseColumns('name,nope,created_at', order)).toEqual(['name', 'created_at']);
  expect(parseColumns('nope', order)).toBeNull();
  expect(filterOf([{ field: 'amount', op: 'contains', value: '1' }], order)).toEqual([]);
});

test('a board view\'s filter on the state field leaves the other columns out', () => {
  const machine = model.machines.find((m) => m.name === 'order_status')!;
  const names = (filter: unknown) => statesShown(machine, filter).map((s) => s.name);
  expect(names(undefined)).toEqual(['new', 'done', 'cancelled']);
  expect(names({ status: { nin: ['cancelled'] } })).toEqual(['new', 'done']);
  expect(names({ and: [{ kind: 'repair' }, { status: { in: ['new', 'done'] } }, { status: { ne: 'done' } }] })).toEqual(['new']);
  expect(names({ status: 'done' })).toEqual(['done']);
});

test('a board view is grouped by its state field, or by an enum\'s values as columns any card may move between', () => {
  expect(boardMachine(order, undefined)?.name).toBe('order_status');
  expect(boardMachine(order, view('by_status', 'work_order', { type: 'board', groupBy: 'status' }))?.name).toBe('order_status');
  const byKind = boardMachine(order, view('by_kind', 'work_order', { type: 'board', groupBy: 'kind', label: { en: 'By kind' } }))!;
  expect(byKind).toMatchObject({ field: 'kind', transitions: null, label: { en: 'By kind' } });
  expect(byKind.states.map((s) => s.name)).toEqual(['repair', 'service']);
  expect(boardMachine(order, view('by_name', 'work_order', { type: 'board', groupBy: 'name' }))).toBeNull();
  // The list links each board view: a machine's board by the machine's name, an enum's by the type's.
  const boards = modelOf(
    packageOf(
      ...[...model.pkg.entities, ...model.pkg.statusMachines],
      view('by_status', 'work_order', { type: 'board', groupBy: 'status' }),
      view('by_kind', 'work_order', { type: 'board', groupBy: 'kind' }),
    ),
  );
  expect(boardsOf(boards, 'work_order').map((b) => b.to)).toEqual(['/board/work_order?view=by_kind', '/board/order_status?view=by_status']);
  expect(boardsOf(model, 'work_order')).toEqual([]);
});

test('text sorts in the language\'s ICU collation when the database has it, else ICU root, else as the database does', () => {
  expect(sortCollation('pl', new Set(['pl-x-icu', 'und-x-icu']))).toBe('pl-x-icu');
  expect(sortCollation('ro', new Set(['und-x-icu']))).toBe('und-x-icu');
  expect(sortCollation('pl', new Set())).toBeNull();
  const keys = collateText(parseSort(order, 'name,-amount'), 'pl-x-icu');
  expect(keys.map((k) => [k.field, k.collation ?? null])).toEqual([
    ['name', 'pl-x-icu'],
    ['amount', null],
    ['id', null],
  ]);
});
