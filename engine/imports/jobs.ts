// Imports as jobs (engine/jobs/chunked-jobs.ts): a submitted file is stored with its options and run
// in chunks; each chunk's records, undo entries, problems and progress commit in one transaction, so
// after a restart the job goes on from the last committed chunk. A dry run runs the same chunks and
// rolls each back. Cancelling stops between chunks; what was imported stays and can be undone.
import type { Knex } from 'knex';
import { accessFor, loadSubject } from '../access/index.ts';
import { TesseraError } from '../errors.ts';
import { ChunkedJobs, type JobLease, type JobSettings as ChunkedJobSettings } from '../jobs/chunked-jobs.ts';
import type { Actor, RecordService } from '../records/index.ts';
import { runChunk, type ChunkSettings, type OnDuplicate, type RowProblem, type SeenKeys } from './chunk.ts';
import { relatedImports, relatedMapping, resolveMapping } from './mapping.ts';
import { readTable, type Table } from './table.ts';
import type { TextEncoding } from './decode.ts';

export interface ImportOptions {
  readonly mapping?: Readonly<Record<string, string | null>>;
  /** The field that identifies a record (tax id, e-mail, number…) for duplicates; none: every row is new. */
  readonly key?: string | null;
  readonly onDuplicate?: OnDuplicate;
  readonly encoding?: TextEncoding;
  readonly delimiter?: string;
}

export interface ImportSubmission {
  readonly entity: string;
  readonly fileName: string;
  readonly content: Uint8Array;
  readonly dryRun: boolean;
  readonly options: ImportOptions;
}

interface StoredOptions {
  mapping: Record<string, string | null>;
  key: string | null;
  onDuplicate: OnDuplicate;
  encoding?: TextEncoding;
  delimiter?: string;
}

interface ImportRow {
  id: string;
  entity: string;
  user_id: string | null;
  dry_run: boolean;
  status: string;
  file_name: string;
  format: string;
  encoding: string | null;
  delimiter: string | null;
  content?: Buffer;
  options: StoredOptions;
  total: number;
  processed: number;
  created: number;
  updated: number;
  skipped: number;
  failed: number;
  error: string | null;
  created_at: Date;
  finished_at: Date | null;
  undone_at: Date | null;
}

export const IMPORT_PROBLEMS_SHOWN = 1000;

export interface JobSettings extends ChunkedJobSettings {
  /** Rows per transaction. */
  readonly chunkSize?: number;
}

export class ImportJobs extends ChunkedJobs<ImportRow> {
  readonly #knex: Knex;
  readonly #records: RecordService;
  readonly #chunkSize: number;

  constructor(knex: Knex, records: RecordService, settings: JobSettings = {}) {
    super(knex, { table: 'tessera.imports', label: 'imports' }, settings);
    this.#knex = knex;
    this.#records = records;
    this.#chunkSize = settings.chunkSize ?? 500;
  }

