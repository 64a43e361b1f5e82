// Price lookup in the write path (metadata/pricing.ts): a line naming a product with an empty price
// or discount gets them from the price lists and discount rules, read in the write transaction, so a
// stored price is the price list's at the moment of the write. The form asks for the same through
// POST /api/records/:type/prices (engine/http/pricing-router.ts), which runs this same function.
// The lists and rules are read whatever the writer's read rights on them: a salesperson prices a
// line from the lists without being allowed to browse or edit them.
import type { Knex } from 'knex';
import {
  isoLocalDate,
  joinTableName,
  linesToPrice,
  priceLine,
  PRICE_SOURCES,
  type DiscountRuleFacts,
  type EntityModel,
  type Field,
  type Model,
  type PriceListFacts,
  type Pricing,
  type PricingFacts,
  type ProductFacts,
} from '../../metadata/index.ts';
import { TesseraError, type Problem } from '../errors.ts';
import type { Actor } from './service.ts';
import { rowToRecord, type ApiRecord, type Row } from './values.ts';

type LinesField = Extract<Field, { type: 'lines' }>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// The form's quote sends what the user has typed so far: an id that is no uuid names no record.
const uuid = (v: unknown): string | null => (typeof v === 'string' && UUID.test(v) ? v : null);
const idOf = (v: unknown): string | null => uuid(v && typeof v === 'object' ? (v as { id?: unknown }).id : v);
const num = (v: unknown): number | null => (v === null || v === undefined || v === '' ? null : Number(v));
const day = (v: unknown): string | null => (v instanceof Date ? v.toISOString().slice(0, 10) : typeof v === 'string' && v !== '' ? v.slice(0, 10) : null);

/** Lines fields of `entity` whose line type declares a price lookup. */
export function pricedLines(model: Model, entity: EntityModel): { field: LinesField; pricing: Pricing }[] {
  return entity.fields.flatMap((f) => {
    if (f.type !== 'lines') return [];
    const pricing = model.entities.get(f.target)?.pricing;
    return pricing ? [{ field: f, pricing }] : [];
  });
}

/** Reads what prices `products` for the record `record` (its contractor, currency and date). */
export async function pricingFacts(db: Knex | Knex.Transaction, model: Model, pricing: Pricing, record: Readonly<ApiRecord>, products: readonly string[], now = new Date()): Promise<PricingFacts> {
  const timeZone = model.pkg.manifest.timeZone ?? 'UTC';
  const date = day(pricing.date ? record[pricing.date] : null) ?? isoLocalDate(now, timeZone);
  const contractor = idOf(record[pricing.contractor]);
  const contractorType = model.entities.get('contractor');
  const productType = model.entities.get('product');
  let contractorList: string | null = null;
  let contractorGroups: string[] = [];
  if (contractor && contractorType) {
    if (contractorType.fieldsByName.has(PRICE_SOURCES.contractor.priceList)) {
      const row = (await db(contractorType.table).where({ id: contractor }).first(PRICE_SOURCES.contractor.priceList)) as Row | undefined;
      contractorList = idOf(row?.[PRICE_SOURCES.contractor.priceList]);
    }
    if (contractorType.fieldsByName.get(PRICE_SOURCES.contractor.groups)?.type === 'manyToMany') {
      contractorGroups = ((await db(joinTableName(contractorType.table, PRICE_SOURCES.contractor.groups)).where({ source: contractor }).select('target')) as { target: string }[]).map((r) => r.target);
    }
  }
  const productFacts = new Map<string, ProductFacts>();
  if (productType && products.length > 0) {
    for (const row of (await db(productType.table).whereIn('id', [...products])) as Row[]) {
      const record = rowToRecord(productType, row);
      const sale = record[PRICE_SOURCES.product.salePrice] as { amount: number; currency: string } | null | undefined;
      const group = record[PRICE_SOURCES.product.group];
      productFacts.set(row.id as string, { group: typeof group === 'string' ? group : null, salePrice: sale ? { amount: Number(sale.amount), currency: sale.currency } : null });
    }
  }
  return { contractor, contractorGroups, contractorList, currency: typeof record[pricing.currency] === 'string' ? (record[pricing.currency] as string) : null, date, products: productFacts, lists: await priceLists(db, model, products), rules: await discountRules(db, model, products) };
}

