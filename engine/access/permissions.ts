// Effective rights of a user, computed from the roles declared in metadata. Pure: no database, no
// HTTP. The records service asks it which rows and fields a user may see or change; the HTTP layer
// asks it for administration rights.
//
// Model (see docs/security.md):
// - Deny by default. A user without roles may do nothing with records.
// - Roles add up (union, as in NocoBase): a row is allowed when any grant of any role allows it.
// - Within one role, an entry for the entity type overrides the "*" entry right by right: a deal
//   entry with `delete: "none"` removes the delete right the "*" entry gave.
// - A grant is a scope (own ⊂ team ⊂ all) and optionally the FEEL condition of its entry.
// - Field rights: a role that reaches an entity type grants `write` on every field it does not
//   list; the user's level of a field is the highest level any such role gives.
// - `is_admin` users hold every right; token scopes can only take rights away.
import { ACTIVITY_ENTITY, feelConditionHolds, type Model, type Permission, type Role, TOKEN_SCOPES, type TokenScope } from '../../metadata/index.ts';

export type Scope = 'none' | 'own' | 'team' | 'all';
export type GrantScope = Exclude<Scope, 'none'>;
export type RowRight = 'read' | 'update' | 'delete' | 'export';
export type Right = RowRight | 'create';
export type FieldLevel = 'none' | 'read' | 'write';
export type AdminRight = 'administerMetadata' | 'administerWorkflows' | 'administerUsers' | 'administerConnectors' | 'administerAutomation' | 'viewAutomation';

export const ROW_RIGHTS: readonly RowRight[] = ['read', 'update', 'delete', 'export'];
export const ADMIN_RIGHTS: readonly AdminRight[] = ['administerMetadata', 'administerWorkflows', 'administerUsers', 'administerConnectors', 'administerAutomation', 'viewAutomation'];

/** One way a row may qualify: its scope and, when the granting entry has one, its FEEL condition. */
export interface Grant {
  readonly scope: GrantScope;
  readonly condition?: string;
}

export interface EntityRights {
  readonly entity: string;
  readonly read: readonly Grant[];
  /** `create` has no scope; a grant here is `all` with the entry's condition (checked on the new record). */
  readonly create: readonly Grant[];
  readonly update: readonly Grant[];
  readonly delete: readonly Grant[];
  readonly export: readonly Grant[];
  /** Fields below `write`; a field not listed is writable. */
  readonly fields: ReadonlyMap<string, 'none' | 'read'>;
}

/** The acting user, as permission checks need them. */
export interface Subject {
  readonly userId: string;
  readonly login: string;
  readonly displayName: string;
  readonly admin: boolean;
  readonly roles: readonly string[];
  /** Names of the user's teams. */
  readonly teams: readonly string[];
  /** Ids of the user's teams (in the order of `teams`). */
  readonly teamIds: readonly string[];
  /** Users sharing at least one team with this user, the user included: the `team` scope. */
  readonly teamMates: readonly string[];
  readonly employee: string | null;
}

/**
 * What an API token may be used for; a token never has more rights than its user, and a browser
 * session holds every scope. Data, files, the account and each administration right are separate
 * (like GitHub's fine-grained permissions): a token made to read records cannot upload files or end
 * its user's sessions. See docs/security.md.
 */
export { TOKEN_SCOPES, type TokenScope };

/** One line per scope, for the OpenAPI document and token screens. */
export const TOKEN_SCOPE_DESCRIPTIONS: Readonly<Record<TokenScope, string>> = {
  read: 'read records (list, get, history, timeline, workflow tasks and instances about them), download files, read notifications',
  write: 'create, change and delete records, complete workflow tasks, mark notifications read (includes read)',
  export: 'export records (with read)',
  files: 'upload files for attachment fields, and download them',
  account: "list the user's sessions and API tokens, end sessions, revoke other tokens, log out everywhere (a token may always revoke itself)",
  metadata: 'the administerMetadata right, if the user has it',
  workflows: 'the administerWorkflows right, if the user has it',
  users: 'the administerUsers right, if the user has it',
  connectors: 'the administerConnectors right, if the user has it (connector settings, the outbox)',
  automation: 'the administerAutomation and viewAutomation rights, if the user has them (the Node-RED editor and its API)',
};