  /** Reads the file (refusing what cannot be read or mapped), stores the job and starts it. */
  async submit(actor: Actor, input: ImportSubmission): Promise<string> {
    if (!actor.userId) throw new TesseraError('FORBIDDEN', 'an import acts as a user: sign in or use a user’s API token');
    const { entity } = this.#records.runtime.entity(input.entity);
    const table = await readTable(input.content, { fileName: input.fileName, ...(input.options.encoding ? { encoding: input.options.encoding } : {}), ...(input.options.delimiter ? { delimiter: input.options.delimiter } : {}) });
    const mapping = resolveMapping(entity, table.headers, input.options.mapping, '/mapping', relatedImports(entity, this.#records.runtime.snapshot.model.entities.values()));
    const key = input.options.key ?? null;
    if (key !== null && !entity.fieldsByName.has(key)) {
      throw new TesseraError('VALIDATION_FAILED', `"${key}" is not a field of ${entity.name}`, { problems: [{ pointer: '/key', detail: 'is not a field of the type', code: 'UNKNOWN_FIELD' }] });
    }
    if (key !== null && !Object.values(mapping).includes(key)) {
      throw new TesseraError('VALIDATION_FAILED', `no column is mapped to the key field ${key}`, { problems: [{ pointer: '/key', detail: 'no column is mapped to this field', code: 'IMPORT_KEY_UNMAPPED' }] });
    }
    const options: StoredOptions = { mapping, key, onDuplicate: input.options.onDuplicate ?? 'skip', ...(input.options.encoding ? { encoding: input.options.encoding } : {}), ...(input.options.delimiter ? { delimiter: input.options.delimiter } : {}) };
    const [row] = (await this.#knex('tessera.imports')
      .insert({
        entity: entity.name,
        user_id: actor.userId,
        dry_run: input.dryRun,
        status: 'queued',
        file_name: input.fileName.slice(0, 255),
        format: table.format,
        encoding: table.encoding,
        delimiter: table.delimiter,
        content: Buffer.from(input.content),
        options: JSON.stringify(options),
        total: table.rows.length,
      })
      .returning('id')) as { id: string }[];
    this.start(row!.id);
    return row!.id;
  }





  protected async open(job: ImportRow, lease: JobLease): Promise<() => Promise<boolean>> {
    const id = job.id;
    const subject = job.user_id ? await loadSubject(this.#knex, job.user_id) : null;
    if (!subject) throw new Error('the importing user no longer exists or is deactivated');
    const actor: Actor = { userId: job.user_id, via: 'import', access: accessFor(this.#records.runtime.snapshot.model, subject) };
    const table: Table = await readTable(job.content!, { fileName: job.file_name, ...(job.encoding ? { encoding: job.encoding as TextEncoding } : {}), ...(job.delimiter ? { delimiter: job.delimiter } : {}) });
    const model = this.#records.runtime.snapshot.model;
    const { pkg } = model;
    const entity = this.#records.runtime.entity(job.entity).entity;
    const settings: ChunkSettings = {
      entity,
      headers: table.headers,
      mapping: job.options.mapping,
      key: job.options.key ? (entity.fieldsByName.get(job.options.key) ?? null) : null,
      onDuplicate: job.options.onDuplicate,
      cells: { entity, timeZone: pkg.manifest.timeZone ?? 'UTC', ...(pkg.manifest.defaultCurrency ? { defaultCurrency: pkg.manifest.defaultCurrency } : {}) },
      entityOf: (name) => model.entities.get(name) ?? this.#records.runtime.entity(name).entity,
      // The related types the mapping has columns for (a contractor's person).
      related: relatedImports(entity, model.entities.values())
        .map((r) => ({ ...r, mapping: relatedMapping(job.options.mapping, r) }))
        .filter((r) => Object.values(r.mapping).some((t) => t !== null)),
    };
    const seen: SeenKeys = new Map();
    let processed = job.processed;
    return async () => {
      if (processed >= table.rows.length) return false;
      const end = Math.min(processed + this.#chunkSize, table.rows.length);
      // Row numbers as a spreadsheet shows them: the header is row 1.
      const first = processed;
      const rows = table.rows.slice(first, end).map((cells, i) => ({ row: first + i + 2, cells }));
      const save = async (db: Knex | Knex.Transaction, counts: { created: number; updated: number; skipped: number; failed: number }, problems: readonly RowProblem[]) => {
        if (problems.length) {
          await db.batchInsert(
            'tessera.import_problems',
            problems.map((p) => ({ import_id: id, row_number: p.row, pointer: p.pointer, code: p.code ?? null, detail: p.detail, params: p.params ? JSON.stringify(p.params) : null })),
            500,
          );
        }
        await lease.progress(db, {
          processed: end,
          created: db.raw('created + ?', [counts.created]),
          updated: db.raw('updated + ?', [counts.updated]),
          skipped: db.raw('skipped + ?', [counts.skipped]),
          failed: db.raw('failed + ?', [counts.failed]),
        });
      };
      if (job.dry_run) {
        let outcome: Awaited<ReturnType<typeof runChunk>> | null = null;
        await this.#knex
          .transaction(async (trx) => {
            outcome = await runChunk(trx, this.#records, actor, settings, rows, seen);
            throw new RollBack();
          })
          .catch((error: unknown) => {
            if (!(error instanceof RollBack)) throw error;
          });
        const o = outcome!;
        await save(this.#knex, { created: o.written.filter((w) => w.action === 'create' && !w.part).length, updated: o.written.filter((w) => w.action === 'update' && !w.part).length, skipped: o.skipped, failed: o.failed }, o.problems);
      } else {
        await this.#knex.transaction(async (trx) => {
          const o = await runChunk(trx, this.#records, actor, settings, rows, seen);
          if (o.written.length) {
            await trx.batchInsert(
              'tessera.import_records',
              o.written.map((w) => ({ import_id: id, row_number: w.row, part: w.part ?? 0, entity: w.entity ?? null, record_id: w.recordId, action: w.action, version: w.version, audit_id: w.auditId })),
              500,
            );
          }
          await save(trx, { created: o.written.filter((w) => w.action === 'create' && !w.part).length, updated: o.written.filter((w) => w.action === 'update' && !w.part).length, skipped: o.skipped, failed: o.failed }, o.problems);
        });
      }
      processed = end;
      return true;
    };
  }
}

class RollBack extends Error {}

export type { ImportRow };
