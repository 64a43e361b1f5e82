// `npm run bench`: the benchmarks, each printing its figures next to the baseline measured in the same
// run. The database is a PostgreSQL server when TESSERA_BENCH_PG_URL is set (an admin URL; a scratch
// database is created and dropped), else the embedded database. "Embedded under load" (BENCH=load)
// always runs the embedded database, and beside it the server when TESSERA_BENCH_PG_URL is set.
import { createServerDatabase } from '../test/support/database.ts';
import { startPlatform } from '../engine/platform.ts';
import { auditPartitionsBenchmark } from './audit-partitions.ts';
import { automationBenchmark } from './automation.ts';
import { calendarBenchmark } from './calendar.ts';
import { embeddedLoadBenchmark } from './embedded-load.ts';
import { memoryLoadBenchmark } from './memory-load.ts';
import { emailBenchmark } from './email.ts';
import { exclusionsBenchmark } from './exclusions.ts';
import { fiscalBenchmark } from './fiscal.ts';
import { importBenchmark } from './import.ts';
import { largeDataBenchmark } from './large-data.ts';
import { pdfBenchmark } from './pdf.ts';
import { recordJobsBenchmark } from './record-jobs.ts';
import { processesBenchmark } from './processes.ts';
import { recordsBenchmark } from './records.ts';
import { reportsBenchmark } from './reports.ts';
import { recordsBulkBenchmark } from './records-bulk.ts';
import { pricingBenchmark } from './pricing.ts';
import { rollupsBenchmark } from './rollups.ts';
import { smsProvidersBenchmark } from './sms-providers.ts';
import { smsOutboxBenchmark } from './sms-outbox.ts';
import { uiSizes } from './ui-size.ts';
import { versionsBenchmark } from './versions.ts';
import { workflowsBenchmark } from './workflows.ts';
import { scorecardLines } from './scorecard.ts';