/** Whether scopes, as `holds` answers for each, cover one: `write` includes `read`, the others stand alone. */
export function scopeHeld(scope: TokenScope, holds: (scope: TokenScope) => boolean): boolean {
  return holds(scope) || (scope === 'read' && holds('write'));
}

export interface Access {
  /** null: the platform itself (system jobs, workflows without declared rights). */
  readonly subject: Subject | null;
  /** Skip every check (system, workflow). */
  readonly unrestricted: boolean;
  can(right: AdminRight): boolean;
  entity(name: string): EntityRights;
}

const RANK: Record<GrantScope, number> = { own: 1, team: 2, all: 3 };
const EVERYTHING: readonly Grant[] = [{ scope: 'all' }];
const NO_FIELDS: ReadonlyMap<string, 'none' | 'read'> = new Map();

function allRights(entity: string): EntityRights {
  return { entity, read: EVERYTHING, create: EVERYTHING, update: EVERYTHING, delete: EVERYTHING, export: EVERYTHING, fields: NO_FIELDS };
}

/** The platform acting on its own behalf. */
export const SYSTEM_ACCESS: Access = {
  subject: null,
  unrestricted: true,
  can: () => true,
  entity: allRights,
};

/** Fields whose values decide `own` and `team`: the owner, and for activities also the assignee. */
export function ownerFields(entity: string): readonly string[] {
  return entity === ACTIVITY_ENTITY ? ['owner', 'assignee'] : ['owner'];
}

/**
 * A team's queue: activities given to a team (`team`) and to no one yet (`assignee` empty), such as
 * a workflow's user task for a candidate group. The `own` and `team` scopes of the team's members
 * admit them, so that the members see them in "my tasks" and one of them can take them.
 */
export function teamQueueFields(entity: string): { readonly team: string; readonly assignee: string } | null {
  return entity === ACTIVITY_ENTITY ? { team: 'team', assignee: 'assignee' } : null;
}

function inTeamQueue(subject: Subject, entity: string, record: Readonly<Record<string, unknown>>): boolean {
  const queue = teamQueueFields(entity);
  if (!queue) return false;
  const team = record[queue.team];
  return (record[queue.assignee] ?? null) === null && typeof team === 'string' && subject.teamIds.includes(team);
}

/** Keeps the widest unconditional grant and the conditional ones it does not already cover. */
export function simplifyGrants(grants: readonly Grant[]): Grant[] {
  let widest: GrantScope | null = null;
  for (const g of grants) if (!g.condition && (widest === null || RANK[g.scope] > RANK[widest])) widest = g.scope;
  const result: Grant[] = widest ? [{ scope: widest }] : [];
  const seen = new Set<string>();
  for (const g of grants) {
    if (!g.condition || (widest && RANK[g.scope] <= RANK[widest])) continue;
    const key = `${g.scope}\u0000${g.condition}`;
    if (!seen.has(key)) result.push(g);
    seen.add(key);
  }
  return result;
}

function entriesFor(role: Role, entity: string): { exact: Permission[]; wildcard: Permission[] } {
  const perms = role.permissions ?? [];
  return { exact: perms.filter((p) => p.entity === entity), wildcard: perms.filter((p) => p.entity === '*') };
}

