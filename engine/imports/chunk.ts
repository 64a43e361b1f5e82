// One chunk of an import's rows through the records service, inside the caller's transaction: cells
// read (rows.ts), references looked up, the duplicate key matched against live records and the rows
// before it in the file, then each row created or updated in a savepoint of its own, so a refused row
// is reported at its pointers and the others go on. A row's related records (a contractor's person)
// are created with it in its savepoint: refused, the whole row is, at `/person/0/<field>`. The problems are the records service's own (its
// validation, rights, references, duplicate rules): the import adds only what reading a cell finds.
import type { Knex } from 'knex';
import type { EntityModel, Field } from '../../metadata/index.ts';
import { isTesseraError, type Problem } from '../errors.ts';
import type { Actor, AuditRow, RecordService } from '../records/index.ts';
import { isReferenceText, type CellContext } from './cells.ts';
import { existingByKey, keyOf, resolveTexts } from './lookups.ts';
import type { RelatedImport } from './mapping.ts';
import { rowInput } from './rows.ts';

export type OnDuplicate = 'skip' | 'update' | 'create';

export interface ChunkSettings {
  readonly entity: EntityModel;
  readonly headers: readonly string[];
  readonly mapping: Readonly<Record<string, string | null>>;
  readonly key: Field | null;
  readonly onDuplicate: OnDuplicate;
  readonly cells: CellContext;
  readonly entityOf: (name: string) => EntityModel;
  /** Related types the row also creates a record of, about the row's record (`/person/0/…`); none: the fast path. */
  readonly related?: readonly RelatedColumns[];
}

export interface RelatedColumns extends RelatedImport {
  /** Header → field of the related type. */
  readonly mapping: Readonly<Record<string, string | null>>;
}

export interface RowProblem extends Problem {
  readonly row: number;
}

export interface Written {
  readonly row: number;
  readonly recordId: string;
  readonly action: 'create' | 'update';
  readonly version: number;
  readonly auditId: number | null;
  /** A related record of the row (1, 2…: in the order of `related`); absent: the row's own. */
  readonly part?: number;
  /** The related record's type. */
  readonly entity?: string;
}

export interface ChunkResult {
  readonly written: Written[];
  readonly skipped: number;
  readonly failed: number;
  readonly problems: RowProblem[];
}

/** Keys seen earlier in the run that the database cannot show (a dry run rolls its writes back). */
export type SeenKeys = Map<string, { id: string; version: number }[]>;

function asProblems(error: unknown): Problem[] {
  if (!isTesseraError(error)) throw error;
  return error.problems.length ? [...error.problems] : [{ pointer: '', detail: error.message, code: error.code }];
}

/** A related record's problems, at their place under the row: `/person/0/email`. */
const relatedPointer = (related: RelatedImport, pointer: string) => `/${related.entity.name}/0${pointer}`;

/** A related record of a row was refused: the row is, with the problems at their related pointers. */
class RelatedRefused extends Error {
  readonly problems: Problem[];
  constructor(problems: Problem[]) {
    super('a related record was refused');
    this.problems = problems;
  }
}

/** Reference texts → ids, in place; problems for texts naming no record or several. */
async function resolveReferences(trx: Knex.Transaction, settings: Pick<ChunkSettings, 'entity' | 'entityOf'>, inputs: Record<string, unknown>[], problems: Problem[][], at: (pointer: string) => string = (p) => p): Promise<void> {
  for (const field of settings.entity.fields) {
    if (field.type !== 'reference' && field.type !== 'manyToMany') continue;
    const texts = new Set<string>();
    for (const input of inputs) {
      const v = input[field.name];
      for (const item of Array.isArray(v) ? v : [v]) if (isReferenceText(item)) texts.add(item.lookup);
    }
    if (texts.size === 0) continue;
    const found = await resolveTexts(trx, settings.entityOf(field.target), texts);
    inputs.forEach((input, i) => {
      const v = input[field.name];
      const one = (ref: unknown, pointer: string): string | null => {
        if (!isReferenceText(ref)) return null;
        const ids = found.get(ref.lookup) ?? [];
        if (ids.length === 1) return ids[0]!;
        pointer = at(pointer);
        problems[i]!.push(
          ids.length === 0
            ? { pointer, code: 'IMPORT_REFERENCE_NOT_FOUND', detail: `no ${field.target} named "${ref.lookup}"`, params: { value: ref.lookup, entity: field.target } }
            : { pointer, code: 'IMPORT_REFERENCE_AMBIGUOUS', detail: `${ids.length} ${field.target} records match "${ref.lookup}"`, params: { value: ref.lookup, entity: field.target, count: ids.length } },
        );
        return null;
      };
      if (Array.isArray(v)) input[field.name] = v.map((ref, j) => ({ id: one(ref, `/${field.name}/${j}`) }));
      else if (v !== undefined) input[field.name] = one(v, `/${field.name}`);
    });
  }
}

