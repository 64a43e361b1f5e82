// Entity types (their parts: numbering, conversions, indexes, timelines), activity kinds, and cycles of
// required references.
import { ACTIVITY_COMMON_FIELD_NAMES, ACTIVITY_ENTITY } from '../activity.ts';
import { conversionProblems, numberingProblems } from '../conversions.ts';
import { DUPLICATE_FIELD_TYPES } from '../duplicates.ts';
import { CURRENCY_SUFFIX, SYSTEM_COLUMNS } from '../physical.ts';
import { entityNameProblem } from '../reserved.ts';
import type { EntityType, Field } from '../schema/types.generated.ts';
import { checkFields, checkLayout } from './fields.ts';
import { report, type Ctx } from './context.ts';

export function checkEntity(ctx: Ctx, entity: EntityType): void {
  const problem = entityNameProblem(entity.name);
  if (problem) report(ctx, 'META_RESERVED_NAME', entity.id, ['name'], problem);
  const modules = ctx.pkg.manifest.modules;
  if (modules && entity.module !== undefined && !(entity.module in modules)) {
    report(ctx, 'META_UNKNOWN_MODULE', entity.id, ['module'], `module "${entity.module}" is not declared in the manifest (${Object.keys(modules).join(', ')})`);
  }
  checkFields(ctx, entity.id, entity.name, entity.fields, ['fields'], new Set());
  const names = new Set(entity.fields.map((f) => f.name));
  const fieldOf = (name: string) => entity.fields.find((f) => f.name === name);
  const isColumn = (name: string) => (SYSTEM_COLUMNS as readonly string[]).includes(name) || (names.has(name) && fieldOf(name)?.type !== 'manyToMany');
  if (entity.displayField !== undefined && !names.has(entity.displayField)) {
    report(ctx, 'META_UNKNOWN_FIELD', entity.id, ['displayField'], `unknown field "${entity.displayField}"`);
  } else if (entity.displayField !== undefined && entity.fields.find((f) => f.name === entity.displayField)?.type === 'secret') {
    report(ctx, 'META_FIELD_KIND', entity.id, ['displayField'], `"${entity.displayField}" is a secret and cannot name the records`);
  }
  entity.defaultSort?.forEach((s, i) => {
    if (!isColumn(s.field) || fieldOf(s.field)?.type === 'json' || fieldOf(s.field)?.type === 'secret') report(ctx, 'META_UNKNOWN_FIELD', entity.id, ['defaultSort', i, 'field'], `"${s.field}" is not a sortable field`);
  });
  if (entity.numbering) {
    const field = fieldOf(entity.numbering.field);
    if (!field) report(ctx, 'META_UNKNOWN_FIELD', entity.id, ['numbering', 'field'], `unknown field "${entity.numbering.field}"`);
    else if (field.type !== 'string' || !field.readOnly) report(ctx, 'META_FIELD_KIND', entity.id, ['numbering', 'field'], 'the numbered field must be a read-only string field');
  }
  if (entity.exchangeRate) {
    // Each named field must be of the kind the rate is written as (or read from).
    const kinds: [keyof typeof entity.exchangeRate, readonly string[]][] = [
      ['currencyField', ['enum', 'string']],
      ['dateField', ['date']],
      ['rateField', ['decimal']],
      ['tableField', ['string']],
      ['rateDateField', ['date']],
    ];
    for (const [key, types] of kinds) {
      const name = entity.exchangeRate[key];
      if (name === undefined || key === 'source') continue;
      const field = fieldOf(name);
      if (!field) report(ctx, 'META_UNKNOWN_FIELD', entity.id, ['exchangeRate', key], `unknown field "${name}"`);
      else if (!types.includes(field.type)) report(ctx, 'META_FIELD_KIND', entity.id, ['exchangeRate', key], `"${name}" must be a ${types.join(' or ')} field`);
    }
  }
  const byName = new Map(ctx.pkg.entities.map((e) => [e.name, e]));
  for (const p of [...numberingProblems(entity), ...conversionProblems(entity, byName)]) report(ctx, p.code, entity.id, p.path, p.message);
  const indexIds = new Set<string>();
  entity.indexes?.forEach((index, i) => {
    if (indexIds.has(index.id)) report(ctx, 'META_DUPLICATE_ID', entity.id, ['indexes', i, 'id'], `index id "${index.id}" is listed twice`);
    indexIds.add(index.id);
    index.fields.forEach((name, j) => {
      // A money field's currency column may be named too (a covering index of a report's sums).
      const currencyOf = name.endsWith(CURRENCY_SUFFIX) ? fieldOf(name.slice(0, -CURRENCY_SUFFIX.length)) : undefined;
      if (!isColumn(name) && currencyOf?.type !== 'money') report(ctx, 'META_UNKNOWN_FIELD', entity.id, ['indexes', i, 'fields', j], `"${name}" is not a stored field`);
    });
    if (index.fields.length === 0 && !index.sort) report(ctx, 'META_SCHEMA', entity.id, ['indexes', i, 'fields'], `an index needs fields, a sort or both`);
    // The id ending a sorted index would make any set of values unique.
    if (index.unique && index.sort) report(ctx, 'META_SCHEMA', entity.id, ['indexes', i, 'sort'], `a unique index takes no sort (declare a second index for the list)`);
    // The sort keys a list may use (as defaultSort checks them), then the id as the tie-breaker.
    index.sort?.forEach((part, j) => {
      const name = part.replace(/^-/, '');
      if (!isColumn(name) || fieldOf(name)?.type === 'json' || fieldOf(name)?.type === 'secret') report(ctx, 'META_UNKNOWN_FIELD', entity.id, ['indexes', i, 'sort', j], `"${name}" is not a sortable field`);
    });
    const sortColumns = index.sort ? new Set(index.sort.map((p) => p.replace(/^-/, ''))).add('id').size : 0;
    if (index.fields.length + sortColumns > 32) report(ctx, 'META_LIMIT', entity.id, ['indexes', i, 'sort'], `an index holds at most 32 columns (its fields, its sort and the id)`);
  });
  const ruleIds = new Set<string>();
  entity.duplicates?.forEach((rule, i) => {
    if (ruleIds.has(rule.id)) report(ctx, 'META_DUPLICATE_ID', entity.id, ['duplicates', i, 'id'], `duplicate rule id "${rule.id}" is listed twice`);
    ruleIds.add(rule.id);
    rule.fields.forEach((name, j) => {
      const field = fieldOf(name);
      if (!field) report(ctx, 'META_UNKNOWN_FIELD', entity.id, ['duplicates', i, 'fields', j], `unknown field "${name}"`);
      // Values compared for equality: a long text, a JSON document, money or a link list is no identity.
      else if (!DUPLICATE_FIELD_TYPES.has(field.type)) report(ctx, 'META_FIELD_KIND', entity.id, ['duplicates', i, 'fields', j], `a duplicate rule compares ${[...DUPLICATE_FIELD_TYPES].join(', ')} fields, not ${field.type}`);
    });
  });
  const fieldByName = (name: string) => entity.fields.find((f) => f.name === name);
  checkLayout(ctx, entity.id, fieldByName, entity.layout ?? [], ['layout']);
  const roles = new Set(ctx.pkg.roles.map((r) => r.name));
  entity.layoutVariants?.forEach((variant, v) => {
    variant.roles.forEach((role, r) => {
      if (!roles.has(role)) report(ctx, 'META_UNKNOWN_FIELD', entity.id, ['layoutVariants', v, 'roles', r], `unknown role "${role}"`);
    });
    checkLayout(ctx, entity.id, fieldByName, variant.layout, ['layoutVariants', v, 'layout']);
  });
  if (entity.activities) {
    if (ACTIVITY_COMMON_FIELD_NAMES.has(entity.name)) report(ctx, 'META_COLUMN_CLASH', entity.id, ['name'], `an entity type named "${entity.name}" cannot accept activities: the activity model has a field of that name`);
    const kindFieldNames = new Set(ctx.pkg.activityKinds.flatMap((k) => (k.fields ?? []).map((f) => f.name)));
    if (kindFieldNames.has(entity.name)) report(ctx, 'META_COLUMN_CLASH', entity.id, ['activities'], `an activity kind declares a field "${entity.name}", which would clash with the link to this type`);
  }
  checkTimeline(ctx, entity);
}

