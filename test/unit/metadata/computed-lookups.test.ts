// Computed fields reading other records (Field.lookups): the browser and every caller without the
// lookups' values keep the stored value (only the server, which reads them, computes the field), a
// computed field a lookup compares with is computed first, and validation refuses lookups where
// they cannot apply (a field that is not computed).
import { computedOrder, computeRecord, validatePackage } from '../../../metadata/index.ts';
import { entity, errorsOf, field, modelOf, packageOf } from './package-builder.ts';

const rule = entity('rule', [field('string', 'month'), field('percent', 'rate')]);
const sale = entity('sale', [
  field('decimal', 'net', { scale: 2 }),
  field('date', 'paid_date'),
  field('decimal', 'commission', { scale: 2, computed: 'if rate = null then null else net * rate / 100' }),
  field('percent', 'rate', { computed: 'if paid_date = null then null else found', lookups: { found: { from: 'rule', aggregate: 'max', field: 'rate', match: { month: { eq: 'paid_month' } } } } }),
  field('string', 'paid_month', { computed: 'if paid_date = null then null else substring(string(paid_date), 1, 7)' }),
]);

test('a computed field with lookups is valid; the field its lookup compares with is computed before it', () => {
  expect(validatePackage(packageOf(rule, sale)).ok).toBe(true);
  const order = computedOrder(modelOf(packageOf(rule, sale)).entities.get('sale')!.fields).order.map((f) => f.name);
  expect(order.indexOf('paid_month')).toBeLessThan(order.indexOf('rate'));
  expect(order.indexOf('rate')).toBeLessThan(order.indexOf('commission'));
});

test('without its lookups\' values (the browser\'s live form) the field keeps the stored value; with them it is computed', () => {
  const model = modelOf(packageOf(rule, sale));
  const entityModel = model.entities.get('sale')!;
  // The form: net typed, the stored rate kept, the commission following it.
  expect(computeRecord(model, entityModel, { net: 2000, paid_date: '2026-03-05', rate: 5 })).toMatchObject({ rate: 5, commission: 100 });
  expect(computeRecord(model, entityModel, { net: 2000, paid_date: '2026-03-05' }).rate).toBeUndefined();
  // The server, having read the lookup.
  expect(computeRecord(model, entityModel, { net: 2000, paid_date: '2026-03-05', rate: 5 }, { rate: { found: 7 } })).toMatchObject({ rate: 7, commission: 140 });
});

test('lookups on a field that is not computed are refused', () => {
  const bad = entity('sale', [field('decimal', 'net', { lookups: { n: { from: 'rule', aggregate: 'count' } } })]);
  expect(errorsOf(packageOf(rule, bad)).map((e) => [e.code, e.pointer])).toEqual([['META_FIELD_KIND', '/fields/0/lookups']]);
});

describe('lookups on a line type', () => {
  const product = entity('product', [field('string', 'product_group')]);
  const groupRule = entity('group_rule', [field('string', 'product_group'), field('percent', 'rate'), field('date', 'valid_from')]);
  const doc = entity('doc', [field('date', 'paid_date'), field('lines', 'lines', { target: 'doc_line', parentField: 'doc' }), field('decimal', 'commission', { scale: 2, computed: 'sum(concatenate([0], lines[commission != null].commission))' })]);
  const line = (match: Record<string, Record<string, string>>) =>
    entity('doc_line', [
      field('reference', 'doc', { target: 'doc', required: true, onDelete: 'cascade' }),
      field('reference', 'product', { target: 'product' }),
      field('decimal', 'net', { scale: 2 }),
      field('percent', 'rate', { computed: 'found', lookups: { found: { from: 'group_rule', aggregate: 'max', field: 'rate', match } } }),
      field('decimal', 'commission', { scale: 2, computed: 'if rate = null then null else net * rate / 100' }),
    ]);
  const good = line({ product_group: { eq: 'product.product_group' }, valid_from: { lte: 'doc.paid_date' } });

  test('are valid, with match paths through a reference (the product, the record); bad paths are refused with pointers', () => {
    expect(validatePackage(packageOf(product, groupRule, doc, good)).ok).toBe(true);
    const bad = line({ product_group: { eq: 'product.nope' }, valid_from: { lte: 'net.x' } });
    expect(errorsOf(packageOf(product, groupRule, doc, bad)).map((e) => [e.code, e.pointer])).toEqual([
      ['META_UNKNOWN_FIELD', '/fields/3/lookups/found/match/product_group/eq'],
      ['META_FIELD_KIND', '/fields/3/lookups/found/match/valid_from/lte'],
    ]);
  });

  test('a line\'s value computed by the server stays through the live recomputation, and its line and record fields follow it', () => {
    const model = modelOf(packageOf(product, groupRule, doc, good));
    const computed = computeRecord(model, model.entities.get('doc')!, { lines: [{ id: 'l1', net: 1000, rate: 5 }, { id: 'l2', net: 300 }] });
    expect((computed.lines as Record<string, unknown>[]).map((l) => [l.rate, l.commission])).toEqual([[5, 50], [undefined, null]]);
    expect(computed.commission).toBe(50);
  });
});
