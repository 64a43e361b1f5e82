// `tessera` — the command line: start the server, validate/plan/apply metadata, generate types, seed.
// Errors print a message and exit non-zero; nothing is half-applied (every apply is one transaction).
import cluster from 'node:cluster';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { entityTypesSource, formatMetadataError, loadPackageDir, validatePackage, type PackageFiles } from '../../metadata/index.ts';
import { configFromEnv, type Config } from '../config.ts';
import { isTesseraError } from '../errors.ts';
import { startPlatform, type Platform } from '../platform.ts';
import { loadDemoData, seedIfEmpty } from '../seeding.ts';
import { embeddedDatabaseExists, readLock } from '../db/embedded.ts';
import { resetPassword, TEMPORARY_PASSWORD_HOURS, userIdByLogin } from '../access/index.ts';
import { BUILT_IN_TASK_TYPES, prepareDeployment, taskTypeWarnings } from '../workflows/runtime/index.ts';
import { runWorker } from '../worker.ts';
import { loadConnectors } from '../connectors/platform-api.ts';
import { connectors as shippedConnectors } from '../../connectors/index.ts';
import { startHttpAgent } from '../../connectors/fiscal/index.ts';
import { startServer } from '../server.ts';
import { runPrimary } from '../server-cluster.ts';
import { exportFlows, importFlows } from '../automation/index.ts';
import { importCommand, ImportUsageError } from './import-command.ts';
import { auditArchiveCommand, AuditArchiveUsageError } from './audit-archive-command.ts';
import { rebuildRollups } from '../records/index.ts';
import { createBackup, restoreBackup } from '../backup/index.ts';

const USAGE = `usage: tessera <command>

  start                         start the server (embedded database unless DATABASE_URL is set);
                                seeds the demo CRM on first start   [--no-demo]
                                [--processes <n>] n server processes on one port (needs DATABASE_URL)
  meta validate <dir>           validate a metadata package folder
  meta plan <dir>               show the migration a package would cause
  meta apply <dir>              apply a package                     [--allow-destructive]
  types [--out <file>]          TypeScript types of every entity type
  seed                          apply the default CRM and demo data to an empty database [--no-demo]
  workflows validate <file>     check a BPMN file against the supported subset
  workflows deploy <file|dir>   deploy a BPMN file, or every .bpmn file of a folder; its processes
                                act with platform rights even when a user starts them
                                                                    [--platform-rights]
  workflows worker              run workflow workers (timers, connector jobs) beside the server
  connectors rotate-key         seal every stored secret (connector settings, secret fields) again with the current key
                                (TESSERA_SECRET_KEY; the old one in TESSERA_SECRET_KEY_PREVIOUS)
  fiscal agent --printer <id> --device <path> [--server <url>]
                                serve one fiscal printer attached to this machine (a till PC):
                                with --server over HTTPS only (API token in TESSERA_API_TOKEN),
                                otherwise connected to the server's database (DATABASE_URL)
  automation export <dir>       write the stored Node-RED flows as files for git (one per tab;
                                credentials stay in the database)
  automation import <dir>       store the flows of such a folder (a deploy: running servers load
                                them within seconds)
  import <type> <file>          import a CSV (UTF-8, windows-1250, ISO-8859-2; any delimiter) or XLSX
                                file into an entity type as a user (their rights; audited via import)
                                [--as <login> (admin)] [--mapping <file.json>|Col=field,…]
                                [--key <field>] [--on-duplicate skip|update|create] [--dry-run]
                                [--encoding utf-8|windows-1250|iso-8859-2] [--delimiter <char>|\\t]
  rollups rebuild [<type>]      compute every rollup field again from the records it aggregates (all types,
                                or those of <type> and the rollups chained on them), in one transaction
  backup <file>                 write a backup of the database (the embedded one, also while the server
                                runs, or DATABASE_URL's with pg_dump) into a new file; the secret key
                                only with                           [--include-secret-key]
  restore <file>                restore a backup into an empty TESSERA_DATA_DIR (embedded) or an empty
                                DATABASE_URL database (pg_restore, one transaction); checks its checksums first
  audit-archive list            the audit months the retention (TESSERA_AUDIT_RETENTION_MONTHS) moved
                                into schema tessera_archive, and which were exported
  audit-archive detach          move the months past the retention there now (the server does it hourly)
  audit-archive export <YYYY-MM> <file>
                                write an archived month to a new gzip'd CSV file, then drop its table
  users reset-password <login>  give a user a new temporary password (printed once; they choose
                                their own at the next sign-in) and end their sessions

commands other than start and seed work on the running server of TESSERA_DATA_DIR (through its
lock file), on that directory's database when no server runs, or on DATABASE_URL; they never
create a database

environment: PORT (3000), HOST (127.0.0.1), TESSERA_DATA_DIR (./data), DATABASE_URL, TESSERA_ADMIN_PASSWORD,
TESSERA_SECRET_KEY (connector secrets; default: generated into <data dir>/secret.key), TESSERA_SECRET_KEY_PREVIOUS,
TESSERA_CONNECTOR_MODULES (extra connector modules, comma-separated)`;