async function priceLists(db: Knex | Knex.Transaction, model: Model, products: readonly string[]): Promise<PriceListFacts[]> {
  const listType = model.entities.get(PRICE_SOURCES.priceList);
  const itemType = model.entities.get(PRICE_SOURCES.priceListItem);
  if (!listType || !itemType || products.length === 0) return [];
  const items = (await db(itemType.table).whereIn('product', [...products]).whereNull('deleted_at').select('price_list', 'product', 'price')) as Row[];
  const byList = new Map<string, Map<string, number>>();
  for (const item of items) {
    const prices = byList.get(item.price_list as string) ?? new Map<string, number>();
    prices.set(item.product as string, Number(item.price));
    byList.set(item.price_list as string, prices);
  }
  if (byList.size === 0) return [];
  const query = db(listType.table).whereIn('id', [...byList.keys()]).whereNull('deleted_at');
  if (listType.fieldsByName.has('active')) query.whereNot('active', false);
  const lists = (await query) as Row[];
  return lists.map((l) => ({ id: l.id as string, currency: String(l.currency), validFrom: day(l.valid_from), validTo: day(l.valid_to), priority: num(l.priority) ?? 0, prices: byList.get(l.id as string)! }));
}

async function discountRules(db: Knex | Knex.Transaction, model: Model, products: readonly string[]): Promise<DiscountRuleFacts[]> {
  const ruleType = model.entities.get(PRICE_SOURCES.discountRule);
  if (!ruleType || products.length === 0) return [];
  const query = db(ruleType.table)
    .whereNull('deleted_at')
    .where((q) => q.whereNull('product').orWhereIn('product', [...products]));
  if (ruleType.fieldsByName.has('active')) query.whereNot('active', false);
  const rows = (await query) as Row[];
  return rows.map((r) => ({
    id: r.id as string,
    contractor: idOf(r.contractor),
    contractorGroup: idOf(r.contractor_group),
    product: idOf(r.product),
    productGroup: typeof r.product_group === 'string' && r.product_group !== '' ? r.product_group : null,
    minQuantity: num(r.min_quantity) ?? 0,
    percent: num(r.percent) ?? 0,
    validFrom: day(r.valid_from),
    validTo: day(r.valid_to),
    priority: num(r.priority) ?? 0,
  }));
}

export interface PriceOptions {
  readonly now?: Date;
  /** Only these fields (those an update writes). */
  readonly only?: ReadonlySet<string>;
  /**
   * Lines copied from another record (a conversion): a line that came with its price keeps its
   * discount as it came (none stays none: an offer's terms are not changed by its invoice); a line
   * that came without a price (a recurring invoice's template line) is priced as a new line.
   */
  readonly copied?: boolean;
}

/**
 * The record with the empty prices and discounts of its lines filled from the price lists and
 * discount rules (lines fields present in `record`, and in `only` when given: the fields an update
 * writes; a record without priced lines is returned as is).
 */
export async function withPrices(db: Knex | Knex.Transaction, model: Model, entity: EntityModel, record: ApiRecord, options: PriceOptions = {}): Promise<ApiRecord> {
  const { now = new Date(), only, copied = false } = options;
  let result = record;
  for (const { field, pricing } of pricedLines(model, entity)) {
    const lines = record[field.name];
    if (only && !only.has(field.name)) continue;
    if (!Array.isArray(lines)) continue;
    const products = linesToPrice(pricing, lines as ApiRecord[]).filter((p) => uuid(p) !== null);
    if (products.length === 0) continue;
    const facts = await pricingFacts(db, model, pricing, record, products, now);
    const keep = (line: ApiRecord) => !uuid(line?.[pricing.product]) || (copied && line[pricing.price] !== null && line[pricing.price] !== undefined);
    result = { ...result, [field.name]: (lines as ApiRecord[]).map((line) => (keep(line) ? line : priceLine(pricing, line, facts))) };
  }
  return result;
}

/**
 * A line naming a product that neither the user nor the price lists priced refuses the write (with
 * the pointer of its price): a line is never stored without its price.
 */
export function refuseUnpriced(model: Model, entity: EntityModel, record: Readonly<ApiRecord>, only?: ReadonlySet<string>): void {
  const problems: Problem[] = [];
  for (const { field, pricing } of pricedLines(model, entity)) {
    const lines = record[field.name];
    if ((only && !only.has(field.name)) || !Array.isArray(lines)) continue;
    (lines as ApiRecord[]).forEach((line, i) => {
      const price = line?.[pricing.price];
      if (typeof line?.[pricing.product] === 'string' && (price === null || price === undefined || price === '')) {
        problems.push({ pointer: `/${field.name}/${i}/${pricing.price}`, detail: 'has no price in the price lists: enter it', code: 'NO_PRICE' });
      }
    });
  }
  if (problems.length > 0) throw new TesseraError('VALIDATION_FAILED', `invalid ${entity.name}: ${problems.map((p) => `${p.pointer} ${p.detail}`).join('; ')}`, { problems });
}

/** Does the actor write a record made by a declared conversion (its lines copied from the source)? */
export const isConversion = (actor: Actor): boolean => actor.origin !== undefined && 'conversion' in actor.origin;
