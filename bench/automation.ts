// Record changes → a flow's output node, through the embedded Node-RED of `tessera start`
// (docs/automation.md): events/s end to end (writers creating records, a tessera-event node with a
// FEEL filter, a function node as the output) next to the same writers with no flow listening (the
// baseline, same run); the latency the automation adds after a change committed (p50/p95); and the
// rate at which a backlog of stored events drains into the flow. Target ≥ 1,000 events/s.
// Writers one record at a time are bounded by the records write rate itself (#19), so the same
// pipeline is also measured with writers using createMany (batches of 100, as imports and bulk edits
// write): there the source outruns the automation, and the figure is the automation's own.
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configFromEnv } from '../engine/config.ts';
import { startServer } from '../engine/server.ts';
import type { Actor } from '../engine/records/index.ts';

interface Hooks {
  add(name: string, hook: (event: { destination: { id: string }; msg: { recordId?: string } }) => void): void;
  remove(name: string): void;
}

const PASSWORD = 'bench-automation-password';

function stats(values: readonly number[]): { min: number; median: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  return { min: sorted[0]!, median: sorted[Math.floor(sorted.length / 2)]!, max: sorted.at(-1)! };
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export async function automationBenchmark(options: { events: number; concurrency: number; runs: number; databaseUrl?: string; log: (line: string) => void }): Promise<void> {
  const { events, concurrency, runs, log } = options;
  const dataDir = mkdtempSync(join(tmpdir(), 'tessera-bench-automation-'));
  const running = await startServer(configFromEnv({ TESSERA_DATA_DIR: dataDir, PORT: '0', TESSERA_ADMIN_PASSWORD: PASSWORD, ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {}) }), { demo: false, quiet: true });
  const hooks = (createRequire(import.meta.url)('node-red') as { hooks: Hooks }).hooks;
  try {
    const { platform, automation } = running;
    if (!automation) throw new Error('automation is disabled (TESSERA_AUTOMATION)');
    const login = await fetch(`${running.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login: 'admin', password: PASSWORD }) });
    const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    const adminId = ((await platform.knex('tessera.users').where({ login: 'admin' }).first('id')) as { id: string }).id;
    const actor: Actor = { userId: adminId, via: 'system' };

    const arrivals = new Map<string, number>();
    let arrived = 0;
    let allArrived: (() => void) | null = null;
    let expected = 0;
    hooks.add('onReceive.tesseraBench', (event) => {
      if (event.destination.id !== 'benchOut') return;
      arrivals.set(String(event.msg.recordId), performance.now());
      if (++arrived >= expected) allArrived?.();
    });
    const waitForArrivals = (count: number) =>
      new Promise<void>((resolve) => {
        expected = count;
        if (arrived >= count) resolve();
        else allArrived = resolve;
      });

    /**
     * `count` contractor groups (no triggers: the change alone) created by `concurrency` writers, each
     * writing `batch` records per call (1: create, more: createMany); returns when each record's
     * write resolved and the wall time.
     */
    let run = 0;
    const BULK_BATCH = 100;
    const writeIn = (batch: number) => async (count: number, title: string) => {
      run++;
      const resolved = new Map<string, number>();
      let next = 0;
      const started = performance.now();
      const cpu = process.cpuUsage();
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (next < count) {
            const from = next;
            next = Math.min(count, next + batch);
            // Names are unique: the flow's FEEL filter matches the prefix.
            const inputs = Array.from({ length: next - from }, (_, k) => ({ name: `${title} ${run}.${from + k}` }));
            const created = batch === 1 ? [await platform.records.create({ actor }, 'contractor_group', inputs[0]!)] : await platform.records.createMany({ actor }, 'contractor_group', inputs);
            const at = performance.now();
            for (const record of created) resolved.set(String(record.id), at);
          }
        }),
      );
      // CPU of this process (the server) per record while writing: less at the mercy of the machine's load than the rates.
      const used = process.cpuUsage(cpu);
      return { resolved, started, ms: performance.now() - started, cpuPerRecordUs: (used.user + used.system) / count };
    };
    const write = writeIn(1);
    const writeBulk = writeIn(BULK_BATCH);

    // Warm-up (plans, caches), then the baseline: the same writers while no flow listens.
    await write(Math.min(events, 300), 'warm-up');
    const baseline: number[] = [];
    const baselineCpu: number[] = [];
    for (let r = 0; r < runs; r++) {
      const w = await write(events, 'baseline');
      baseline.push(events / (w.ms / 1000));
      baselineCpu.push(w.cpuPerRecordUs);
    }
    const bulkBaseline: number[] = [];
    for (let r = 0; r < runs; r++) bulkBaseline.push(events / ((await writeBulk(events, 'baseline')).ms / 1000));

    const flows = [
      { id: 'benchTab', type: 'tab', label: 'bench' },
      { id: 'benchIn', type: 'tessera-event', z: 'benchTab', entity: 'contractor_group', actions: 'create', filter: 'starts with(name, "bench ")', wires: [['benchOut']] },
      { id: 'benchOut', type: 'function', z: 'benchTab', func: 'return null;', outputs: 1, wires: [[]] },
    ];
    const started = automation.flowsStarted();
    const deployed = await fetch(`${running.url}/automation/flows`, { method: 'POST', headers: { cookie, 'content-type': 'application/json', 'Node-RED-API-Version': 'v2' }, body: JSON.stringify({ flows }) });
    if (deployed.status !== 200) throw new Error(`deploy answered ${deployed.status}: ${await deployed.text()}`);
    await started;

    const endToEnd = async (writer: typeof write) => {
      const rates: number[] = [];
      const added: number[] = [];
      const cpuUs: number[] = [];
      for (let r = 0; r < runs; r++) {
        arrivals.clear();
        arrived = 0;
        const done = waitForArrivals(events);
        const cpu = process.cpuUsage();
        const w = await writer(events, 'bench');
        await done;
        const used = process.cpuUsage(cpu);
        cpuUs.push((used.user + used.system) / events);
        let last = 0;
        for (const at of arrivals.values()) last = Math.max(last, at);
        rates.push(events / ((last - w.started) / 1000));
        for (const [id, at] of w.resolved) added.push(Math.max(0, (arrivals.get(id) ?? at) - at));
      }
      return { rates, added, cpuUs };
    };
    const { rates, added, cpuUs } = await endToEnd(write);
    const bulk = await endToEnd(writeBulk);

    // A backlog (stored while no process ran the flows, say): how fast it drains into the flow.
    const drains: number[] = [];
    for (let r = 0; r < runs; r++) {
      await automation.events.stopDelivering();
      arrivals.clear();
      arrived = 0;
      await platform.knex.raw(
        `INSERT INTO tessera.automation_events (entity, action, record_id, payload)
         SELECT 'contractor_group', 'create', gen_random_uuid(), jsonb_build_object('entity', 'contractor_group', 'action', 'create', 'recordId', 'r' || i, 'record', jsonb_build_object('id', 'r' || i, 'name', 'bench ' || i), 'previous', null, 'changes', '{}'::jsonb, 'transitions', '[]'::jsonb, 'actor', null, 'occurredAt', now())
         FROM generate_series(1, ?) AS i`,
        [events],
      );
      const done = waitForArrivals(events);
      const t0 = performance.now();
      automation.events.startDelivering();
      await done;
      drains.push(events / ((performance.now() - t0) / 1000));
    }

    const f = (s: { min: number; median: number; max: number }) => `min ${s.min.toFixed(0)} / median ${s.median.toFixed(0)} / max ${s.max.toFixed(0)}`;
    log(`automation: record changes → flow output, ${events} records × ${runs} runs, ${concurrency} writers (${platform.db.embedded ? 'embedded database' : 'PostgreSQL server'})`);
    log(`  baseline, no flow listening:        ${f(stats(baseline))} records/s`);
    log(`  with a tessera-event flow, end to end: ${f(stats(rates))} events/s (target ≥ 1,000/s)`);
    log(`  server process CPU per record, single-record writers: no flow ${f(stats(baselineCpu))} µs; with the flow, until its output node ${f(stats(cpuUs))} µs`);
    log(`  added latency after commit:         p50 ${percentile(added, 50).toFixed(1)} ms, p95 ${percentile(added, 95).toFixed(1)} ms, max ${Math.max(...added).toFixed(1)} ms`);
    log(`  bulk writers (createMany × ${BULK_BATCH}), no flow: ${f(stats(bulkBaseline))} records/s`);
    log(`  bulk writers, with the flow, end to end: ${f(stats(bulk.rates))} events/s (target ≥ 1,000/s)`);
    log(`  bulk writers, added latency after commit: p50 ${percentile(bulk.added, 50).toFixed(1)} ms, p95 ${percentile(bulk.added, 95).toFixed(1)} ms`);
    log(`  stored backlog draining into the flow: ${f(stats(drains))} events/s`);
  } finally {
    hooks.remove('onReceive.tesseraBench');
    await running.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