interface Prepared {
  readonly rows: readonly { readonly row: number }[];
  readonly inputs: Record<string, unknown>[];
  readonly problems: Problem[][];
  readonly keys: (string | null)[];
  readonly existing: Map<string, { id: string; version: number }[]>;
  /** Per row, the input of each related record (null: its columns are empty in the row). */
  readonly relatedInputs: (Record<string, unknown> | null)[][];
}

/** Cells read, references looked up, keys matched: everything before the writes. */
async function prepare(trx: Knex.Transaction, settings: ChunkSettings, rows: readonly { readonly row: number; readonly cells: readonly string[] }[]): Promise<Prepared> {
  const read = rows.map((r) => rowInput(settings.headers, r.cells, settings.mapping, settings.cells));
  const inputs = read.map((r) => r.input);
  const problems = read.map((r) => [...r.problems]);
  await resolveReferences(trx, settings, inputs, problems);
  const relatedInputs: (Record<string, unknown> | null)[][] = rows.map(() => []);
  for (const related of settings.related ?? []) {
    const at = (pointer: string) => relatedPointer(related, pointer);
    const cells = { ...settings.cells, entity: related.entity };
    const parts = rows.map((r, i) => {
      const part = rowInput(settings.headers, r.cells, related.mapping, cells);
      problems[i]!.push(...part.problems.map((p) => ({ ...p, pointer: at(p.pointer) })));
      return Object.keys(part.input).length || part.problems.length ? part.input : null;
    });
    const present = parts.flatMap((p, i) => (p ? [{ p, i }] : []));
    const partProblems = present.map(() => [] as Problem[]);
    await resolveReferences(trx, { entity: related.entity, entityOf: settings.entityOf }, present.map((x) => x.p), partProblems, at);
    present.forEach((x, n) => problems[x.i]!.push(...partProblems[n]!));
    parts.forEach((p, i) => relatedInputs[i]!.push(p));
  }
  const { key } = settings;
  const keys = key ? inputs.map((input) => keyOf(key, input[key.name])) : inputs.map(() => null);
  const existing = key ? await existingByKey(trx, settings.entity, key, [...new Set(keys.filter((k): k is string => k !== null))]) : new Map<string, { id: string; version: number }[]>();
  return { rows, inputs, problems, keys, existing, relatedInputs };
}

/** A write refused in the fast pass: the chunk is run again row by row in savepoints. */
class RowRefused extends Error {}

/**
 * Writes the prepared rows. `fast`: straight on the chunk's transaction with the audit rows
 * collected and inserted in one statement — the first refusal throws RowRefused (a failed statement
 * would have aborted the transaction, and a refusal after a row's first write would leave half a row),
 * and the caller rolls the chunk back and runs it again slow: each row in a savepoint of its own.
 */
