// A small package of rollup fields for the database tests and the bench: campaigns ← deals ← offers
// ← offer lines (→ products), with rollups at every level, chained (a campaign sums its deals'
// rollups, a deal its offers'). `prefix` names a second, independent set of the same types in one
// package; `rollups: false` leaves the rollup fields out (the bench's baseline).
import type { PackageFiles } from '../../metadata/index.ts';

export interface RollupPackageOptions {
  readonly prefix?: string;
  readonly rollups?: boolean;
}

const label = (en: string) => ({ en });

/** The entity files of one set of the types, keyed by path. */
export function rollupEntities(options: RollupPackageOptions = {}): Record<string, unknown> {
  const p = options.prefix ?? '';
  const on = options.rollups ?? true;
  const id = (name: string) => `${p}t.${name}`;
  const rollup = (fields: Record<string, unknown>[]) => (on ? fields : []);
  const entity = (name: string, displayField: string, fields: Record<string, unknown>[]) => ({
    kind: 'entity',
    id: id(name),
    name: `${p}${name}`,
    label: label(name),
    pluralLabel: label(`${name}s`),
    displayField,
    fields: fields.map((f) => ({ ...f, id: id(`${name}.${f.name as string}`), label: label(f.name as string) })),
  });
  return {
    [`entities/${p}campaign.json`]: entity('campaign', 'name', [
      { name: 'name', type: 'string', required: true },
      ...rollup([
        { name: 'deal_count', type: 'integer', rollup: { from: `${p}deal`, via: 'campaign', aggregate: 'count' } },
        { name: 'won_value', type: 'money', currency: 'PLN', rollup: { from: `${p}deal`, via: 'campaign', aggregate: 'sum', field: 'value', filter: { status: 'won' } } },
        { name: 'largest_deal', type: 'money', currency: 'PLN', rollup: { from: `${p}deal`, via: 'campaign', aggregate: 'max', field: 'value' } },
        { name: 'lowest_probability', type: 'integer', rollup: { from: `${p}deal`, via: 'campaign', aggregate: 'min', field: 'probability' } },
        { name: 'offers_made', type: 'integer', rollup: { from: `${p}deal`, via: 'campaign', aggregate: 'sum', field: 'offer_count' } },
        { name: 'lines_offered', type: 'integer', rollup: { from: `${p}deal`, via: 'campaign', aggregate: 'sum', field: 'lines_offered' } },
      ]),
    ]),
    [`entities/${p}deal.json`]: entity('deal', 'name', [
      { name: 'name', type: 'string', required: true },
      { name: 'campaign', type: 'reference', target: `${p}campaign`, onDelete: 'setNull' },
      { name: 'status', type: 'enum', values: [{ value: 'open', label: label('Open') }, { value: 'won', label: label('Won') }, { value: 'lost', label: label('Lost') }], default: 'open' },
      { name: 'value', type: 'money' },
      { name: 'probability', type: 'integer' },
      ...rollup([
        { name: 'offer_count', type: 'integer', rollup: { from: `${p}offer`, via: 'deal', aggregate: 'count' } },
        { name: 'lines_offered', type: 'integer', rollup: { from: `${p}offer`, via: 'deal', aggregate: 'sum', field: 'line_count' } },
      ]),
    ]),
    [`entities/${p}offer.json`]: entity('offer', 'title', [
      { name: 'title', type: 'string', required: true },
      { name: 'deal', type: 'reference', target: `${p}deal`, onDelete: 'setNull' },
      { name: 'lines', type: 'lines', target: `${p}offer_line`, parentField: 'offer' },
      ...rollup([{ name: 'line_count', type: 'integer', rollup: { from: `${p}offer_line`, via: 'offer', aggregate: 'count' } }]),
    ]),
    [`entities/${p}offer_line.json`]: entity('offer_line', 'description', [
      { name: 'offer', type: 'reference', target: `${p}offer`, required: true, onDelete: 'cascade' },
      { name: 'description', type: 'string' },
      { name: 'product', type: 'reference', target: `${p}product`, onDelete: 'setNull' },
      { name: 'quantity', type: 'decimal', required: true },
    ]),
    [`entities/${p}product.json`]: entity('product', 'name', [
      { name: 'name', type: 'string', required: true },
      ...rollup([
        { name: 'times_offered', type: 'integer', rollup: { from: `${p}offer_line`, via: 'product', aggregate: 'count' } },
        { name: 'quantity_offered', type: 'decimal', scale: 2, rollup: { from: `${p}offer_line`, via: 'product', aggregate: 'sum', field: 'quantity' } },
      ]),
    ]),
  };
}

/** A whole package: the manifest and the sets asked for (one by default). */
export function rollupPackage(...sets: RollupPackageOptions[]): PackageFiles {
  const files: Record<string, unknown> = { 'tessera.json': { kind: 'manifest', name: 'rollups', version: '1.0.0', defaultCurrency: 'PLN', currencies: ['PLN', 'EUR'] } };
  for (const set of sets.length ? sets : [{}]) Object.assign(files, rollupEntities(set));
  return { files } as PackageFiles;
}
