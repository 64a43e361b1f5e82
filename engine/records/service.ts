// The records service: the one path every write and read of business data takes, whatever the
// entry point (HTTP API, UI, workflows, Node-RED, CLI seed). Validation, state machines, numbering,
// optimistic locking, soft delete, reference integrity and the audit trail all live here.
import type { Knex } from 'knex';
import type { Model, Modifiers, QueryBuilder } from 'objection';
import {
  ACTIVITY_ENTITY,
  bindFilter,
  CURRENCY_SUFFIX,
  joinTableName,
  physicalSchema,
  platformTarget,
  quoteIdent,
  type BoundFilterExpr,
  type EntityModel,
  type Label,
  isUuid,
  pointer,
  recordFeelContext,
  parseAggregate,
  type ParsedAggregate,
} from '../../metadata/index.ts';
import { choiceKey, describe, groupFilter, measureValue, moneyFields, runAggregate, type AggregateResult, type GroupKey } from './aggregate.ts';
import { conversionOf, joinFactors } from './aggregate-conversion.ts';
import { documentRateValues } from '../exchange-rates/index.ts';
import { isRetryableDbError, postgresError } from '../db/errors.ts';
import { SYSTEM_ACCESS, conditionHolds, diff, grantAdmits, type Access, type Grant, type Subject } from '../access/index.ts';
import { TesseraError, type Problem } from '../errors.ts';
import { exclusionRules, exclusionViolation, findExclusionConflict } from '../rules/exclusions.ts';
import { checkRecordGuards } from '../rules/guards.ts';
import { readLookups } from '../rules/lookups.ts';
import { checkInitialStates, checkTransitions } from '../rules/machines.ts';
import { assignNumber } from '../rules/numbering.ts';
import {
  applyFilter,
  applyKeyset,
  applyOrder,
  applySearch,
  checkFields,
  checkIncludes,
  collateText,
  COLLATION_QUERY,
  sortCollation,
  decodeCursor,
  DEFAULT_LIMIT,
  encodeCursor,
  MAX_LIMIT,
  parseListFilter,
  parseSort,
  selectCursorColumns,
  sortValues,
  type ListRequest,
} from './list.ts';
import { referenceNames } from './history-names.ts';
import { auditRowOf, writeChangeRows, type ChangeRows } from './change-rows.ts';
import { includePlatformRows, livePlatformIds } from './platform-targets.ts';
import { relationName, type EntityRuntime, type LiveMetadata, type MetadataSnapshot } from './live-metadata.ts';
import { applyRule, checkAggregateFields, checkQueryFields, checkWritable, forbidden, hiddenFields, requireAny, ruleAdmits, ruleNeedsConditions, ruleNeedsNoSql, stripHidden, type RowRule } from './enforce.ts';
import { ListStatements, type PageInputs } from './list-statements.ts';
import { insertStatements } from './insert-statements.ts';
import { directStatement, sendStatement, type DirectStatement } from '../db/direct-statements.ts';
import { duplicateQueries, lockDuplicateKey } from './duplicates.ts';
import { mergeRecords, type MergeResult } from './merge.ts';
import type { BulkInternals } from './bulk-items.ts';
import { createMany, type CreateManyOptions } from './bulk-create.ts';
import { updateMany, type UpdateItem, type UpdateManyOptions } from './bulk-update.ts';
import { checkRecordRules, validateInput } from './validation.ts';
import { loadLines, lineWriteProblems, writeLines, type LineWriter } from './lines.ts';
import { linesFeedRollups, lockRollupParents, refreshRollups, rollupInitialValues } from './rollup-fields.ts';
import { computedFieldValues, linesWritten, refuseLineWrite, withComputed, withLookupComputed } from './computed-fields.ts';
import { isConversion, pricedLines, refuseUnpriced, withPrices } from './pricing.ts';
import { rowReader } from './row-reader.ts';
import { defaultsFor, recordToColumns, rowToRecord, type ApiRecord, type Link, type Row } from './values.ts';
import { resealSecretFields, sealSecrets, secretChanges, secretContext, type SecretSealer } from './secret-fields.ts';
import { auditArchivedBefore } from '../db/audit-partitions.ts';
import { currentTrial } from './trial-run.ts';

/**
 * Who acts and through what: recorded in the audit trail, used by permission checks. `via`: `ui`
 * a browser session, `api` an API token, `workflow`/`automation` the engines, `system` the platform,
 * `import` a file import acting with its user's rights (engine/imports).
 */
export interface Actor {
  readonly userId: string | null;
  readonly via: 'ui' | 'api' | 'token' | 'workflow' | 'automation' | 'system' | 'import';
  /**
   * The user's effective rights (engine/access). Required for `ui`, `api` and `token`; without it
   * `system`, `workflow` and `automation` act with full rights.
   */
  readonly access?: Access;
  /** The workflow instance acting (audited with each change it makes). */
  readonly instanceId?: string;
  /**
   * Owner of the records this actor creates when it is not `userId`: a triggered workflow creates
   * records for the owner of the record that triggered it. Absent: `userId`.
   */
  readonly owner?: string | null;
  /** What inside the platform acts for the user (a Node-RED flow and node): named in the audit trail. */
  readonly origin?: AuditOrigin;
}

/** What acts for the user, named in tessera.audit_log.origin: a Node-RED flow and node, or a declared conversion. */
export type AuditOrigin = FlowOrigin | ConversionOrigin;

/** The flow and node of a Node-RED change. */
export interface FlowOrigin {
  readonly flow: string;
  readonly flowName?: string;
  readonly node: string;
  readonly nodeName?: string;
}

/** A record created by a declared conversion (engine/conversion/declared.ts) of the source record. */
export interface ConversionOrigin {
  readonly conversion: string;
  readonly source: { readonly entity: string; readonly id: string };
  /** A fan-out's recipient the record was made for (a template's offer for one contractor). */
  readonly recipient?: { readonly entity: string; readonly id: string };
}

/**
 * Read access to one record beyond the reader's grants (a workflow task's assignee may open the
 * record the task is about). Asked only when the grants refuse a single-record read.
 */
export type ReadDelegation = (db: Knex | Knex.Transaction, subject: Subject, entity: string, id: string) => Promise<boolean>;

export interface RecordContext {
  readonly actor: Actor;
  /** Run inside this transaction (workflow steps commit their record changes with the step). */
  readonly trx?: Knex.Transaction;
  /**
   * Where lists, aggregates and exports read outside a transaction: the streaming replica the HTTP
   * layer chose for this request (engine/db/replica.ts). Never used for writes, nor under `trx`.
   */
  readonly reader?: Knex;
}

export type ChangeAction = 'create' | 'update' | 'delete' | 'restore';
/** What the audit trail records: the changes, and merges (engine/records/merge.ts). */
export type AuditAction = ChangeAction | 'merge';

/** A committed-with-the-transaction change, handed to hooks inside the transaction. */
export interface RecordChange {
  readonly entity: string;
  readonly action: ChangeAction;
  readonly record: ApiRecord;
  readonly previous: ApiRecord | null;
  readonly changes: Readonly<Record<string, [unknown, unknown]>>;
  readonly transitions: readonly { field: string; from: string; to: string }[];
  readonly actor: Actor;
}

export type ChangeHook = (trx: Knex.Transaction, change: RecordChange) => Promise<void>;

/** The records one duplicate rule matches (RecordService.duplicates). */
export interface DuplicateMatches {
  readonly rule: string;
  readonly action: 'refuse' | 'warn';
  readonly fields: readonly string[];
  readonly label?: Label;
  readonly records: readonly ApiRecord[];
}

/** The timeline's list request: `scope` own links only or with `timeline.include` (default), `kinds` a kind filter. */
export interface TimelineRequest extends Omit<ListRequest, 'filter'> {
  readonly filter?: unknown;
  readonly scope?: 'own' | 'all';
  readonly kinds?: readonly string[];
}

/** At most this many related records of one include roll into a timeline (beyond it, in id order, they are left out). */
const TIMELINE_MAX_RELATED = 5000;

export interface ListResult {
  readonly data: ApiRecord[];
  /** Cursor of the next page; absent on the last page. */
  readonly next?: string;
  readonly count?: number;
}

export interface GetOptions {
  readonly include?: readonly string[];
  readonly fields?: readonly string[];
  readonly withDeleted?: boolean;
}

/** Rows a conditional list examines per request before it returns a short page with a cursor. */
export const SCAN_BUDGET = 5000;

const NOTHING_HIDDEN: ReadonlySet<string> = new Set();
const PLATFORM_VIA: ReadonlySet<Actor['via']> = new Set(['system', 'workflow', 'automation']);

const PG_UNIQUE = '23505';
const PG_FK = '23503';
const PG_CHECK = '23514';
const PG_EXCLUSION = '23P01';
const PG_NUMERIC_RANGE = '22003';

export class RecordService {
  readonly #knex: Knex;
  readonly #runtime: LiveMetadata;
  readonly #hooks: ChangeHook[];
  readonly #uniqueIndexes = new WeakMap<MetadataSnapshot, Map<string, { entity: string; columns: readonly string[] }>>();
  /** Rows a list under row conditions examines per request before returning a short page (tunable for tests). */
  scanBudget = SCAN_BUDGET;

  readonly #secrets: SecretSealer | null;

  /**
   * `secrets`: seals secret fields (the installation's keyring); without one they cannot be written.
   * `hooksOf`: a service whose change hooks and change rows this one runs too (the sandbox's service
   * over a tried model runs the platform's: workflow triggers, connectors, automation events).
   */
  constructor(knex: Knex, runtime: LiveMetadata, options: { secrets?: SecretSealer | null; hooksOf?: RecordService } = {}) {
    this.#knex = knex;
    this.#runtime = runtime;
    this.#secrets = options.secrets ?? null;
    // The same arrays: hooks registered on the other service later run here as well.
    this.#hooks = options.hooksOf ? options.hooksOf.#hooks : [];
    this.#changeRows = options.hooksOf ? options.hooksOf.#changeRows : [];
  }