const log = (line: string) => console.log(line);
const adminUrl = process.env.TESSERA_BENCH_PG_URL;
// BENCH=scale (see above), records (with processes), processes, workflows, load, large, bulk, exclusions, email, ui, sms, fiscal, automation, calendar, import, record-jobs, pdf, rollups, pricing, reports, versions or audit runs one of them.
const only = process.env.BENCH;
// BENCH=scale: the issue #19 goals (records over HTTP against raw, workflows against their floor,
// embedded against the server and timers while data loads; large data on a kept fixture when
// BENCH_LARGE_DATABASE names one), then the goals table.
const SCALE = new Set(['records', 'workflows', 'load', 'large']);
const wants = (name: string) => !only || only === name || (only === 'scale' && SCALE.has(name));
const shared = wants('records') || wants('workflows');
const scratch = adminUrl && shared ? await createServerDatabase(adminUrl) : null;
// As the server runs: following notifications (which also enables the API token cache).
const platform = shared ? await startPlatform({ ...(scratch ? { url: scratch.url } : {}), listen: true }) : null;
log(`database: ${adminUrl ? `PostgreSQL server ${new URL(adminUrl).host} (scratch database)` : 'embedded PGlite (in memory)'}; Node ${process.version}`);
try {
  if (platform && wants('records')) {
    await recordsBenchmark(platform, {
      operations: Number(process.env.BENCH_OPERATIONS ?? 3000),
      concurrency: Number(process.env.BENCH_CONCURRENCY ?? 8),
      bigRows: Number(process.env.BENCH_ROWS ?? 1_000_000),
      httpRounds: Number(process.env.BENCH_HTTP_ROUNDS ?? 3),
      log,
    });
  }
  // `tessera start --processes 1` vs 2 over HTTP: a server database only (the embedded one is one process's).
  if (adminUrl && (!only || only === 'records' || only === 'processes')) {
    await processesBenchmark({ adminUrl, operations: Number(process.env.BENCH_OPERATIONS ?? 3000), concurrency: Number(process.env.BENCH_PROCESSES_CONNECTIONS ?? 20), rounds: Number(process.env.BENCH_PROCESSES_ROUNDS ?? 5), log });
  }
  if (platform && wants('workflows')) {
    await workflowsBenchmark(platform, {
      instances: Number(process.env.BENCH_INSTANCES ?? 3000),
      concurrency: Number(process.env.BENCH_WORKFLOW_CONCURRENCY ?? 32),
      runs: Number(process.env.BENCH_WORKFLOW_RUNS ?? 5),
      timers: Number(process.env.BENCH_TIMERS ?? 2000),
      timerSpreadSeconds: Number(process.env.BENCH_TIMER_SPREAD ?? 10),
      log,
    });
  }
  // The mixed HTTP load of BENCH=load, on the embedded database and (with TESSERA_BENCH_PG_URL) a server.
  const mixedLoad = {
    ...(adminUrl ? { adminUrl } : {}),
    connections: Number(process.env.BENCH_LOAD_CONNECTIONS ?? 200),
    seconds: Number(process.env.BENCH_LOAD_SECONDS ?? 60),
    rows: Number(process.env.BENCH_LOAD_ROWS ?? 200_000),
  };
  // BENCH_LOAD_PART=memory: only the server process's memory around the load (no throughput rounds).
  if (wants('load') && only !== 'scale' && process.env.BENCH_LOAD_PART !== 'timers') {
    await memoryLoadBenchmark({
      ...mixedLoad,
      idleSeconds: (process.env.BENCH_MEMORY_IDLE ?? '30,120').split(',').map(Number),
      log,
    });
  }
  if (wants('load') && process.env.BENCH_LOAD_PART !== 'memory') {
    await embeddedLoadBenchmark({
      ...mixedLoad,
      rounds: Number(process.env.BENCH_LOAD_ROUNDS ?? 1),
      operations: Number(process.env.BENCH_OPERATIONS ?? 3000),
      operationConnections: Number(process.env.BENCH_LOAD_OPERATION_CONNECTIONS ?? 20),
      operationRounds: Number(process.env.BENCH_HTTP_ROUNDS ?? 3),
      timers: Number(process.env.BENCH_TIMERS ?? 2000),
      timerSpreadSeconds: Number(process.env.BENCH_TIMER_SPREAD ?? 10),
      loadBatchRows: Number(process.env.BENCH_LOAD_BATCH_ROWS ?? 10_000),
      timersOnly: process.env.BENCH_LOAD_PART === 'timers',
      log,
    });
  }
  // Large data only when asked for by name (minutes to load, gigabytes on disk) and on a server.
  if (only === 'large' || (only === 'scale' && process.env.BENCH_LARGE_DATABASE)) {
    if (!adminUrl) throw new Error('BENCH=large needs a PostgreSQL server in TESSERA_BENCH_PG_URL');
    await largeDataBenchmark({
      adminUrl,
      contractors: Number(process.env.BENCH_LARGE_CONTRACTORS ?? 1_000_000),
      activities: Number(process.env.BENCH_LARGE_ACTIVITIES ?? 10_000_000),
      timeline: Number(process.env.BENCH_LARGE_TIMELINE ?? 10_000),
      samples: Number(process.env.BENCH_LARGE_SAMPLES ?? 50),
      ...(process.env.BENCH_LARGE_DATABASE ? { keep: process.env.BENCH_LARGE_DATABASE } : {}),
      log,
    });
  }
  if (!only || only === 'exclusions') await exclusionsBenchmark({ records: Number(process.env.BENCH_EXCLUSION_RECORDS ?? 500), runs: Number(process.env.BENCH_EXCLUSION_RUNS ?? 3), log });
  if (!only || only === 'bulk') await recordsBulkBenchmark({ records: Number(process.env.BENCH_BULK_RECORDS ?? 500), runs: Number(process.env.BENCH_BULK_RUNS ?? 3), log });
  if (!only || only === 'email') {
    await emailBenchmark({ messages: Number(process.env.BENCH_EMAIL_MESSAGES ?? 2000), runs: Number(process.env.BENCH_EMAIL_RUNS ?? 5), deliveries: Number(process.env.BENCH_EMAIL_DELIVERIES ?? 1000), deliveryOnly: process.env.BENCH_EMAIL_PART === 'delivery', log });
  }
  if (!only || only === 'versions') await versionsBenchmark({ runs: Number(process.env.BENCH_VERSION_RUNS ?? 7), ...(adminUrl ? { adminUrl } : {}), log });
  if (!only || only === 'pricing') await pricingBenchmark({ writes: Number(process.env.BENCH_PRICING_WRITES ?? 50), runs: Number(process.env.BENCH_PRICING_RUNS ?? 5), log });
  if (!only || only === 'rollups') await rollupsBenchmark({ writes: Number(process.env.BENCH_ROLLUP_WRITES ?? 50), runs: Number(process.env.BENCH_ROLLUP_RUNS ?? 5), children: (process.env.BENCH_ROLLUP_CHILDREN ?? '10,1000,10000').split(',').map(Number), log });
  if (!only || only === 'ui') await uiSizes({ log });
  if (!only || only === 'sms') await smsProvidersBenchmark({ messages: Number(process.env.BENCH_SMS_MESSAGES ?? 2000), log });
  if (!only || only === 'fiscal') await fiscalBenchmark({ receipts: Number(process.env.BENCH_FISCAL_RECEIPTS ?? 200), runs: Number(process.env.BENCH_FISCAL_RUNS ?? 5), log });
  if (!only || only === 'sms') await smsOutboxBenchmark({ messages: Number(process.env.BENCH_SMS_OUTBOX_MESSAGES ?? 300), runs: Number(process.env.BENCH_SMS_RUNS ?? 3), log });
  if (!only || only === 'calendar') {
    await calendarBenchmark({ events: Number(process.env.BENCH_CALENDAR_EVENTS ?? 1000), runs: Number(process.env.BENCH_CALENDAR_RUNS ?? 3), latencySamples: Number(process.env.BENCH_CALENDAR_SAMPLES ?? 5), log });
  }
  if (!only || only === 'import') {
    await importBenchmark({ rows: Number(process.env.BENCH_IMPORT_ROWS ?? 100_000), runs: Number(process.env.BENCH_IMPORT_RUNS ?? 3), ...(adminUrl ? { adminUrl } : {}), log });
  }
  if (!only || only === 'record-jobs') {
    await recordJobsBenchmark({ records: Number(process.env.BENCH_RECORD_JOB_RECORDS ?? 2000), runs: Number(process.env.BENCH_RECORD_JOB_RUNS ?? 3), ...(adminUrl ? { adminUrl } : {}), log });
  }
  if (!only || only === 'pdf') await pdfBenchmark({ lines: Number(process.env.BENCH_PDF_LINES ?? 100), runs: Number(process.env.BENCH_PDF_RUNS ?? 9), log });
  if (!only || only === 'reports') {
    await reportsBenchmark({ rows: Number(process.env.BENCH_REPORT_ROWS ?? 1_000_000), samples: Number(process.env.BENCH_REPORT_SAMPLES ?? 40), ...(adminUrl ? { adminUrl } : {}), log });
  }
  if (!only || only === 'audit') {
    await auditPartitionsBenchmark({ records: Number(process.env.BENCH_AUDIT_RECORDS ?? 60_000), changes: Number(process.env.BENCH_AUDIT_CHANGES ?? 10), months: Number(process.env.BENCH_AUDIT_MONTHS ?? 24), samples: Number(process.env.BENCH_AUDIT_SAMPLES ?? 30), ...(adminUrl ? { adminUrl } : {}), log });
  }
  if (!only || only === 'automation') {
    // A database of its own on the server (the seeded CRM), else the embedded one in a temporary directory.
    const automationDb = adminUrl ? await createServerDatabase(adminUrl) : null;
    try {
      await automationBenchmark({ events: Number(process.env.BENCH_AUTOMATION_EVENTS ?? 2000), concurrency: Number(process.env.BENCH_AUTOMATION_CONCURRENCY ?? 8), runs: Number(process.env.BENCH_AUTOMATION_RUNS ?? 3), ...(automationDb ? { databaseUrl: automationDb.url } : {}), log });
    } finally {
      await automationDb?.drop();
    }
  }
  for (const line of scorecardLines()) log(line);
} finally {
  await platform?.close();
  await scratch?.drop();
}
