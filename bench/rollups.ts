// What keeping rollups exact costs a write: a line added to an offer (RecordService.update with the
// offer's lines) when three chained rollups sit above it — the offer's line count, its deal's lines
// offered (a sum of its offers' counts) and the campaign's (a sum of its deals') — against the same
// write on a twin set of types without rollup fields (the baseline), in the same database and run,
// alternating which goes first, with 10, 1,000 and 10,000 offers already under the deal (how the
// cost grows with the children of a parent). min/median/max over the runs of the mean time of one write.
import { randomBytes } from 'node:crypto';
import { startPlatform } from '../engine/platform.ts';
import type { RecordContext } from '../engine/records/index.ts';
import { createServerDatabase } from '../test/support/database.ts';
import { rollupPackage } from '../test/support/rollup-package.ts';

const SYSTEM: RecordContext = { actor: { userId: null, via: 'system' } };

export function stats(values: readonly number[]): { min: number; median: number; max: number; text: string } {
  const sorted = [...values].sort((a, b) => a - b);
  const min = sorted[0]!;
  const median = sorted[Math.floor(sorted.length / 2)]!;
  const max = sorted[sorted.length - 1]!;
  return { min, median, max, text: `min ${min.toFixed(2)} / median ${median.toFixed(2)} / max ${max.toFixed(2)} ms` };
}

export async function rollupsBenchmark(options: { writes: number; runs: number; children: readonly number[]; log: (line: string) => void }): Promise<void> {
  const { writes, runs, log } = options;
  const adminUrl = process.env.TESSERA_BENCH_PG_URL;
  const scratch = adminUrl ? await createServerDatabase(adminUrl) : null;
  const platform = await startPlatform({ ...(scratch ? { url: scratch.url } : {}), secretKey: randomBytes(32).toString('base64') });
  try {
    await platform.applyMetadata(rollupPackage({}, { prefix: 'plain_', rollups: false }), { source: 'cli' });
    const records = platform.records;
    const sets = { rollups: '', baseline: 'plain_' } as const;
    const where = scratch ? `PostgreSQL server ${new URL(adminUrl!).host}` : 'embedded PGlite';
    for (const children of options.children) {
      // One deal per set with `children` offers already under it: the deal's and the campaign's
      // rollups aggregate them (a recompute reads them all; a delta none).
      const parents = new Map<string, { campaign: string; deal: string }>();
      for (const [name, p] of Object.entries(sets)) {
        const campaign = await records.create(SYSTEM, `${p}campaign`, { name: `Bench ${children}` });
        const deal = await records.create(SYSTEM, `${p}deal`, { name: 'Bench', campaign: campaign.id, status: 'open' });
        for (let i = 0; i < children; i += 1000) {
          await records.createMany(SYSTEM, `${p}offer`, Array.from({ length: Math.min(1000, children - i) }, (_, j) => ({ title: `Earlier ${i + j}`, deal: deal.id, lines: [{ quantity: 1, description: 'Pozycja' }] })));
        }
        parents.set(name, { campaign: String(campaign.id), deal: String(deal.id) });
      }
      const times: Record<keyof typeof sets, number[]> = { rollups: [], baseline: [] };
      const one = async (name: keyof typeof sets): Promise<void> => {
        const p = sets[name];
        // Fresh offers, so every write adds one line to an offer of none (the same work each time).
        const offers = [];
        for (let i = 0; i < writes; i++) offers.push(await records.create(SYSTEM, `${p}offer`, { title: `O${i}`, deal: parents.get(name)!.deal }));
        const started = performance.now();
        for (const offer of offers) await records.update(SYSTEM, `${p}offer`, String(offer.id), { lines: [{ quantity: 1, description: 'Pozycja' }] }, { expectedVersion: offer.version as number });
        times[name].push((performance.now() - started) / writes);
      };
      for (let run = 0; run < runs; run++) {
        if (run % 2 === 0) {
          await one('rollups');
          await one('baseline');
        } else {
          await one('baseline');
          await one('rollups');
        }
      }
      const campaign = await records.get(SYSTEM, 'campaign', parents.get('rollups')!.campaign);
      if (campaign.lines_offered !== children + writes * runs) throw new Error(`the rollups are off: ${String(campaign.lines_offered)} lines offered, ${children + writes * runs} written`);
      const withRollups = stats(times.rollups);
      const baseline = stats(times.baseline);
      log(`rollups (${where}, ${children} offers under the deal, ${writes} writes × ${runs} runs): a line added to an offer with 3 chained rollups above it (offer ← deal ← campaign) ${withRollups.text} per write`);
      log(`rollups baseline (${children} offers): the same write on types without rollups ${baseline.text} per write; median cost of the rollups +${(withRollups.median - baseline.median).toFixed(2)} ms (+${(((withRollups.median - baseline.median) / baseline.median) * 100).toFixed(0)} %)`);
    }
  } finally {
    await platform.close();
    await scratch?.drop();
  }
}