  /** Seals every stored secret field again with the current key; how many values changed. */
  async resealSecrets(): Promise<number> {
    if (!this.#secrets) return 0;
    return resealSecretFields(this.#knex, this.#runtime.snapshot.model.entities.values(), this.#secrets);
  }

  /**
   * The stored value of a secret field, opened: for connectors reading the credentials of their own
   * records (a mail account's password). Not reachable over HTTP; no rights are checked here.
   */
  async revealSecret(db: Knex | Knex.Transaction | null, entityName: string, id: string, fieldName: string): Promise<string | null> {
    const rt = this.#runtime.entity(entityName);
    assertUuid(id, '/id');
    const field = rt.entity.fields.find((f) => f.name === fieldName);
    if (!field || field.type !== 'secret') throw new TesseraError('VALIDATION_FAILED', `${fieldName} is not a secret field of ${entityName}`, { problems: [{ pointer: pointer(fieldName), detail: 'not a secret field' }] });
    const row = (await (db ?? this.#knex)(rt.entity.table).where({ id }).first(fieldName)) as Row | undefined;
    const envelope = row?.[fieldName];
    if (typeof envelope !== 'string') return null;
    if (!this.#secrets) throw new TesseraError('INTERNAL', 'a secret is stored but the installation has no secret key to open it');
    return this.#secrets.open(envelope, secretContext(field.id));
  }

  get runtime(): LiveMetadata {
    return this.#runtime;
  }

  /** Hooks run inside the write transaction, after the change (workflow triggers, audit consumers). */
  onChange(hook: ChangeHook): void {
    this.#hooks.push(hook);
  }

  readonly #changeRows: ChangeRows[];

  /** A table keeping a row per change (the automation's record events), written by the statement of the changes' audit rows. */
  keepWithChanges(table: ChangeRows): () => void {
    this.#changeRows.push(table);
    return () => {
      const at = this.#changeRows.indexOf(table);
      if (at >= 0) this.#changeRows.splice(at, 1);
    };
  }

  readonly #delegations: ReadDelegation[] = [];

  /** Lets `delegation` admit single-record reads (get, history, timeline) the reader's grants refuse. */
  delegateReads(delegation: ReadDelegation): void {
    this.#delegations.push(delegation);
  }

  async #delegated(db: Knex | Knex.Transaction, access: Access, entity: string, id: string): Promise<boolean> {
    if (!access.subject) return false;
    for (const delegation of this.#delegations) if (await delegation(db, access.subject, entity, id)) return true;
    return false;
  }

  readonly #auditSinks = new WeakMap<Knex.Transaction, (row: AuditRow) => void>();

  /**
   * Audit rows of changes made on `trx` go to `sink` instead of an INSERT each: the transaction's
   * owner writes them together with its own rows (a workflow step writes them in its one flush
   * statement). The owner must write them before it commits and before it opens a savepoint;
   * changes made in a savepoint (another transaction object) are audited at once as usual.
   */
  collectAudit(trx: Knex.Transaction, sink: (row: AuditRow) => void): () => void {
    this.#auditSinks.set(trx, sink);
    return () => this.#auditSinks.delete(trx);
  }

  async #inTransaction<T>(ctx: RecordContext, work: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
    if (ctx.trx) return work(ctx.trx);
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#knex.transaction(work);
      } catch (error) {
        // A deadlock (a workflow step locking the same rows the other way round), a serialization
        // failure, or a plan a migration made stale: nothing was written, run it again.
        if (attempt >= 3 || !isRetryableDbError(error)) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));
      }
    }
  }

  // ---- access --------------------------------------------------------------------------------