/** `timeline.include`: each names a type that accepts activities and its reference to this type. */
export function checkTimeline(ctx: Ctx, entity: EntityType): void {
  if (!entity.timeline) return;
  if (!entity.activities) report(ctx, 'META_FIELD_KIND', entity.id, ['timeline'], 'only an entity type that accepts activities ("activities": true) has a timeline');
  const seen = new Set<string>();
  entity.timeline.include.forEach((item, i) => {
    const from = ctx.pkg.entities.find((e) => e.name === item.from);
    if (!from) return report(ctx, 'META_UNKNOWN_ENTITY', entity.id, ['timeline', 'include', i, 'from'], `unknown entity type "${item.from}"`);
    if (!from.activities) return report(ctx, 'META_FIELD_KIND', entity.id, ['timeline', 'include', i, 'from'], `"${item.from}" does not accept activities`);
    const via = from.fields.find((f) => f.name === item.via);
    if (!via) return report(ctx, 'META_UNKNOWN_FIELD', entity.id, ['timeline', 'include', i, 'via'], `"${item.from}" has no field "${item.via}"`);
    if (via.type !== 'reference' || via.target !== entity.name) return report(ctx, 'META_FIELD_KIND', entity.id, ['timeline', 'include', i, 'via'], `"${item.from}.${item.via}" is not a reference to ${entity.name}`);
    if (seen.has(`${item.from}.${item.via}`)) report(ctx, 'META_DUPLICATE_NAME', entity.id, ['timeline', 'include', i], `"${item.from}" via "${item.via}" is included twice`);
    seen.add(`${item.from}.${item.via}`);
  });
}