async function write(trx: Knex.Transaction, records: RecordService, actor: Actor, settings: ChunkSettings, prepared: Prepared, seen: SeenKeys, fast: boolean): Promise<ChunkResult> {
  const { rows, inputs, problems, keys, existing, relatedInputs } = prepared;
  const { key } = settings;
  const result: ChunkResult = { written: [], skipped: 0, failed: 0, problems: [] };
  let skipped = 0;
  let failed = 0;
  // What this chunk changes in `seen`, to put back if it is rolled back.
  const seenBefore = new Map<string, { id: string; version: number }[] | undefined>();
  const audits: AuditRow[] = [];
  const stopCollecting = fast ? records.collectAudit(trx, (row) => audits.push(row)) : () => undefined;
  const remember = (k: string | null, written: Written) => {
    if (k === null) return;
    if (!seenBefore.has(k)) seenBefore.set(k, seen.get(k));
    seen.set(k, [{ id: written.recordId, version: written.version }]);
  };
  // The fast pass creates new records through the records service's bulk path (one multi-row
  // INSERT per batch): buffered here and written when a later row's key needs them, or at the end.
  const pending: { i: number; row: number; k: string | null }[] = [];
  const pendingKeys = new Set<string>();
  const flush = async () => {
    if (pending.length === 0) return;
    const batch = pending.splice(0);
    pendingKeys.clear();
    let created;
    try {
      created = await records.createMany({ actor, trx }, settings.entity.name, batch.map((p) => inputs[p.i]));
    } catch (error) {
      throw new RowRefused('', { cause: error });
    }
    batch.forEach((p, n) => {
      const written: Written = { row: p.row, recordId: String(created[n]!.id), action: 'create', version: Number(created[n]!.version), auditId: null };
      result.written.push(written);
      remember(p.k, written);
    });
  };
  try {
    for (const [i, { row }] of rows.entries()) {
      const k = keys[i] ?? null;
      if (k !== null && pendingKeys.has(k)) await flush();
      const rowProblems = [...problems[i]!];
      const matches = k === null ? [] : (seen.get(k) ?? existing.get(k) ?? []);
      if (rowProblems.length === 0 && matches.length > 0 && settings.onDuplicate === 'skip') {
        skipped += 1;
        continue;
      }
      if (rowProblems.length === 0 && matches.length > 1 && settings.onDuplicate === 'update') {
        rowProblems.push({ pointer: `/${key!.name}`, code: 'IMPORT_KEY_AMBIGUOUS', detail: `${matches.length} records have this ${key!.name}`, params: { count: matches.length } });
      }
      if (rowProblems.length === 0) {
        const update = matches.length === 1 && settings.onDuplicate === 'update' ? matches[0]! : null;
        if (fast && !update) {
          pending.push({ i, row, k });
          if (k !== null) pendingKeys.add(k);
          continue;
        }
        const once = async (db: Knex.Transaction): Promise<Written[]> => {
          const ctx = { actor, trx: db };
          const record = update ? await records.update(ctx, settings.entity.name, update.id, inputs[i], { expectedVersion: update.version }) : await records.create(ctx, settings.entity.name, inputs[i]);
          const id = String(record.id);
          // In the fast pass the audit row is not written yet: its id is filled in below.
          const audit = update && !fast ? ((await db('tessera.audit_log').where({ entity: settings.entity.name, record_id: id }).max('id as id').first()) as { id: string | number | null } | undefined) : undefined;
          const own: Written = { row, recordId: id, action: update ? 'update' : 'create', version: Number(record.version), auditId: audit?.id != null ? Number(audit.id) : null };
          const parts: Written[] = [];
          for (const [n, related] of (settings.related ?? []).entries()) {
            const input = relatedInputs[i]![n];
            if (!input) continue;
            try {
              const made = await records.create(ctx, related.entity.name, { ...input, [related.via]: id });
              parts.push({ row, recordId: String(made.id), action: 'create', version: Number(made.version), auditId: null, part: n + 1, entity: related.entity.name });
            } catch (error) {
              throw new RelatedRefused(asProblems(error).map((p) => ({ ...p, pointer: relatedPointer(related, p.pointer) })));
            }
          }
          return [own, ...parts];
        };
        try {
          const [written, ...parts] = fast ? await once(trx) : await trx.transaction(once);
          result.written.push(written!, ...parts);
          remember(k, written!);
          continue;
        } catch (error) {
          if (fast) throw new RowRefused('', { cause: error });
          rowProblems.push(...(error instanceof RelatedRefused ? error.problems : asProblems(error)));
        }
      }
      failed += 1;
      for (const p of rowProblems) result.problems.push({ ...p, row });
    }
    await flush();
    if (audits.length) {
      stopCollecting();
      const ids = (await trx('tessera.audit_log')
        .insert(audits.map((a) => ({ ...a, changes: JSON.stringify(a.changes), origin: a.origin ? JSON.stringify(a.origin) : null })))
        .returning(['id', 'record_id', 'action'])) as { id: string | number; record_id: string; action: string }[];
      // The last update audit row of each record is the one its undo reverts to (rows are in write order).
      const updates = new Map<string, number[]>();
      for (const a of ids) if (a.action === 'update') updates.set(a.record_id, [...(updates.get(a.record_id) ?? []), Number(a.id)]);
      const taken = new Map<string, number>();
      result.written.forEach((w, n) => {
        if (w.action !== 'update') return;
        const at = taken.get(w.recordId) ?? 0;
        taken.set(w.recordId, at + 1);
        result.written[n] = { ...w, auditId: updates.get(w.recordId)?.[at] ?? null };
      });
    }
  } catch (error) {
    for (const [k, before] of seenBefore) {
      if (before === undefined) seen.delete(k);
      else seen.set(k, before);
    }
    throw error;
  } finally {
    stopCollecting();
  }
  return { ...result, skipped, failed };
}

/**
 * Runs one chunk in `trx` (its own transaction: the caller commits or rolls it back). Tries the fast
 * pass in a savepoint; a refused row rolls that back and the chunk runs row by row.
 */
export async function runChunk(
  trx: Knex.Transaction,
  records: RecordService,
  actor: Actor,
  settings: ChunkSettings,
  rows: readonly { readonly row: number; readonly cells: readonly string[] }[],
  seen: SeenKeys,
): Promise<ChunkResult> {
  const prepared = await prepare(trx, settings, rows);
  // A row with related records is written with them in a savepoint of its own: the slow pass.
  if (settings.related?.length) return write(trx, records, actor, settings, prepared, seen, false);
  try {
    return await trx.transaction((fast) => write(fast, records, actor, settings, prepared, seen, true));
  } catch (error) {
    if (!(error instanceof RowRefused)) throw error;
  }
  return write(trx, records, actor, settings, prepared, seen, false);
}
