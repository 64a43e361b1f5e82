// The running metadata: the applied model with everything derived from it (validators, objection
// model classes). A new version replaces the snapshot atomically, so requests in flight finish on the
// version they started with and the server never restarts for a metadata change.
import type { Knex } from 'knex';
import { Model as ObjectionModel, type RelationMappings } from 'objection';
import type { DatabaseListener } from '../db/notifications.ts';
import { joinTableName, PLATFORM_SCHEMA, PLATFORM_TARGETS, platformTarget, type EntityModel, type Model } from '../../metadata/index.ts';
import { TesseraError } from '../errors.ts';
import { currentMetadata, META_CHANNEL } from '../schema-sync/index.ts';
import { compileValidators, createRecordAjv, type EntityValidators } from './validation.ts';

export type RecordModelClass = typeof ObjectionModel;

export interface EntityRuntime {
  readonly entity: EntityModel;
  readonly validators: EntityValidators;
  /** objection model bound to the entity's table; relations are named `R_<field>`. */
  readonly Record: RecordModelClass;
}

export interface MetadataSnapshot {
  readonly version: number;
  readonly model: Model;
  readonly checksum: string;
  readonly appliedAt: string;
  readonly entities: ReadonlyMap<string, EntityRuntime>;
  /** Entity types and fields that reference each entity type (for onDelete). */
  readonly referrers: ReadonlyMap<string, readonly { entity: string; field: string; onDelete: 'restrict' | 'cascade' | 'setNull' }[]>;
}

/** objection models of the platform tables reference fields may target (users, teams). */
const PLATFORM_CLASSES: ReadonlyMap<string, RecordModelClass> = new Map(
  [...PLATFORM_TARGETS.values()].map((target) => {
    const Record = class extends ObjectionModel {};
    Object.defineProperty(Record, 'name', { value: `Platform_${target.table}` });
    Record.tableName = `${PLATFORM_SCHEMA}.${target.table}`;
    return [target.name, Record];
  }),
);

export const relationName = (field: string) => `R_${field}`;

function buildClasses(model: Model): Map<string, RecordModelClass> {
  const classes = new Map<string, RecordModelClass>();
  for (const entity of model.entities.values()) {
    const Record = class extends ObjectionModel {};
    Object.defineProperty(Record, 'name', { value: `Record_${entity.name}` });
    Record.tableName = entity.table;
    Record.idColumn = 'id';
    classes.set(entity.name, Record);
  }
  for (const entity of model.entities.values()) {
    const Record = classes.get(entity.name)!;
    const mappings: RelationMappings = {};
    for (const field of entity.fields) {
      if (field.type === 'reference') {
        const target = PLATFORM_CLASSES.get(field.target) ?? classes.get(field.target)!;
        mappings[relationName(field.name)] = {
          relation: ObjectionModel.BelongsToOneRelation,
          modelClass: target,
          join: { from: `${entity.table}.${field.name}`, to: `${target.tableName}.id` },
        };
      } else if (field.type === 'manyToMany') {
        const target = classes.get(field.target)!;
        const join = joinTableName(entity.table, field.name);
        mappings[relationName(field.name)] = {
          relation: ObjectionModel.ManyToManyRelation,
          modelClass: target,
          join: { from: `${entity.table}.id`, through: { from: `${join}.source`, to: `${join}.target`, extra: ['role'] }, to: `${target.tableName}.id` },
        };
      }
    }
    Record.relationMappings = mappings;
  }
  return classes;
}

export function buildSnapshot(version: number, model: Model, applied: { checksum: string; appliedAt: string } = { checksum: '', appliedAt: '' }): MetadataSnapshot {
  const ajv = createRecordAjv();
  const classes = buildClasses(model);
  const entities = new Map<string, EntityRuntime>();
  const referrers = new Map<string, { entity: string; field: string; onDelete: 'restrict' | 'cascade' | 'setNull' }[]>();
  for (const entity of model.entities.values()) {
    entities.set(entity.name, { entity, validators: compileValidators(ajv, model, entity), Record: classes.get(entity.name)! });
    for (const field of entity.fields) {
      if (field.type !== 'reference' || platformTarget(field.target)) continue;
      const list = referrers.get(field.target) ?? [];
      list.push({ entity: entity.name, field: field.name, onDelete: field.onDelete ?? 'restrict' });
      referrers.set(field.target, list);
    }
  }
  return { version, model, ...applied, entities, referrers };
}

/** Holds the current snapshot; reloads on NOTIFY from any process that applies metadata. */
export class LiveMetadata {
  #snapshot: MetadataSnapshot | null = null;
  #reloading: Promise<void> | null = null;
  #queued: Promise<void> | null = null;
  readonly #knex: Knex;
  readonly #onChange: ((snapshot: MetadataSnapshot) => void)[] = [];

  constructor(knex: Knex) {
    this.#knex = knex;
  }

  get snapshot(): MetadataSnapshot {
    if (!this.#snapshot) throw new TesseraError('NOT_FOUND', 'no metadata has been applied to this database yet');
    return this.#snapshot;
  }

  get loaded(): boolean {
    return this.#snapshot !== null;
  }

  entity(name: string): EntityRuntime {
    const runtime = this.snapshot.entities.get(name);
    if (!runtime) throw new TesseraError('UNKNOWN_ENTITY', `unknown entity type "${name}"`, { extensions: { entity: name } });
    return runtime;
  }

  onChange(listener: (snapshot: MetadataSnapshot) => void): void {
    this.#onChange.push(listener);
  }

  /** Loads the latest applied version (no-op when already current). */
  async reload(): Promise<void> {
    // A reload asked for while one runs may follow a commit that one did not see: queue another.
    if (this.#reloading) return (this.#queued ??= this.#reloading.then(() => {
      this.#queued = null;
      return this.reload();
    }));
    this.#reloading = (async () => {
      // Cheap check first: most reloads (polling, notifications of our own applies) find nothing new.
      const latest = (await this.#knex('tessera.meta_versions').max({ v: 'version' }).first()) as { v: number | null } | undefined;
      if ((latest?.v ?? null) === (this.#snapshot?.version ?? null)) return;
      const applied = await currentMetadata(this.#knex);
      if (!applied || applied.version === this.#snapshot?.version) return;
      this.#snapshot = buildSnapshot(applied.version, applied.model, { checksum: applied.checksum, appliedAt: applied.appliedAt });
      for (const listener of this.#onChange) listener(this.#snapshot);
    })().finally(() => {
      this.#reloading = null;
    });
    return this.#reloading;
  }

  /** Follows metadata applied by other processes. */
  async listen(listener: DatabaseListener): Promise<void> {
    await listener.on(META_CHANNEL, () => void this.reload().catch(() => undefined));
  }
}
