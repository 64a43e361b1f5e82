// Applying a metadata package: validate → plan against the applied version → run the DDL and store
// the new version, all in one transaction. Concurrent applies are serialised by an advisory lock;
// destructive steps are refused unless allowed, and archive data before they run.
import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import {
  canonicalJson,
  formatMetadataError,
  physicalSchema,
  PLATFORM_LEVEL,
  RECORD_SCHEMA,
  planLimitProblem,
  planMigration,
  pointer,
  validatePackage,
  type MetadataError,
  type MigrationPlan,
  type Model,
  type PackageFiles,
  type RecordsAffected,
} from '../../metadata/index.ts';
import { databaseMessage } from '../db/errors.ts';
import { TesseraError, type Problem } from '../errors.ts';
import { COLLATION_QUERY } from '../records/list.ts';
import { rebuildRollups } from '../records/rollup-fields.ts';
import { buildOnlineIndexes, buildsIndexesOnline, type OnlineIndexBuild } from './online-indexes.ts';
import { recomputeRecords } from './recompute.ts';
import { stepActions } from './sql.ts';

export interface AppliedMetadata {
  readonly version: number;
  readonly files: PackageFiles;
  readonly model: Model;
  readonly checksum: string;
  readonly appliedAt: string;
  /** The level of the platform's own schema it was applied at (metadata/activity.ts). */
  readonly platformLevel: number;
}

export interface ApplyOptions {
  readonly allowDestructive?: boolean;
  /** `platform`: the applied package again, for what a newer platform level adds (on start); `revert`: an earlier version's package again (engine/schema-sync/versions.ts). */
  readonly source: 'seed' | 'api' | 'cli' | 'platform' | 'revert';
  readonly actor?: string | null;
  /** Optimistic check: the version the caller planned against. */
  readonly expectedVersion?: number;
  readonly trigram: boolean;
  /**
   * Runs once the apply has committed, before the indexes left for after it are built (a server's
   * process reloads its model here, rather than serve the old one for the length of the builds).
   */
  readonly afterCommit?: () => Promise<void>;
  /**
   * false: the indexes left for after the apply are not built here; the caller builds them
   * (buildOnlineIndexes with the result's plan) — on start, once the startup lock is released, which
   * other processes wait for in a statement that CREATE INDEX CONCURRENTLY would wait for in turn.
   */
  readonly buildIndexes?: boolean;
}

export interface ApplyResult {
  readonly version: number;
  readonly previousVersion: number;
  readonly plan: MigrationPlan;
  /** False when the package equals the applied one (nothing stored). */
  readonly changed: boolean;
  /** On a server: the indexes built after the apply committed (the plan's, and any an earlier build left unfinished). */
  readonly indexes?: readonly OnlineIndexBuild[];
}

export const META_CHANNEL = 'tessera_meta';
// Any constant works; it names the lock that serialises metadata applies across processes.
const APPLY_LOCK = 0x7e55e7a;

/** sha256 of the package with object keys sorted, so key order never makes a new version. */
export function packageChecksum(files: PackageFiles): string {
  return createHash('sha256').update(canonicalJson(files.files)).digest('hex');
}

export function metadataProblems(errors: readonly MetadataError[]): Problem[] {
  return errors.map((e) => ({ pointer: e.file ? `${pointer('files', e.file)}${e.pointer}` : e.pointer, detail: e.message, code: e.code }));
}

export function validated(files: PackageFiles): Model {
  const result = validatePackage(files);
  if (!result.ok) {
    throw new TesseraError('METADATA_INVALID', `metadata package is invalid (${result.errors.length} problem(s)): ${result.errors.slice(0, 3).map(formatMetadataError).join('; ')}`, {
      problems: metadataProblems(result.errors),
    });
  }
  return result.model;
}

/** The applied metadata, or null on a database where none was applied yet. */
export async function currentMetadata(knex: Knex | Knex.Transaction): Promise<AppliedMetadata | null> {
  const row = await knex('tessera.meta_versions').orderBy('version', 'desc').first('version', 'package', 'checksum', 'applied_at', 'platform_level');
  if (!row) return null;
  const files = row.package as PackageFiles;
  const result = validatePackage(files);
  if (!result.ok) throw new Error(`stored metadata version ${row.version} no longer validates: ${result.errors.map(formatMetadataError).join('; ')}`);
  return { version: row.version, files, model: result.model, checksum: row.checksum, appliedAt: new Date(row.applied_at).toISOString(), platformLevel: row.platform_level };
}

/** The tables the applied version has: its model, with the platform's own part as at the level it was applied at. */
const appliedSchema = (current: AppliedMetadata | null) => (current ? physicalSchema(current.model, current.platformLevel) : { tables: [] });

async function hasExtension(db: Knex | Knex.Transaction, name: string): Promise<boolean> {
  return (await db.raw('SELECT 1 FROM pg_extension WHERE extname = ?', [name])).rows.length > 0;
}

