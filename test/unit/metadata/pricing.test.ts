// The price lookup in metadata: what validation refuses in a line type's `pricing` (with the file
// and pointer), and the choice of price and discount the server's write path makes from the facts
// it reads (metadata/pricing.ts); and the form's side of the live quote (forms/price-quote.ts).
import { clearForQuote, mergeQuote } from '../../../forms/index.ts';
import { discountPercent, listPrice, priceLine, type DiscountRuleFacts, type MetadataErrorCode, type PackageFiles, type Pricing, type PricingFacts, validatePackage } from '../../../metadata/index.ts';
import { entity, errorsOf, field, modelOf, packageOf } from './package-builder.ts';

type Where = readonly [MetadataErrorCode, string, string];
const where = (files: PackageFiles): Where[] => errorsOf(files).map((e) => [e.code, e.file, e.pointer] as const);

const PRICING: Pricing = { product: 'product', quantity: 'quantity', price: 'price', discount: 'discount', contractor: 'contractor', currency: 'currency', date: 'offer_date' };
const offer = () =>
  entity('offer', [
    field('reference', 'contractor', { target: 'contractor' }),
    field('enum', 'currency', { values: [{ value: 'pln', label: { en: 'PLN', pl: 'PLN', ro: 'PLN' } }] }),
    field('date', 'offer_date'),
    field('lines', 'lines', { target: 'offer_line', parentField: 'offer' }),
  ]);
const offerLine = (pricing: Pricing = PRICING) => ({
  ...entity('offer_line', [
    field('reference', 'offer', { target: 'offer', required: true, onDelete: 'cascade' }),
    field('reference', 'product', { target: 'product' }),
    field('decimal', 'quantity'),
    field('decimal', 'price', { scale: 2 }),
    field('percent', 'discount'),
  ]),
  pricing,
});
const others = [entity('contractor', [field('string', 'name')]), entity('product', [field('string', 'name')])];

test('a pricing naming fields of its line type and of its record is valid; unknown ones are refused with their pointer', () => {
  expect(validatePackage(packageOf(offer(), offerLine(), ...others)).ok).toBe(true);
  expect(where(packageOf(offer(), offerLine({ ...PRICING, price: 'net_price', date: 'issue_date' }), ...others))).toEqual([
    ['META_UNKNOWN_FIELD', 'entities/offer_line.json', '/pricing/price'],
    ['META_UNKNOWN_FIELD', 'entities/offer_line.json', '/pricing/date'],
  ]);
  const orphan = { ...entity('note_line', [field('decimal', 'quantity'), field('decimal', 'price'), field('percent', 'discount'), field('reference', 'product', { target: 'product' })]), pricing: PRICING };
  expect(where(packageOf(orphan, ...others))).toEqual([['META_FIELD_KIND', 'entities/note_line.json', '/pricing']]);
});

const rule = (over: Partial<DiscountRuleFacts>): DiscountRuleFacts => ({ id: over.id ?? 'r', contractor: null, contractorGroup: null, product: null, productGroup: null, minQuantity: 0, percent: 1, validFrom: null, validTo: null, priority: 0, ...over });
const facts = (over: Partial<PricingFacts> = {}): PricingFacts => ({
  contractor: 'c1',
  contractorGroups: ['g1'],
  contractorList: null,
  currency: 'pln',
  date: '2026-06-15',
  products: new Map([['p1', { group: 'paper', salePrice: { amount: 20, currency: 'PLN' } }], ['p2', { group: null, salePrice: null }]]),
  lists: [
    { id: 'retail', currency: 'pln', validFrom: null, validTo: null, priority: 1, prices: new Map([['p1', 19]]) },
    { id: 'summer', currency: 'pln', validFrom: '2026-07-01', validTo: '2026-08-31', priority: 9, prices: new Map([['p1', 15]]) },
    { id: 'own', currency: 'pln', validFrom: null, validTo: null, priority: 0, prices: new Map([['p1', 17]]) },
    { id: 'eur', currency: 'eur', validFrom: null, validTo: null, priority: 5, prices: new Map([['p1', 4]]) },
  ],
  rules: [],
  ...over,
});

