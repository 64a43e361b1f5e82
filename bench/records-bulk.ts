// The records service's bulk path against its single-record path, in the same process and run (so a
// loaded machine slows both alike): e-mail-like activities on the seed CRM created one transaction
// each (RecordService.create) and in batches of 100 (createMany); then a state field set on each, one
// get + update each (what the SMS connector did per delivery state) and in batches (updateMany).
// Every record is audited and announced to the hooks either way. min/median/max over several runs.
import { randomBytes } from 'node:crypto';
import { connectors } from '../connectors/index.ts';
import { startPlatform } from '../engine/platform.ts';
import type { RecordContext } from '../engine/records/index.ts';
import { seedPackage } from '../engine/seeding.ts';
import { createServerDatabase } from '../test/support/database.ts';

const SYSTEM: RecordContext = { actor: { userId: null, via: 'system' } };
const BATCH = 100;

function stats(values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  return `min ${sorted[0]!.toFixed(0)} / median ${sorted[Math.floor(sorted.length / 2)]!.toFixed(0)} / max ${sorted[sorted.length - 1]!.toFixed(0)}`;
}

async function timed(work: () => Promise<void>, count: number): Promise<number> {
  const started = performance.now();
  await work();
  return count / ((performance.now() - started) / 1000);
}

export async function recordsBulkBenchmark(options: { records: number; runs: number; log: (line: string) => void }): Promise<void> {
  const { records: n, runs, log } = options;
  const adminUrl = process.env.TESSERA_BENCH_PG_URL;
  const scratch = adminUrl ? await createServerDatabase(adminUrl) : null;
  const platform = await startPlatform({ ...(scratch ? { url: scratch.url } : {}), secretKey: randomBytes(32).toString('base64'), connectors });
  try {
    await platform.applyMetadata(await seedPackage(), { source: 'seed' });
    const contractor = String((await platform.records.create(SYSTEM, 'contractor', { name: 'Bench Sp. z o.o.', contractor_type: 'company', country: 'pl' })).id);
    const activity = (i: number) => ({ kind: 'sms', subject: `SMS ${i}`, direction: 'outbound', phone_number: '+48600100200', description: `Zamówienie ${i} gotowe do odbioru.`, sms_status: 'queued', start_at: new Date().toISOString(), status: 'resolved', contractor });
    const single: number[] = [];
    const bulk: number[] = [];
    const singleUpdate: number[] = [];
    const bulkUpdate: number[] = [];
    for (let run = 0; run < runs; run++) {
      const one: string[] = [];
      single.push(await timed(async () => {
        for (let i = 0; i < n; i++) one.push(String((await platform.records.create(SYSTEM, 'activity', activity(i), { allowReadOnly: true })).id));
      }, n));
      const many: string[] = [];
      bulk.push(await timed(async () => {
        for (let i = 0; i < n; i += BATCH) many.push(...(await platform.records.createMany(SYSTEM, 'activity', Array.from({ length: Math.min(BATCH, n - i) }, (_, k) => activity(i + k)), { allowReadOnly: true })).map((r) => String(r.id)));
      }, n));
      singleUpdate.push(await timed(async () => {
        for (const id of one) {
          const current = await platform.records.get(SYSTEM, 'activity', id, { fields: ['id', 'version'] });
          await platform.records.update(SYSTEM, 'activity', id, { sms_status: 'sent' }, { expectedVersion: current.version as number, allowReadOnly: true });
        }
      }, n));
      bulkUpdate.push(await timed(async () => {
        for (let i = 0; i < many.length; i += BATCH) await platform.records.updateMany(SYSTEM, 'activity', many.slice(i, i + BATCH).map((id) => ({ id, values: { sms_status: 'sent' } })), { allowReadOnly: true });
      }, n));
    }
    const where = scratch ? `PostgreSQL server ${new URL(adminUrl!).host}` : 'embedded PGlite';
    log(`records bulk path (${where}, seed CRM, sms activities, ${n} × ${runs} runs): create one by one ${stats(single)} records/s; createMany in batches of ${BATCH} ${stats(bulk)} records/s`);
    log(`records bulk path (${where}): state update one by one (get + update) ${stats(singleUpdate)} records/s; updateMany in batches of ${BATCH} ${stats(bulkUpdate)} records/s`);
  } finally {
    await platform.close();
    await scratch?.drop();
  }
}
