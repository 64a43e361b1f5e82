// Checks of line items and computed fields in a package (validate.ts runs them): what the
// meta-schema cannot say about a lines field (its line type and reference back) and a computed
// field (its type, FEEL syntax, no cycle among computed fields). Pure.
import { COMPUTED_FIELD_TYPES, computedOrder } from './computed.ts';
import type { MetadataErrorCode } from './errors.ts';
import { checkFeel } from './feel.ts';
import { LINE_POSITION_COLUMN } from './field-types/index.ts';
import type { EntityType } from './schema/types.generated.ts';

export interface DocumentProblem {
  readonly code: MetadataErrorCode;
  /** The entity type whose file holds the problem. */
  readonly entity: EntityType;
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/** Problems of the lines fields and computed fields of a package's entity types. */
export function documentProblems(entities: readonly EntityType[]): DocumentProblem[] {
  const problems: DocumentProblem[] = [];
  const byName = new Map(entities.map((e) => [e.name, e]));
  const owner = new Map<string, string>();
  for (const entity of entities) {
    entity.fields.forEach((field, i) => {
      const at = ['fields', i];
      const report = (code: MetadataErrorCode, path: readonly (string | number)[], message: string) => problems.push({ code, entity, path: [...at, ...path], message });
      if (field.computed !== undefined) {
        const syntax = checkFeel(field.computed);
        if (syntax) report('META_FEEL_SYNTAX', ['computed'], `FEEL syntax error: ${syntax.message}`);
        if (!COMPUTED_FIELD_TYPES.has(field.type)) report('META_FIELD_KIND', ['computed'], `a ${field.type} field cannot be computed (only ${[...COMPUTED_FIELD_TYPES].join(', ')})`);
        if (field.type === 'money' && !field.currency) report('META_FIELD_KIND', ['currency'], 'a computed money field needs a fixed currency');
        if (field.required || field.default !== undefined || field.readOnly) report('META_FIELD_KIND', ['computed'], 'a computed field is given by its expression: it takes no required, default or readOnly');
      }
      if (field.type !== 'lines') return;
      if (field.required || field.unique || field.indexed || field.searchable) report('META_FIELD_KIND', [], 'required, unique, indexed and searchable do not apply to lines');
      const line = byName.get(field.target);
      if (!line) return void report('META_UNKNOWN_ENTITY', ['target'], `unknown entity type "${field.target}"`);
      if (line.name === entity.name) return void report('META_FIELD_KIND', ['target'], 'a type cannot be its own line type');
      const other = owner.get(line.name);
      if (other) report('META_DUPLICATE_NAME', ['target'], `"${line.name}" is already the line type of ${other}`);
      owner.set(line.name, `${entity.name}.${field.name}`);
      if (line.fields.some((f) => f.type === 'lines')) report('META_FIELD_KIND', ['target'], `"${line.name}" has lines of its own; lines do not nest`);
      const clash = line.fields.findIndex((f) => f.name === LINE_POSITION_COLUMN);
      if (clash >= 0) problems.push({ code: 'META_COLUMN_CLASH', entity: line, path: ['fields', clash, 'name'], message: `"${LINE_POSITION_COLUMN}" is the position column of a line type` });
      const parent = line.fields.find((f) => f.name === field.parentField);
      if (!parent) return void report('META_UNKNOWN_FIELD', ['parentField'], `"${line.name}" has no field "${field.parentField}"`);
      if (parent.type !== 'reference' || parent.target !== entity.name || !parent.required || parent.onDelete !== 'cascade') {
        report('META_FIELD_KIND', ['parentField'], `"${line.name}.${field.parentField}" must be a required reference to ${entity.name} with "onDelete": "cascade"`);
      }
    });
    if (entity.pricing) problems.push(...pricingProblems(entity, entities));
    const { cycle } = computedOrder(entity.fields);
    if (cycle.length > 0) {
      const first = entity.fields.findIndex((f) => f.name === cycle[0]);
      problems.push({ code: 'META_CYCLE', entity, path: ['fields', first, 'computed'], message: `computed fields read one another in a cycle (${[...cycle, cycle[0]].join(' → ')})` });
    }
  }
  return problems;
}

/** A price lookup names fields of its line type and of the type whose lines they are (metadata/pricing.ts). */
function pricingProblems(line: EntityType, entities: readonly EntityType[]): DocumentProblem[] {
  const pricing = line.pricing!;
  const problems: DocumentProblem[] = [];
  const report = (key: string, message: string) => problems.push({ code: 'META_UNKNOWN_FIELD', entity: line, path: ['pricing', key], message });
  const has = (entity: EntityType, name: string) => entity.fields.some((f) => f.name === name);
  for (const key of ['product', 'quantity', 'price', 'discount'] as const) if (!has(line, pricing[key])) report(key, `"${line.name}" has no field "${pricing[key]}"`);
  const parent = entities.find((e) => e.fields.some((f) => f.type === 'lines' && f.target === line.name));
  if (!parent) return [...problems, { code: 'META_FIELD_KIND', entity: line, path: ['pricing'], message: `"${line.name}" is not the line type of any entity type` }];
  for (const key of ['contractor', 'currency', 'date'] as const) {
    const name = pricing[key];
    if (name !== undefined && !has(parent, name)) report(key, `"${parent.name}" has no field "${name}"`);
  }
  return problems;
}
