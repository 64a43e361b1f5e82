// `tessera start`: the platform, first-start seeding, the HTTP server, graceful shutdown.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { ensureAdmin } from './access/users.ts';
import type { Config } from './config.ts';
import { createApp } from './http/app.ts';
import { createHttpServer } from './http/listener.ts';
import { startPlatform, type Platform } from './platform.ts';
import { seedIfEmpty } from './seeding.ts';
import { underStartupLock } from './db/startup-lock.ts';
import { loadConnectors } from './connectors/platform-api.ts';
import { connectors } from '../connectors/index.ts';
import { tesseraPalette } from '../connectors/node-red/index.ts';
import { createAutomation, EDITOR_ROOT, recordAutomationEvents, type Automation } from './automation/index.ts';
import { join } from 'node:path';
import { readFile } from 'node:fs/promises';
import { SEED_AUTOMATION_FLOWS } from '../seed/index.ts';
import { resolveAuthOptions } from './http/authenticate.ts';

/** How long requests in flight may take to finish when the server stops. */
const STOP_GRACE_MS = 3000;

export const UI_DIST = fileURLToPath(new URL('../ui/dist/', import.meta.url));

export interface RunningServer {
  readonly url: string;
  readonly platform: Platform;
  readonly server: Server;
  /** Embedded Node-RED; null with TESSERA_AUTOMATION=off. */
  readonly automation: Automation | null;
  stop(): Promise<void>;
}

export async function startServer(config: Config, options: { demo: boolean; quiet?: boolean; clusterWorker?: boolean }): Promise<RunningServer> {
  const log = (line: string) => !options.quiet && console.log(line);
  const platform = await startPlatform({
    ...(config.databaseUrl ? { url: config.databaseUrl } : { dataDir: config.dataDir }),
    ...(config.readReplica ? { readUrl: config.readReplica.url, replica: { waitMs: config.readReplica.waitMs, retryMs: config.readReplica.retryMs } } : {}),
    secretsDir: config.dataDir, connectors: await loadConnectors(connectors), listen: true, vacuumIntervalMs: config.vacuumMinutes * 60_000,
    auditPartitions: { intervalMs: 3_600_000, retentionMonths: config.auditRetentionMonths } });
  try {
    // With several processes on one server, one creates the admin and seeds; the others find it done.
    const { admin, seeded } = await underStartupLock(platform.db, async () => {
      // The metadata another process seeded while this one waited (its NOTIFY may not be heard yet).
      await platform.runtime.reload();
      return { admin: await ensureAdmin(platform.knex, config.adminPassword), seeded: await seedIfEmpty(platform, { demo: options.demo }) };
    });
    // Timers, deliveries and connector jobs of the workflow runtime; stopped by platform.close().
    await platform.processes.startWorkers();
    // Imports a stopped server left half done go on from their last committed chunk (and, with
    // several servers, those of a server that died, once its heartbeat is stale).
    await platform.imports.supervise();
    await platform.recordJobs.supervise();
    const exampleFlows = config.automation ? (JSON.parse(await readFile(SEED_AUTOMATION_FLOWS, 'utf8')) as unknown[]) : [];
    const automation = config.automation ? createAutomation(platform, { palette: tesseraPalette, userDir: join(config.dataDir, 'automation'), session: resolveAuthOptions(config.auth).session, exampleFlows }) : null;
    // Without Node-RED here, this server's record changes still reach the flows another server runs.
    const automationEvents = automation ? null : recordAutomationEvents(platform.knex, platform.records);
    const app = createApp(platform, { uiDir: UI_DIST, auth: config.auth, ...(automation ? { automation: automation.handler } : {}) });
    const server = createHttpServer(app);
    // Node-RED needs the server for its editor's WebSocket; its flows start before requests arrive.
    await automation?.start(server);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, config.host, () => resolve());
    });
    const address = server.address() as AddressInfo;
    const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${address.port}`;
    // A cluster's primary says where Tessera runs once all its workers listen (server-cluster.ts).
    log(options.clusterWorker ? `  process ${process.pid} listening at ${url}` : `Tessera is running at ${url}`);
    if (automation) log(`  automation (Node-RED): ${url}${EDITOR_ROOT}/`);
    log(`  database: ${platform.db.embedded ? `embedded PostgreSQL (PGlite) in ${config.dataDir}` : 'PostgreSQL server (DATABASE_URL)'}`);
    if (seeded.metadataVersion !== null) log(`  seeded the default CRM (metadata version ${seeded.metadataVersion}, ${seeded.demoRecords} demo records)`);
    if (seeded.workflows.length > 0) log(`  deployed the shipped workflows: ${seeded.workflows.join(', ')}`);
    if (admin.created) log(`  admin login: ${admin.login} / ${admin.password ?? '(TESSERA_ADMIN_PASSWORD)'}${admin.password ? '   (generated; shown only now)' : ''}`);
    else log(`  admin login: ${admin.login}`);
    let stopping: Promise<void> | null = null;
    const stop = () =>
      (stopping ??= (async () => {
        // New connections are refused at once and idle ones closed; requests in flight get a grace
        // period, then every connection ends (a notification stream would otherwise hold it minutes).
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        const grace = setTimeout(() => server.closeAllConnections(), STOP_GRACE_MS);
        await closed;
        clearTimeout(grace);
        await automation?.stop();
        await automationEvents?.stop();
        await platform.close();
      })());
    const onSignal = () => {
      log('stopping…');
      void stop().then(() => process.exit(0));
    };
    if (options.clusterWorker) {
      // The primary sends SIGTERM to each worker; Ctrl-C's SIGINT reaches the whole process group,
      // and a worker ending on its own would be replaced before the primary heard of the stop.
      process.on('SIGINT', () => undefined);
      process.once('SIGTERM', onSignal);
    } else if (!options.quiet) {
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
    }
    return { url, platform, server, automation, stop };
  } catch (error) {
    await platform.close();
    throw error;
  }
}
