// Price lookup of line items (an entity type's `pricing`): which unit price and discount a line
// naming a product gets from the price lists and discount rules. Pure: engine/records/pricing.ts
// loads the facts in the write transaction (and for the form's live quote) and calls these.
import type { Pricing } from './schema/types.generated.ts';

export type { Pricing };

/** Entity types and fields the price lookup reads (docs/metadata.md, "Price lookup"). */
export const PRICE_SOURCES = {
  priceList: 'price_list',
  priceListItem: 'price_list_item',
  discountRule: 'discount_rule',
  contractor: { priceList: 'price_list', groups: 'groups' },
  product: { group: 'product_group', salePrice: 'sale_price' },
} as const;

/** A price list in force, with the prices of the products asked about. */
export interface PriceListFacts {
  readonly id: string;
  readonly currency: string;
  readonly validFrom: string | null;
  readonly validTo: string | null;
  readonly priority: number;
  /** Product id → net unit price. */
  readonly prices: ReadonlyMap<string, number>;
}

export interface DiscountRuleFacts {
  readonly id: string;
  readonly contractor: string | null;
  readonly contractorGroup: string | null;
  readonly product: string | null;
  readonly productGroup: string | null;
  readonly minQuantity: number;
  readonly percent: number;
  readonly validFrom: string | null;
  readonly validTo: string | null;
  readonly priority: number;
}

export interface ProductFacts {
  readonly group: string | null;
  readonly salePrice: { readonly amount: number; readonly currency: string } | null;
}

export interface PricingFacts {
  readonly contractor: string | null;
  readonly contractorGroups: readonly string[];
  /** The contractor's own price list: it wins over the others when it prices the product. */
  readonly contractorList: string | null;
  readonly currency: string | null;
  /** The day (YYYY-MM-DD) the lists and rules must be valid on. */
  readonly date: string;
  readonly products: ReadonlyMap<string, ProductFacts>;
  readonly lists: readonly PriceListFacts[];
  readonly rules: readonly DiscountRuleFacts[];
}

const validOn = (date: string, from: string | null, to: string | null) => (from === null || from <= date) && (to === null || date <= to);
const sameCurrency = (a: string | null, b: string | null) => a !== null && b !== null && a.toLowerCase() === b.toLowerCase();

/**
 * The unit price of a product: the contractor's own price list, else the valid list of the
 * currency with the highest priority that prices it, else the product's sale price in that currency.
 */
export function listPrice(facts: PricingFacts, product: string): number | null {
  const candidates = facts.lists
    .filter((l) => sameCurrency(l.currency, facts.currency) && validOn(facts.date, l.validFrom, l.validTo) && l.prices.has(product))
    .sort((a, b) => Number(b.id === facts.contractorList) - Number(a.id === facts.contractorList) || b.priority - a.priority || a.id.localeCompare(b.id));
  const list = candidates[0];
  if (list) return list.prices.get(product)!;
  const sale = facts.products.get(product)?.salePrice;
  return sale && sameCurrency(sale.currency, facts.currency) ? sale.amount : null;
}

/**
 * The discount (percent) of a product bought in a quantity: of the valid rules whose conditions all
 * hold (an empty condition holds for all), the one with the highest priority, then the largest.
 */
export function discountPercent(facts: PricingFacts, product: string, quantity: number): number | null {
  const group = facts.products.get(product)?.group ?? null;
  const applies = (r: DiscountRuleFacts) =>
    validOn(facts.date, r.validFrom, r.validTo) &&
    quantity >= r.minQuantity &&
    (r.contractor === null || r.contractor === facts.contractor) &&
    (r.contractorGroup === null || facts.contractorGroups.includes(r.contractorGroup)) &&
    (r.product === null || r.product === product) &&
    (r.productGroup === null || r.productGroup === group);
  const best = facts.rules.filter(applies).sort((a, b) => b.priority - a.priority || b.percent - a.percent || a.id.localeCompare(b.id))[0];
  return best ? best.percent : null;
}

const empty = (v: unknown) => v === null || v === undefined || v === '';

/** The products of lines that need a price or a discount. */
export function linesToPrice(pricing: Pricing, lines: readonly Readonly<Record<string, unknown>>[]): string[] {
  return [...new Set(lines.filter((l) => l !== null && typeof l === 'object' && typeof l[pricing.product] === 'string' && (empty(l[pricing.price]) || empty(l[pricing.discount]))).map((l) => l[pricing.product] as string))];
}

/** A line with its empty price and discount filled from the facts; what the user entered stays. */
export function priceLine<L extends Readonly<Record<string, unknown>>>(pricing: Pricing, line: L, facts: PricingFacts): L {
  const product = line !== null && typeof line === 'object' ? line[pricing.product] : undefined;
  if (typeof product !== 'string') return line;
  const filled: Record<string, unknown> = { ...line };
  if (empty(line[pricing.price])) {
    const price = listPrice(facts, product);
    if (price !== null) filled[pricing.price] = price;
  }
  if (empty(line[pricing.discount])) {
    const quantity = Number(line[pricing.quantity] ?? 0);
    const discount = discountPercent(facts, product, Number.isFinite(quantity) ? quantity : 0);
    if (discount !== null) filled[pricing.discount] = discount;
  }
  return filled as L;
}
