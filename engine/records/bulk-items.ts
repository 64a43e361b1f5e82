// What the bulk writes (bulk-create.ts, bulk-update.ts) share: the records service's internals they
// run on, the refusal of a whole batch naming each bad item by its pointer (`/items/12/subject`), and
// the reference check of every item in one query per field.
import type { Knex } from 'knex';
import type { EntityModel } from '../../metadata/index.ts';
import type { Access, Grant } from '../access/index.ts';
import { isTesseraError, TesseraError, type ErrorCode, type Problem } from '../errors.ts';
import type { EntityRuntime, LiveMetadata } from './live-metadata.ts';
import type { SecretSealer } from './secret-fields.ts';
import type { LineWriter } from './lines.ts';
import type { Actor, RecordChange, RecordContext } from './service.ts';
import type { ApiRecord, Link, Row } from './values.ts';

/** Most items one bulk call takes: one transaction, one statement per chunk of rows. */
export const BULK_MAX_ITEMS = 1000;
/** Rows per INSERT statement (PostgreSQL allows 65,535 parameters per statement; ~60 columns a row). */
export const INSERT_CHUNK = 500;

/** The records service's own steps a bulk write runs (handed in by RecordService; not exported further). */
export interface BulkInternals {
  readonly runtime: LiveMetadata;
  readonly secrets: SecretSealer | null;
  accessOf(ctx: RecordContext): Access;
  inTransaction<T>(ctx: RecordContext, work: (trx: Knex.Transaction) => Promise<T>): Promise<T>;
  checkActivityLinks(entity: EntityModel, values: ApiRecord): void;
  /** Ids among `ids` that exist, are live and are readable (locked FOR SHARE). */
  live(trx: Knex.Transaction, target: string, ids: string[], access: Access): Promise<Set<string>>;
  refuseDuplicates(trx: Knex.Transaction, access: Access, rt: EntityRuntime, values: ApiRecord, id: string | null): Promise<void>;
  /** Refuses a written record colliding under an exclusion rule (`ignore`: later items of the batch). */
  refuseExclusions(trx: Knex.Transaction, access: Access, rt: EntityRuntime, id: string, ignore: readonly string[]): Promise<void>;
  write<T>(entity: EntityModel, work: () => Promise<T>): Promise<T>;
  present(db: Knex.Transaction, rt: EntityRuntime, rows: Row[]): Promise<ApiRecord[]>;
  usableGrants(access: Access, entity: EntityModel, row: Row, right: 'update'): readonly Grant[] | null;
  /** Writes the lines of records with a lines field, as a single create/update does. */
  lineWriter(trx: Knex.Transaction, actor: Actor): LineWriter;
  /** Audits the changes (with the rows kept per change, engine/records/change-rows.ts) in one statement, then runs the change hooks of each. */
  changed(trx: Knex.Transaction, changes: readonly RecordChange[]): Promise<void>;
  visible(access: Access, entity: string, record: ApiRecord): ApiRecord;
}

/** The problems of one item, re-pointed into the batch (`/subject` of item 12 → `/items/12/subject`). */
function itemProblems(index: number, error: TesseraError): Problem[] {
  const base = `/items/${index}`;
  if (error.problems.length === 0) return [{ pointer: base, detail: error.message, code: error.code }];
  return error.problems.map((p) => ({ ...p, pointer: `${base}${p.pointer}` }));
}

/**
 * Collects the refusals of a batch's items. A batch is all or nothing: `throwIfAny` refuses the
 * whole batch with every bad item's problems when they share one code (a form of 50 bad values is
 * answered at once), else with the first item's refusal (a 403 is not merged into a 422).
 */
export class BatchRefusals {
  readonly #failures: { index: number; error: TesseraError }[] = [];

  readonly entity: string;
  readonly size: number;

  constructor(entity: string, size: number) {
    this.entity = entity;
    this.size = size;
  }

  /** Runs one item's check; a TesseraError is kept against the item, anything else is thrown. */
  check<T>(index: number, work: () => T): T | undefined {
    try {
      return work();
    } catch (error) {
      if (!isTesseraError(error)) throw error;
      this.#failures.push({ index, error });
      return undefined;
    }
  }

  async checkAsync<T>(index: number, work: () => Promise<T>): Promise<T | undefined> {
    try {
      return await work();
    } catch (error) {
      if (!isTesseraError(error)) throw error;
      this.#failures.push({ index, error });
      return undefined;
    }
  }

  add(index: number, error: TesseraError): void {
    this.#failures.push({ index, error });
  }

  get failed(): boolean {
    return this.#failures.length > 0;
  }

