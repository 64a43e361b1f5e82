// Bulk workflow runs (BENCH=record-jobs): a process started once per record for N contractors as a
// background record job (engine/record-sets/jobs.ts: chunks of 200 read with the user's rights, an
// item per record, cursor and progress in each chunk's transaction) — beside, in the same run, the
// same N started through the synchronous bulk path the list used before (runForRecords, requests of
// 200 records), so the price of resumability is printed next to what it replaces.
import { startPlatform } from '../engine/platform.ts';
import { accessFor, loadSubject } from '../engine/access/index.ts';
import { runForRecords, WORKFLOW_JOB } from '../engine/record-sets/index.ts';
import { createServerDatabase } from '../test/support/database.ts';
import { crmMiniPackage } from '../test/support/packages.ts';
import { stats } from './import.ts';

const NOOP = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="t">
  <bpmn:process id="bench-noop" isExecutable="true">
    <bpmn:startEvent id="start" /><bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="end" /><bpmn:endEvent id="end" />
  </bpmn:process>
</bpmn:definitions>`;

export async function recordJobsBenchmark(options: { records: number; runs: number; adminUrl?: string; log: (line: string) => void }): Promise<void> {
  const { records: n, runs, log } = options;
  const scratch = options.adminUrl ? await createServerDatabase(options.adminUrl) : null;
  const platform = await startPlatform({ ...(scratch ? { url: scratch.url } : {}) });
  try {
    await platform.applyMetadata(await crmMiniPackage({ 'roles/bulk.json': { kind: 'role', id: 'b.role.bulk', name: 'bulk', label: { en: 'bulk' }, permissions: [{ entity: 'contractor', read: 'all', create: true, update: 'all' }] } }), { source: 'cli' });
    await platform.processes.deploy(NOOP, { source: 'cli', resourceName: 'bench-noop.bpmn' });
    const [user] = (await platform.knex('tessera.users').insert({ login: 'bulk', display_name: 'Bulk', roles: ['bulk'] }).returning('id')) as { id: string }[];
    const ids: string[] = [];
    for (let i = 0; i < n; i += 1000) {
      const made = await platform.records.createMany({ actor: { userId: null, via: 'system' } }, 'contractor', Array.from({ length: Math.min(1000, n - i) }, (_, j) => ({ name: `Firma ${i + j}` })));
      ids.push(...made.map((r) => String(r.id)));
    }
    const actor = { userId: user!.id, via: 'api' as const, access: accessFor(platform.runtime.snapshot.model, (await loadSubject(platform.knex, user!.id))!) };
    const services = { knex: platform.knex, records: platform.records, processes: platform.processes };
    const job: number[] = [];
    const direct: number[] = [];
    for (let run = 0; run < runs; run++) {
      let started = performance.now();
      let runId: string | undefined;
      for (let i = 0; i < ids.length; i += 200) runId = (await runForRecords(services, { actor }, { entity: 'contractor', ids: ids.slice(i, i + 200), processId: 'bench-noop', ...(runId ? { runId } : {}) })).runId;
      direct.push((performance.now() - started) / 1000);
      started = performance.now();
      const id = await platform.recordJobs.submit(actor, { kind: WORKFLOW_JOB, entity: 'contractor', selection: { ids }, params: { processId: 'bench-noop' } });
      await platform.recordJobs.settled(id);
      job.push((performance.now() - started) / 1000);
      const done = (await platform.knex('tessera.record_jobs').where({ id }).first('status', 'done')) as { status: string; done: number };
      if (done.status !== 'done' || done.done !== n) throw new Error(`record job ${JSON.stringify(done)}`);
    }
    log(`record jobs (${scratch ? 'PostgreSQL server' : 'embedded'}): a process per record for ${n.toLocaleString('en-US')} contractors, ${runs} run(s)`);
    log(`  record job (chunks of 200, item per record, resumable): ${stats(job)} (${(n / Math.min(...job)).toFixed(0)} records/s best)`);
    log(`  baseline: synchronous bulk requests of 200:            ${stats(direct)} (${(n / Math.min(...direct)).toFixed(0)} records/s best)`);
  } finally {
    await platform.close();
    await scratch?.drop();
  }
}