/**
 * Plans without applying: what `apply` would do now. An exclusion rule added over records that
 * already collide is refused here too, naming them (the same check the apply runs first).
 */
export async function planPackage(knex: Knex, files: PackageFiles): Promise<{ plan: MigrationPlan; fromVersion: number }> {
  const model = validated(files);
  const current = await currentMetadata(knex);
  const plan = withinLimits(planMigration(appliedSchema(current), physicalSchema(model)));
  const tables = new Set((current ? physicalSchema(current.model, current.platformLevel).tables : []).map((t) => t.name));
  const problems: Problem[] = [];
  for (const planned of plan.steps) {
    // A new table has no records; a rule over a renamed table or a new column is checked by the apply.
    if (planned.step.op !== 'addExclusion' || !tables.has(planned.step.table)) continue;
    for (const action of stepActions(planned.step, { metaVersion: 0, trigram: false, btreeGist: false })) {
      if (action.kind !== 'assertNone') continue;
      let rows: { conflict?: unknown }[];
      try {
        rows = (await knex.raw(action.sql)).rows;
      } catch {
        continue;
      }
      if (rows.length > 0) problems.push({ pointer: originPointer(action.origin), detail: action.message.replace('{rows}', rows.map((r) => String(r.conflict ?? '')).join('; ')), code: planned.step.op });
    }
  }
  if (problems.length > 0) throw new TesseraError('MIGRATION_FAILED', problems.map((p) => p.detail).join(' — '), { problems });
  return { plan: await withRecordCounts(knex, plan, current), fromVersion: current?.version ?? 0 };
}

/**
 * Removing a stage or a state (or an enum value) that records are in: the plan says how many are
 * in each removed value and where they go, so the analyst sees it before confirming.
 */
async function withRecordCounts(knex: Knex, plan: MigrationPlan, current: AppliedMetadata | null): Promise<MigrationPlan> {
  const tables = new Map(appliedSchema(current).tables.map((t) => [t.name, t]));
  const steps: MigrationPlan['steps'][number][] = [];
  for (const planned of plan.steps) {
    const step = planned.step;
    // A renamed table or column is counted by nobody: its old name is elsewhere in the plan, and the apply still archives.
    if (step.op !== 'setAllowedValues' || step.removed.length === 0 || !tables.get(step.table)?.columns.some((c) => c.name === step.column)) {
      steps.push(planned);
      continue;
    }
    const rows: { value: string; n: string }[] = (
      await knex.raw(`SELECT ?? AS value, count(*) AS n FROM ??.?? WHERE ?? IN (${step.removed.map(() => '?').join(', ')}) GROUP BY 1`, [step.column, RECORD_SCHEMA, step.table, step.column, ...step.removed])
    ).rows;
    const byValue = Object.fromEntries(step.removed.map((v) => [v, Number(rows.find((r) => r.value === v)?.n ?? 0)]));
    const total = Object.values(byValue).reduce((a, b) => a + b, 0);
    const records: RecordsAffected = !step.notNull
      ? { byValue, total, outcome: 'cleared' }
      : step.fallback !== undefined
        ? { byValue, total, outcome: 'moved', to: String(step.fallback) }
        : { byValue, total, outcome: 'refused' };
    const where = records.outcome === 'moved' ? `move to ${records.to}` : records.outcome === 'cleared' ? 'are cleared' : 'refuse the step';
    steps.push({ ...planned, records, description: total === 0 ? `${planned.description} (no records hold them)` : `${planned.description} (${total} record${total === 1 ? '' : 's'} hold them and ${where})` });
  }
  return { ...plan, steps };
}

/** Refuses a plan too large for one transaction, before anything runs. */
function withinLimits(plan: MigrationPlan): MigrationPlan {
  const problem = planLimitProblem(plan);
  if (problem) throw new TesseraError('METADATA_INVALID', problem, { problems: [{ pointer: '/files', detail: problem, code: 'META_LIMIT' }] });
  return plan;
}

export async function applyPackage(knex: Knex, files: PackageFiles, options: ApplyOptions): Promise<ApplyResult> {
  const model = validated(files);
  const online = await buildsIndexesOnline(knex);
  const result: ApplyResult = await knex.transaction(async (trx) => applyInTransaction(trx, files, model, options, online));
  await options.afterCommit?.();
  if (!online || options.buildIndexes === false) return result;
  const indexes = await buildOnlineIndexes(knex, result.plan, model);
  return indexes.length > 0 ? { ...result, indexes } : result;
}

/**
 * The apply's work on a transaction the caller owns: the sandbox (engine/sandbox) runs it on one it
 * then rolls back, so a tried change is the very change an apply would make. `onlineIndexes`: the
 * indexes planned for after the apply are left out (applyPackage builds them once it committed).
 */