class UsageError extends Error {}

async function loadDir(dir: string | undefined): Promise<PackageFiles> {
  if (!dir) throw new UsageError('missing <dir>');
  const { package: files, errors } = await loadPackageDir(dir);
  if (errors.length) throw new Error(`cannot read ${dir}:\n${errors.map((e) => `  ${formatMetadataError(e)}`).join('\n')}`);
  return files;
}

/**
 * Opens the platform; if a running server holds the embedded data directory, connects through it.
 * Only `create` (start, seed) may make a new embedded database: any other command run in the wrong
 * folder would otherwise plan against, or write to, an empty database nobody serves.
 */
async function openPlatform(config: Config, options: { create?: boolean } = {}): Promise<Platform> {
  if (!config.databaseUrl && !options.create && !(await readLock(config.dataDir)) && !(await embeddedDatabaseExists(config.dataDir))) {
    throw new Error(
      `no Tessera server is running on the data directory ${config.dataDir}, and it holds no database.\n` +
        `Start the server first (tessera start), run this command where the server's data directory is, ` +
        `point TESSERA_DATA_DIR at it, or set DATABASE_URL.`,
    );
  }
  const common = { secretsDir: config.dataDir, connectors: await loadConnectors(shippedConnectors) };
  try {
    return await startPlatform({ ...(config.databaseUrl ? { url: config.databaseUrl } : { dataDir: config.dataDir }), ...common });
  } catch (error) {
    // A running server holds the directory: connect through the URL (with its secret) in its lock file.
    const url = isTesseraError(error) && error.code === 'DATABASE_LOCKED' ? (await readLock(config.dataDir))?.url : undefined;
    if (url) return startPlatform({ url, ...common });
    throw error;
  }
}

async function withPlatform<T>(config: Config, work: (platform: Platform) => Promise<T>, options: { create?: boolean } = {}): Promise<T> {
  const platform = await openPlatform(config, options);
  try {
    return await work(platform);
  } finally {
    await platform.close();
  }
}

