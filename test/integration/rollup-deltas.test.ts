// Rollups kept by deltas (engine/records/rollup-fields.ts): a change of a child moves its parents'
// sums and counts by its own contribution, without reading the other children, and min/max re-read
// the children only when the extreme is taken away. Checked two ways: a tampered rollup stays off by
// the same amount through later changes (nothing re-read it), and random sequences of creates,
// updates, moves, deletes, restores, line edits and bulk writes end with every rollup equal to a
// full rebuild (`tessera rollups rebuild`'s code).
import { rebuildRollups } from '../../engine/records/index.ts';
import { startTestPlatform, type TestPlatform } from '../support/database.ts';
import { rollupPackage } from '../support/rollup-package.ts';
import { SYSTEM as system, updateStored } from '../support/system-writes.ts';

let env: TestPlatform;
type Rec = Record<string, unknown>;

beforeAll(async () => {
  env = await startTestPlatform();
  await env.platform.applyMetadata(rollupPackage(), { source: 'cli' });
}, 120_000);

afterAll(async () => {
  await env?.close();
});

const records = () => env.platform.records;
const version = async (entity: string, id: string) => (await records().get(system, entity, id)).version as number;
const update = (entity: string, id: string, values: Rec) => updateStored(records(), entity, id, values);
const pln = (amount: number) => ({ amount, currency: 'PLN' });

/** Every rollup column of every record holding rollups, by table and id. */
async function rollupColumns(db = env.platform.knex): Promise<Rec> {
  const model = env.platform.runtime.snapshot.model;
  const out: Rec = {};
  for (const entity of model.entities.values()) {
    const columns = entity.fields.filter((f) => f.rollup !== undefined).flatMap((f) => (f.type === 'money' ? [f.name, `${f.name}_currency`] : [f.name]));
    if (columns.length === 0) continue;
    for (const row of (await db(entity.table).select('id', ...columns).orderBy('id')) as Rec[]) {
      // An empty min or max has no currency to speak of (a rebuild writes one, a new record has none).
      const empty = (c: string) => c.endsWith('_currency') && row[c.slice(0, -'_currency'.length)] === null;
      out[`${entity.name}/${String(row.id)}`] = Object.fromEntries(columns.map((c) => [c, row[c] === null || empty(c) ? null : String(row[c])]));
    }
  }
  return out;
}

/** The rollups as a full rebuild computes them (rolled back: the live values stay as the deltas left them). */
async function rebuilt(): Promise<Rec> {
  let values: Rec = {};
  await env.platform.knex
    .transaction(async (trx) => {
      await rebuildRollups(trx, env.platform.runtime.snapshot.model);
      values = await rollupColumns(trx);
      throw new Error('rollback');
    })
    .catch((e: unknown) => {
      if ((e as Error).message !== 'rollback') throw e;
    });
  return values;
}

test('a change carries its delta: the other children are not read again (a tampered sum stays off), a max is re-read only when its extreme goes', async () => {
  const campaign = await records().create(system, 'campaign', { name: 'Delta' });
  const id = campaign.id as string;
  const a = await records().create(system, 'deal', { name: 'A', campaign: id, status: 'won', value: pln(100), probability: 40 });
  await env.platform.knex('campaign').where({ id }).update({ won_value: 1100, deal_count: 11, largest_deal: 999 });
  const b = await records().create(system, 'deal', { name: 'B', campaign: id, status: 'won', value: pln(50), probability: 60 });
  let c = await records().get(system, 'campaign', id);
  // 1100 + 50 and 11 + 1: the new deal's contribution only; 50 does not beat the (tampered) max.
  expect([c.won_value, c.deal_count, c.largest_deal]).toEqual([pln(1150), 12, pln(999)]);
  await update('deal', b.id as string, { value: pln(80) });
  c = await records().get(system, 'campaign', id);
  expect([c.won_value, c.largest_deal]).toEqual([pln(1180), pln(999)]);
  // A value above the max replaces it; taking the max away re-reads the children (A: 100, B: 80).
  await update('deal', a.id as string, { value: pln(2000) });
  expect((await records().get(system, 'campaign', id)).largest_deal).toEqual(pln(2000));
  await update('deal', a.id as string, { value: pln(10) });
  c = await records().get(system, 'campaign', id);
  expect([c.won_value, c.largest_deal]).toEqual([pln(1180 - 100 + 10), pln(80)]);
  await env.platform.knex.transaction((trx) => rebuildRollups(trx, env.platform.runtime.snapshot.model));
  c = await records().get(system, 'campaign', id);
  expect([c.won_value, c.deal_count, c.largest_deal]).toEqual([pln(90), 2, pln(80)]);
});