  /** The rights a request acts with: its user's, or the platform's own for system and engine actors. */
  #accessOf(ctx: RecordContext): Access {
    if (ctx.actor.access) return ctx.actor.access;
    if (PLATFORM_VIA.has(ctx.actor.via)) return SYSTEM_ACCESS;
    throw new TesseraError('UNAUTHENTICATED', 'sign in or send an API token');
  }

  #collations: Promise<ReadonlySet<string>> | undefined;
  /** Compiled list page statements, per shape (engine/records/list-statements.ts). */
  readonly #listStatements = new ListStatements();
  /** Lists send compiled statements; off, every page is built by knex (tests compare the two). */
  compiledLists = true;

  /** How many list statement shapes are compiled now (tests check the compiled path was taken). */
  get compiledListShapes(): number {
    return this.#listStatements.size;
  }

  /** The collation text sorts in for the business language (manifest defaultLanguage), if the database has one. */
  async #sortCollation(db: Knex | Knex.Transaction): Promise<string | null> {
    // Asked once per database, on the caller's connection (a transaction's own, if it has one).
    this.#collations ??= db.raw(COLLATION_QUERY).then(
      (result: { rows: { collname: string }[] }) => new Set(result.rows.map((r) => r.collname)),
      () => new Set<string>(),
    );
    return sortCollation(this.#runtime.snapshot.model.pkg.manifest.defaultLanguage ?? 'en', await this.#collations);
  }

  // ---- reads ---------------------------------------------------------------------------------

  async get(ctx: RecordContext, entityName: string, id: string, options: GetOptions = {}): Promise<ApiRecord> {
    const access = this.#accessOf(ctx);
    const rt = this.#runtime.entity(entityName);
    assertUuid(id, '/id');
    checkIncludes(rt.entity, options.include ?? []);
    const fields = checkFields(rt.entity, options.fields);
    const rights = access.entity(entityName);
    const rule: RowRule = access.unrestricted ? [] : [rights.read];
    if (!access.unrestricted) {
      requireAny(access, rights, 'read');
      checkQueryFields(rt.entity, hiddenFields(rights), null, [], options.include ?? []);
    }
    const db = ctx.trx ?? this.#knex;
    let row: Row | undefined;
    if (!options.withDeleted && ruleNeedsNoSql(rule, access.subject)) {
      // The hot read path, when the read right adds no predicate: one statement text per table,
      // written once, instead of a knex query built and compiled on every request.
      row = (await sendStatement<Row>(db, getByIdStatement(rt.entity.table), [id]))[0];
    } else {
      const query = db(rt.entity.table).where('id', id);
      if (!options.withDeleted) query.whereNull('deleted_at');
      applyRule(query, rt.entity.table, entityName, rule, access.subject);
      row = (await query.first()) as Row | undefined;
    }
    // A record the user may not read does not exist for them (404, not 403: existence must not leak).
    if (!row || (ruleNeedsConditions(rule) && !ruleAdmits(rule, access.subject, entityName, rowToRecord(rt.entity, row)))) {
      row = undefined;
      if (!access.unrestricted && (await this.#delegated(db, access, entityName, id))) {
        const delegated = db(rt.entity.table).where('id', id);
        if (!options.withDeleted) delegated.whereNull('deleted_at');
        row = (await delegated.first()) as Row | undefined;
      }
      if (!row) throw notFound(entityName, id);
    }
    const [record] = await this.#present(db, rt, [row], options.include ?? [], fields, access);
    return record!;
  }

  async list(ctx: RecordContext, entityName: string, request: ListRequest = {}): Promise<ListResult> {
    return this.#list(ctx, entityName, request, 'read');
  }

  /**
   * The refusals a list with this filter, sort and fields would get, listing nothing: the read right,
   * unknown or hidden fields, bad operators (problems point at /query/filter, /query/sort, /query/fields).
   * For what stores a list query to run later (saved views).
   */
  checkListQuery(ctx: RecordContext, entityName: string, request: Pick<ListRequest, 'filter' | 'sort' | 'fields'>): void {
    const access = this.#accessOf(ctx);
    const { entity } = this.#runtime.entity(entityName);
    const rights = access.entity(entityName);
    if (!access.unrestricted) requireAny(access, rights, 'read');
    const filter = parseListFilter(entity, request.filter);
    const keys = parseSort(entity, request.sort);
    checkFields(entity, request.fields);
    if (!access.unrestricted) checkQueryFields(entity, hiddenFields(rights), filter, keys.map((k) => k.field), []);
  }

  /**
   * Every record an export may contain, page by page (export right and read right both apply). The
   * first page is computed before anything is yielded, so refusals surface before a response starts.
   */
  async *export(ctx: RecordContext, entityName: string, request: Omit<ListRequest, 'after' | 'limit' | 'include' | 'count'> = {}): AsyncGenerator<ApiRecord[]> {
    let after: string | undefined;
    do {
      const page = await this.#list(ctx, entityName, { ...request, limit: MAX_LIMIT, ...(after ? { after } : {}) }, 'export');
      yield page.data;
      after = page.next;
    } while (after);
  }

  /**
   * Groups and measures over the records the user may read (engine/records/aggregate.ts): the
   * list's filter compiler and row rules narrow the rows, a group, measure or filter over a field the
   * user may not see is refused. `base`: where problems point ("" a body, "/query" a query string).
   */
  async aggregate(ctx: RecordContext, entityName: string, input: unknown, base = ''): Promise<AggregateResult> {
    const access = this.#accessOf(ctx);
    const { entity } = this.#runtime.entity(entityName);
    const db = ctx.trx ?? ctx.reader ?? this.#knex;
    const rights = access.entity(entityName);
    if (!access.unrestricted) requireAny(access, rights, 'read');
    const { query, problems } = parseAggregate(entity, input, base);
    if (!query) throw new TesseraError('BAD_QUERY', `invalid aggregate query: ${problems.map((p) => `${p.pointer} ${p.message}`).join('; ')}`, { problems: problems.map((p) => ({ pointer: p.pointer, detail: p.message })) });
    const hidden = access.unrestricted ? NOTHING_HIDDEN : hiddenFields(rights);
    checkAggregateFields(entity, hidden, query, base);
    const bound = query.filter && bindFilter(query.filter, { userId: access.subject?.userId ?? null, teamIds: access.subject?.teamIds ?? [] });
    const rule: RowRule = access.unrestricted ? [] : [rights.read];
    const rows = () => {
      const qb = db(entity.table).whereNull(`${entity.table}.deleted_at`);
      if (bound) qb.where((b) => applyFilter(b, entity, bound));
      applyRule(qb, entity.table, entity.name, rule, access.subject);
      return qb;
    };
    let narrowed = rows();
    if (ruleNeedsConditions(rule)) {
      // Row conditions are FEEL, evaluated per row: the admitted ids narrow the GROUP BY.
      const admitted: string[] = [];
      await this.#countAdmitted(rows, entity.table, (row) => {
        const ok = ruleAdmits(rule, access.subject, entity.name, rowToRecord(entity, row));
        if (ok) admitted.push(row.id as string);
        return ok;
      });
      narrowed = rows().whereRaw('??.id = ANY(?::uuid[])', [entity.table, admitted]);
    }
    const timeZone = this.#runtime.snapshot.model.pkg.manifest.timeZone ?? 'UTC';
    const conversion = moneyFields(query).length ? conversionOf(query, entity.table, timeZone) : null;
    if (conversion) await joinFactors(db, narrowed, entity, moneyFields(query), conversion, `${base}/convertTo`);
    const result = await runAggregate(db, narrowed, entity, query, timeZone, conversion);
    const titles = await this.#groupTitles(ctx, db, query, result.rows);
    const currencies = moneyFields(query);
    const filterParts = (input as { filter?: unknown }).filter;
    return {
      entity: entity.name,
      ...describe(entity, query),
      truncated: result.truncated,
      rows: result.rows.map((row) => {
        const keys = query.groupBy.map((g, i): GroupKey => {
          const value = (row[`g${i}`] ?? null) as GroupKey['value'];
          if (g.kind === 'choice') return choiceKey(entity, g, value as string | null);
          if (g.kind === 'reference' || g.kind === 'user') return value === null ? { value } : { value, label: titles.get(String(value)) ?? null };
          return { value: typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) && g.fieldModel?.type === 'integer' ? Number(value) : value };
        });
        const terms = query.groupBy.map((g, i) => groupFilter(g, keys[i]!.value, timeZone));
        const parts = [...(filterParts !== undefined && filterParts !== null && filterParts !== '' ? [typeof filterParts === 'string' ? (JSON.parse(filterParts) as unknown) : filterParts] : []), ...terms];
        return {
          keys,
          ...(currencies.length ? { currency: Object.fromEntries(currencies.map((f, i) => [f, conversion ? conversion.to : ((row[`c${i}`] ?? null) as string | null)])) } : {}),
          values: query.measures.map((m, i) => measureValue(m, entity, row[`m${i}`], conversion !== null)),
          filter: parts.length === 0 ? {} : parts.length === 1 ? parts[0] : { and: parts },
        };
      }),
    };
  }

  /** Titles of the records and users the rows are grouped by, as the reader may see them. */
  async #groupTitles(ctx: RecordContext, db: Knex | Knex.Transaction, query: ParsedAggregate, rows: readonly Record<string, unknown>[]): Promise<Map<string, string>> {
    const titles = new Map<string, string>();
    for (const [i, g] of query.groupBy.entries()) {
      if (g.kind !== 'reference' && g.kind !== 'user') continue;
      const ids = [...new Set(rows.map((r) => r[`g${i}`]).filter((v): v is string => typeof v === 'string'))];
      if (g.kind === 'user') {
        for (let at = 0; at < ids.length; at += MAX_LIMIT) {
          const users = (await db('tessera.users').whereIn('id', ids.slice(at, at + MAX_LIMIT)).select('id', 'display_name')) as { id: string; display_name: string }[];
          for (const u of users) titles.set(u.id, u.display_name);
        }
        continue;
      }
      const target = (g.fieldModel as { target: string }).target;
      const displayField = this.#runtime.entity(target).entity.displayField;
      for (let at = 0; at < ids.length; at += MAX_LIMIT) {
        try {
          const found = await this.list(ctx, target, { filter: { id: { in: ids.slice(at, at + MAX_LIMIT) } }, fields: ['id', displayField], limit: MAX_LIMIT });
          for (const r of found.data) titles.set(r.id as string, r[displayField] === null || r[displayField] === undefined ? '' : String(r[displayField]));
        } catch (error) {
          // A type the reader may not list: its records stay unnamed (ids only).
          if (!(error instanceof TesseraError && ['FORBIDDEN', 'BAD_QUERY'].includes(error.code))) throw error;
        }
      }
    }
    return titles;
  }

  async #list(ctx: RecordContext, entityName: string, request: ListRequest, purpose: 'read' | 'export'): Promise<ListResult> {
    const access = this.#accessOf(ctx);
    const rt = this.#runtime.entity(entityName);
    const { entity } = rt;
    const db = ctx.trx ?? ctx.reader ?? this.#knex;
    const rights = access.entity(entityName);
    if (!access.unrestricted) {
      requireAny(access, rights, 'read');
      if (purpose === 'export') requireAny(access, rights, 'export');
    }
    const hidden = access.unrestricted ? NOTHING_HIDDEN : hiddenFields(rights);
    const filter = parseListFilter(entity, request.filter);
    const keys = collateText(parseSort(entity, request.sort), await this.#sortCollation(db));
    const limit = request.limit ?? DEFAULT_LIMIT;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
      throw new TesseraError('BAD_QUERY', `limit must be an integer from 1 to ${MAX_LIMIT}`, { problems: [{ pointer: '/query/limit', detail: `must be 1…${MAX_LIMIT}` }] });
    }
    checkIncludes(entity, request.include ?? []);
    const fields = checkFields(entity, request.fields);
    checkQueryFields(entity, hidden, filter, keys.map((k) => k.field), request.include ?? []);
    // "$me" and "$myTeams" in the filter stand for this user.
    const bound = filter && bindFilter(filter, { userId: access.subject?.userId ?? null, teamIds: access.subject?.teamIds ?? [] });
    const rule: RowRule = access.unrestricted ? [] : purpose === 'export' ? [rights.read, rights.export] : [rights.read];
    // Search must not match on fields the user cannot see (it would reveal their content).
    const searchEntity: EntityModel = hidden.size ? { ...entity, searchFields: entity.searchFields.filter((f) => !hidden.has(f)) } : entity;
    const deleted = request.deleted ?? 'exclude';
    const base = (filter: BoundFilterExpr | null = bound, subject: Subject | null = access.subject) => {
      const qb = db(entity.table);
      if (deleted === 'exclude') qb.whereNull(`${entity.table}.deleted_at`);
      if (deleted === 'only') qb.whereNotNull(`${entity.table}.deleted_at`);
      if (filter) qb.where((b) => applyFilter(b, entity, filter));
      if (request.search) applySearch(qb, searchEntity, request.search);
      applyRule(qb, entity.table, entity.name, rule, subject);
      return qb;
    };
    // The page query of given inputs; every other part of it is fixed for this list (and named in `shape`).
    const buildPage = (inputs: PageInputs) => {
      const page = base(inputs.filter, inputs.subject ?? access.subject).select(`${entity.table}.*`);
      selectCursorColumns(page, entity.table, keys);
      if (inputs.after) applyKeyset(page, entity.table, keys, inputs.after);
      applyOrder(page, entity.table, keys);
      return page.limit(inputs.size);
    };
    // Without text search, a page is sent as a statement compiled once per shape (list-statements.ts).
    const shape = request.search ? null : `${entity.table}|${deleted}|${rule.map((grants) => grants.map((g) => g.scope).join(',')).join(';')}|${JSON.stringify(keys)}`;
    const subject = ruleNeedsNoSql(rule, access.subject) ? null : access.subject;
    const pageQuery = (after: readonly unknown[] | null, size: number): Promise<Row[]> => {
      const inputs: PageInputs = { filter: bound, subject, after, size };
      if (shape === null || !this.compiledLists) return buildPage(inputs) as Promise<Row[]>;
      return this.#listStatements.page(db, this.#runtime.snapshot, shape, inputs, buildPage);
    };
    const start = request.after ? decodeCursor(request.after, keys) : null;
    let pageRows: Row[];
    let next: string | undefined;
    let count: number | undefined;
    if (!ruleNeedsConditions(rule)) {
      const [rows, n] = await Promise.all([
        pageQuery(start, limit + 1),
        request.count ? base().count({ n: '*' }).first().then((r) => Number((r as { n: number }).n)) : Promise.resolve(undefined),
      ]);
      const more = rows.length > limit;
      pageRows = more ? rows.slice(0, limit) : rows;
      if (more) next = encodeCursor(sortValues(pageRows[pageRows.length - 1]!, keys));
      count = n;
    } else {
      // Row conditions hold or not per row: scan in sort order, keep admitted rows. The cursor is a
      // position in the sort order, so a page cut short by the scan budget continues exactly
      // where the scan stopped; clients follow `next` until it is null (a page may be short).
      const admitted = (row: Row) => ruleAdmits(rule, access.subject, entity.name, rowToRecord(entity, row));
      const batchSize = Math.min(MAX_LIMIT, Math.max(limit + 1, Math.min(100, this.scanBudget)));
      const collected: Row[] = [];
      let cursor = start;
      let scanned = 0;
      let last: Row | null = null;
      let exhausted = false;
      scan: for (;;) {
        const batch = await pageQuery(cursor, batchSize);
        for (const row of batch) {
          scanned++;
          last = row;
          if (admitted(row)) {
            collected.push(row);
            if (collected.length > limit) break scan;
          }
        }
        if (batch.length < batchSize) {
          exhausted = true;
          break;
        }
        cursor = sortValues(last!, keys);
        if (scanned >= this.scanBudget) break;
      }
      if (collected.length > limit) {
        pageRows = collected.slice(0, limit);
        next = encodeCursor(sortValues(pageRows[pageRows.length - 1]!, keys));
      } else {
        pageRows = collected;
        if (!exhausted && last) next = encodeCursor(sortValues(last, keys));
      }
      if (request.count) count = await this.#countAdmitted(base, entity.table, admitted);
    }
    const data = await this.#present(db, rt, pageRows, request.include ?? [], fields, access);
    return { data, ...(next ? { next } : {}), ...(count !== undefined ? { count } : {}) };
  }

  /** Exact count under row conditions: every candidate row is evaluated (costly, like count itself). */
  async #countAdmitted(base: () => Knex.QueryBuilder, table: string, admitted: (row: Row) => boolean): Promise<number> {
    let n = 0;
    let after: string | null = null;
    for (;;) {
      const q = base().select(`${table}.*`).orderBy(`${table}.id`).limit(1000);
      if (after) q.where(`${table}.id`, '>', after);
      const rows = (await q) as Row[];
      for (const row of rows) if (admitted(row)) n++;
      if (rows.length < 1000) return n;
      after = rows[rows.length - 1]!.id as string;
    }
  }

  /**
   * Every activity linked to a record, across kinds, newest first (the record's timeline); with
   * `scope: 'all'` (the default) also the activities of the related records its type's
   * `timeline.include` rolls in (a contractor's deals, offers…), of those related records the user
   * may read only. `kinds` limits it to activities of those kinds.
   */
  async timeline(ctx: RecordContext, entityName: string, id: string, request: TimelineRequest = {}): Promise<ListResult> {
    const rt = this.#runtime.entity(entityName);
    if (!rt.entity.activities) throw new TesseraError('BAD_QUERY', `activities do not link to ${entityName}`, { problems: [{ pointer: '/entity', detail: 'has no activities' }] });
    await this.get(ctx, entityName, id, { fields: ['id'] });
    const { scope = 'all', kinds, filter: requested, ...rest } = request;
    const links: unknown[] = [{ [entityName]: { eq: id } }];
    if (scope === 'all') {
      // Side by side, not one after another: a contractor rolls in five types, each a round trip.
      const related = await Promise.all(rt.entity.timelineIncludes.map(async (include) => [include.from, await this.#relatedIds(ctx, include.from, include.via, id)] as const));
      for (const [from, ids] of related) if (ids.length) links.push({ [from]: { in: ids } });
    }
    let extra: unknown = requested;
    if (typeof extra === 'string' && extra !== '') {
      try {
        extra = JSON.parse(extra);
      } catch {
        throw new TesseraError('BAD_QUERY', 'invalid filter: /query/filter is not valid JSON', { problems: [{ pointer: '/query/filter', detail: 'is not valid JSON' }] });
      }
    }
    const parts: unknown[] = [links.length === 1 ? links[0] : { or: links }];
    if (kinds?.length) parts.push({ kind: { in: kinds } });
    if (extra) parts.push(extra);
    const filter = parts.length === 1 ? parts[0] : { and: parts };
    return this.list(ctx, ACTIVITY_ENTITY, { ...rest, filter, sort: rest.sort ?? '-created_at' });
  }

  /** Ids of the `from` records whose `via` points at `id` and that the user may read (every page). */
  async #relatedIds(ctx: RecordContext, from: string, via: string, id: string): Promise<string[]> {
    const ids: string[] = [];
    let after: string | undefined;
    for (let page = 0; page < TIMELINE_MAX_RELATED / MAX_LIMIT; page++) {
      let result: ListResult;
      try {
        result = await this.list(ctx, from, { filter: { [via]: { eq: id } }, fields: ['id'], sort: 'id', limit: MAX_LIMIT, ...(after ? { after } : {}) });
      } catch (error) {
        // A type the user may not read at all rolls nothing in.
        if (error instanceof TesseraError && error.code === 'FORBIDDEN') return [];
        throw error;
      }
      for (const record of result.data) ids.push(record.id as string);
      if (!result.next) break;
      after = result.next;
    }
    return ids;
  }

  /**
   * Rows → API records with many-to-many links and includes. With a restricted `access`, included
   * records are limited to those the user may read and every record loses the fields the user may
   * not see; without one (audit, hooks) records are whole.
   */
  async #present(db: Knex | Knex.Transaction, rt: EntityRuntime, rows: Row[], include: readonly string[], fields?: ReadonlySet<string> | readonly string[], access: Access = SYSTEM_ACCESS): Promise<ApiRecord[]> {
    const { entity } = rt;
    const wanted = fields ? new Set(fields) : undefined;
    const ids = rows.map((r) => r.id as string);
    const links = new Map<string, Map<string, Link[]>>();
    for (const field of entity.fields) {
      if (field.type !== 'manyToMany' || (wanted && !wanted.has(field.name)) || ids.length === 0) continue;
      const join = joinTableName(entity.table, field.name);
      const linkRows = (await db(join).whereIn('source', ids).orderBy(['source', 'position', 'id']).select('source', 'target', 'role')) as { source: string; target: string; role: string }[];
      for (const l of linkRows) {
        const perRecord = links.get(l.source) ?? new Map<string, Link[]>();
        const list = perRecord.get(field.name) ?? [];
        list.push(l.role ? { id: l.target, role: l.role } : { id: l.target });
        perRecord.set(field.name, list);
        links.set(l.source, perRecord);
      }
    }
    const read = rowReader(entity, wanted);
    const records = rows.map((row) => read(row, links.get(row.id as string)));
    await loadLines(db, this.#runtime.snapshot.model, entity, records, wanted);
    if (include.length) await this.#includeAll(db, rt, records, include, access);
    if (access.unrestricted) return records;
    const hidden = hiddenFields(access.entity(entity.name));
    return records.map((r) => stripHidden(r, hidden));
  }

  /** Rows of a target type with these ids that the user may read. */
  async #readable(db: Knex | Knex.Transaction, target: EntityRuntime, ids: readonly string[], access: Access, lock = false): Promise<Row[]> {
    if (ids.length === 0) return [];
    const query = db(target.entity.table).whereIn('id', ids);
    // A writer linking to these rows holds them FOR SHARE: a concurrent delete waits for it (and then
    // sees the new dependent), or it waits for the delete (and then sees the row deleted).
    if (lock) query.forShare();
    if (access.unrestricted) return (await query) as Row[];
    const rule: RowRule = [access.entity(target.entity.name).read];
    applyRule(query, target.entity.table, target.entity.name, rule, access.subject);
    const rows = (await query) as Row[];
    return ruleNeedsConditions(rule) ? rows.filter((r) => ruleAdmits(rule, access.subject, target.entity.name, rowToRecord(target.entity, r))) : rows;
  }

  /**
   * Embeds related records through the entity's objection relations (`R_<field>`, built from
   * metadata): one query per relation for the whole page, the user's read rule applied to each
   * relation by a modifier. A target the user may not read stays a bare id (reference) or
   * `record: null` (many-to-many link).
   */
  async #includeAll(db: Knex | Knex.Transaction, rt: EntityRuntime, records: ApiRecord[], include: readonly string[], access: Access): Promise<void> {
    const fields = include.map((name) => rt.entity.fieldsByName.get(name)!).filter((f) => f.type === 'reference' || f.type === 'manyToMany');
    // References to platform tables (users, teams) embed those rows; the rest go through objection.
    const platform = fields.flatMap((f) => {
      const target = f.type === 'reference' ? platformTarget(f.target) : undefined;
      return target ? [{ field: f.name, target }] : [];
    });
    const related = fields.filter((f) => !platform.some((p) => p.field === f.name));
    for (const { field, target } of platform) await includePlatformRows(db, target, records, field, access);
    if (related.length === 0 || records.length === 0) return;
    const targets = new Map(related.map((f) => [f.name, this.#runtime.entity((f as { target: string }).target)]));
    // objection's query builder speaks knex's where-API, which is all applyRule uses.
    const modifiers: Modifiers = {};
    for (const [name, target] of targets) {
      const rule: RowRule = access.unrestricted ? [] : [access.entity(target.entity.name).read];
      modifiers[`readable_${name}`] = (qb: QueryBuilder<Model>) => applyRule(qb as unknown as Knex.QueryBuilder, target.entity.table, target.entity.name, rule, access.subject);
    }
    const expression = `[${related.map((f) => `${relationName(f.name)}(readable_${f.name})`).join(', ')}]`;
    const graph = (await rt.Record.fetchGraph(
      records.map((r) => ({ id: r.id, ...Object.fromEntries(related.filter((f) => f.type === 'reference').map((f) => [f.name, r[f.name]])) })),
      expression,
      { transaction: db },
    ).modifiers(modifiers)) as unknown as Row[];
    for (const field of related) {
      const target = targets.get(field.name)!;
      const rule: RowRule = access.unrestricted ? [] : [access.entity(target.entity.name).read];
      const fetched = graph.flatMap((g) => {
        const value = g[relationName(field.name)] as Row | Row[] | null | undefined;
        return Array.isArray(value) ? value : value ? [value] : [];
      });
      const unique = [...new Map(fetched.map((row) => [row.id as string, { ...row }])).values()];
      const readable = ruleNeedsConditions(rule) ? unique.filter((row) => ruleAdmits(rule, access.subject, target.entity.name, rowToRecord(target.entity, row))) : unique;
      const byId = new Map((await this.#present(db, target, readable, [], undefined, access)).map((r) => [r.id as string, r]));
      if (field.type === 'reference') {
        for (const r of records) if (typeof r[field.name] === 'string') r[field.name] = byId.get(r[field.name] as string) ?? r[field.name];
      } else {
        for (const r of records) r[field.name] = ((r[field.name] as Link[] | undefined) ?? []).map((l) => ({ ...l, record: byId.get(l.id) ?? null }));
      }
    }
  }

  /**
   * The prices and discounts the lines of a record being edited would get (the form's live quote,
   * POST /api/records/:type/prices): the lines fields of `input` with their empty prices and
   * discounts filled by the write path's own lookup. For users who may create or update the type.
   */
  async quotePrices(ctx: RecordContext, entityName: string, input: Readonly<ApiRecord>): Promise<ApiRecord> {
    const access = this.#accessOf(ctx);
    const { entity } = this.#runtime.entity(entityName);
    const rights = access.entity(entityName);
    if (!access.unrestricted && rights.create.length === 0) requireAny(access, rights, 'update');
    const model = this.#runtime.snapshot.model;
    const fields = pricedLines(model, entity).map((p) => p.field.name).filter((name) => Array.isArray(input[name]));
    const priced = await withPrices(this.#knex, model, entity, { ...input }, { only: new Set(fields) });
    return Object.fromEntries(fields.map((name) => [name, priced[name]]));
  }

  // ---- writes --------------------------------------------------------------------------------

  async create(ctx: RecordContext, entityName: string, input: unknown, options: { allowReadOnly?: boolean } = {}): Promise<ApiRecord> {
    const access = this.#accessOf(ctx);
    const rt = this.#runtime.entity(entityName);
    const { entity } = rt;
    refuseLineWrite(entity);
    const rights = access.entity(entityName);
    if (!access.unrestricted) {
      requireAny(access, rights, 'create');
      if (isObject(input)) checkWritable(entity, rights, input);
    }
    const written = validateInput(entity, rt.validators.create, input);
    return this.#inTransaction(ctx, async (trx) => {
      const now = new Date();
      const timeZone = this.#runtime.snapshot.model.pkg.manifest.timeZone ?? 'UTC';
      const model = this.#runtime.snapshot.model;
      const allowReadOnly = options.allowReadOnly ?? ctx.actor.via === 'system';
      const priced = await withPrices(trx, model, entity, { ...defaultsFor(entity, written.kind, { now, timeZone, userId: ctx.actor.userId }), ...written }, { now, copied: isConversion(ctx.actor) });
      refuseUnpriced(model, entity, priced);
      const given: ApiRecord = { ...priced, ...rollupInitialValues(entity) };
      const rated: ApiRecord = { ...given, ...(await documentRateValues(trx, entity, given, null, written)) };
      const values: ApiRecord = await withLookupComputed(trx, model, entity, null, null, withComputed(model, entity, rated, { now, timeZone, userId: ctx.actor.userId }));
      checkRecordRules(entity, written, values, { allowReadOnly, lines: lineWriteProblems(model, entity, written, allowReadOnly), roles: access.subject?.roles });
      this.#checkActivityLinks(entity, values);
      checkInitialStates(entity, values);
      const owner = ctx.actor.owner !== undefined ? ctx.actor.owner : ctx.actor.userId;
      // A conditional create right is checked on the record as it would be stored.
      if (!access.unrestricted && !ruleAdmits([rights.create], access.subject, entity.name, recordFeelContext(entity.fields.map((f) => f.name), { ...values, owner }))) {
        throw forbidden(`the new ${entity.name} does not meet the condition of your create right`);
      }
      await lockRollupParents(trx, model, entity, [{ before: null, after: values }]);
      await this.#checkReferences(trx, entity, values, access);
      await checkRecordGuards(trx, model, access, entity, null, null, values);
      await this.#refuseDuplicates(trx, access, rt, values, null);
      await assignNumber(trx, entity, values, now, timeZone);
      const row = {
        ...recordToColumns(entity, sealSecrets(entity, values, this.#secrets)),
        created_by: ctx.actor.userId,
        updated_by: ctx.actor.userId,
        owner,
      };
      const inserted = await this.#write(entity, async () => (await insertStatements.insert(trx, entity.table, row, true))[0] as Row);
      await this.#writeLinks(trx, entity, inserted.id as string, values, true);
      await writeLines(this.#lineWriter(trx, ctx.actor), model, entity, inserted.id as string, values, true);
      await refreshRollups(trx, model, entity, [{ before: null, after: inserted }]);
      await this.#refuseExclusions(trx, access, rt, inserted.id as string);
      const [record] = await this.#present(trx, rt, [await this.#afterRollups(trx, entity, inserted)], []);
      const changes = diff({}, record!, entity.fields.map((f) => f.name));
      await this.#changed(trx, [{ entity: entity.name, action: 'create', record: record!, previous: null, changes, transitions: [], actor: ctx.actor }]);
      return this.#visible(access, entity.name, record!);
    });
  }

  /**
   * Many records of one type in one transaction (engine/records/bulk-create.ts): the checks of
   * `create` per item, one multi-row INSERT, audit rows and record hooks per record. All or nothing:
   * a bad item refuses the batch, its problems pointing at `/items/<i>/…`.
   */
  async createMany(ctx: RecordContext, entityName: string, inputs: readonly unknown[], options: CreateManyOptions = {}): Promise<ApiRecord[]> {
    return createMany(this.#bulk(), ctx, entityName, inputs, options);
  }

  /** Many updates of one type in one transaction (engine/records/bulk-update.ts); all or nothing like createMany. */
  async updateMany(ctx: RecordContext, entityName: string, items: readonly UpdateItem[], options: UpdateManyOptions = {}): Promise<ApiRecord[]> {
    return updateMany(this.#bulk(), ctx, entityName, items, options);
  }

  #bulkInternals: BulkInternals | undefined;

  #bulk(): BulkInternals {
    this.#bulkInternals ??= {
      runtime: this.#runtime,
      secrets: this.#secrets,
      accessOf: (ctx) => this.#accessOf(ctx),
      inTransaction: (ctx, work) => this.#inTransaction(ctx, work),
      checkActivityLinks: (entity, values) => this.#checkActivityLinks(entity, values),
      live: (trx, target, ids, access) => this.#live(trx, target, ids, access),
      refuseDuplicates: (trx, access, rt, values, id) => this.#refuseDuplicates(trx, access, rt, values, id),
      refuseExclusions: (trx, access, rt, id, ignore) => this.#refuseExclusions(trx, access, rt, id, ignore),
      write: (entity, work) => this.#write(entity, work),
      present: (db, rt, rows) => this.#present(db, rt, rows, []),
      usableGrants: (access, entity, row, right) => this.#usableGrants(access, entity, row, right),
      lineWriter: (trx, actor) => this.#lineWriter(trx, actor),
      changed: (trx, changes) => this.#changed(trx, changes),
      visible: (access, entity, record) => this.#visible(access, entity, record),
    };
    return this.#bulkInternals;
  }

  /**
   * `lockedRow`: the record's table row as the caller read it FOR UPDATE in `ctx.trx` (all columns),
   * so it is not read again; ignored without `ctx.trx`.
   */
  async update(ctx: RecordContext, entityName: string, id: string, input: unknown, options: { expectedVersion?: number; allowReadOnly?: boolean; lockedRow?: Readonly<Record<string, unknown>> } = {}): Promise<ApiRecord> {
    const access = this.#accessOf(ctx);
    const rt = this.#runtime.entity(entityName);
    const { entity } = rt;
    assertUuid(id, '/id');
    refuseLineWrite(entity);
    const rights = access.entity(entityName);
    if (!access.unrestricted) {
      requireAny(access, rights, 'update');
      if (isObject(input)) checkWritable(entity, rights, input);
    }
    const written = validateInput(entity, rt.validators.update, input);
    if (options.expectedVersion === undefined) {
      throw new TesseraError('VERSION_REQUIRED', 'send the version you edited (If-Match header or "version" in the body) so concurrent changes are not overwritten', {
        problems: [{ pointer: '/version', detail: 'is required for updates', code: 'REQUIRED' }],
      });
    }
    return this.#inTransaction(ctx, async (trx) => {
      const locked = ctx.trx && options.lockedRow?.id === id && options.lockedRow.deleted_at === null ? (options.lockedRow as Row) : undefined;
      const current = locked ?? ((await trx(entity.table).where({ id }).whereNull('deleted_at').forUpdate().first()) as Row | undefined);
      if (!current) throw notFound(entityName, id);
      const usable = this.#usableGrants(access, entity, current, 'update');
      if (current.version !== options.expectedVersion) {
        throw new TesseraError('VERSION_CONFLICT', `${entityName} ${id} was changed by someone else (version ${String(current.version)}, you edited ${options.expectedVersion}); reload and apply your change again`, {
          extensions: { currentVersion: current.version },
        });
      }
      const [previous] = await this.#present(trx, rt, [current], []);
      const model = this.#runtime.snapshot.model;
      const allowReadOnly = options.allowReadOnly ?? ctx.actor.via === 'system';
      // A line's empty price or discount comes from the price lists (engine/records/pricing.ts).
      const priced = await withPrices(trx, model, entity, { ...previous!, ...written }, { only: new Set(Object.keys(written)) });
      refuseUnpriced(model, entity, priced, new Set(Object.keys(written)));
      const rate = await documentRateValues(trx, entity, priced, previous!, written);
      const next: ApiRecord = await withLookupComputed(trx, model, entity, id, previous!, withComputed(model, entity, { ...priced, ...rate }, { now: new Date(), timeZone: model.pkg.manifest.timeZone ?? 'UTC', userId: ctx.actor.userId }));
      // The change must not take the record out of the conditions the user's update right has.
      if (usable && !usable.some((g) => g.condition === undefined || conditionHolds(g.condition, access.subject!, { ...rowToRecord(entity, current), ...written }))) {
        throw forbidden(`after this change the ${entity.name} would no longer meet the condition of your update right`);
      }
      checkRecordRules(entity, written, next, { allowReadOnly, lines: lineWriteProblems(model, entity, written, allowReadOnly), roles: access.subject?.roles });
      this.#checkActivityLinks(entity, next);
      const transitions = checkTransitions(entity, previous!, next, await readLookups(trx, model, entity, id, previous!, next));
      await lockRollupParents(trx, model, entity, [{ before: current, after: next, changed: Object.keys(written) }]);
      await this.#checkReferences(trx, entity, written, access);
      await checkRecordGuards(trx, model, access, entity, id, previous!, next);
      if (entity.duplicates.some((r) => r.action === 'refuse' && r.fields.some((f) => Object.hasOwn(written, f)))) await this.#refuseDuplicates(trx, access, rt, next, id);
      const set = recordToColumns(entity, { ...sealSecrets(entity, written, this.#secrets), ...rate, ...computedFieldValues(entity, next) });
      if (entity.name === ACTIVITY_ENTITY && written.status !== undefined && written.status !== previous!.status) {
        set.resolved_at = written.status === 'resolved' ? new Date().toISOString() : null;
      }
      const updated = await this.#write(entity, async () => {
        const rows = (await trx(entity.table)
          .where({ id, version: options.expectedVersion })
          .update({ ...set, version: trx.raw('version + 1'), updated_at: trx.fn.now(), updated_by: ctx.actor.userId })
          .returning('*')) as Row[];
        return rows[0]!;
      });
      await this.#writeLinks(trx, entity, id, written, false);
      await writeLines(this.#lineWriter(trx, ctx.actor), model, entity, id, linesWritten(model, entity, written, previous!, next), false);
      if (exclusionRules(entity).some((rule) => Object.keys(written).some((f) => rule.fields.has(f)))) await this.#refuseExclusions(trx, access, rt, id);
      const [record] = await this.#present(trx, rt, [await this.#afterRollups(trx, entity, updated)], []);
      const changes = { ...diff(previous!, record!, entity.fields.map((f) => f.name)), ...secretChanges(entity, written, previous!, record!) };
      await refreshRollups(trx, model, entity, [{ before: current, after: updated, changed: Object.keys(changes) }]);
      await this.#changed(trx, [{ entity: entity.name, action: 'update', record: record!, previous: previous!, changes, transitions, actor: ctx.actor }]);
      return this.#visible(access, entity.name, record!);
    });
  }

  /**
   * The refusals `update` would give this input, changing nothing: 404 for a record the user may not
   * read (as for a missing one), 403 without a right to change it or a field written. For callers that
   * must check rights before they reveal anything else about the record. `lockedRow` as for `update`.
   */
  async checkUpdate(ctx: RecordContext, entityName: string, id: string, input: Readonly<ApiRecord>, lockedRow?: Readonly<Record<string, unknown>>): Promise<void> {
    const access = this.#accessOf(ctx);
    const { entity } = this.#runtime.entity(entityName);
    assertUuid(id, '/id');
    if (access.unrestricted) return;
    const rights = access.entity(entityName);
    requireAny(access, rights, 'update');
    checkWritable(entity, rights, input);
    const row = lockedRow?.id === id && lockedRow.deleted_at === null ? (lockedRow as Row) : ((await (ctx.trx ?? this.#knex)(entity.table).where({ id }).whereNull('deleted_at').first()) as Row | undefined);
    if (!row) throw notFound(entityName, id);
    this.#usableGrants(access, entity, row, 'update');
  }

  /** Soft delete. Dependents follow each reference's onDelete: restrict refuses, cascade deletes, setNull clears. */
  async remove(ctx: RecordContext, entityName: string, id: string, options: { expectedVersion?: number } = {}): Promise<ApiRecord> {
    const access = this.#accessOf(ctx);
    const rt = this.#runtime.entity(entityName);
    assertUuid(id, '/id');
    refuseLineWrite(rt.entity);
    requireAny(access, access.entity(entityName), 'delete');
    return this.#inTransaction(ctx, async (trx) => {
      const current = (await trx(rt.entity.table).where({ id }).whereNull('deleted_at').forUpdate().first()) as Row | undefined;
      if (!current) throw notFound(entityName, id);
      // Only the record asked for is checked: what its deletion cascades to follows the model's onDelete rules.
      this.#usableGrants(access, rt.entity, current, 'delete');
      if (options.expectedVersion !== undefined && current.version !== options.expectedVersion) {
        throw new TesseraError('VERSION_CONFLICT', `${entityName} ${id} was changed by someone else (version ${String(current.version)})`, { extensions: { currentVersion: current.version } });
      }
      await this.#deleteCascade(trx, ctx.actor, rt, [id], new Set());
      const row = (await trx(rt.entity.table).where({ id }).first()) as Row;
      const [record] = await this.#present(trx, rt, [row], []);
      return this.#visible(access, entityName, record!);
    });
  }

  async #deleteCascade(trx: Knex.Transaction, actor: Actor, rt: EntityRuntime, ids: string[], seen: Set<string>): Promise<void> {
    const fresh = ids.filter((id) => !seen.has(id));
    if (fresh.length === 0) return;
    for (const id of fresh) seen.add(id);
    const snapshot = this.#runtime.snapshot;
    for (const ref of snapshot.referrers.get(rt.entity.name) ?? []) {
      const dep = snapshot.entities.get(ref.entity)!;
      const rows = (await trx(dep.entity.table).whereIn(ref.field, fresh).whereNull('deleted_at').select('id')) as { id: string }[];
      if (rows.length === 0) continue;
      if (ref.onDelete === 'restrict') {
        throw new TesseraError('DELETE_RESTRICTED', `${rt.entity.name} is still referenced by ${rows.length} ${ref.entity} record(s) (field ${ref.field}); delete or relink them first`, {
          extensions: { referencedBy: { entity: ref.entity, field: ref.field, count: rows.length }, params: { entity: rt.entity.name, referencedBy: ref.entity, field: ref.field, fieldEntity: ref.entity, count: rows.length } },
        });
      }
      if (ref.onDelete === 'setNull') {
        for (const { id } of rows) {
          const before = (await trx(dep.entity.table).where({ id }).forUpdate().first()) as Row;
          const after = await this.#write(dep.entity, async () => ((await trx(dep.entity.table).where({ id }).update({ [ref.field]: null, version: trx.raw('version + 1'), updated_at: trx.fn.now(), updated_by: actor.userId }).returning('*')) as Row[])[0]!);
          const [previous, record] = await this.#present(trx, dep, [before, after], []);
          const changes = { [ref.field]: [before[ref.field], null] as [unknown, unknown] };
          await refreshRollups(trx, snapshot.model, dep.entity, [{ before, after, changed: [ref.field] }]);
          await this.#changed(trx, [{ entity: ref.entity, action: 'update', record: record!, previous: previous!, changes, transitions: [], actor }]);
        }
      } else {
        await this.#deleteCascade(trx, actor, dep, rows.map((r) => r.id), seen);
      }
    }
    // now() is the transaction's start time: every row of one cascade shares it, which is how restore finds them.
    await trx(rt.entity.table).whereIn('id', fresh).update({ deleted_at: trx.fn.now(), deleted_by: actor.userId, version: trx.raw('version + 1') });
    // What the rows counted for while live: their values with no deletion stamp.
    await refreshRollups(trx, snapshot.model, rt.entity, ((await trx(rt.entity.table).whereIn('id', fresh)) as Row[]).map((row) => ({ before: { ...row, deleted_at: null }, after: null })));
    for (const id of fresh) {
      const row = (await trx(rt.entity.table).where({ id }).first()) as Row;
      const [record] = await this.#present(trx, rt, [row], []);
      await this.#changed(trx, [{ entity: rt.entity.name, action: 'delete', record: record!, previous: record!, changes: {}, transitions: [], actor }]);
    }
  }

  /** Restores a soft-deleted record together with the records its deletion cascaded to. */
  async restore(ctx: RecordContext, entityName: string, id: string): Promise<ApiRecord> {
    const access = this.#accessOf(ctx);
    const rt = this.#runtime.entity(entityName);
    assertUuid(id, '/id');
    refuseLineWrite(rt.entity);
    requireAny(access, access.entity(entityName), 'delete');
    return this.#inTransaction(ctx, async (trx) => {
      // The stamp as text keeps PostgreSQL's microseconds (a JS Date would round to milliseconds).
      const current = (await trx(rt.entity.table).where({ id }).whereNotNull('deleted_at').forUpdate().first('*', trx.raw('deleted_at::text AS stamp'))) as (Row & { stamp: string }) | undefined;
      if (!current) throw notFound(entityName, id, 'deleted ');
      // Restoring undoes a deletion, so it takes the delete right.
      this.#usableGrants(access, rt.entity, current, 'delete');
      await this.#restoreCascade(trx, ctx.actor, rt, [id], current.stamp);
      const row = (await trx(rt.entity.table).where({ id }).first()) as Row;
      const [record] = await this.#present(trx, rt, [row], []);
      return this.#visible(access, entityName, record!);
    });
  }

  async #restoreCascade(trx: Knex.Transaction, actor: Actor, rt: EntityRuntime, ids: string[], deletedAt: string): Promise<void> {
    await this.#write(rt.entity, () => trx(rt.entity.table).whereIn('id', ids).update({ deleted_at: null, deleted_by: null, version: trx.raw('version + 1'), updated_at: trx.fn.now(), updated_by: actor.userId }));
    await refreshRollups(trx, this.#runtime.snapshot.model, rt.entity, ((await trx(rt.entity.table).whereIn('id', ids)) as Row[]).map((row) => ({ before: null, after: row })));
    for (const id of ids) {
      const row = (await trx(rt.entity.table).where({ id }).first()) as Row;
      const [record] = await this.#present(trx, rt, [row], []);
      // A restored record may not point at one that stays deleted (restore that one first).
      const references = Object.fromEntries(rt.entity.fields.filter((f) => f.type === 'reference').map((f) => [f.name, record![f.name]]));
      await this.#checkReferences(trx, rt.entity, references, SYSTEM_ACCESS);
      // Nor take a slot another record took meanwhile.
      await this.#refuseExclusions(trx, SYSTEM_ACCESS, rt, id);
      await this.#changed(trx, [{ entity: rt.entity.name, action: 'restore', record: record!, previous: null, changes: {}, transitions: [], actor }]);
    }
    const snapshot = this.#runtime.snapshot;
    for (const ref of snapshot.referrers.get(rt.entity.name) ?? []) {
      if (ref.onDelete !== 'cascade') continue;
      const dep = snapshot.entities.get(ref.entity)!;
      const rows = (await trx(dep.entity.table).whereIn(ref.field, ids).whereRaw('deleted_at = ?::timestamptz', [deletedAt]).select('id')) as { id: string }[];
      if (rows.length) await this.#restoreCascade(trx, actor, dep, rows.map((r) => r.id), deletedAt);
    }
  }

  /** The audit trail of a record, oldest first. */
  async history(ctx: RecordContext, entityName: string, id: string): Promise<ApiRecord[]> {
    const access = this.#accessOf(ctx);
    this.#runtime.entity(entityName);
    assertUuid(id, '/id');
    const db = ctx.trx ?? this.#knex;
    // The trail of a record is as readable as the record (deleted ones included), minus hidden fields.
    let hidden: ReadonlySet<string> = NOTHING_HIDDEN;
    if (!access.unrestricted) {
      await this.get(ctx, entityName, id, { fields: ['id'], withDeleted: true });
      hidden = hiddenFields(access.entity(entityName));
    }
    const rows = (await db('tessera.audit_log as a')
      .leftJoin('tessera.users as u', 'u.id', 'a.actor')
      // By record id alone: ids are unique across types, and the trail survives a rename of the type.
      .where({ 'a.record_id': id })
      .orderBy('a.id')
      .select('a.id', 'a.at', 'a.actor', 'u.display_name as actor_name', 'a.via', 'a.origin', 'a.instance_id', 'a.action', 'a.changes', 'a.meta_version')) as Row[];
    if (rows.length === 0) {
      // A record changed only in months the retention archived (tessera_archive) has a trail here no more.
      if ((await auditArchivedBefore(db)) === null) throw notFound(entityName, id);
      if (access.unrestricted) await this.get(ctx, entityName, id, { fields: ['id'], withDeleted: true });
      return [];
    }
    const entries = rows.map((r) => ({ ...r, id: Number(r.id), at: (r.at as Date).toISOString(), changes: stripHidden((r.changes ?? {}) as ApiRecord, hidden) }));
    // The records reference values point at, named as the reader may see them (null: not for them).
    const names = await referenceNames(db, this.#runtime.entity(entityName).entity, entries.map((e) => e.changes), async (target, ids) => {
      const displayField = this.#runtime.entity(target).entity.displayField;
      const found = await this.list(ctx, target, { filter: { id: { in: ids } }, fields: ['id', displayField], limit: MAX_LIMIT });
      return new Map(found.data.map((r) => [r.id as string, r[displayField] === null || r[displayField] === undefined ? '' : String(r[displayField])]));
    });
    return entries.map((e) => {
      const own = Object.keys(names).filter((ref) => JSON.stringify(e.changes).includes(ref));
      return { ...e, names: Object.fromEntries(own.map((ref) => [ref, names[ref]])) };
    });
  }

  /**
   * Live records the entity's duplicate rules match for `input` (the values of a record being
   * written; `exclude`: the record itself), per rule, among those the user may read. A rule over a
   * field the user may not see is skipped (its matches would reveal the value).
   */
  async duplicates(ctx: RecordContext, entityName: string, input: unknown, options: { exclude?: string } = {}): Promise<DuplicateMatches[]> {
    const access = this.#accessOf(ctx);
    const rt = this.#runtime.entity(entityName);
    const { entity } = rt;
    const rights = access.entity(entityName);
    if (!access.unrestricted) requireAny(access, rights, 'read');
    if (!isObject(input)) throw new TesseraError('VALIDATION_FAILED', 'send the record\'s values as a JSON object', { problems: [{ pointer: '', detail: 'must be an object', code: 'TYPE' }] });
    if (options.exclude !== undefined) assertUuid(options.exclude, '/exclude');
    const hidden = access.unrestricted ? NOTHING_HIDDEN : hiddenFields(rights);
    const db = ctx.trx ?? this.#knex;
    const result: DuplicateMatches[] = [];
    for (const query of duplicateQueries(entity, input, ['refuse', 'warn'], options.exclude ?? null)) {
      if (query.rule.fields.some((f) => hidden.has(f))) continue;
      const qb = db(entity.table).select(`${entity.table}.*`).orderBy(`${entity.table}.created_at`).limit(20);
      query.where(qb);
      const rule: RowRule = access.unrestricted ? [] : [rights.read];
      applyRule(qb, entity.table, entity.name, rule, access.subject);
      const rows = ((await qb) as Row[]).filter((row) => !ruleNeedsConditions(rule) || ruleAdmits(rule, access.subject, entity.name, rowToRecord(entity, row)));
      if (rows.length === 0) continue;
      const records = await this.#present(db, rt, rows.slice(0, 5), [], undefined, access);
      result.push({ rule: query.rule.id, action: query.rule.action, fields: query.rule.fields, ...(query.rule.label ? { label: query.rule.label } : {}), records });
    }
    return result;
  }

  /**
   * Merges the record `{duplicate}` names into `id` (engine/records/merge.ts): related records and
   * links move to `id`, empty fields are filled from the duplicate, the duplicate is deleted; one
   * transaction, audited (`merge` in both records' trails). `expectedVersion`: of the record kept.
   */
  async merge(ctx: RecordContext, entityName: string, id: string, input: unknown, options: { expectedVersion?: number } = {}): Promise<MergeResult> {
    this.#accessOf(ctx);
    assertUuid(id, '/id');
    if (ctx.trx) throw new Error('merge runs in its own transaction');
    const audit = (trx: Knex.Transaction, c: RecordContext, entity: string, recordId: string, changes: Record<string, [unknown, unknown]>) => this.#audit(trx, c.actor, entity, recordId, 'merge', changes);
    return mergeRecords({ records: this, knex: this.#knex, audit }, ctx, entityName, id, input, options.expectedVersion);
  }

  // ---- internals -----------------------------------------------------------------------------

  /**
   * Refuses a write whose values a refusing duplicate rule matches in another live record, whoever
   * may read it (a duplicate must not slip in because its twin is out of sight); the problem names
   * the twin only when the user may read it. The rule's values are locked for the transaction, so
   * two concurrent writers of the same values cannot both pass.
   */
  async #refuseDuplicates(trx: Knex.Transaction, access: Access, rt: EntityRuntime, values: ApiRecord, id: string | null): Promise<void> {
    const { entity } = rt;
    for (const query of duplicateQueries(entity, values, ['refuse'], id)) {
      await lockDuplicateKey(trx, query.lockKey);
      const qb = trx(entity.table).select('id').limit(5);
      query.where(qb);
      const ids = ((await qb) as { id: string }[]).map((r) => r.id);
      if (ids.length === 0) continue;
      const readable = await this.#present(trx, rt, await this.#readable(trx, rt, ids, access), [], ['id', entity.displayField], access);
      const fields = query.rule.fields.join(', ');
      throw new TesseraError('DUPLICATE_RECORD', `another ${entity.name} has the same ${fields}`, {
        problems: query.rule.fields.map((f) => ({ pointer: `/${f}`, detail: 'another record has this value', code: 'DUPLICATE' })),
        extensions: { rule: query.rule.id, duplicates: readable.map((r) => ({ entity: entity.name, id: r.id, title: r[entity.displayField] ?? null })) },
      });
    }
  }

  /**
   * Refuses a written record that collides under an exclusion rule with another live record
   * (engine/rules/exclusions.ts), naming it: by title when the user may read it, else by id.
   * `ignore`: records of the same batch checked after this one.
   */
  async #refuseExclusions(trx: Knex.Transaction, access: Access, rt: EntityRuntime, id: string, ignore: readonly string[] = []): Promise<void> {
    const { entity } = rt;
    if (exclusionRules(entity).length === 0) return;
    const conflict = await findExclusionConflict(trx, entity, id, ignore);
    if (!conflict) return;
    const [readable] = await this.#present(trx, rt, await this.#readable(trx, rt, [conflict.id], access), [], ['id', entity.displayField], access);
    const title = readable?.[entity.displayField];
    throw exclusionViolation(entity, conflict, readable ? (title === null || title === undefined ? '' : String(title)) : null);
  }

  #checkActivityLinks(entity: EntityModel, values: ApiRecord): void {
    if (entity.name !== ACTIVITY_ENTITY) return;
    const kind = this.#runtime.snapshot.model.activityKinds.find((k) => k.name === values.kind);
    const links = kind?.requiresLink;
    if (!links?.length) return;
    if (!links.some((name) => Object.hasOwn(values, name) && values[name] !== null && values[name] !== undefined)) {
      throw new TesseraError('VALIDATION_FAILED', `a ${String(values.kind)} must link to one of: ${links.join(', ')}`, {
        problems: links.map((name) => ({ pointer: `/${name}`, detail: `link a ${links.join(' or ')}`, code: 'REQUIRES_LINK', params: { entity: ACTIVITY_ENTITY, links } })),
      });
    }
  }

  /** References must point at live records (the foreign key alone would accept soft-deleted ones). */
  async #checkReferences(trx: Knex.Transaction, entity: EntityModel, values: ApiRecord, access: Access): Promise<void> {
    const problems: Problem[] = [];
    for (const field of entity.fields) {
      const value = values[field.name];
      if (value === null || value === undefined) continue;
      if (field.type === 'reference' || field.type === 'attachment') {
        const ok = await this.#live(trx, field.type === 'attachment' ? '#files' : field.target, [value as string], access);
        if (!ok.has(value as string)) problems.push({ pointer: `/${field.name}`, detail: `no ${field.type === 'attachment' ? 'file' : field.target} with id ${String(value)}`, code: 'REFERENCE_NOT_FOUND', params: { target: field.type === 'attachment' ? 'file' : field.target } });
      } else if (field.type === 'manyToMany') {
        const links = value as Link[];
        const ok = await this.#live(trx, field.target, links.map((l) => l.id), access);
        links.forEach((l, i) => {
          if (!ok.has(l.id)) problems.push({ pointer: `/${field.name}/${i}/id`, detail: `no ${field.target} with id ${l.id}`, code: 'REFERENCE_NOT_FOUND', params: { target: field.target } });
        });
        const seen = new Set<string>();
        links.forEach((l, i) => {
          const key = `${l.id}/${l.role ?? ''}`;
          if (seen.has(key)) problems.push({ pointer: `/${field.name}/${i}`, detail: 'is listed twice', code: 'DUPLICATE_LINK' });
          seen.add(key);
        });
      }
    }
    if (problems.length) throw new TesseraError('REFERENCE_NOT_FOUND', `referenced records do not exist: ${problems.map((p) => p.pointer).join(', ')}`, { problems });
  }

  /** Ids among `ids` that exist, are live and, for record targets, are readable by the user (else it could probe for them). */
  async #live(trx: Knex.Transaction, target: string, ids: string[], access: Access): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const platform = platformTarget(target);
    if (platform) return livePlatformIds(trx, platform, ids);
    let query: Knex.QueryBuilder;
    if (target === '#files') query = trx('tessera.files').whereIn('id', ids).forShare();
    else {
      const rt = this.#runtime.entity(target);
      const rows = (await this.#readable(trx, rt, ids, access, true)).filter((r) => r.deleted_at === null);
      return new Set(rows.map((r) => r.id as string));
    }
    return new Set(((await query.select('id')) as { id: string }[]).map((r) => r.id));
  }

  /**
   * The grants of `right` that admit this row. A row the user may not read is reported as missing
   * (404); a readable row no grant admits is refused (403). null: unrestricted access.
   */
  #usableGrants(access: Access, entity: EntityModel, row: Row, right: 'update' | 'delete'): readonly Grant[] | null {
    if (access.unrestricted) return null;
    const subject = access.subject!;
    const rights = access.entity(entity.name);
    const record = rowToRecord(entity, row);
    if (!ruleAdmits([rights.read], subject, entity.name, record)) throw notFound(entity.name, row.id as string);
    const usable = rights[right].filter((g) => grantAdmits(g, subject, entity.name, record, { teamQueue: right !== 'delete' }));
    if (usable.length === 0) throw forbidden(`you may not ${right} this ${entity.name}`);
    return usable;
  }

  /** What the user gets back: the record without the fields they may not see. */
  #visible(access: Access, entity: string, record: ApiRecord): ApiRecord {
    return access.unrestricted ? record : stripHidden(record, hiddenFields(access.entity(entity)));
  }

  async #writeLinks(trx: Knex.Transaction, entity: EntityModel, id: string, values: ApiRecord, isNew: boolean): Promise<void> {
    for (const field of entity.fields) {
      if (field.type !== 'manyToMany' || !Object.hasOwn(values, field.name)) continue;
      const join = joinTableName(entity.table, field.name);
      if (!isNew) await trx(join).where({ source: id }).delete();
      const links = (values[field.name] as Link[] | undefined) ?? [];
      if (links.length) await trx(join).insert(links.map((l, position) => ({ source: id, target: l.id, role: l.role ?? '', position })));
    }
  }

  /** The row again when its own rollups may have moved with the write (a rollup over its lines). */
  async #afterRollups(trx: Knex.Transaction, entity: EntityModel, row: Row): Promise<Row> {
    if (!linesFeedRollups(this.#runtime.snapshot.model, entity)) return row;
    return ((await trx(entity.table).where({ id: row.id as string }).first()) as Row | undefined) ?? row;
  }

  #lineWriter(trx: Knex.Transaction, actor: Actor): LineWriter {
    return { trx, userId: actor.userId, write: (e, work) => this.#write(e, work), audit: (e, id, action, changes) => this.#audit(trx, actor, e.name, id, action, changes) };
  }

  /** Runs a write, turning constraint violations the checks could not foresee (races) into typed errors. */
  async #write<T>(entity: EntityModel, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      const pgError = postgresError(error);
      if (pgError.code === PG_UNIQUE) {
        const index = this.#uniqueIndex(pgError.constraint ?? '');
        const pointers = index?.columns.map((c) => `/${c.endsWith(CURRENCY_SUFFIX) ? c.slice(0, -CURRENCY_SUFFIX.length) : c}`) ?? [''];
        throw new TesseraError('UNIQUE_VIOLATION', `another ${entity.name} already has this value (${pgError.detail ?? pgError.constraint ?? ''})`, {
          problems: pointers.map((pointer) => ({ pointer, detail: 'must be unique', code: 'UNIQUE' })),
        });
      }
      // Exclusion constraints are deferred and the engine's check names the collision first; this is a write around it.
      if (pgError.code === PG_EXCLUSION) throw new TesseraError('EXCLUSION_VIOLATION', `this ${entity.name} collides with another under the rule ${pgError.constraint ?? ''}`.trim(), { problems: [{ pointer: '', detail: 'collides with another record', code: 'EXCLUSION' }] });
      if (pgError.code === PG_FK) throw new TesseraError('REFERENCE_NOT_FOUND', `a referenced record does not exist (${pgError.detail ?? ''})`);
      // Named, never echoed: PostgreSQL's detail is the whole failing row (every column, other users' ids).
      if (pgError.code === PG_CHECK) throw new TesseraError('VALIDATION_FAILED', `a value was rejected by the database's check ${pgError.constraint ?? ''}`.trim(), { problems: [{ pointer: '', detail: `violates the check ${pgError.constraint ?? ''}`.trim(), code: 'CHECK' }] });
      if (pgError.code === PG_NUMERIC_RANGE) throw new TesseraError('VALIDATION_FAILED', 'a number is out of the range the database can store', { problems: [{ pointer: '', detail: 'a number is out of range', code: 'RANGE' }] });
      throw error;
    }
  }

  #uniqueIndex(name: string): { entity: string; columns: readonly string[] } | undefined {
    const snapshot = this.#runtime.snapshot;
    let map = this.#uniqueIndexes.get(snapshot);
    if (!map) {
      map = new Map();
      for (const table of physicalSchema(snapshot.model).tables) for (const index of table.indexes) if (index.unique) map.set(index.name, { entity: table.name, columns: index.columns });
      this.#uniqueIndexes.set(snapshot, map);
    }
    return map.get(name);
  }

  async #audit(trx: Knex.Transaction, actor: Actor, entity: string, recordId: string, action: AuditAction, changes: Record<string, [unknown, unknown]>): Promise<void> {
    const row: AuditRow = { actor: actor.userId, via: actor.via, entity, record_id: recordId, action, changes, meta_version: this.#runtime.snapshot.version, instance_id: actor.instanceId ?? null, origin: actor.origin ?? null };
    await writeChangeRows(trx, [row], [], [], this.#auditSinks.get(trx));
  }

  /** Audits changes made on `trx`, with the rows kept per change, in one statement; then runs the change hooks of each. */
  async #changed(trx: Knex.Transaction, changes: readonly RecordChange[]): Promise<void> {
    const version = this.#runtime.snapshot.version;
    await writeChangeRows(trx, changes.map((change) => auditRowOf(change, version)), changes, this.#changeRows, this.#auditSinks.get(trx));
    currentTrial()?.changesWritten(changes, this.#changeRows);
    for (const change of changes) for (const hook of this.#hooks) await hook(trx, change);
  }
}

/** One row of tessera.audit_log as the records service writes it (id and time come from the database). */
export interface AuditRow {
  readonly actor: string | null;
  readonly via: Actor['via'];
  readonly entity: string;
  readonly record_id: string;
  readonly action: AuditAction;
  readonly changes: Record<string, [unknown, unknown]>;
  readonly meta_version: number;
  /** The workflow instance that made the change, if one did. */
  readonly instance_id: string | null;
  /** The flow and node that made the change, if a Node-RED flow did. */
  readonly origin: AuditOrigin | null;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const getByIdStatements = new Map<string, DirectStatement>();

/** The statement of a get by id of a live record, the same knex builds for it (a table name is an identifier from metadata). */
export function getByIdStatement(table: string): DirectStatement {
  let statement = getByIdStatements.get(table);
  if (statement === undefined) {
    statement = directStatement(`select * from ${quoteIdent(table)} where "id" = ? and "deleted_at" is null limit 1`);
    getByIdStatements.set(table, statement);
  }
  return statement;
}

function notFound(entity: string, id: string, what = ''): TesseraError {
  return new TesseraError('NOT_FOUND', `no ${what}${entity} with id ${id}`, { extensions: { entity, id } });
}

function assertUuid(id: string, pointer: string): void {
  if (!isUuid(id)) throw new TesseraError('NOT_FOUND', `"${id}" is not a record id`, { problems: [{ pointer, detail: 'must be a UUID' }] });
}