export async function main(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      'allow-destructive': { type: 'boolean', default: false },
      'no-demo': { type: 'boolean', default: false },
      processes: { type: 'string' },
      'platform-rights': { type: 'boolean', default: false },
      out: { type: 'string' },
      printer: { type: 'string' },
      mapping: { type: 'string' },
      as: { type: 'string', default: 'admin' },
      key: { type: 'string' },
      'on-duplicate': { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      'include-secret-key': { type: 'boolean', default: false },
      encoding: { type: 'string' },
      delimiter: { type: 'string' },
      device: { type: 'string' },
      server: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [command, sub, arg, arg2] = positionals;
  if (values.help || !command) {
    console.log(USAGE);
    return command || values.help ? 0 : 2;
  }
  const config = configFromEnv();
  switch (command) {
    case 'start': {
      const processes = values.processes === undefined ? 1 : Number(values.processes);
      if (!Number.isInteger(processes) || processes < 1 || processes > 64) throw new UsageError(`--processes must be a whole number from 1 to 64, not "${values.processes ?? ''}"`);
      if (processes > 1 && !config.databaseUrl) {
        // The embedded database is one process's: its data directory is locked by the server holding it.
        throw new UsageError('--processes needs a PostgreSQL server (DATABASE_URL): the embedded database serves one process');
      }
      if (processes > 1 && cluster.isPrimary) await runPrimary({ processes, host: config.host, log: (line) => console.log(line) });
      else await startServer(config, { demo: !values['no-demo'], clusterWorker: cluster.isWorker });
      return -1; // keeps running
    }
    case 'meta': {
      if (sub === 'validate') {
        const files = await loadDir(arg);
        const result = validatePackage(files);
        if (!result.ok) {
          console.error(`${arg}: ${result.errors.length} problem(s)`);
          for (const e of result.errors) console.error(`  ${formatMetadataError(e)}`);
          return 1;
        }
        console.log(`${arg}: valid (${result.pkg.entities.length} entity types, ${result.pkg.activityKinds.length} activity kinds, ${result.pkg.pipelines.length} pipelines, ${result.pkg.statusMachines.length} status machines, ${result.pkg.views.length} views, ${result.pkg.roles.length} roles)`);
        return 0;
      }
      if (sub === 'plan' || sub === 'apply') {
        const files = await loadDir(arg);
        return withPlatform(config, async (platform) => {
          if (sub === 'plan') {
            const { plan, fromVersion } = await platform.planMetadata(files);
            console.log(`plan against metadata version ${fromVersion}: ${plan.steps.length} step(s)${plan.destructive ? ' (destructive steps need --allow-destructive)' : ''}`);
            for (const s of plan.steps) console.log(`  ${s.destructive ? '!' : '-'} ${s.description}`);
            return 0;
          }
          const result = await platform.applyMetadata(files, { source: 'cli', allowDestructive: values['allow-destructive'] });
          if (!result.changed) console.log(`unchanged: metadata version ${result.version} is already this package`);
          else {
            console.log(`applied metadata version ${result.version} (${result.plan.steps.length} step(s))`);
            for (const s of result.plan.steps) console.log(`  ${s.destructive ? '!' : '-'} ${s.description}`);
          }
          for (const i of result.indexes ?? []) console.log(`index ${i.name} on ${i.table}: ${i.outcome}${i.reason ? ` (${i.reason})` : ''}`);
          return (result.indexes ?? []).some((i) => i.outcome === 'failed') ? 1 : 0;
        });
      }
      throw new UsageError(`unknown meta command "${sub ?? ''}"`);
    }
    case 'types':
      return withPlatform(config, async (platform) => {
        const { model, version } = platform.runtime.snapshot;
        const source = await entityTypesSource(model, version);
        if (values.out) {
          await writeFile(values.out, source);
          console.log(`wrote ${values.out}`);
        } else process.stdout.write(source);
        return 0;
      });
    case 'seed':
      return withPlatform(config, async (platform) => {
        const result = await seedIfEmpty(platform, { demo: false });
        let count = 0;
        if (!values['no-demo']) {
          const any = await platform.knex('tessera.audit_log').first('id');
          if (any) console.log('demo data skipped: the database already holds records');
          else count = await loadDemoData(platform, new Date().toISOString().slice(0, 10));
        }
        console.log(`metadata version ${result.metadataVersion ?? platform.runtime.snapshot.version}; ${count} demo record(s) created`);
        return 0;
      }, { create: true });
    case 'backup': {
      if (!sub) throw new UsageError('usage: tessera backup <file> [--include-secret-key]');
      const { manifest, secretKeyLeftOut } = await createBackup(config, sub, { includeSecretKey: values['include-secret-key'] });
      const size = manifest.files.reduce((sum, f) => sum + f.size, 0);
      console.log(`backup written to ${sub}: ${manifest.database.kind} database ${manifest.database.serverVersion}, metadata version ${manifest.metadata.version}, ${(size / 1048576).toFixed(1)} MB`);
      if (secretKeyLeftOut) console.error(`tessera: note: ${secretKeyLeftOut}`);
      return 0;
    }
    case 'restore': {
      if (!sub) throw new UsageError('usage: tessera restore <file>');
      const manifest = await restoreBackup(config, sub);
      console.log(`restored ${sub} (taken ${manifest.createdAt} by ${manifest.createdBy}): metadata version ${manifest.metadata.version} into ${config.databaseUrl ? 'DATABASE_URL' : config.dataDir}`);
      return 0;
    }
    case 'audit-archive':
      try {
        return await withPlatform(config, (platform) => auditArchiveCommand(platform, { sub, month: arg, file: arg2, retentionMonths: config.auditRetentionMonths }));
      } catch (error) {
        if (error instanceof AuditArchiveUsageError) throw new UsageError(error.message);
        throw error;
      }
    case 'users':
      return usersCommand(config, sub, arg);
    case 'rollups':
      return rollupsCommand(config, sub, arg);
    case 'import': {
      if (!sub || !arg) throw new UsageError('usage: tessera import <type> <file> [--mapping …]');
      const args = { type: sub, file: arg, as: values.as, dryRun: values['dry-run'], ...(values.mapping ? { mapping: values.mapping } : {}), ...(values.key ? { key: values.key } : {}), ...(values['on-duplicate'] ? { onDuplicate: values['on-duplicate'] } : {}), ...(values.encoding ? { encoding: values.encoding } : {}), ...(values.delimiter ? { delimiter: values.delimiter } : {}) };
      try {
        return await withPlatform(config, (platform) => importCommand(platform, args));
      } catch (error) {
        if (error instanceof ImportUsageError) throw new UsageError(error.message);
        throw error;
      }
    }
    case 'connectors':
      if (sub !== 'rotate-key') throw new UsageError(`unknown connectors command "${sub ?? ''}"`);
      return withPlatform(config, async (platform) => {
        const changed = await platform.connectors.settings.rotate();
        const fields = platform.runtime.loaded ? await platform.records.resealSecrets() : 0;
        console.log(`${changed} connector setting(s) and ${fields} secret field value(s) sealed again with key ${platform.connectors.settings.keyId ?? '(none)'}; TESSERA_SECRET_KEY_PREVIOUS may now be removed`);
        return 0;
      });
    case 'automation':
      return automationCommand(config, sub, arg);
    case 'workflows':
      return workflowsCommand(config, sub, arg, { platformRights: values['platform-rights'] });
    case 'fiscal': {
      // The fiscal connector's print agent: this process serves one printer, on this machine's device.
      if (sub !== 'agent') throw new UsageError(`unknown fiscal command "${sub ?? ''}"`);
      if (!values.printer || !values.device) throw new UsageError('fiscal agent needs --printer <id> and --device <path>');
      if (values.server) {
        // Over HTTP only: no database connection and no secret key on the till PC.
        const token = process.env.TESSERA_API_TOKEN;
        if (!token) throw new UsageError('fiscal agent --server needs an API token in TESSERA_API_TOKEN');
        const agent = await startHttpAgent({ server: { url: values.server, token }, printer: values.printer, device: values.device, pollMs: Number(process.env.TESSERA_FISCAL_POLL_MS ?? 250) });
        console.log(`serving fiscal printer ${values.printer} on ${values.device} for ${values.server}; Ctrl-C stops`);
        for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void agent.stop().then(() => process.exit(0)));
        return -1; // keeps running
      }
      process.env.TESSERA_FISCAL_AGENT_PRINTER = values.printer;
      process.env.TESSERA_FISCAL_AGENT_DEVICE = values.device;
      process.env.TESSERA_FISCAL_START_DELAY_MS ??= '0';
      const platform = await openPlatform(config);
      console.log(`serving fiscal printer ${values.printer} on ${values.device}; Ctrl-C stops`);
      for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void platform.close().then(() => process.exit(0)));
      return -1; // keeps running
    }
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

async function automationCommand(config: Config, sub: string | undefined, dir: string | undefined): Promise<number> {
  if (sub !== 'export' && sub !== 'import') throw new UsageError(`unknown automation command "${sub ?? ''}"`);
  if (!dir) throw new UsageError('missing <dir>');
  if (sub === 'export') {
    return withPlatform(config, async (platform) => {
      const written = await exportFlows(platform, dir);
      console.log(`${dir}: ${written.length} file(s) of the stored flows (${written.join(', ') || 'none'})`);
      return 0;
    });
  }
  return withPlatform(config, async (platform) => {
    const result = await importFlows(platform, dir);
    if (!result.ok) {
      console.error(`${dir}: ${result.problems.length} problem(s); nothing stored`);
      for (const p of result.problems) console.error(`  ${p.pointer}: ${p.detail}${p.code ? ` [${p.code}]` : ''}`);
      return 1;
    }
    console.log(result.changed ? `${dir}: stored ${result.nodes} node(s) as the flows (revision ${result.rev}); running servers load them within seconds` : `${dir}: unchanged (the stored flows are these)`);
    return 0;
  });
}

async function bpmnFiles(path: string | undefined): Promise<string[]> {
  if (!path) throw new UsageError('missing <file|dir>');
  if (!(await stat(path)).isDirectory()) return [path];
  return (await readdir(path)).filter((f) => f.endsWith('.bpmn')).sort().map((f) => join(path, f));
}

async function workflowsCommand(config: Config, sub: string | undefined, arg: string | undefined, options: { readonly platformRights: boolean }): Promise<number> {
  if (sub === 'validate') {
    if (!arg) throw new UsageError('missing <file>');
    const prepared = await prepareDeployment(await readFile(arg));
    // The task types of every process kind: the engine's and the connectors' (the same list as the server's).
    const builtIn = new Set([...BUILT_IN_TASK_TYPES, ...(await loadConnectors(shippedConnectors)).flatMap((c) => c.taskTypes ?? [])].map((t) => t.type));
    console.log(`${arg}: valid (${prepared.processes.map((p) => p.graph.processId).join(', ')})`);
    for (const warning of taskTypeWarnings(prepared.processes.map((p) => p.graph), (type) => builtIn.has(type))) console.log(`  warning: ${warning}`);
    return 0;
  }
  if (sub === 'deploy') {
    const files = await bpmnFiles(arg);
    return withPlatform(config, async (platform) => {
      let failed = 0;
      for (const file of files) {
        try {
          const result = await platform.processes.deploy(await readFile(file), { source: 'cli', resourceName: file.split('/').pop() ?? file, platformRights: options.platformRights });
          for (const p of result.processes) console.log(`${file}: ${p.changed ? 'deployed' : 'unchanged'} ${p.processId} version ${p.version}${p.platformRights ? ' (platform rights)' : ''}`);
          for (const warning of result.warnings) console.log(`  warning: ${warning}`);
        } catch (error) {
          if (!isTesseraError(error)) throw error;
          failed++;
          console.error(`${file}: ${error.message}`);
          for (const p of error.problems) console.error(`  ${p.pointer || '(file)'}: ${p.detail}${p.code ? ` [${p.code}]` : ''}`);
        }
      }
      return failed > 0 ? 1 : 0;
    });
  }
  if (sub === 'worker') {
    const url = config.databaseUrl ?? (await readLock(config.dataDir))?.url;
    if (!url) throw new Error(`no database: set DATABASE_URL, or start the server on ${config.dataDir} first`);
    const worker = await runWorker({ url, secretsDir: config.dataDir });
    const stop = () => void worker.stop().then(() => process.exit(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    // Only now: a supervisor may send SIGTERM as soon as it reads this line.
    console.log(`workflow workers running on ${new URL(url).host}`);
    return -1;
  }
  throw new UsageError(`unknown workflows command "${sub ?? ''}"`);
}

async function rollupsCommand(config: Config, sub: string | undefined, entity: string | undefined): Promise<number> {
  if (sub !== 'rebuild') throw new UsageError(`unknown rollups command "${sub ?? ''}"`);
  return withPlatform(config, async (platform) => {
    if (!platform.runtime.loaded) throw new Error('no metadata has been applied to this database yet');
    const { model } = platform.runtime.snapshot;
    if (entity !== undefined && !model.entities.has(entity)) throw new Error(`unknown entity type "${entity}"`);
    const done = await platform.knex.transaction((trx) => rebuildRollups(trx, model, entity === undefined ? undefined : new Set([entity])));
    if (done.length === 0) console.log(entity === undefined ? 'no entity type has rollup fields' : `no rollup fields hold or aggregate ${entity}`);
    for (const { entity: name, records } of done) console.log(`rollups of ${name} rebuilt (${records} record(s))`);
    return 0;
  });
}

async function usersCommand(config: Config, sub: string | undefined, login: string | undefined): Promise<number> {
  if (sub !== 'reset-password') throw new UsageError(`unknown users command "${sub ?? ''}"`);
  if (!login) throw new UsageError('missing <login>');
  return withPlatform(config, async (platform) => {
    const id = await userIdByLogin(platform.knex, login);
    if (!id) throw new Error(`no user with the login "${login}"`);
    // Whoever may run this command on the server's machine may reset anyone, administrators included.
    const { user, temporaryPassword } = await resetPassword(platform.knex, { userId: null, via: 'system', isAdmin: true }, id);
    console.log(`new temporary password of ${user.login}${user.active ? '' : ' (deactivated: reactivate the user to let them sign in)'}: ${temporaryPassword}`);
    console.log(`shown once; valid for ${TEMPORARY_PASSWORD_HOURS} hours; ${user.login} chooses their own password at the next sign-in. Their sessions have ended.`);
    return 0;
  });
}

/** Runs a command line and sets the process exit code; errors print a message, never a stack. */
export async function runCli(argv: readonly string[]): Promise<void> {
  try {
    const code = await main(argv);
    if (code >= 0) process.exitCode = code;
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`tessera: ${error.message}\n\n${USAGE}`);
      process.exitCode = 2;
    } else if (isTesseraError(error)) {
      console.error(`tessera: ${error.message}`);
      for (const p of error.problems) console.error(`  ${p.pointer || '(root)'}: ${p.detail}`);
      process.exitCode = 1;
    } else {
      console.error(`tessera: ${error instanceof Error ? error.message : String(error)}`);
      process.exitCode = 1;
    }
  }
}

if (import.meta.main) await runCli(process.argv.slice(2));