/** The grants one role gives for one right: the entity's own entries decide when they mention the right, else "*". */
function roleGrants(role: Role, entity: string, right: Right): Grant[] {
  const { exact, wildcard } = entriesFor(role, entity);
  const mentions = (p: Permission) => p[right] !== undefined;
  const source = exact.some(mentions) ? exact.filter(mentions) : wildcard.filter(mentions);
  const grants: Grant[] = [];
  for (const p of source) {
    const value = p[right];
    const scope: Scope = right === 'create' ? (value === true ? 'all' : 'none') : (value as Scope);
    if (scope !== 'none') grants.push(p.condition ? { scope, condition: p.condition } : { scope });
  }
  return grants;
}

const LEVEL: Record<FieldLevel, number> = { none: 0, read: 1, write: 2 };

/** Rights of a set of roles on one entity type (the union of the roles). */
export function entityRights(roles: readonly Role[], entity: string): EntityRights {
  const collect = (right: Right) => simplifyGrants(roles.flatMap((role) => roleGrants(role, entity, right)));
  const rights = { read: collect('read'), create: collect('create'), update: collect('update'), delete: collect('delete'), export: collect('export') };
  // Field levels: only roles that reach the entity type take part; each grants write on what it does not list.
  const best = new Map<string, FieldLevel>();
  const listed = new Set<string>();
  const reaching = roles.filter((role) => (['read', 'create', 'update', 'delete', 'export'] as const).some((r) => roleGrants(role, entity, r).length > 0));
  for (const role of reaching) for (const p of entriesFor(role, entity).exact) for (const name of Object.keys(p.fields ?? {})) listed.add(name);
  for (const name of listed) {
    let level: FieldLevel = 'none';
    for (const role of reaching) {
      const declared = entriesFor(role, entity)
        .exact.map((p) => (p.fields && Object.hasOwn(p.fields, name) ? p.fields[name] : undefined))
        .filter((v): v is FieldLevel => v !== undefined);
      // A role lists a field in several entries: its highest level counts; not listed at all: write.
      const roleLevel: FieldLevel = declared.length === 0 ? 'write' : declared.reduce((a, b) => (LEVEL[b] > LEVEL[a] ? b : a), 'none' as FieldLevel);
      if (LEVEL[roleLevel] > LEVEL[level]) level = roleLevel;
    }
    best.set(name, level);
  }
  const fields = new Map<string, 'none' | 'read'>();
  for (const [name, level] of best) if (level !== 'write') fields.set(name, level);
  return { entity, ...rights, fields };
}

/** Token scopes remove rights: without `read`/`write` nothing is readable, without `write` nothing changes… */
export function restrictRights(rights: EntityRights, scopes: ReadonlySet<TokenScope>): EntityRights {
  const write = scopes.has('write');
  const read = scopeHeld('read', (s) => scopes.has(s));
  return {
    entity: rights.entity,
    read: read ? rights.read : [],
    create: write ? rights.create : [],
    update: write ? rights.update : [],
    delete: write ? rights.delete : [],
    export: read && scopes.has('export') ? rights.export : [],
    fields: rights.fields,
  };
}

const SCOPE_OF_ADMIN: Record<AdminRight, TokenScope> = { administerMetadata: 'metadata', administerWorkflows: 'workflows', administerUsers: 'users', administerConnectors: 'connectors', administerAutomation: 'automation', viewAutomation: 'automation' };

// Rights per entity type are computed once per (model, set of roles) and shared by every request.
const roleCache = new WeakMap<Model, Map<string, Map<string, EntityRights>>>();

function cachedRights(model: Model | null, roleNames: readonly string[], roles: readonly Role[], entity: string): EntityRights {
  if (!model) return entityRights(roles, entity);
  let perModel = roleCache.get(model);
  if (!perModel) roleCache.set(model, (perModel = new Map()));
  const key = [...roleNames].sort().join(',');
  let perRoles = perModel.get(key);
  if (!perRoles) perModel.set(key, (perRoles = new Map()));
  let rights = perRoles.get(entity);
  if (!rights) perRoles.set(entity, (rights = entityRights(roles, entity)));
  return rights;
}

