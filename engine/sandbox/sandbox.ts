// Trying a pending metadata change before applying it: the very apply (engine/schema-sync) runs on a
// transaction, sample records are created in it through the records service over the new model (its
// validation, defaults, numbering, computed and rollup fields, rights, audit) with the platform's
// change hooks — the tried package's workflow triggers, the connectors' record hooks, the events kept
// for automations — and the transaction is rolled back: nothing persists (no table, row, counter,
// metadata version, workflow instance or queued job), and no NOTIFY leaves (Postgres drops it with
// the rollback). What a sample set off is noted as it runs (engine/records/trial-run.ts) and answered
// per sample: the work that would have left the transaction is reported, not done. The tables the change alters stay locked until the rollback, so the sandbox is short and
// gives up waiting on a lock after a few seconds instead of queueing real writes behind it; on the
// embedded database (one session) every other statement waits for it, as for an apply.
import type { Knex } from 'knex';
import { canonicalJson, isoLocalDate, type EntityModel, type Model, type PackageFiles } from '../../metadata/index.ts';
import { TesseraError, type Problem } from '../errors.ts';
import { buildSnapshot, LiveMetadata, RecordService, TrialRun, withinTrial, type Actor, type ApiRecord, type MetadataSnapshot, type TrialFired } from '../records/index.ts';
import { applyInTransaction, validated } from '../schema-sync/index.ts';
import type { SecretSealer } from '../records/secret-fields.ts';

/** A sample record to create: its entity type and values (absent: one generated from the new schema). */
export interface SandboxSample {
  readonly entity: string;
  readonly values?: Readonly<Record<string, unknown>>;
}

export interface SandboxOutcome {
  readonly entity: string;
  readonly values: Readonly<Record<string, unknown>>;
  /** The record as the API would return it, when created. */
  readonly record?: ApiRecord;
  /** What creating it set off (workflows, messages, jobs, automation events), when created. */
  readonly fired?: TrialFired;
  /** Why it was refused (validation, rights, numbering…): the problems, the error's code and message. */
  readonly problems?: readonly Problem[];
  readonly code?: string;
  readonly message?: string;
}

export interface SandboxResult {
  readonly fromVersion: number;
  /** The version the change would become (it is not stored). */
  readonly version: number;
  readonly changed: boolean;
  readonly destructive: boolean;
  readonly steps: readonly { op: string; description: string; destructive: boolean }[];
  readonly samples: readonly SandboxOutcome[];
  readonly rolledBack: true;
}

/** The running metadata fixed to one snapshot: the sandbox's records service sees the tried model. */
class TriedMetadata extends LiveMetadata {
  readonly #tried: MetadataSnapshot;
  constructor(knex: Knex, tried: MetadataSnapshot) {
    super(knex);
    this.#tried = tried;
  }
  override get snapshot(): MetadataSnapshot {
    return this.#tried;
  }
  override get loaded(): boolean {
    return true;
  }
  override async reload(): Promise<void> {}
}

class RolledBack extends Error {
  readonly result: SandboxResult;
  constructor(result: SandboxResult) {
    super('sandbox rolled back');
    this.result = result;
  }
}

/** Values for a record of the type filling its required fields with plain samples (pure). */
export function sampleValues(entity: EntityModel, now: Date, timeZone = 'UTC'): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const field of entity.fields) {
    if (!field.required || field.readOnly || 'default' in field) continue;
    const sample = sampleOf(field, now, timeZone);
    if (sample !== undefined) values[field.name] = sample;
  }
  return values;
}

function sampleOf(field: EntityModel['fields'][number], now: Date, timeZone: string): unknown {
  switch (field.type) {
    case 'string':
    case 'text':
      return 'Sandbox';
    case 'email':
      return 'sandbox@example.com';
    case 'url':
      return 'https://example.com';
    case 'integer':
    case 'decimal':
    case 'percent':
      return 1;
    case 'boolean':
      return false;
    case 'date':
      return isoLocalDate(now, timeZone);
    case 'datetime':
      return now.toISOString();
    case 'enum':
      return field.values[0]?.value;
    default:
      return undefined;
  }
}

