// Exclusion rules (no two bookings of one resource overlap) and the conditions of rules that read
// other records: how a rule resolves against its entity type, and the SQL of its filter. Pure: the
// physical schema turns a rule into an EXCLUDE constraint, the engine into its write-time check.
import { sortedKeys } from './canonical-json.ts';
import { filterFields, parseFilter, type FilterExpr, type FilterProblem, type FilterValue } from './filter.ts';
import type { EntityModel } from './model.ts';
import { joinTableName, objectName, quoteIdent as q } from './physical.ts';
import type { ExclusionRule, Field } from './schema/types.generated.ts';

/** Field types an exclusion rule may compare for equality (one manyToMany field aside). */
export const EXCLUSION_EQUAL_TYPES: ReadonlySet<Field['type']> = new Set(['reference', 'enum', 'state', 'string', 'integer', 'boolean']);

/** One field a rule compares: a column of the table, or a many-to-many field's join table. */
export type ExclusionKey = { readonly field: string; readonly column: string } | { readonly field: string; readonly join: string };

/** A rule resolved against its entity type. */
export interface ExclusionShape {
  readonly rule: ExclusionRule;
  readonly entity: string;
  readonly table: string;
  /** Stable identity (entity id and rule id): names the constraint and the advisory locks. */
  readonly identity: string;
  readonly constraint: string;
  readonly keys: readonly ExclusionKey[];
  readonly rangeType: 'tstzrange' | 'daterange';
  readonly start: string;
  readonly end: string;
  /** The rule's filter as SQL over `alias` (without the live-rows condition); 'true' without one. */
  readonly where: (alias: string) => string;
  /** Every key is a column: the database enforces the rule with an EXCLUDE constraint. */
  readonly database: boolean;
  /** The fields the rule reads (keys, period, filter): a change touching none of them cannot make a collision. */
  readonly fields: ReadonlySet<string>;
  readonly displayField: string;
}

const literal = (value: FilterValue): string => {
  if (value === null) return 'NULL';
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'NULL';
  return `'${value.replace(/'/g, "''")}'`;
};

const column = (alias: string, name: string) => (alias ? `${q(alias)}.${q(name)}` : q(name));

/** SQL of a parsed filter over the columns of `alias` ('' for unqualified names), with literal values. Throws on a term it cannot express. */
export function conditionSql(expr: FilterExpr, alias: string): string {
  switch (expr.kind) {
    case 'and':
      return expr.items.length === 0 ? 'TRUE' : `(${expr.items.map((i) => conditionSql(i, alias)).join(' AND ')})`;
    case 'or':
      return expr.items.length === 0 ? 'FALSE' : `(${expr.items.map((i) => conditionSql(i, alias)).join(' OR ')})`;
    case 'not':
      return `(NOT ${conditionSql(expr.item, alias)})`;
    case 'compare': {
      const col = column(alias, expr.field);
      const v = expr.value;
      const list = (values: readonly FilterValue[]) => values.map(literal).join(', ');
      switch (expr.op) {
        case 'eq':
          return `${col} = ${literal(v as FilterValue)}`;
        case 'ne':
          return `(${col} IS NULL OR ${col} <> ${literal(v as FilterValue)})`;
        case 'lt':
          return `${col} < ${literal(v as FilterValue)}`;
        case 'lte':
          return `${col} <= ${literal(v as FilterValue)}`;
        case 'gt':
          return `${col} > ${literal(v as FilterValue)}`;
        case 'gte':
          return `${col} >= ${literal(v as FilterValue)}`;
        case 'in':
          return (v as FilterValue[]).length === 0 ? 'FALSE' : `${col} IN (${list(v as FilterValue[])})`;
        case 'nin':
          return (v as FilterValue[]).length === 0 ? 'TRUE' : `(${col} IS NULL OR ${col} NOT IN (${list(v as FilterValue[])}))`;
        case 'isNull':
          return v === true ? `${col} IS NULL` : `${col} IS NOT NULL`;
        default:
          throw new Error(`the operator ${expr.op} cannot be used in a rule's condition`);
      }
    }
    default:
      throw new Error(`"${expr.field}" cannot be used in a rule's condition (only the record's own fields compared with values)`);
  }
}

const ALLOWED_OPS: ReadonlySet<string> = new Set(['eq', 'ne', 'lt', 'lte', 'gt', 'gte', 'in', 'nin', 'isNull']);

function unsupported(expr: FilterExpr, at: string, problems: FilterProblem[]): void {
  switch (expr.kind) {
    case 'and':
    case 'or':
      expr.items.forEach((i) => unsupported(i, at, problems));
      return;
    case 'not':
      unsupported(expr.item, at, problems);
      return;
    case 'compare':
      if (!ALLOWED_OPS.has(expr.op)) problems.push({ pointer: at, message: `"${expr.op}" cannot be used in a rule's condition (eq, ne, in, nin, lt, lte, gt, gte, isNull)` });
      else if (expr.valueType === 'json') problems.push({ pointer: at, message: `"${expr.field}" is a JSON field; a rule's condition compares plain values` });
      return;
    default:
      problems.push({ pointer: at, message: `"${expr.field}" cannot be used in a rule's condition: compare the record's own fields with values (no links, no $me)` });
  }
}

