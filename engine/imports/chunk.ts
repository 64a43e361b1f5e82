// One chunk of an import's rows through the records service, inside the caller's transaction: cells
// read (rows.ts), references looked up, the duplicate key matched against live records and the rows
// before it in the file, then each row created or updated in a savepoint of its own, so a refused row
// is reported at its pointers and the others go on. The problems are the records service's own (its
// validation, rights, references, duplicate rules): the import adds only what reading a cell finds.
import type { Knex } from 'knex';
import type { EntityModel, Field } from '../../metadata/index.ts';
import { isTesseraError, type Problem } from '../errors.ts';
import type { Actor, RecordService } from '../records/index.ts';
import { isReferenceText, type CellContext } from './cells.ts';
import { existingByKey, keyOf, resolveTexts } from './lookups.ts';
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

/** Reference texts → ids, in place; problems for texts naming no record or several. */
async function resolveReferences(trx: Knex.Transaction, settings: ChunkSettings, inputs: Record<string, unknown>[], problems: Problem[][]): Promise<void> {
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

export async function runChunk(
  trx: Knex.Transaction,
  records: RecordService,
  actor: Actor,
  settings: ChunkSettings,
  rows: readonly { readonly row: number; readonly cells: readonly string[] }[],
  seen: SeenKeys,
): Promise<ChunkResult> {
  const read = rows.map((r) => rowInput(settings.headers, r.cells, settings.mapping, settings.cells));
  const inputs = read.map((r) => r.input);
  const problems = read.map((r) => [...r.problems]);
  await resolveReferences(trx, settings, inputs, problems);
  const { key } = settings;
  const keys = key ? inputs.map((input) => keyOf(key, input[key.name])) : inputs.map(() => null);
  const existing = key ? await existingByKey(trx, settings.entity, key, [...new Set(keys.filter((k): k is string => k !== null))]) : new Map<string, { id: string; version: number }[]>();
  const result: ChunkResult = { written: [], skipped: 0, failed: 0, problems: [] };
  let skipped = 0;
  let failed = 0;
  for (const [i, { row }] of rows.entries()) {
    const k = keys[i] ?? null;
    const matches = k === null ? [] : (seen.get(k) ?? existing.get(k) ?? []);
    if (problems[i]!.length === 0 && matches.length > 0 && settings.onDuplicate === 'skip') {
      skipped += 1;
      continue;
    }
    if (problems[i]!.length === 0 && matches.length > 1 && settings.onDuplicate === 'update') {
      problems[i]!.push({ pointer: `/${key!.name}`, code: 'IMPORT_KEY_AMBIGUOUS', detail: `${matches.length} records have this ${key!.name}`, params: { count: matches.length } });
    }
    if (problems[i]!.length === 0) {
      try {
        const update = matches.length === 1 && settings.onDuplicate === 'update' ? matches[0]! : null;
        const written = await trx.transaction(async (sp) => {
          const ctx = { actor, trx: sp };
          const record = update ? await records.update(ctx, settings.entity.name, update.id, inputs[i], { expectedVersion: update.version }) : await records.create(ctx, settings.entity.name, inputs[i]);
          const id = String(record.id);
          const audit = update ? ((await sp('tessera.audit_log').where({ entity: settings.entity.name, record_id: id }).max('id as id').first()) as { id: string | number | null } | undefined) : undefined;
          return { row, recordId: id, action: update ? ('update' as const) : ('create' as const), version: Number(record.version), auditId: audit?.id != null ? Number(audit.id) : null };
        });
        result.written.push(written);
        if (k !== null) seen.set(k, [{ id: written.recordId, version: written.version }]);
        continue;
      } catch (error) {
        problems[i]!.push(...asProblems(error));
      }
    }
    failed += 1;
    for (const p of problems[i]!) result.problems.push({ ...p, row });
  }
  return { ...result, skipped, failed };
}
