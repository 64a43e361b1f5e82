// What validation refuses in lookups (values read from other records for a guard or a computed
// field, metadata/lookups.ts): unknown types and fields, a path whose reference types differ, an
// aggregate of a field it cannot aggregate, a bad filter. Pure.
import { parseCondition } from './exclusions.ts';
import { matchPath, matchTerms } from './lookups.ts';
import type { EntityModel, Model } from './model.ts';
import type { Lookup } from './schema/types.generated.ts';

export interface LookupProblem {
  readonly code: 'META_DUPLICATE_NAME' | 'META_UNKNOWN_ENTITY' | 'META_UNKNOWN_FIELD' | 'META_FIELD_KIND' | 'META_FILTER';
  /** Relative to the lookups object: [name, member, …]. */
  readonly path: readonly (string | number)[];
  readonly message: string;
}

const NUMBER_TYPES: ReadonlySet<string> = new Set(['integer', 'decimal', 'money', 'percent']);

/** What is wrong with lookups read for a record of `entity` (a guard's or a computed field's). */
export function lookupProblems(model: Model, entity: EntityModel, lookups: Readonly<Record<string, Lookup>> | undefined): LookupProblem[] {
  const problems: LookupProblem[] = [];
  for (const [name, lookup] of Object.entries(lookups ?? {})) {
    const add = (code: LookupProblem['code'], rest: readonly (string | number)[], message: string) => problems.push({ code, path: [name, ...rest], message });
    if (entity.fieldsByName.has(name)) add('META_DUPLICATE_NAME', [], `"${name}" is a field of ${entity.name}; give the lookup another name`);
    const from = model.entities.get(lookup.from);
    if (!from) {
      add('META_UNKNOWN_ENTITY', ['from'], `unknown entity type "${lookup.from}"`);
      continue;
    }
    for (const [field, op, own] of matchTerms(lookup)) {
      const theirs = from.fieldsByName.get(field);
      // A path reads a field of the record a reference of this one names (one step: `product.product_group`).
      const path = matchPath(own);
      const via = path ? entity.fieldsByName.get(path[0]) : undefined;
      const hop = via?.type === 'reference' ? model.entities.get(via.target) : undefined;
      const ours = path ? hop?.fieldsByName.get(path[1]) : entity.fieldsByName.get(own);
      if (!theirs) add('META_UNKNOWN_FIELD', ['match', field], `${from.name} has no field "${field}"`);
      if (path && !hop) add('META_FIELD_KIND', ['match', field, op], `"${path[0]}" is not a reference field of ${entity.name}`);
      else if (!ours) add('META_UNKNOWN_FIELD', ['match', field, op], `${hop?.name ?? entity.name} has no field "${path?.[1] ?? own}"`);
      else if (theirs && (theirs.type === 'reference') !== (ours.type === 'reference')) add('META_FIELD_KIND', ['match', field, op], `${from.name}.${field} (${theirs.type}) cannot be compared with ${entity.name}.${own} (${ours.type})`);
    }
    if (lookup.via === undefined) {
      if (lookup.on !== undefined) add('META_FIELD_KIND', ['on'], '"on" names what "via" must equal: give "via" too');
    } else {
      const via = lookup.via === 'id' ? null : from.fieldsByName.get(lookup.via);
      const viaTarget = lookup.via === 'id' ? from.name : via?.type === 'reference' ? via.target : undefined;
      if (!viaTarget) add('META_FIELD_KIND', ['via'], `"${lookup.via}" is not a reference field of ${from.name} (or "id")`);
      const on = lookup.on ?? 'id';
      const onField = on === 'id' ? null : entity.fieldsByName.get(on);
      const onTarget = on === 'id' ? entity.name : onField?.type === 'reference' ? onField.target : undefined;
      if (!onTarget) add('META_FIELD_KIND', ['on'], `"${on}" is not a reference field of ${entity.name} (or "id")`);
      else if (viaTarget && onTarget !== viaTarget) add('META_FIELD_KIND', ['on'], `${entity.name}.${on} names a ${onTarget} but ${from.name}.${lookup.via} a ${viaTarget}`);
    }
    if (lookup.aggregate === 'count') {
      if (lookup.field !== undefined) add('META_FIELD_KIND', ['field'], 'count counts records and takes no field');
    } else {
      const field = lookup.field === undefined ? undefined : from.fieldsByName.get(lookup.field);
      const dated = field?.type === 'date' || field?.type === 'datetime';
      if (!field) add('META_UNKNOWN_FIELD', ['field'], `${lookup.aggregate} needs a field of ${from.name}`);
      else if (!NUMBER_TYPES.has(field.type) && !(dated && lookup.aggregate !== 'sum')) add('META_FIELD_KIND', ['field'], `${lookup.aggregate} of a ${field.type} field is not possible`);
    }
    if (lookup.where !== undefined) {
      for (const p of parseCondition(from, lookup.where, '').problems) add('META_FILTER', ['where', ...p.pointer.split('/').slice(1)], p.message);
    }
  }
  return problems;
}