export function checkActivityKinds(ctx: Ctx): void {
  const shared = new Map<string, { field: Field; kind: string }>();
  const linked = new Set(ctx.pkg.entities.filter((e) => e.activities).map((e) => e.name));
  for (const kind of ctx.pkg.activityKinds) {
    const fields = kind.fields ?? [];
    checkFields(ctx, kind.id, ACTIVITY_ENTITY, fields, ['fields'], new Set());
    fields.forEach((field, i) => {
      if (ACTIVITY_COMMON_FIELD_NAMES.has(field.name)) {
        report(ctx, 'META_RESERVED_NAME', kind.id, ['fields', i, 'name'], `"${field.name}" is a common activity field`);
      }
      if (field.required) report(ctx, 'META_FIELD_KIND', kind.id, ['fields', i, 'required'], 'kind-specific fields cannot be required in the database; use requiredWhen: kind = "…"');
      if (field.type === 'state') report(ctx, 'META_FIELD_KIND', kind.id, ['fields', i, 'type'], 'activity kinds cannot declare state fields: pipelines and status machines bind to entity types');
      const other = shared.get(field.name);
      if (other) {
        const { label: _a, help: _b, ...a } = other.field;
        const { label: _c, help: _d, ...b } = field;
        if (JSON.stringify(a) !== JSON.stringify(b)) {
          report(ctx, 'META_COLUMN_CLASH', kind.id, ['fields', i], `field "${field.name}" is also declared by kind "${other.kind}" with another id or definition; kinds share a field by declaring it identically`);
        }
      } else shared.set(field.name, { field, kind: kind.name });
    });
    kind.requiresLink?.forEach((name, i) => {
      if (!linked.has(name)) report(ctx, 'META_UNKNOWN_ENTITY', kind.id, ['requiresLink', i], `"${name}" is not an entity type that accepts activities`);
    });
  }
}

/** Required references that form a cycle make the first record of each type impossible to create. */
export function checkRequiredReferenceCycles(ctx: Ctx): void {
  const edges = new Map<string, { target: string; index: number }[]>();
  for (const entity of ctx.pkg.entities) {
    edges.set(entity.name, entity.fields.flatMap((f, index) => (f.type === 'reference' && f.required && ctx.entityNames.has(f.target) ? [{ target: f.target, index }] : [])));
  }
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (name: string): void => {
    state.set(name, 'visiting');
    stack.push(name);
    for (const edge of edges.get(name) ?? []) {
      const s = state.get(edge.target);
      if (s === 'visiting') {
        const cycle = [...stack.slice(stack.indexOf(edge.target)), edge.target];
        const entity = ctx.pkg.entities.find((e) => e.name === name)!;
        report(ctx, 'META_CYCLE', entity.id, ['fields', edge.index, 'required'], `required references form a cycle (${cycle.join(' → ')}): no record of these types could be created first`);
      } else if (s === undefined) visit(edge.target);
    }
    stack.pop();
    state.set(name, 'done');
  };
  for (const name of edges.keys()) if (!state.has(name)) visit(name);
}
