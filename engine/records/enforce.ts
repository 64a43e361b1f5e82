// Permission enforcement for the records service: turning grants into SQL, checking rows and
// fields. What a role allows is decided in engine/access/permissions.ts (pure); this file applies
// it to queries and records.
//
// Row conditions (FEEL) are not translated to SQL. A list narrows rows in SQL by scope (owner /
// assignee in a set of users), then evaluates conditions on the fetched rows; see `list` in
// service.ts for how pagination stays exact.
import type { Knex } from 'knex';
import { filterFields, type EntityModel, type FilterExpr, type ParsedAggregate } from '../../metadata/index.ts';
import { admits, needsConditions, ownerFields, teamQueueFields, type Access, type EntityRights, type Grant, type Subject } from '../access/index.ts';
// What a user may not read of a record: the access module's, also used by the role preview.
export { hiddenFields, stripHidden } from '../access/index.ts';
import { TesseraError, type Problem } from '../errors.ts';
import type { ApiRecord } from './values.ts';

/**
 * Restricts a query to rows some grant's scope admits (conditions are checked after fetching).
 * Grants with scope `all` admit every row, so they add no predicate.
 */
export function applyScope(qb: Knex.QueryBuilder, table: string, entity: string, grants: readonly Grant[], subject: Subject | null): void {
  if (!subject) {
    if (grants.length === 0) qb.whereRaw('false');
    return;
  }
  if (grants.length === 0) {
    qb.whereRaw('false');
    return;
  }
  if (grants.some((g) => g.scope === 'all')) return;
  const owners = ownerFields(entity);
  const queue = teamQueueFields(entity);
  const own = grants.some((g) => g.scope === 'own');
  const team = grants.some((g) => g.scope === 'team');
  qb.where((b) => {
    for (const column of owners) {
      // team ⊇ own: the team mates always include the user.
      if (team) b.orWhereIn(`${table}.${column}`, [...subject.teamMates]);
      else if (own) b.orWhere(`${table}.${column}`, subject.userId);
    }
    // Both scopes cover the queues of the user's teams (unassigned activities given to the team).
    if (queue && subject.teamIds.length) b.orWhere((q) => q.whereNull(`${table}.${queue.assignee}`).whereIn(`${table}.${queue.team}`, [...subject.teamIds]));
  });
}

/** The grant sets a row must satisfy, one per right (reads need read; exports need read and export). */
export type RowRule = readonly (readonly Grant[])[];

export function ruleNeedsConditions(rule: RowRule): boolean {
  return rule.some(needsConditions);
}

/** Whether applyRule adds no predicate: every part of the rule has an `all` grant (or there is none). */
export function ruleNeedsNoSql(rule: RowRule, subject: Subject | null): boolean {
  return rule.every((grants) => subject !== null && grants.some((g) => g.scope === 'all'));
}

export function applyRule(qb: Knex.QueryBuilder, table: string, entity: string, rule: RowRule, subject: Subject | null): void {
  for (const grants of rule) applyScope(qb, table, entity, grants, subject);
}

export function ruleAdmits(rule: RowRule, subject: Subject | null, entity: string, record: Readonly<ApiRecord>): boolean {
  return rule.every((grants) => admits(grants, subject, entity, record));
}

/** Values of fields the user may not write are refused (403), one problem per field. */
export function checkWritable(entity: EntityModel, rights: EntityRights, input: Readonly<ApiRecord>): void {
  const problems: Problem[] = [];
  for (const name of Object.keys(input)) {
    const level = rights.fields.get(name);
    if (level && entity.fieldsByName.has(name)) problems.push({ pointer: `/${name}`, detail: level === 'none' ? 'you may not see or change this field' : 'you may read but not change this field', code: 'FIELD_FORBIDDEN' });
  }
  if (problems.length) throw new TesseraError('FORBIDDEN', `you may not change ${problems.map((p) => p.pointer.slice(1)).join(', ')} of ${entity.name}`, { problems });
}

/** Filtering or sorting by a hidden field would reveal its values, so it is refused like reading it. */
export function checkQueryFields(entity: EntityModel, hidden: ReadonlySet<string>, filter: FilterExpr | null, sort: readonly string[], include: readonly string[]): void {
  if (hidden.size === 0) return;
  const problems: Problem[] = [];
  const walk = (expr: FilterExpr) => {
    switch (expr.kind) {
      case 'and':
      case 'or':
        expr.items.forEach(walk);
        return;
      case 'not':
        walk(expr.item);
        return;
      default:
        if (hidden.has(expr.field)) problems.push({ pointer: `/query/filter/${expr.field}`, detail: 'you may not see this field', code: 'FIELD_FORBIDDEN' });
    }
  };
  if (filter) walk(filter);
  sort.forEach((name, i) => {
    if (hidden.has(name)) problems.push({ pointer: `/query/sort/${i}`, detail: 'you may not see this field', code: 'FIELD_FORBIDDEN' });
  });
  include.forEach((name, i) => {
    if (hidden.has(name)) problems.push({ pointer: `/query/include/${i}`, detail: 'you may not see this field', code: 'FIELD_FORBIDDEN' });
  });
  if (problems.length) throw new TesseraError('FORBIDDEN', `you may not filter, sort or include by fields you cannot see (${entity.name})`, { problems });
}

export function forbidden(message: string): TesseraError {
  return new TesseraError('FORBIDDEN', message);
}

/** Entity-level refusal: the user has no grant at all for this right (the entity type itself is public metadata). */
export function requireAny(access: Access, rights: EntityRights, right: 'read' | 'create' | 'update' | 'delete' | 'export'): void {
  if (access.unrestricted || rights[right].length > 0) return;
  throw forbidden(`you may not ${right} ${rights.entity} records`);
}

/** An aggregate over a field the user may not see would reveal its values: refused like reading it. */
export function checkAggregateFields(entity: EntityModel, hidden: ReadonlySet<string>, query: ParsedAggregate, base: string): void {
  if (hidden.size === 0) return;
  const problems: Problem[] = [];
  const refuse = (pointer: string) => problems.push({ pointer, detail: 'you may not see this field', code: 'FIELD_FORBIDDEN' });
  query.groupBy.forEach((g, i) => hidden.has(g.field) && refuse(`${base}/groupBy/${i}/field`));
  query.measures.forEach((m, i) => {
    if (m.field && hidden.has(m.field)) refuse(`${base}/measures/${i}/field`);
    if (m.weight && hidden.has(m.weight)) refuse(`${base}/measures/${i}/weight`);
  });
  for (const name of new Set(filterFields(query.filter))) if (hidden.has(name)) refuse(`${base}/filter/${name}`);
  if (problems.length) throw new TesseraError('FORBIDDEN', `you may not aggregate over fields you cannot see (${entity.name})`, { problems });
}
