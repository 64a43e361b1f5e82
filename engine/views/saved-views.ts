// Saved views: a user's filters, sort and columns of a list or a board, kept under a name, private
// or shared with one of their teams (migration 011). What a view stores is checked as the list
// would check it (the records service's list validation), so a saved view always runs.
import type { Knex } from 'knex';
import { isUuid } from '../../metadata/index.ts';
import type { Access } from '../access/index.ts';
import { postgresError } from '../db/errors.ts';
import { isTesseraError, TesseraError, type Problem } from '../errors.ts';
import type { RecordContext, RecordService } from '../records/index.ts';
import { SYSTEM_OUTPUT } from '../records/index.ts';

export type SavedViewKind = 'list' | 'board';

export interface SavedViewInput {
  readonly entity: string;
  readonly kind: SavedViewKind;
  readonly name: string;
  /** Shared with this team (the owner must belong to it); null: private. */
  readonly teamId: string | null;
  /** An API filter (docs/api.md, Lists), the list's `sort` text, column names, a search text. */
  readonly filter: unknown;
  readonly sort: string | null;
  readonly columns: readonly string[] | null;
  readonly search: string | null;
}

export interface SavedView extends SavedViewInput {
  readonly id: string;
  readonly owner: { readonly id: string; readonly displayName: string };
  /** The team it is shared with, labelled (null: private). */
  readonly team: { readonly id: string; readonly label: string } | null;
  /** The requesting user owns it (and so may change and delete it). */
  readonly mine: boolean;
  readonly createdAt: string;
  readonly updatedAt: string;
}

const MEMBERS = ['entity', 'kind', 'name', 'teamId', 'filter', 'sort', 'columns', 'search'] as const;
const NAME_MAX = 100;
const COLUMNS_MAX = 30;

const invalid = (problems: Problem[]) => new TesseraError('VALIDATION_FAILED', `invalid saved view: ${problems.map((p) => `${p.pointer} ${p.detail}`).join('; ')}`, { problems });

/**
 * A view as sent (`previous`: the stored one an update changes). Members' shapes first, then the
 * list query as the records service checks it (problems move from /query/filter to /filter …).
 */
export function parseSavedView(records: RecordService, ctx: RecordContext, body: Record<string, unknown>, previous?: SavedViewInput): SavedViewInput {
  const problems: Problem[] = [];
  for (const key of Object.keys(body)) if (!(MEMBERS as readonly string[]).includes(key)) problems.push({ pointer: `/${key}`, detail: 'unknown property' });
  const text = (key: string, max: number, nullable: boolean) => {
    const value = body[key];
    if (value === undefined || (nullable && value === null)) return;
    if (typeof value !== 'string' || (!nullable && !value.trim()) || value.length > max) problems.push({ pointer: `/${key}`, detail: `must be text of ${nullable ? 0 : 1}–${max} characters` });
  };
  text('name', NAME_MAX, false);
  text('entity', 63, false);
  text('sort', 200, true);
  text('search', 200, true);
  if (body.kind !== undefined && body.kind !== 'list' && body.kind !== 'board') problems.push({ pointer: '/kind', detail: 'must be "list" or "board"' });
  if (body.teamId !== undefined && body.teamId !== null && !(typeof body.teamId === 'string' && isUuid(body.teamId))) problems.push({ pointer: '/teamId', detail: 'must be a team id or null' });
  if (body.columns !== undefined && body.columns !== null) {
    if (!Array.isArray(body.columns) || body.columns.length === 0 || body.columns.length > COLUMNS_MAX) problems.push({ pointer: '/columns', detail: `must be a list of 1–${COLUMNS_MAX} field names, or null` });
    else body.columns.forEach((c, i) => typeof c !== 'string' && problems.push({ pointer: `/columns/${i}`, detail: 'must be a field name' }));
  }
  if (!previous) for (const key of ['name', 'entity'] as const) if (body[key] === undefined) problems.push({ pointer: `/${key}`, detail: 'is required' });
  if (previous && body.entity !== undefined && body.entity !== previous.entity) problems.push({ pointer: '/entity', detail: 'cannot change (save a new view for another type)' });
  if (problems.length) throw invalid(problems);
  const view: SavedViewInput = {
    entity: (body.entity as string | undefined) ?? previous!.entity,
    kind: (body.kind as SavedViewKind | undefined) ?? previous?.kind ?? 'list',
    name: ((body.name as string | undefined) ?? previous!.name).trim(),
    teamId: body.teamId !== undefined ? (body.teamId as string | null) : (previous?.teamId ?? null),
    filter: body.filter !== undefined ? body.filter : (previous?.filter ?? null),
    sort: body.sort !== undefined ? ((body.sort as string | null) || null) : (previous?.sort ?? null),
    columns: body.columns !== undefined ? (body.columns as string[] | null) : (previous?.columns ?? null),
    search: body.search !== undefined ? ((body.search as string | null) || null) : (previous?.search ?? null),
  };
  if (!records.runtime.snapshot.entities.has(view.entity)) throw invalid([{ pointer: '/entity', detail: `no entity type "${view.entity}"`, code: 'UNKNOWN_ENTITY' }]);
  try {
    // Columns are fields or system fields of the type, as `fields` of a list.
    const fields = view.columns?.filter((c) => !(SYSTEM_OUTPUT as readonly string[]).includes(c));
    records.checkListQuery(ctx, view.entity, { ...(view.filter !== null ? { filter: view.filter } : {}), ...(view.sort ? { sort: view.sort } : {}), ...(fields?.length ? { fields } : {}) });
  } catch (error) {
    if (!isTesseraError(error) || error.code !== 'BAD_QUERY') throw error;
    const moved = error.problems.map((p) => ({ ...p, pointer: p.pointer.replace(/^\/query\/(filter|sort)/, '/$1').replace(/^\/query\/fields/, '/columns') }));
    throw invalid(moved);
  }
  return view;
}

