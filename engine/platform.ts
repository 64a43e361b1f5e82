// The composition root: database, platform migrations, the running metadata and the services on
// top. Everything that serves requests (HTTP, CLI, workflows, Node-RED) gets its parts from here.
import type { Knex } from 'knex';
import type { Model, PackageFiles } from '../metadata/index.ts';
import { clientClassOf, openDatabase, type Database, type DatabaseOptions } from './db/connection.ts';
import { scheduleVacuum } from './db/maintenance.ts';
import { scheduleAuditPartitions } from './db/audit-partitions.ts';
import { migratePlatform, type PlatformCapabilities } from './db/migrate.ts';
import { DatabaseListener } from './db/notifications.ts';
import { underStartupLock } from './db/startup-lock.ts';
import { AUTH_CHANNEL, SubjectCache, TokenCache } from './access/index.ts';
import { WorkflowRuntime } from './workflows/runtime/index.ts';
import { LiveMetadata, RecordService, type Actor } from './records/index.ts';
import { trySandbox, type SandboxResult, type SandboxSample } from './sandbox/index.ts';
import { ImportJobs } from './imports/index.ts';
import { conversionFanOutJobKind, conversionJobKind, RecordJobs, workflowJobKind } from './record-sets/index.ts';
import { CONNECTOR_SETTINGS_CHANNEL } from './connectors/settings.ts';
import { ConnectorHost, contributedPackages, loadKeyring, type Connector, type SecretKeyring } from './connectors/platform-api.ts';
import {
  applyContributions,
  applyPackage,
  buildOnlineIndexes,
  buildsIndexesOnline,
  packageWithContributions,
  planPackage,
  upgradePlatformLevel,
  validated,
  type ApplyOptions,
  type ApplyResult,
} from './schema-sync/index.ts';

export interface Platform {
  readonly db: Database;
  readonly knex: Knex;
  readonly capabilities: PlatformCapabilities;
  readonly runtime: LiveMetadata;
  readonly records: RecordService;
  /** The workflow runtime (BPMN); its workers run only where startWorkers() was called (the server). */
  readonly processes: WorkflowRuntime;
  /** The LISTEN connection of a server (null in one-shot commands); `delivers` says whether other connections' NOTIFYs arrive. */
  readonly listener: DatabaseListener | null;
  /** Recently verified API tokens; cleared whenever identity data changes in any process. */
  readonly tokenCache: TokenCache;
  /** The connectors of this process (the same list in every process kind), their settings and the outbox. */
  readonly connectors: ConnectorHost;
  /** File imports as jobs (engine/imports); servers take over the interrupted ones (`supervise()`). */
  readonly imports: ImportJobs;
  /** Bulk actions over sets of records as jobs (engine/record-sets/jobs.ts); servers take over the interrupted ones. */
  readonly recordJobs: RecordJobs;
  /** The secrets key (connector secrets, secret fields, automation credentials); null without a key or data directory. */
  readonly keyring: SecretKeyring | null;
  /**
   * Validates, plans and applies a package, then switches the running model to it. The connectors'
   * files (`connectors/<id>/…`) are merged in; a package that changes them is refused.
   */
  applyMetadata(files: PackageFiles, options: Omit<ApplyOptions, 'trigram'>): Promise<ApplyResult>;
  planMetadata(files: PackageFiles): ReturnType<typeof planPackage>;
  /** Tries a package on a transaction that is rolled back, with sample records (engine/sandbox). */
  sandboxMetadata(files: PackageFiles, options: { actor: Actor; samples?: readonly SandboxSample[] }): Promise<SandboxResult>;
  /** The model of a package not applied (a designer's draft), validated as an apply would, the connectors' files merged in. */
  draftModel(files: PackageFiles): Promise<Model>;
  close(): Promise<void>;
}

export interface PlatformOptions extends DatabaseOptions {
  /** Follow metadata applied by other processes (LISTEN); servers do, one-shot CLI commands don't. */
  readonly listen?: boolean;
  /** On the embedded database (no autovacuum): VACUUM (ANALYZE) its tables this often. Servers set it. */
  readonly vacuumIntervalMs?: number;
  /**
   * Servers: the audit trail's monthly partitions made ahead (and the retention applied) at start and
   * this often (engine/db/audit-partitions.ts). Absent: not in this process (one-shot commands).
   */
  readonly auditPartitions?: { readonly intervalMs: number; readonly retentionMonths: number | null };
  /** Workflow runtime settings (tests shorten the time before lost jobs run again). */
  readonly workflows?: { readonly expireInSeconds?: number; readonly superviseIntervalSeconds?: number; readonly pollingIntervalSeconds?: number };
  /**
   * The connectors (connectors/index.ts plus TESSERA_CONNECTOR_MODULES, see loadConnectors): the
   * entry points (server, worker, CLI) hand in the same list, so every process kind runs the same
   * task types. Default: none.
   */
  readonly connectors?: readonly Connector[];
  /** Secrets key (default: TESSERA_SECRET_KEY, else <dataDir>/secret.key). */
  readonly secretKey?: string;
  /** Where secret.key is kept when no key is given (default: dataDir, else TESSERA_DATA_DIR). */
  readonly secretsDir?: string;
}

