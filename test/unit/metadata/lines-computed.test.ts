// Line items and computed fields in metadata: what validation refuses (with the file and pointer of
// each problem), the physical schema a line type gets (position column, its index), the order in
// which computed fields are evaluated, and the values computeRecord gives — the code the server's
// write path and the browser's live form both run.
import { computedOrder, computeRecord, feelNames, physicalSchema, planMigration, roundTo, validatePackage, type Field, type MetadataErrorCode, type PackageFiles } from '../../../metadata/index.ts';
import { entity, errorsOf, field, modelOf, packageOf } from './package-builder.ts';

type Where = readonly [MetadataErrorCode, string, string];
const where = (files: PackageFiles): Where[] => errorsOf(files).map((e) => [e.code, e.file, e.pointer] as const);

const offer = (...extra: Field[]) =>
  entity('offer', [
    field('string', 'title'),
    field('lines', 'lines', { target: 'offer_line', parentField: 'offer' }),
    field('decimal', 'net_total', { scale: 2, computed: 'sum(concatenate([0], lines.net))' }),
    ...extra,
  ]);
const offerLine = (...extra: Field[]) =>
  entity('offer_line', [
    field('reference', 'offer', { target: 'offer', required: true, onDelete: 'cascade' }),
    field('decimal', 'quantity', { required: true }),
    field('decimal', 'price', { scale: 2 }),
    field('decimal', 'net', { scale: 2, computed: 'quantity * price' }),
    ...extra,
  ]);

test('an offer with lines and computed totals is valid', () => {
  expect(validatePackage(packageOf(offer(), offerLine())).ok).toBe(true);
});

describe('lines fields', () => {
  test('an unknown line type', () => {
    const o = entity('offer', [field('lines', 'lines', { target: 'nothing', parentField: 'offer' })]);
    expect(where(packageOf(o))).toEqual([['META_UNKNOWN_ENTITY', 'entities/offer.json', '/fields/0/target']]);
  });

  test('a line type without the named reference back, or with one that is not a required cascade', () => {
    const noParent = entity('offer_line', [field('decimal', 'quantity')]);
    expect(where(packageOf(offer(), noParent))).toEqual([
      ['META_UNKNOWN_FIELD', 'entities/offer.json', '/fields/1/parentField'],
      // net_total reads lines.net, which this line type has not: no error, it computes 0.
    ]);
    const restrict = entity('offer_line', [field('reference', 'offer', { target: 'offer', required: true })]);
    expect(where(packageOf(offer(), restrict))).toEqual([['META_FIELD_KIND', 'entities/offer.json', '/fields/1/parentField']]);
    const elsewhere = entity('offer_line', [field('reference', 'offer', { target: 'contractor', required: true, onDelete: 'cascade' })]);
    const contractor = entity('contractor', [field('string', 'name')]);
    expect(where(packageOf(offer(), elsewhere, contractor))).toEqual([['META_FIELD_KIND', 'entities/offer.json', '/fields/1/parentField']]);
  });

  test('one line type serves one lines field; lines do not nest; the position column name is taken', () => {
    const order = entity('order', [field('lines', 'lines', { target: 'offer_line', parentField: 'offer' })]);
    expect(where(packageOf(offer(), offerLine(), order))).toEqual(expect.arrayContaining([['META_DUPLICATE_NAME', 'entities/order.json', '/fields/0/target']]));
    const nested = offerLine(field('lines', 'parts', { target: 'part', parentField: 'line' }));
    const part = entity('part', [field('reference', 'line', { target: 'offer_line', required: true, onDelete: 'cascade' })]);
    expect(where(packageOf(offer(), nested, part))).toEqual([['META_FIELD_KIND', 'entities/offer.json', '/fields/1/target']]);
    const clash = offerLine(field('integer', 'line_position'));
    expect(where(packageOf(offer(), clash))).toEqual([['META_COLUMN_CLASH', 'entities/offer_line.json', '/fields/4/name']]);
  });

  test('a line type gets a position column and an index on its record and position; no column for the lines field', () => {
    const schema = physicalSchema(modelOf(packageOf(offer(), offerLine())));
    const line = schema.tables.find((t) => t.name === 'offer_line')!;
    expect(line.columns.find((c) => c.name === 'line_position')).toMatchObject({ type: { kind: 'integer' }, notNull: true });
    expect(line.indexes.some((i) => i.columns.join() === 'offer,line_position')).toBe(true);
    expect(line.columns.find((c) => c.name === 'offer')?.references).toMatchObject({ table: 'offer', onDelete: 'cascade' });
    expect(schema.tables.find((t) => t.name === 'offer')!.columns.map((c) => c.name)).not.toContain('lines');
  });
});