/**
 * Entity types whose definition the change adds or alters, or whose triggers it adds or alters (a
 * sample shows what the trigger would start): by default each gets one sample.
 */
export function changedEntities(before: Model | null, after: Model): string[] {
  // Canonical JSON: the stored package comes back from jsonb with its keys in another order.
  const declared = (model: Model | null, name: string) => canonicalJson(model?.pkg.entities.find((e) => e.name === name) ?? null);
  const trigger = (model: Model | null, name: string) => canonicalJson(model?.pkg.triggers?.find((t) => t.name === name) ?? null);
  const entities = after.pkg.entities.filter((e) => declared(before, e.name) !== declared(after, e.name)).map((e) => e.name);
  const triggered = (after.pkg.triggers ?? []).filter((t) => trigger(before, t.name) !== trigger(after, t.name) && after.entities.has(t.entity)).map((t) => t.entity);
  return [...new Set([...entities, ...triggered])];
}

export interface SandboxOptions {
  readonly actor: Actor;
  readonly samples?: readonly SandboxSample[];
  readonly trigram: boolean;
  readonly secrets?: SecretSealer | null;
  /** The model applied now (for the default samples). */
  readonly current: Model | null;
  readonly now?: Date;
  /** The platform's records service: its change hooks run for the samples too. */
  readonly hooksOf?: RecordService;
}

/** Runs the change and the samples on a transaction that is always rolled back; returns what happened. */
export async function trySandbox(knex: Knex, files: PackageFiles, options: SandboxOptions): Promise<SandboxResult> {
  const model = validated(files);
  const now = options.now ?? new Date();
  const timeZone = model.pkg.manifest.timeZone ?? 'UTC';
  try {
    await knex.transaction(async (trx) => {
      // Waiting behind real work is refused rather than queued (the sandbox would hold it up in turn).
      await trx.raw(`SET LOCAL lock_timeout = '5s'`);
      // An indexed report's index over a table with records is left out, as a server's apply transaction
      // leaves it (built after the commit): building it here would hold off writes for nothing.
      const applied = await applyInTransaction(trx, files, model, { source: 'api', actor: options.actor.userId, allowDestructive: true, trigram: options.trigram }, true);
      const records = new RecordService(knex, new TriedMetadata(knex, buildSnapshot(applied.version, model)), { secrets: options.secrets ?? null, ...(options.hooksOf ? { hooksOf: options.hooksOf } : {}) });
      const wanted: readonly SandboxSample[] = options.samples ?? changedEntities(options.current, model).map((entity) => ({ entity }));
      const samples: SandboxOutcome[] = [];
      for (const sample of wanted) {
        const entity = model.entities.get(sample.entity);
        const values = sample.values ?? (entity ? sampleValues(entity, now, timeZone) : {});
        try {
          // A savepoint per sample: a refused one leaves the others and the change in place.
          const trial = new TrialRun(model);
          const record = await withinTrial(trial, () => trx.transaction(async (sp) => records.create({ actor: options.actor, trx: sp }, sample.entity, values)));
          samples.push({ entity: sample.entity, values, record, fired: trial.fired() });
        } catch (error) {
          if (!(error instanceof TesseraError)) throw error;
          samples.push({ entity: sample.entity, values, problems: error.problems, code: error.code, message: error.message });
        }
      }
      const steps = applied.plan.steps.map((s) => ({ op: s.step.op, description: s.description, destructive: s.destructive }));
      throw new RolledBack({ fromVersion: applied.previousVersion, version: applied.version, changed: applied.changed, destructive: applied.plan.destructive, steps, samples, rolledBack: true });
    });
  } catch (error) {
    if (error instanceof RolledBack) return error.result;
    throw error;
  }
  throw new Error('the sandbox transaction was not rolled back');
}
