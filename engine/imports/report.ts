// What a user sees of an import: progress and counts, the validation report (per row and field, the
// first IMPORT_PROBLEMS_SHOWN problems), and cancelling. Only the user who started an import sees it;
// to anyone else it does not exist.
import type { Knex } from 'knex';
import { isUuid } from '../../metadata/index.ts';
import { TesseraError } from '../errors.ts';
import type { Actor } from '../records/index.ts';
import { IMPORT_PROBLEMS_SHOWN, type ImportRow } from './jobs.ts';

export interface ImportReport {
  readonly id: string;
  readonly entity: string;
  readonly dryRun: boolean;
  readonly status: string;
  readonly fileName: string;
  readonly format: string;
  readonly encoding: string | null;
  readonly delimiter: string | null;
  readonly mapping: Readonly<Record<string, string | null>>;
  readonly key: string | null;
  readonly onDuplicate: string;
  readonly total: number;
  readonly processed: number;
  readonly created: number;
  readonly updated: number;
  readonly skipped: number;
  readonly failed: number;
  readonly error: string | null;
  readonly problemCount: number;
  readonly problems: readonly { row: number; pointer: string; code: string | null; detail: string; params: unknown }[];
  readonly createdAt: Date;
  readonly finishedAt: Date | null;
  readonly undoneAt: Date | null;
}

const COLUMNS = ['id', 'entity', 'user_id', 'dry_run', 'status', 'file_name', 'format', 'encoding', 'delimiter', 'options', 'total', 'processed', 'created', 'updated', 'skipped', 'failed', 'error', 'created_at', 'finished_at', 'undone_at'];

/** The import row of the acting user; 404 for another user's or a missing one. */
export async function ownImport(db: Knex | Knex.Transaction, actor: Actor, id: string, forUpdate = false): Promise<ImportRow> {
  if (!isUuid(id)) throw new TesseraError('NOT_FOUND', `no import ${id}`);
  const q = db('tessera.imports').where({ id }).first(COLUMNS);
  const row = (await (forUpdate ? q.forUpdate() : q)) as ImportRow | undefined;
  if (!row || (row.user_id !== actor.userId && !actor.access?.unrestricted)) throw new TesseraError('NOT_FOUND', `no import ${id}`);
  return row;
}

export async function importReport(db: Knex, actor: Actor, id: string): Promise<ImportReport> {
  const row = await ownImport(db, actor, id);
  const problems = (await db('tessera.import_problems').where({ import_id: id }).orderBy(['row_number', 'pointer']).limit(IMPORT_PROBLEMS_SHOWN).select('row_number', 'pointer', 'code', 'detail', 'params')) as { row_number: number; pointer: string; code: string | null; detail: string; params: unknown }[];
  const count = (await db('tessera.import_problems').where({ import_id: id }).count('* as n').first()) as { n: string | number };
  return {
    id: row.id,
    entity: row.entity,
    dryRun: row.dry_run,
    status: row.status,
    fileName: row.file_name,
    format: row.format,
    encoding: row.encoding,
    delimiter: row.delimiter,
    mapping: row.options.mapping,
    key: row.options.key,
    onDuplicate: row.options.onDuplicate,
    total: row.total,
    processed: row.processed,
    created: row.created,
    updated: row.updated,
    skipped: row.skipped,
    failed: row.failed,
    error: row.error,
    problemCount: Number(count.n),
    problems: problems.map((p) => ({ row: p.row_number, pointer: p.pointer, code: p.code, detail: p.detail, params: p.params })),
    createdAt: row.created_at,
    finishedAt: row.finished_at,
    undoneAt: row.undone_at,
  };
}

/** One line of the report as the CLI prints it: `row 1,204 /tax_id: bad checksum`. */
export function problemLine(p: { row: number; pointer: string; detail: string }): string {
  return `row ${p.row.toLocaleString('en-US')} ${p.pointer || '/'}: ${p.detail}`;
}

export async function cancelImport(db: Knex | Knex.Transaction, actor: Actor, id: string): Promise<void> {
  await db.transaction(async (trx) => {
    const row = await ownImport(trx, actor, id, true);
    if (!['queued', 'running', 'cancelling'].includes(row.status)) throw new TesseraError('CONFLICT', `the import is ${row.status}: there is nothing to cancel`);
    await trx('tessera.imports').where({ id }).update({ status: 'cancelling' });
  });
}