  throwIfAny(): void {
    if (this.#failures.length === 0) return;
    const first = this.#failures[0]!;
    const sameCode = this.#failures.every((f) => f.error.code === first.error.code);
    const failures = sameCode ? this.#failures : [first];
    const indexes = failures.map((f) => f.index);
    const code: ErrorCode = first.error.code;
    throw new TesseraError(code, `${failures.length} of ${this.size} ${this.entity} item(s) refused (${indexes.slice(0, 10).map((i) => `#${i}`).join(', ')}${indexes.length > 10 ? ', …' : ''}): ${first.error.message}; nothing was written`, {
      problems: failures.flatMap((f) => itemProblems(f.index, f.error)),
      extensions: { ...first.error.extensions, failedItems: indexes },
    });
  }
}

/**
 * The references of every item must point at live records the actor may read: one query per
 * reference field for the whole batch (the single-record path asks per record and field).
 */
export async function checkBatchReferences(internals: BulkInternals, trx: Knex.Transaction, entity: EntityModel, items: readonly (ApiRecord | undefined)[], access: Access, refusals: BatchRefusals): Promise<void> {
  for (const field of entity.fields) {
    if (field.type !== 'reference' && field.type !== 'attachment' && field.type !== 'manyToMany') continue;
    const target = field.type === 'attachment' ? '#files' : field.target;
    const wanted = new Set<string>();
    for (const values of items) {
      const value = values?.[field.name];
      if (value === null || value === undefined) continue;
      if (field.type === 'manyToMany') for (const l of value as Link[]) wanted.add(l.id);
      else wanted.add(value as string);
    }
    if (wanted.size === 0) continue;
    const ok = await internals.live(trx, target, [...wanted], access);
    items.forEach((values, index) => {
      const value = values?.[field.name];
      if (value === null || value === undefined) return;
      const problems: Problem[] = [];
      if (field.type === 'manyToMany') {
        const seen = new Set<string>();
        (value as Link[]).forEach((l, i) => {
          if (!ok.has(l.id)) problems.push({ pointer: `/${field.name}/${i}/id`, detail: `no ${field.target} with id ${l.id}`, code: 'REFERENCE_NOT_FOUND', params: { target: field.target } });
          const key = `${l.id}/${l.role ?? ''}`;
          if (seen.has(key)) problems.push({ pointer: `/${field.name}/${i}`, detail: 'is listed twice', code: 'DUPLICATE_LINK' });
          seen.add(key);
        });
      } else if (!ok.has(value as string)) {
        const name = field.type === 'attachment' ? 'file' : field.target;
        problems.push({ pointer: `/${field.name}`, detail: `no ${name} with id ${String(value)}`, code: 'REFERENCE_NOT_FOUND', params: { target: name } });
      }
      if (problems.length) refusals.add(index, new TesseraError('REFERENCE_NOT_FOUND', `referenced records do not exist: ${problems.map((p) => p.pointer).join(', ')}`, { problems }));
    });
  }
}

/** Many-to-many links of the batch's records, one INSERT per field (existing links of updated records replaced). */
export async function writeBatchLinks(trx: Knex.Transaction, entity: EntityModel, joinTable: (field: string) => string, items: readonly { id: string; values: ApiRecord }[], isNew: boolean): Promise<void> {
  for (const field of entity.fields) {
    if (field.type !== 'manyToMany') continue;
    const touched = items.filter((item) => Object.hasOwn(item.values, field.name));
    if (touched.length === 0) continue;
    const join = joinTable(field.name);
    if (!isNew) await trx(join).whereIn('source', touched.map((t) => t.id)).delete();
    const rows = touched.flatMap((item) => ((item.values[field.name] as Link[] | undefined) ?? []).map((l, position) => ({ source: item.id, target: l.id, role: l.role ?? '', position })));
    for (let i = 0; i < rows.length; i += INSERT_CHUNK) await trx(join).insert(rows.slice(i, i + INSERT_CHUNK));
  }
}

/** Refuses a batch too large for one transaction, or not a list. */
export function checkBatchSize(items: unknown, what: string): asserts items is readonly unknown[] {
  if (!Array.isArray(items)) throw new TesseraError('VALIDATION_FAILED', `send the ${what} as a list`, { problems: [{ pointer: '/items', detail: 'must be a list', code: 'TYPE' }] });
  if (items.length > BULK_MAX_ITEMS) {
    throw new TesseraError('VALIDATION_FAILED', `at most ${BULK_MAX_ITEMS} ${what} per call (got ${items.length})`, { problems: [{ pointer: '/items', detail: `at most ${BULK_MAX_ITEMS} items`, code: 'MAXITEMS', params: { limit: BULK_MAX_ITEMS } }] });
  }
}