test('the price: own list, then priority among the valid lists of the currency, then the sale price in that currency', () => {
  expect(listPrice(facts(), 'p1')).toBe(19);
  expect(listPrice(facts({ date: '2026-07-01' }), 'p1')).toBe(15);
  expect(listPrice(facts({ date: '2026-07-01', contractorList: 'own' }), 'p1')).toBe(17);
  expect(listPrice(facts({ currency: 'eur' }), 'p1')).toBe(4);
  expect(listPrice(facts({ lists: [] }), 'p1')).toBe(20);
  expect(listPrice(facts({ lists: [], currency: 'eur' }), 'p1')).toBeNull();
  expect(listPrice(facts(), 'p2')).toBeNull();
});

test('the discount: every condition of a rule holds, then the highest priority, then the largest percent', () => {
  const rules = [
    rule({ id: 'group', contractorGroup: 'g1', percent: 5 }),
    rule({ id: 'other-group', contractorGroup: 'g2', percent: 30, priority: 9 }),
    rule({ id: 'paper-100', productGroup: 'paper', minQuantity: 100, percent: 12, priority: 5 }),
    rule({ id: 'expired', product: 'p1', percent: 40, priority: 50, validTo: '2026-01-31' }),
    rule({ id: 'bigger-same-priority', contractor: 'c1', product: 'p1', percent: 7 }),
  ];
  expect(discountPercent(facts({ rules }), 'p1', 1)).toBe(7);
  expect(discountPercent(facts({ rules }), 'p1', 100)).toBe(12);
  expect(discountPercent(facts({ rules, contractorGroups: [] }), 'p2', 1)).toBeNull();
  expect(priceLine(PRICING, { product: 'p1', quantity: 100, price: 18 }, facts({ rules }))).toEqual({ product: 'p1', quantity: 100, price: 18, discount: 12 });
  expect(priceLine(PRICING, { product: 'p1', quantity: 1, discount: 0 }, facts({ rules }))).toEqual({ product: 'p1', quantity: 1, price: 19, discount: 0 });
  expect(priceLine(PRICING, { description: 'Dojazd', quantity: 1 }, facts({ rules }))).toEqual({ description: 'Dojazd', quantity: 1 });
});

test('the form: a product picked empties price and discount, a quantity changed the discount; the answer fills only lines still as asked', () => {
  const model = modelOf(packageOf(offer(), offerLine(), ...others));
  const before = { lines: [{ product: 'p1', quantity: 1, price: 19, discount: 5 }, { description: 'Dojazd', quantity: 1, price: 50 }] };
  expect(clearForQuote(model, 'offer', before, before)).toEqual({ values: before, ask: false });
  const picked = clearForQuote(model, 'offer', before, { lines: [{ product: 'p2', quantity: 1, price: 19, discount: 5 }, before.lines[1]] });
  expect(picked).toEqual({ ask: true, values: { lines: [{ product: 'p2', quantity: 1, price: undefined, discount: undefined }, before.lines[1]] } });
  const more = clearForQuote(model, 'offer', before, { lines: [{ product: 'p1', quantity: 100, price: 19, discount: 5 }, before.lines[1]] });
  expect(more.values.lines).toEqual([{ product: 'p1', quantity: 100, price: 19, discount: undefined }, before.lines[1]]);
  // A line added (the count changed) asks nothing: its product is picked in a later change.
  expect(clearForQuote(model, 'offer', before, { lines: [...before.lines, { quantity: 1 }] }).ask).toBe(false);

  const answer = { lines: [{ product: 'p2', quantity: 1, price: 33, discount: 3 }, before.lines[1]] };
  expect(mergeQuote(model, 'offer', picked.values, picked.values, answer).lines).toEqual(answer.lines);
  // The user typed a price meanwhile, or picked another product: that stays.
  const typed = { lines: [{ product: 'p2', quantity: 1, price: 30 }, before.lines[1]] };
  expect(mergeQuote(model, 'offer', typed, picked.values, answer).lines).toEqual([{ product: 'p2', quantity: 1, price: 30, discount: 3 }, before.lines[1]]);
  const other = { lines: [{ product: 'p1', quantity: 1 }, before.lines[1]] };
  expect(mergeQuote(model, 'offer', other, picked.values, answer).lines).toEqual(other.lines);
});