interface Row {
  id: string;
  owner_id: string;
  owner_name: string;
  team_id: string | null;
  team_label: string | null;
  entity: string;
  kind: SavedViewKind;
  name: string;
  definition: { filter?: unknown; sort?: string | null; columns?: string[] | null; search?: string | null };
  created_at: Date;
  updated_at: Date;
}

const present = (row: Row, userId: string): SavedView => ({
  id: row.id,
  entity: row.entity,
  kind: row.kind,
  name: row.name,
  teamId: row.team_id,
  team: row.team_id ? { id: row.team_id, label: row.team_label ?? '' } : null,
  owner: { id: row.owner_id, displayName: row.owner_name },
  mine: row.owner_id === userId,
  filter: row.definition.filter ?? null,
  sort: row.definition.sort ?? null,
  columns: row.definition.columns ?? null,
  search: row.definition.search ?? null,
  createdAt: row.created_at.toISOString(),
  updatedAt: row.updated_at.toISOString(),
});

function select(db: Knex | Knex.Transaction) {
  return db('tessera.saved_views as v')
    .join('tessera.users as u', 'u.id', 'v.owner_id')
    .leftJoin('tessera.teams as t', 't.id', 'v.team_id')
    .select('v.*', 'u.display_name as owner_name', 't.label as team_label');
}

export class SavedViews {
  readonly #knex: Knex;
  readonly #records: RecordService;

  constructor(knex: Knex, records: RecordService) {
    this.#knex = knex;
    this.#records = records;
  }