export async function startPlatform(options: PlatformOptions): Promise<Platform> {
  const db = await openDatabase(options);
  try {
    const contributions = contributedPackages(options.connectors ?? []);
    // Once for processes starting together on one server (`tessera start --processes N`).
    const applied: ApplyResult[] = [];
    const capabilities = await underStartupLock(db, async () => {
      const found = await migratePlatform(db.knex);
      // Platform fields and indexes added since the applied metadata was applied (e.g. activity.team).
      const upgraded = await upgradePlatformLevel(db.knex, found.trigram, false);
      // The connectors' entity types (mail accounts…), when a connector was installed or upgraded.
      const contributed = await applyContributions(db.knex, contributions, { trigram: found.trigram, buildIndexes: false });
      applied.push(...[upgraded, contributed].filter((a) => a !== null));
      return found;
    });
    const runtime = new LiveMetadata(db.knex);
    // A new metadata version may have changed tables under the plans connections keep.
    runtime.onChange(() => {
      db.prepared?.invalidate();
      db.replica?.invalidatePlans();
    });
    await runtime.reload();
    // Outside the startup lock (see ApplyOptions.buildIndexes): what those applies left for after
    // them, and any index an interrupted build left INVALID.
    if (runtime.loaded) await buildIndexesAfterStart(db.knex, applied, runtime.snapshot.model);
    const tokenCache = new TokenCache();
    const subjects = new SubjectCache();
    // Servers follow what other processes commit: metadata versions, identity changes.
    const listener = options.listen ? new DatabaseListener(db.url) : null;
    let poll: ReturnType<typeof setInterval> | null = null;
    if (listener) {
      await runtime.listen(listener);
      await listener.on(AUTH_CHANNEL, () => {
        tokenCache.clear();
        subjects.clear();
      });
      await listener.start();
      // API tokens' writes told across processes (read-your-writes on the replica; engine/db/replica.ts).
      if (db.replica && listener.delivers) await db.replica.shareWrites(listener);
      // Where notifications do not cross connections (a pooler in between), look for new metadata versions instead.
      if (!listener.delivers) poll = setInterval(() => void runtime.reload().catch(() => undefined), 2000);
    }
    const keyring = await loadKeyring({ key: options.secretKey ?? process.env.TESSERA_SECRET_KEY, previous: process.env.TESSERA_SECRET_KEY_PREVIOUS, dataDir: options.secretsDir ?? options.dataDir ?? process.env.TESSERA_DATA_DIR });
    const records = new RecordService(db.knex, runtime, { secrets: keyring });
    // The users workflows act for are cached only where identity changes are heard (like tokens).
    const processes = new WorkflowRuntime(db.knex, records, { url: db.url, pgClient: clientClassOf(db.knex), subjects: listener?.delivers ? subjects : new SubjectCache({ ttlMs: 0 }), ...options.workflows });
    const recordJobs = new RecordJobs(db.knex, records);
    recordJobs.define(workflowJobKind({ knex: db.knex, records, processes }));
    recordJobs.define(conversionJobKind({ knex: db.knex, records }));
    recordJobs.define(conversionFanOutJobKind({ knex: db.knex, records }));
    const connectors = new ConnectorHost(options.connectors ?? [], { knex: db.knex, records, runtime: processes, keyring, recordJobs, model: () => (runtime.loaded ? runtime.snapshot.model : null), ...(listener?.delivers ? { subjects } : {}) });
    // Settings changed by another process (migration 043 NOTIFYs the connector's id).
    await listener?.on(CONNECTOR_SETTINGS_CHANNEL, (connectorId) => connectors.settings.forget(connectorId));
    await connectors.start();
    await processes.start();
    const imports = new ImportJobs(db.knex, records);
    const vacuum = db.embedded && options.vacuumIntervalMs ? scheduleVacuum(db.knex, options.vacuumIntervalMs, (message) => console.error(`[tessera database] ${message}`)) : null;
    const auditPartitions = options.auditPartitions ? scheduleAuditPartitions(db.knex, options.auditPartitions, (message) => console.error(`[tessera database] ${message}`)) : null;
    return {
      db,
      knex: db.knex,
      capabilities,
      runtime,
      records,
      processes,
      listener,
      // Unless notifications reach us, another process's revocation could not clear this cache: cache nothing.
      tokenCache: listener?.delivers ? tokenCache : new TokenCache({ ttlMs: 0 }),
      async applyMetadata(files, applyOptions) {
        // Reloaded on commit too: the indexes built after it (on a server) may take minutes.
        const result = await applyPackage(db.knex, await packageWithContributions(db.knex, files, contributions), {
          ...applyOptions,
          trigram: capabilities.trigram,
          afterCommit: () => runtime.reload(),
        });
        await runtime.reload();
        return result;
      },
      planMetadata: async (files) => planPackage(db.knex, await packageWithContributions(db.knex, files, contributions)),
      draftModel: async (files) => validated(await packageWithContributions(db.knex, files, contributions)),
      sandboxMetadata: async (files, sandbox) =>
        trySandbox(db.knex, await packageWithContributions(db.knex, files, contributions), { ...sandbox, trigram: capabilities.trigram, secrets: keyring, current: runtime.loaded ? runtime.snapshot.model : null, hooksOf: records }),
      connectors,
      imports,
      recordJobs,
      keyring,
      async close() {
        await imports.stop();
        await recordJobs.stop();
        await connectors.stop();
        await processes.stop();
        await vacuum?.stop();
        await auditPartitions?.stop();
        if (poll) clearInterval(poll);
        await listener?.stop();
        await db.close();
      },
    };
  } catch (error) {
    await db.close();
    throw error;
  }
}

async function buildIndexesAfterStart(knex: Knex, applied: readonly ApplyResult[], model: Model): Promise<void> {
  if (!(await buildsIndexesOnline(knex))) return;
  for (const plan of applied.length ? applied.map((a) => a.plan) : [{ steps: [], destructive: false }]) {
    for (const build of await buildOnlineIndexes(knex, plan, model)) {
      console.error(`[tessera database] index ${build.name} on ${build.table}: ${build.outcome}${build.reason ? ` (${build.reason})` : ''}`);
    }
  }
}