/**
 * The access of a user under the applied model. Role names the model does not declare give nothing.
 * `scopes` (API tokens) restrict what the roles allow.
 */
export function accessFor(model: Model | null, subject: Subject, scopes?: readonly TokenScope[]): Access {
  const roleNames = subject.roles;
  const roles = (model?.roles ?? []).filter((r) => roleNames.includes(r.name));
  const scopeSet = scopes ? new Set(scopes) : null;
  const base = (entity: string): EntityRights => (subject.admin ? allRights(entity) : cachedRights(model, roleNames, roles, entity));
  return {
    subject,
    unrestricted: false,
    can(right) {
      if (scopeSet && !scopeSet.has(SCOPE_OF_ADMIN[right])) return false;
      return subject.admin || roles.some((r) => r[right] === true);
    },
    entity(name) {
      const rights = base(name);
      return scopeSet ? restrictRights(rights, scopeSet) : rights;
    },
  };
}

// ---- evaluating grants on one record --------------------------------------------------------

/** The `user` variable of row conditions. */
export function userVariable(subject: Subject): Record<string, unknown> {
  return { id: subject.userId, login: subject.login, name: subject.displayName, roles: [...subject.roles], teams: [...subject.teams], employee: subject.employee };
}

function scopeHolds(scope: GrantScope, subject: Subject, owners: readonly unknown[]): boolean {
  if (scope === 'all') return true;
  if (scope === 'own') return owners.some((o) => o === subject.userId);
  return owners.some((o) => typeof o === 'string' && subject.teamMates.includes(o));
}

/**
 * Whether one grant admits a record (API shape: fields by name, system columns, money as {amount, currency}).
 * `teamQueue: false` (deleting): a team's queue is there to be seen and taken, not removed by any member.
 */
export function grantAdmits(grant: Grant, subject: Subject, entity: string, record: Readonly<Record<string, unknown>>, options: { readonly teamQueue?: boolean } = {}): boolean {
  const queued = (options.teamQueue ?? true) && inTeamQueue(subject, entity, record);
  if (!scopeHolds(grant.scope, subject, ownerFields(entity).map((f) => record[f])) && !queued) return false;
  return grant.condition === undefined || conditionHolds(grant.condition, subject, record);
}

/** A condition that fails to evaluate does not hold: a broken rule denies, never grants. */
export function conditionHolds(condition: string, subject: Subject, record: Readonly<Record<string, unknown>>): boolean {
  try {
    return feelConditionHolds(condition, { ...record, user: userVariable(subject) });
  } catch {
    return false;
  }
}

/** Whether any of the grants admits the record. */
export function admits(grants: readonly Grant[], subject: Subject | null, entity: string, record: Readonly<Record<string, unknown>>): boolean {
  if (!subject) return grants.length > 0;
  return grants.some((g) => grantAdmits(g, subject, entity, record));
}

export function needsConditions(grants: readonly Grant[]): boolean {
  return grants.some((g) => g.condition !== undefined);
}

/** Broadest scope of a set of grants, for summaries (the UI shows or hides actions with it). */
export function widestScope(grants: readonly Grant[]): Scope {
  let widest: Scope = 'none';
  for (const g of grants) if (widest === 'none' || RANK[g.scope] > RANK[widest as GrantScope]) widest = g.scope;
  return widest;
}

/** A compact description of the rights on one entity type, for `GET /api/auth/me`. */
export function summarizeRights(rights: EntityRights): Record<string, unknown> {
  const summary: Record<string, unknown> = {};
  for (const right of ROW_RIGHTS) summary[right] = widestScope(rights[right]);
  summary.create = rights.create.length > 0;
  const conditional = (['read', 'create', 'update', 'delete', 'export'] as const).filter((r) => needsConditions(rights[r]));
  if (conditional.length) summary.conditional = conditional;
  if (rights.fields.size) summary.fields = Object.fromEntries(rights.fields);
  return summary;
}