/** A rule's filter, parsed and checked: problems for what a constraint or a check could not express. */
export function parseCondition(entity: EntityModel, input: unknown, base: string): { filter: FilterExpr | null; problems: FilterProblem[] } {
  const parsed = parseFilter(entity, input, base);
  if (!parsed.filter) return parsed;
  const problems: FilterProblem[] = [];
  unsupported(parsed.filter, base, problems);
  return problems.length ? { filter: null, problems } : parsed;
}

export interface RuleProblem {
  readonly path: readonly (string | number)[];
  readonly message: string;
  readonly code: 'META_UNKNOWN_FIELD' | 'META_FIELD_KIND' | 'META_FILTER';
}

/** What is wrong with an exclusion rule of `entity` (paths relative to the rule). */
export function exclusionRuleProblems(entity: EntityModel, rule: ExclusionRule): RuleProblem[] {
  const problems: RuleProblem[] = [];
  let links = 0;
  rule.equal.forEach((name, i) => {
    const field = entity.fieldsByName.get(name);
    if (!field) problems.push({ path: ['equal', i], code: 'META_UNKNOWN_FIELD', message: `unknown field "${name}"` });
    else if (field.type === 'manyToMany') {
      if (++links > 1) problems.push({ path: ['equal', i], code: 'META_FIELD_KIND', message: 'an exclusion rule compares at most one many-to-many field' });
    } else if (!EXCLUSION_EQUAL_TYPES.has(field.type)) {
      problems.push({ path: ['equal', i], code: 'META_FIELD_KIND', message: `an exclusion rule compares ${[...EXCLUSION_EQUAL_TYPES].join(', ')} or many-to-many fields, not ${field.type}` });
    }
  });
  const types = rule.overlap.map((name, i) => {
    const field = entity.fieldsByName.get(name);
    if (!field) problems.push({ path: ['overlap', i], code: 'META_UNKNOWN_FIELD', message: `unknown field "${name}"` });
    else if (field.type !== 'date' && field.type !== 'datetime') problems.push({ path: ['overlap', i], code: 'META_FIELD_KIND', message: `a period is two date or two datetime fields, not ${field.type}` });
    return field?.type;
  });
  const dated = (t: string | undefined) => t === 'date' || t === 'datetime';
  if (dated(types[0]) && dated(types[1]) && types[0] !== types[1]) problems.push({ path: ['overlap', 1], code: 'META_FIELD_KIND', message: 'the start and the end of a period must have the same type' });
  if (rule.overlap[0] === rule.overlap[1]) problems.push({ path: ['overlap', 1], code: 'META_FIELD_KIND', message: 'the start and the end of a period are two fields' });
  if (rule.where !== undefined) {
    for (const p of parseCondition(entity, rule.where, '').problems) problems.push({ path: ['where', ...p.pointer.split('/').slice(1)], code: 'META_FILTER', message: p.message });
  }
  return problems;
}

/** The rules of an entity type resolved (the package was validated). */
export function exclusionShapes(entity: EntityModel, rules: readonly ExclusionRule[]): ExclusionShape[] {
  return rules.map((rule) => {
    const keys: ExclusionKey[] = rule.equal.map((name) =>
      entity.fieldsByName.get(name)?.type === 'manyToMany' ? { field: name, join: joinTableName(entity.table, name) } : { field: name, column: name },
    );
    // Sorted keys: the constraint's text must not change with the order jsonb reads the rule back in.
    const filter = rule.where === undefined ? null : parseCondition(entity, sortedKeys(rule.where), '').filter;
    const identity = `${entity.id}/exclusion.${rule.id}`;
    return {
      rule,
      entity: entity.name,
      table: entity.table,
      identity,
      constraint: objectName('ex', identity),
      keys,
      rangeType: entity.fieldsByName.get(rule.overlap[0]!)?.type === 'date' ? 'daterange' : 'tstzrange',
      start: rule.overlap[0]!,
      end: rule.overlap[1]!,
      where: (alias: string) => (filter ? conditionSql(filter, alias) : 'TRUE'),
      database: keys.every((k) => 'column' in k),
      fields: new Set([...rule.equal, ...rule.overlap, ...filterFields(filter)]),
      displayField: entity.displayField,
    };
  });
}

/** The period of a row of `alias` as a range (a date period includes both days; a time period not its end). */
export function periodSql(shape: ExclusionShape, alias: string): string {
  const bounds = shape.rangeType === 'daterange' ? "'[]'" : "'[)'";
  return `${shape.rangeType}(${column(alias, shape.start)}, ${column(alias, shape.end)}, ${bounds})`;
}