/** A small deterministic PRNG (mulberry32): the sequences are the same on every run. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test.each([1, 2, 3])('random changes of children (seed %i) leave every rollup equal to a full rebuild', async (seed) => {
  const next = random(seed);
  const pick = <T,>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const campaigns = [null, ...(await Promise.all(['K1', 'K2', 'K3'].map(async (name) => (await records().create(system, 'campaign', { name: `${name}-${seed}` })).id as string)))];
  const products = [null, ...(await Promise.all(['P1', 'P2'].map(async (name) => (await records().create(system, 'product', { name }).then((p) => p.id as string)))))];
  const live = { deal: [] as string[], offer: [] as string[] };
  const deleted = { deal: [] as string[], offer: [] as string[] };
  const dealValues = (): Rec => ({
    campaign: pick(campaigns),
    status: pick(['open', 'won', 'lost']),
    value: pick([null, pln(Math.round(next() * 10_000) / 100), { amount: Math.round(next() * 500), currency: 'EUR' }]),
    probability: pick([null, Math.floor(next() * 100)]),
  });
  const someDealFields = (): Rec => Object.fromEntries(Object.entries(dealValues()).filter(() => next() < 0.5));
  const lines = async (offer: string): Promise<Rec[]> => {
    const current = (await records().get(system, 'offer', offer)).lines as Rec[];
    const kept = current.filter(() => next() < 0.6).map((l) => ({ ...l, ...(next() < 0.4 ? { quantity: Math.round(next() * 1000) / 100 } : {}), ...(next() < 0.3 ? { product: pick(products) } : {}) }));
    const added = Array.from({ length: Math.floor(next() * 3) }, () => ({ description: 'Poz.', quantity: Math.round(next() * 1000) / 100, product: pick(products) }));
    return [...kept, ...added].map((l) => Object.fromEntries(Object.entries(l).filter(([k]) => ['id', 'description', 'quantity', 'product'].includes(k))));
  };
  const remove = async (kind: 'deal' | 'offer') => {
    const id = pick(live[kind]);
    await records().remove(system, kind, id, { expectedVersion: await version(kind, id) });
    live[kind].splice(live[kind].indexOf(id), 1);
    deleted[kind].push(id);
  };
  const restore = async (kind: 'deal' | 'offer') => {
    const id = deleted[kind].pop()!;
    await records().restore(system, kind, id);
    live[kind].push(id);
  };
  for (let step = 0; step < 90; step++) {
    const op = pick(['createDeal', 'createDeal', 'updateDeal', 'updateDeal', 'deleteDeal', 'restoreDeal', 'createOffer', 'editLines', 'editLines', 'moveOffer', 'deleteOffer', 'restoreOffer', 'bulkDeals']);
    if (op === 'createDeal' || (op !== 'createOffer' && live.deal.length === 0)) {
      live.deal.push((await records().create(system, 'deal', { name: `D${step}`, ...dealValues() })).id as string);
    } else if (op === 'updateDeal') {
      await update('deal', pick(live.deal), someDealFields());
    } else if (op === 'deleteDeal') {
      await remove('deal');
    } else if (op === 'restoreDeal' && deleted.deal.length > 0) {
      await restore('deal');
    } else if (op === 'createOffer' || (live.offer.length === 0 && op !== 'bulkDeals')) {
      const lineCount = Math.floor(next() * 3);
      const offer = await records().create(system, 'offer', { title: `O${step}`, deal: pick([null, ...live.deal]), lines: Array.from({ length: lineCount }, () => ({ description: 'Poz.', quantity: Math.round(next() * 1000) / 100, product: pick(products) })) });
      live.offer.push(offer.id as string);
    } else if (op === 'editLines') {
      const id = pick(live.offer);
      await update('offer', id, { lines: await lines(id) });
    } else if (op === 'moveOffer') {
      const id = pick(live.offer);
      await update('offer', id, { deal: pick([null, ...live.deal]), ...(next() < 0.5 ? { lines: await lines(id) } : {}) });
    } else if (op === 'deleteOffer') {
      await remove('offer');
    } else if (op === 'restoreOffer' && deleted.offer.length > 0) {
      await restore('offer');
    } else if (op === 'bulkDeals') {
      const created = await records().createMany(system, 'deal', [{ name: `B${step}a`, ...dealValues() }, { name: `B${step}b`, ...dealValues() }]);
      live.deal.push(...created.map((d) => d.id as string));
      const ids = [...new Set([pick(live.deal), pick(live.deal)])];
      await records().updateMany(system, 'deal', await Promise.all(ids.map(async (id) => ({ id, values: someDealFields(), expectedVersion: await version('deal', id) }))));
    }
    if (step % 20 === 19) expect(await rollupColumns()).toEqual(await rebuilt());
  }
}, 120_000);
