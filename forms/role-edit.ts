// The designer's roles matrix, as pure operations on a role item (docs/metadata.md#roles): the
// role's rights on each entity type (read/update/delete/export as none/own/team/all, create as
// yes/no), its field rights and the row condition of an entity type's entry. The matrix edits the
// first entry naming the entity type (or "*"); a right that entry leaves out falls back to "*"
// (docs/security.md rule 3), which the matrix shows as inherited. Every operation returns a new role
// and drops an entry left with nothing in it, so the draft stays one the validator accepts.
import type { Permission, Role, Scope } from '../metadata/browser.ts';

export const ROLE_RIGHTS = ['read', 'create', 'update', 'delete', 'export'] as const;
export type RoleRight = (typeof ROLE_RIGHTS)[number];
export const ROLE_SCOPES: readonly Scope[] = ['none', 'own', 'team', 'all'];
export const FIELD_LEVELS = ['none', 'read', 'write'] as const;
export type FieldLevel = (typeof FIELD_LEVELS)[number];
/** The value of one cell: a scope, or for `create` a yes/no; undefined when the entry does not say. */
export type RightValue = Scope | boolean | undefined;

export const EVERY_ENTITY = '*';

/** The entry the matrix edits for an entity type (or "*"): the first naming it. */
export function roleEntry(role: Role, entity: string): Permission | undefined {
  return (role.permissions ?? []).find((p) => p.entity === entity);
}

/** How many entries name the entity type: more than one are edited as JSON (the matrix shows the first). */
export function entryCount(role: Role, entity: string): number {
  return (role.permissions ?? []).filter((p) => p.entity === entity).length;
}

/** A cell: the entry's own value, else the "*" entry's (inherited), else nothing. */
export function rightCell(role: Role, entity: string, right: RoleRight): { readonly value: RightValue; readonly inherited: boolean } {
  const own = roleEntry(role, entity)?.[right];
  if (own !== undefined || entity === EVERY_ENTITY) return { value: own, inherited: false };
  return { value: roleEntry(role, EVERY_ENTITY)?.[right], inherited: true };
}

/** A value as the cell's select shows it: "" (not said), a scope, "yes" or "no". */
export function cellText(value: RightValue): string {
  return value === undefined ? '' : value === true ? 'yes' : value === false ? 'no' : value;
}

/** The value a cell's select chose, for `setRight`. */
export function cellValue(right: RoleRight, text: string): RightValue {
  if (text === '') return undefined;
  if (right === 'create') return text === 'yes';
  return (ROLE_SCOPES as readonly string[]).includes(text) ? (text as Scope) : undefined;
}

function empty(p: Permission): boolean {
  return ROLE_RIGHTS.every((r) => p[r] === undefined) && p.condition === undefined && Object.keys(p.fields ?? {}).length === 0;
}

/** The role with the entity's first entry changed by `edit` (an entry is added when there is none, dropped when emptied). */
function withEntry(role: Role, entity: string, edit: (entry: Permission) => Permission): Role {
  const permissions = [...(role.permissions ?? [])];
  const index = permissions.findIndex((p) => p.entity === entity);
  const next = edit(index >= 0 ? permissions[index]! : { entity });
  if (index >= 0) permissions.splice(index, 1, next);
  else permissions.push(next);
  return { ...role, permissions: permissions.filter((p) => !empty(p)) };
}

function without<T extends object, K extends keyof T>(value: T, key: K): Omit<T, K> {
  const { [key]: _drop, ...rest } = value;
  return rest;
}

/** The role with one right of an entity type (or "*") set, or left to "*" / not granted for undefined. */
export function setRight(role: Role, entity: string, right: RoleRight, value: RightValue): Role {
  return withEntry(role, entity, (entry) => {
    if (value === undefined) return without(entry, right);
    if (right === 'create') return { ...entry, create: value === true };
    return typeof value === 'string' ? { ...entry, [right]: value } : entry;
  });
}

/** The role with a field right on an entity type; `write` (the default) removes the field from the list. */
export function setFieldRight(role: Role, entity: string, field: string, level: FieldLevel): Role {
  if (entity === EVERY_ENTITY) return role;
  return withEntry(role, entity, (entry) => {
    const fields = { ...(entry.fields ?? {}) };
    if (level === 'write') delete fields[field];
    else fields[field] = level;
    return Object.keys(fields).length > 0 ? { ...entry, fields } : without(entry, 'fields');
  });
}

/** The field rights of the role's entry for an entity type (a field not listed is writable). */
export function fieldRight(role: Role, entity: string, field: string): FieldLevel {
  return roleEntry(role, entity)?.fields?.[field] ?? 'write';
}

/** The role with the row condition of an entity type's entry (blank removes it). */
export function setCondition(role: Role, entity: string, condition: string): Role {
  return withEntry(role, entity, (entry) => (condition.trim() === '' ? without(entry, 'condition') : { ...entry, condition }));
}
