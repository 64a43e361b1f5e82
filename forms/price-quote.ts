// The form's live price lookup (metadata/pricing.ts, engine/records/pricing.ts): when the user picks a
// line's product, its price and discount are emptied and asked of the server, which fills them as
// the write would; a changed quantity asks again for the discount (quantity breaks). What the user
// types into the price or discount afterwards stays, as it does on the server. Pure: the app sends
// the request and merges the answer.
import type { Model, Pricing } from '../metadata/browser.ts';

type Values = Record<string, unknown>;
type Line = Record<string, unknown>;

function pricedFields(model: Model, entityName: string): { name: string; pricing: Pricing }[] {
  const entity = model.entities.get(entityName);
  if (!entity) return [];
  return entity.fields.flatMap((f) => {
    if (f.type !== 'lines') return [];
    const pricing = model.entities.get(f.target)?.pricing;
    return pricing ? [{ name: f.name, pricing }] : [];
  });
}

const linesOf = (values: Values, name: string): Line[] => (Array.isArray(values[name]) ? (values[name] as Line[]) : []);

/**
 * `next` with the price and discount of lines whose product changed (the discount alone when the
 * quantity changed) emptied, and whether the server is to be asked. Lines are compared by position;
 * a line added, removed or moved changes the count or its neighbours, not its own product.
 */
export function clearForQuote(model: Model, entityName: string, before: Values, next: Values): { values: Values; ask: boolean } {
  let values = next;
  let ask = false;
  for (const { name, pricing } of pricedFields(model, entityName)) {
    const old = linesOf(before, name);
    const now = linesOf(next, name);
    if (old.length !== now.length) continue;
    const lines = now.map((line, i) => {
      const was = old[i]!;
      if (typeof line[pricing.product] !== 'string') return line;
      if (line[pricing.product] !== was[pricing.product]) {
        ask = true;
        return { ...line, [pricing.price]: undefined, [pricing.discount]: undefined };
      }
      if (line[pricing.quantity] !== was[pricing.quantity]) {
        ask = true;
        return { ...line, [pricing.discount]: undefined };
      }
      return line;
    });
    values = { ...values, [name]: lines };
  }
  return { values, ask };
}

/** The server's quote merged into the form's current values: only into lines still as they were asked about, only where still empty. */
export function mergeQuote(model: Model, entityName: string, current: Values, asked: Values, quote: Values): Values {
  let values = current;
  for (const { name, pricing } of pricedFields(model, entityName)) {
    const quoted = linesOf(quote, name);
    const askedLines = linesOf(asked, name);
    const lines = linesOf(current, name).map((line, i) => {
      const q = quoted[i];
      const a = askedLines[i];
      if (!q || !a || line[pricing.product] !== a[pricing.product] || line[pricing.quantity] !== a[pricing.quantity]) return line;
      const merged: Line = { ...line };
      for (const key of [pricing.price, pricing.discount]) if ((line[key] === undefined || line[key] === null) && q[key] !== undefined && q[key] !== null) merged[key] = q[key];
      return merged;
    });
    values = { ...values, [name]: lines };
  }
  return values;
}