describe('computed fields', () => {
  test('bad FEEL is refused at the expression', () => {
    expect(where(packageOf(offer(field('decimal', 'broken', { computed: 'sum(lines.net' })), offerLine()))).toEqual([['META_FEEL_SYNTAX', 'entities/offer.json', '/fields/3/computed']]);
  });

  test('computed fields reading one another in a cycle are refused, naming the cycle', () => {
    const a = field('decimal', 'a', { computed: 'b + 1' });
    const b = field('decimal', 'b', { computed: 'c * 2' });
    const c = field('decimal', 'c', { computed: 'a - net_total' });
    const errors = errorsOf(packageOf(offer(a, b, c), offerLine()));
    expect(errors.map((e) => [e.code, e.file, e.pointer])).toEqual([['META_CYCLE', 'entities/offer.json', '/fields/3/computed']]);
    expect(errors[0]!.message).toContain('a → b → c → a');
  });

  test('a field read inside a filter is the items\', not a dependency of the record', () => {
    expect(feelNames('sum(lines[net > 0].net) + net_total')).toEqual(new Set(['sum', 'lines', 'net_total']));
    const margin = field('decimal', 'margin', { computed: 'sum(concatenate([0], lines[margin != null].margin))' });
    expect(validatePackage(packageOf(offer(margin), offerLine(field('decimal', 'margin', { computed: 'net / 2' })))).ok).toBe(true);
  });

  test('types that cannot be computed, money without a fixed currency, and required/default beside an expression', () => {
    const problems = where(packageOf(offer(
      field('date', 'due', { computed: 'today()' }),
      field('money', 'gross', { computed: 'net_total * 1.23' }),
      field('decimal', 'fixed', { computed: 'net_total', default: 1 }),
    ), offerLine()));
    expect(problems).toEqual([
      ['META_FIELD_KIND', 'entities/offer.json', '/fields/3/computed'],
      ['META_FIELD_KIND', 'entities/offer.json', '/fields/4/currency'],
      ['META_FIELD_KIND', 'entities/offer.json', '/fields/5/computed'],
    ]);
  });

  test('dependencies first: a total reading another total comes after it', () => {
    const fields = [field('decimal', 'gross', { computed: 'net + vat' }), field('decimal', 'vat', { computed: 'net * 0.23' }), field('decimal', 'net', { computed: 'q * p' })];
    expect(computedOrder(fields).order.map((f) => f.name)).toEqual(['net', 'vat', 'gross']);
  });

  test('values: lines first (rounded at their scale), then the record from the rounded lines; nulls where the formula gives nothing', () => {
    const model = modelOf(packageOf(offer(field('integer', 'line_count', { computed: 'count(lines)' }), field('money', 'gross', { currency: 'PLN', computed: 'net_total * 1.23' })), offerLine()));
    const computed = computeRecord(model, model.entities.get('offer')!, { lines: [{ quantity: 3, price: 0.335 }, { quantity: 1, price: 1.005 }, { quantity: 2 }] });
    expect((computed.lines as { net: unknown }[]).map((l) => l.net)).toEqual([1.01, 1.01, null]);
    expect(computed).toMatchObject({ line_count: 3, net_total: null, gross: null });
    const none = computeRecord(model, model.entities.get('offer')!, { lines: [] });
    expect(none).toMatchObject({ line_count: 0, net_total: 0, gross: { amount: 0, currency: 'PLN' } });
    // Remembered line results follow the line's values: the same line with another quantity is computed anew.
    const again = computeRecord(model, model.entities.get('offer')!, { lines: [{ quantity: 3, price: 0.335 }, { quantity: 4, price: 0.335 }] });
    expect((again.lines as { net: unknown }[]).map((l) => l.net)).toEqual([1.01, 1.34]);
    expect(again.net_total).toBe(2.35);
    expect(roundTo(1.005, 2)).toBe(1.01);
    expect(roundTo(-2.5, 0)).toBe(-3);
  });
});

describe('migration plan', () => {
  test('a new or changed computed expression recomputes the record type (a line type\'s recomputes its record); other changes do not', () => {
    const before = physicalSchema(modelOf(packageOf(offer(), offerLine())));
    const same = planMigration(before, physicalSchema(modelOf(packageOf(offer(field('string', 'notes')), offerLine()))));
    expect(same.steps.some((s) => s.step.op === 'recompute')).toBe(false);
    const added = planMigration(before, physicalSchema(modelOf(packageOf(offer(field('integer', 'line_count', { computed: 'count(lines)' })), offerLine()))));
    expect(added.steps.filter((s) => s.step.op === 'recompute').map((s) => s.step)).toEqual([{ op: 'recompute', entity: 'offer' }]);
    const changedLine = planMigration(before, physicalSchema(modelOf(packageOf(offer(), entity('offer_line', [...offerLine().fields.slice(0, 3), field('decimal', 'net', { scale: 2, computed: 'quantity * price * 2' })])))));
    expect(changedLine.steps.filter((s) => s.step.op === 'recompute').map((s) => s.step)).toEqual([{ op: 'recompute', entity: 'offer' }]);
  });
});
