// What the price lookup costs a write: an offer of the shipped CRM created with 10 lines naming
// products and no prices (each priced from 3 price lists, the contractor's own among them, and 20
// discount rules, read in the write transaction) against the same offer with the prices and
// discounts typed (the lookup has nothing to do), in the same database and run, alternating which
// goes first. min/median/max over the runs of the mean time of one create.
import { randomBytes } from 'node:crypto';
import { startPlatform } from '../engine/platform.ts';
import type { RecordContext } from '../engine/records/index.ts';
import { loadPackageDir } from '../metadata/index.ts';
import { SEED_METADATA_DIR } from '../seed/index.ts';
import { createServerDatabase } from '../test/support/database.ts';
import { stats } from './rollups.ts';

const SYSTEM: RecordContext = { actor: { userId: null, via: 'system' } };

export async function pricingBenchmark(options: { writes: number; runs: number; log: (line: string) => void }): Promise<void> {
  const { writes, runs, log } = options;
  const adminUrl = process.env.TESSERA_BENCH_PG_URL;
  const scratch = adminUrl ? await createServerDatabase(adminUrl) : null;
  const platform = await startPlatform({ ...(scratch ? { url: scratch.url } : {}), secretKey: randomBytes(32).toString('base64') });
  try {
    await platform.applyMetadata((await loadPackageDir(SEED_METADATA_DIR)).package, { source: 'cli' });
    const records = platform.records;
    const products: string[] = [];
    for (let i = 0; i < 200; i++) products.push(String((await records.create(SYSTEM, 'product', { code: `P${i}`, name: `Produkt ${i}`, product_group: `G${i % 10}`, sale_price: { amount: 10 + i, currency: 'PLN' } })).id));
    const group = String((await records.create(SYSTEM, 'contractor_group', { name: 'Hurt' })).id);
    const items = (k: number) => products.map((product, i) => ({ product, price: 9 + i + k }));
    await records.create(SYSTEM, 'price_list', { name: 'Detal', currency: 'pln', items: items(1) });
    await records.create(SYSTEM, 'price_list', { name: 'Hurt', currency: 'pln', priority: 5, items: items(0) });
    const own = String((await records.create(SYSTEM, 'price_list', { name: 'Klient', currency: 'pln', items: items(-1).slice(0, 50) })).id);
    const contractor = String((await records.create(SYSTEM, 'contractor', { name: 'Bench', groups: [{ id: group }], price_list: own })).id);
    for (let i = 0; i < 20; i++) await records.create(SYSTEM, 'discount_rule', { name: `R${i}`, percent: 1 + i, priority: i, min_quantity: i, ...(i % 2 ? { product_group: `G${i % 10}` } : { contractor_group: group }) });
    const lines = (typed: boolean) => products.slice(0, 10).map((product, i) => ({ product, quantity: 1 + i, vat_rate: 'vat23', ...(typed ? { net_price: 20, discount_percent: 5 } : {}) }));
    const times = { priced: [] as number[], typed: [] as number[] };
    const one = async (name: keyof typeof times): Promise<void> => {
      const started = performance.now();
      for (let i = 0; i < writes; i++) await records.create(SYSTEM, 'offer', { title: `O${i}`, contractor, lines: lines(name === 'typed') });
      times[name].push((performance.now() - started) / writes);
    };
    for (let run = 0; run < runs; run++) {
      for (const name of run % 2 === 0 ? (['priced', 'typed'] as const) : (['typed', 'priced'] as const)) await one(name);
    }
    const priced = stats(times.priced);
    const typed = stats(times.typed);
    const where = scratch ? `PostgreSQL server ${new URL(adminUrl!).host}` : 'embedded PGlite';
    log(`pricing (${where}, ${writes} creates × ${runs} runs): an offer with 10 product lines priced from 3 price lists and 20 discount rules ${priced.text} per create`);
    log(`pricing baseline: the same offer with prices and discounts typed ${typed.text} per create; median cost of the lookup +${(priced.median - typed.median).toFixed(2)} ms (+${(((priced.median - typed.median) / typed.median) * 100).toFixed(0)} %)`);
  } finally {
    await platform.close();
    await scratch?.drop();
  }
}