export async function applyInTransaction(trx: Knex.Transaction, files: PackageFiles, model: Model, options: ApplyOptions, onlineIndexes = false): Promise<ApplyResult & { model: Model }> {
  const checksum = packageChecksum(files);
  await trx.raw('SELECT pg_advisory_xact_lock(?)', [APPLY_LOCK]);
  const current = await currentMetadata(trx);
  const previousVersion = current?.version ?? 0;
  if (options.expectedVersion !== undefined && options.expectedVersion !== previousVersion) {
    throw new TesseraError('METADATA_CONFLICT', `metadata changed meanwhile: expected version ${options.expectedVersion}, the applied version is ${previousVersion}; plan again`, {
      extensions: { currentVersion: previousVersion },
    });
  }
  const plan = withinLimits(planMigration(appliedSchema(current), physicalSchema(model)));
  if (current && current.checksum === checksum && current.platformLevel === PLATFORM_LEVEL) return { version: previousVersion, previousVersion, plan, changed: false, model };
  const destructive = plan.steps.filter((s) => s.destructive);
  if (destructive.length > 0 && !options.allowDestructive) {
    throw new TesseraError('MIGRATION_REFUSED', `the change would drop or narrow data in ${destructive.length} step(s); send it again with allowDestructive to apply it (data is archived first)`, {
      problems: destructive.map((s) => ({ pointer: '', detail: s.description, code: s.step.op })),
      extensions: { plan: plan.steps.map((s) => ({ op: s.step.op, description: s.description, destructive: s.destructive })) },
    });
  }
  const version = previousVersion + 1;
  const btreeGist = plan.steps.some((s) => s.step.op === 'addExclusion') ? await hasExtension(trx, 'btree_gist') : true;
  const collations = plan.steps.some((s) => s.step.op === 'createIndex' && s.step.index.sortText)
    ? new Set(((await trx.raw(COLLATION_QUERY)).rows as { collname: string }[]).map((r) => r.collname))
    : undefined;
  for (const planned of plan.steps) {
    if (onlineIndexes && planned.step.op === 'createIndex' && planned.step.afterApply) continue;
    for (const action of stepActions(planned.step, { metaVersion: version, trigram: options.trigram, btreeGist, ...(collations ? { collations } : {}) })) {
      try {
        if (action.kind === 'sql') {
          await trx.raw(action.sql, (action.bindings ?? []) as Knex.RawBinding[]);
        } else {
          const found = await trx.raw(action.sql);
          if (found.rows.length > 0) {
            const rows = found.rows as { n?: unknown; conflict?: unknown }[];
            const message = action.message.replace('{n}', String(rows[0]!.n ?? '')).replace('{rows}', rows.map((r) => String(r.conflict ?? '')).join('; '));
            throw new TesseraError('MIGRATION_FAILED', message, { problems: [{ pointer: originPointer(action.origin), detail: message, code: planned.step.op }] });
          }
        }
      } catch (error) {
        if (error instanceof TesseraError) throw error;
        const reason = databaseMessage(error, action.sql);
        throw new TesseraError('MIGRATION_FAILED', `step "${planned.description}" failed: ${reason}; nothing was applied`, {
          problems: [{ pointer: '', detail: reason, code: planned.step.op }],
          cause: error,
        });
      }
    }
  }
  for (const planned of plan.steps) if (planned.step.op === 'recompute') await recomputeRecords(trx, model, planned.step.entity);
  const rollups = new Set(plan.steps.flatMap((planned) => (planned.step.op === 'rebuildRollups' ? [planned.step.entity] : [])));
  if (rollups.size > 0) await rebuildRollups(trx, model, rollups);
  await trx('tessera.meta_versions').insert({
    version,
    package: JSON.stringify(files),
    checksum,
    plan: JSON.stringify(plan.steps.map((s) => ({ op: s.step.op, description: s.description, destructive: s.destructive }))),
    source: options.source,
    applied_by: options.actor ?? null,
    platform_level: PLATFORM_LEVEL,
  });
  await trx.raw('SELECT pg_notify(?, ?)', [META_CHANNEL, String(version)]);
  return { version, previousVersion, plan, changed: true, model };
}

/**
 * A database whose metadata was applied at a lower platform level gets what the platform added since
 * (new platform fields and indexes): the applied package is applied again, as a version of its own
 * (source `platform`). null when there was nothing to do.
 */
export async function upgradePlatformLevel(knex: Knex, trigram: boolean, buildIndexes = true): Promise<ApplyResult | null> {
  const current = await currentMetadata(knex);
  if (!current || current.platformLevel >= PLATFORM_LEVEL) return null;
  return applyPackage(knex, current.files, { source: 'platform', trigram, buildIndexes });
}

/** "entities/deal.json#/fields/3" → "/files/entities~1deal.json/fields/3" */
function originPointer(origin: string | undefined): string {
  if (!origin) return '';
  const [file, rest] = origin.split('#');
  return `${pointer('files', file ?? '')}${rest ?? ''}`;
}