  /** The user's own views and those shared with their teams, of the types they may read. */
  async list(ctx: RecordContext, filter: { entity?: string; kind?: SavedViewKind } = {}): Promise<SavedView[]> {
    const access = accessOf(ctx);
    const subject = access.subject!;
    const query = select(this.#knex)
      .where((b) => b.where('v.owner_id', subject.userId).orWhereIn('v.team_id', [...subject.teamIds]))
      .orderByRaw('lower(v.name), v.id');
    if (filter.entity) query.where('v.entity', filter.entity);
    if (filter.kind) query.where('v.kind', filter.kind);
    const rows = (await query) as Row[];
    const readable = (entity: string) => this.#records.runtime.snapshot.entities.has(entity) && (access.unrestricted || access.entity(entity).read.length > 0);
    return rows.filter((r) => readable(r.entity)).map((r) => present(r, subject.userId));
  }

  async get(ctx: RecordContext, id: string): Promise<SavedView> {
    const access = accessOf(ctx);
    const row = await this.#visible(this.#knex, access, id);
    return present(row, access.subject!.userId);
  }

  async create(ctx: RecordContext, body: Record<string, unknown>): Promise<SavedView> {
    const access = accessOf(ctx);
    const view = parseSavedView(this.#records, ctx, body);
    checkTeam(access, view.teamId);
    const id = await unique(async () => {
      const [row] = (await this.#knex('tessera.saved_views').insert({ ...columnsOf(view), owner_id: access.subject!.userId }).returning('id')) as { id: string }[];
      return row!.id;
    });
    return this.get(ctx, id);
  }

  /** Only the owner changes a view (team members see it, 403 for them). */
  async update(ctx: RecordContext, id: string, body: Record<string, unknown>): Promise<SavedView> {
    const access = accessOf(ctx);
    return this.#knex.transaction(async (trx) => {
      const row = await this.#own(trx, access, id);
      const view = parseSavedView(this.#records, ctx, body, present(row, access.subject!.userId));
      checkTeam(access, view.teamId);
      await unique(() => trx('tessera.saved_views').where({ id }).update({ ...columnsOf(view), updated_at: trx.fn.now() }));
      return present(await this.#visible(trx, access, id), access.subject!.userId);
    });
  }

  async remove(ctx: RecordContext, id: string): Promise<void> {
    const access = accessOf(ctx);
    await this.#knex.transaction(async (trx) => {
      await this.#own(trx, access, id);
      await trx('tessera.saved_views').where({ id }).delete();
    });
  }

  /** A view the user sees (own or shared with a team of theirs); others do not exist for them (404). */
  async #visible(db: Knex | Knex.Transaction, access: Access, id: string): Promise<Row> {
    if (!isUuid(id)) throw notFound(id);
    const subject = access.subject!;
    const row = (await select(db).where('v.id', id).first()) as Row | undefined;
    if (!row || (row.owner_id !== subject.userId && !(row.team_id && subject.teamIds.includes(row.team_id)))) throw notFound(id);
    return row;
  }

  async #own(trx: Knex.Transaction, access: Access, id: string): Promise<Row> {
    const row = await this.#visible(trx, access, id);
    if (row.owner_id !== access.subject!.userId) throw new TesseraError('FORBIDDEN', 'only the owner of a saved view may change or delete it');
    return row;
  }
}

function accessOf(ctx: RecordContext): Access {
  const access = ctx.actor.access;
  // Saved views belong to users: the platform's own actors have none.
  if (!access?.subject) throw new TesseraError('UNAUTHENTICATED', 'saved views belong to a signed-in user (or their API token)');
  return access;
}

/** Sharing with a team needs its membership (an administrator of users may share with any team). */
function checkTeam(access: Access, teamId: string | null): void {
  if (teamId === null) return;
  const subject = access.subject!;
  if (!subject.teamIds.includes(teamId) && !access.can('administerUsers')) {
    throw new TesseraError('FORBIDDEN', 'you may share a view only with a team you belong to', { problems: [{ pointer: '/teamId', detail: 'is not a team of yours', code: 'NOT_A_MEMBER' }] });
  }
}

const columnsOf = (view: SavedViewInput) => ({
  entity: view.entity,
  kind: view.kind,
  name: view.name,
  team_id: view.teamId,
  definition: JSON.stringify({ filter: view.filter, sort: view.sort, columns: view.columns, search: view.search }),
});

async function unique<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const pg = postgresError(error);
    if (pg.code === '23505') throw new TesseraError('UNIQUE_VIOLATION', 'you already have a view of this name for this type', { problems: [{ pointer: '/name', detail: 'must be unique', code: 'UNIQUE' }] });
    if (pg.code === '23503') throw new TesseraError('REFERENCE_NOT_FOUND', 'no such team', { problems: [{ pointer: '/teamId', detail: 'no team with this id', code: 'REFERENCE_NOT_FOUND' }] });
    throw error;
  }
}

const notFound = (id: string) => new TesseraError('NOT_FOUND', `no saved view ${id}`, { extensions: { id } });
