// Conversions, record actions and numbering series as metadata (pure, browser-safe): the checks a
// meta-schema cannot express, and the mapping of a source record (with its lines) into the values
// of the record a conversion creates. The engine (engine/conversion/declared.ts) runs the mapping
// inside one transaction; the web app shows the actions as buttons on the record page.
import type { MetadataErrorCode } from './errors.ts';
import { checkFeel, evaluateFeel, feelConditionHolds, recordFeelContext, type FeelContext } from './feel.ts';
import { isComputed } from './computed.ts';
import type { EntityModel, Model } from './model.ts';
import type { Conversion, EntityType, Field, FieldMapping } from './schema/types.generated.ts';

/** One semantic problem of an entity type's conversions, actions or numbering, at a path inside it. */
export interface DeclarationProblem {
  readonly code: MetadataErrorCode;
  readonly path: readonly (string | number)[];
  readonly message: string;
}

type Problems = DeclarationProblem[];

function feel(problems: Problems, expression: string | undefined, path: readonly (string | number)[]): void {
  if (expression === undefined) return;
  const problem = checkFeel(expression);
  if (problem) problems.push({ code: 'META_FEEL_SYNTAX', path, message: `FEEL syntax: ${problem.message}` });
}

/** Fields a mapping may write: stored, not computed, not lines (lines have their own mapping). */
function mappable(field: Field | undefined): boolean {
  return !!field && !isComputed(field) && field.type !== 'lines';
}

function checkMapping(problems: Problems, mapping: FieldMapping | undefined, target: EntityType, skip: string | undefined, path: readonly (string | number)[]): void {
  for (const [name, expression] of Object.entries(mapping ?? {})) {
    const field = target.fields.find((f) => f.name === name);
    if (!field || name === skip) problems.push({ code: 'META_UNKNOWN_FIELD', path: [...path, name], message: `"${name}" is not a field of ${target.name}` });
    else if (!mappable(field)) problems.push({ code: 'META_FIELD_KIND', path: [...path, name], message: `"${name}" is computed or a lines field: a conversion cannot write it` });
    feel(problems, expression, [...path, name]);
  }
}

/** The numbering series' own checks (the numbered field itself is checked by validate.ts). */
export function numberingProblems(entity: EntityType): DeclarationProblem[] {
  const problems: Problems = [];
  const numbering = entity.numbering;
  if (!numbering) return problems;
  const fieldOf = (name: string) => entity.fields.find((f) => f.name === name);
  if (numbering.pattern === undefined && !numbering.series) problems.push({ code: 'META_SCHEMA', path: ['numbering'], message: 'a numbering needs a pattern or a list of series' });
  const names = new Set<string>();
  numbering.series?.forEach((series, i) => {
    if (names.has(series.name)) problems.push({ code: 'META_DUPLICATE_NAME', path: ['numbering', 'series', i, 'name'], message: `series "${series.name}" is listed twice` });
    names.add(series.name);
    feel(problems, series.when, ['numbering', 'series', i, 'when']);
    series.per?.forEach((name, j) => {
      const field = fieldOf(name);
      if (!field) problems.push({ code: 'META_UNKNOWN_FIELD', path: ['numbering', 'series', i, 'per', j], message: `unknown field "${name}"` });
      else if (!['reference', 'enum', 'string', 'integer'].includes(field.type)) problems.push({ code: 'META_FIELD_KIND', path: ['numbering', 'series', i, 'per', j], message: 'counters are kept per value of a reference, enum, string or integer field' });
    });
  });
  if (numbering.dateField !== undefined) {
    const field = fieldOf(numbering.dateField);
    if (!field) problems.push({ code: 'META_UNKNOWN_FIELD', path: ['numbering', 'dateField'], message: `unknown field "${numbering.dateField}"` });
    else if (field.type !== 'date') problems.push({ code: 'META_FIELD_KIND', path: ['numbering', 'dateField'], message: 'the numbering date field must be a date field' });
  }
  if (numbering.seriesField !== undefined) {
    const field = fieldOf(numbering.seriesField);
    if (!field) problems.push({ code: 'META_UNKNOWN_FIELD', path: ['numbering', 'seriesField'], message: `unknown field "${numbering.seriesField}"` });
    else if (field.type !== 'enum') problems.push({ code: 'META_FIELD_KIND', path: ['numbering', 'seriesField'], message: 'the series field must be an enum field whose values name series' });
    else {
      for (const value of field.values) {
        if (!names.has(value.value)) problems.push({ code: 'META_UNKNOWN_FIELD', path: ['numbering', 'seriesField'], message: `value "${value.value}" of ${field.name} names no series (${[...names].join(', ') || 'none declared'})` });
      }
    }
  }
  return problems;
}

/** Checks the entity type's conversions and actions against the whole package's entity types. */
export function conversionProblems(entity: EntityType, entities: ReadonlyMap<string, EntityType>): DeclarationProblem[] {
  const problems: Problems = [];
  const names = new Set<string>();
  entity.conversions?.forEach((conversion, i) => {
    const at = ['conversions', i];
    if (names.has(conversion.name)) problems.push({ code: 'META_DUPLICATE_NAME', path: [...at, 'name'], message: `conversion "${conversion.name}" is listed twice` });
    names.add(conversion.name);
    feel(problems, conversion.when, [...at, 'when']);
    const target = entities.get(conversion.target);
    if (!target) {
      problems.push({ code: 'META_UNKNOWN_ENTITY', path: [...at, 'target'], message: `unknown entity type "${conversion.target}"` });
      return;
    }
    const link = target.fields.find((f) => f.name === conversion.link);
    if (!link) problems.push({ code: 'META_UNKNOWN_FIELD', path: [...at, 'link'], message: `"${conversion.link}" is not a field of ${target.name}` });
    else if (link.type !== 'reference' || link.target !== entity.name) problems.push({ code: 'META_FIELD_KIND', path: [...at, 'link'], message: `the link must be a reference field of ${target.name} to ${entity.name}` });
    if (conversion.recipients !== undefined && !entities.has(conversion.recipients)) problems.push({ code: 'META_UNKNOWN_ENTITY', path: [...at, 'recipients'], message: `unknown entity type "${conversion.recipients}"` });
    checkMapping(problems, conversion.fields, target, conversion.link, [...at, 'fields']);
    conversion.lines?.forEach((lines, j) => {
      const from = entity.fields.find((f) => f.name === lines.from);
      const to = target.fields.find((f) => f.name === lines.to);
      if (from?.type !== 'lines') problems.push({ code: 'META_FIELD_KIND', path: [...at, 'lines', j, 'from'], message: `"${lines.from}" is not a lines field of ${entity.name}` });
      if (to?.type !== 'lines') {
        problems.push({ code: 'META_FIELD_KIND', path: [...at, 'lines', j, 'to'], message: `"${lines.to}" is not a lines field of ${target.name}` });
        return;
      }
      feel(problems, lines.when, [...at, 'lines', j, 'when']);
      const lineType = entities.get(to.target);
      if (lineType) checkMapping(problems, lines.fields, lineType, to.parentField, [...at, 'lines', j, 'fields']);
    });
  });
  const actionNames = new Set<string>();
  entity.actions?.forEach((action, i) => {
    const at = ['actions', i];
    if (actionNames.has(action.name)) problems.push({ code: 'META_DUPLICATE_NAME', path: [...at, 'name'], message: `action "${action.name}" is listed twice` });
    actionNames.add(action.name);
    if ((action.conversion === undefined) === (action.workflow === undefined)) problems.push({ code: 'META_SCHEMA', path: at, message: 'an action names exactly one of conversion and workflow' });
    if (action.conversion !== undefined && !names.has(action.conversion)) problems.push({ code: 'META_UNKNOWN_FIELD', path: [...at, 'conversion'], message: `no conversion "${action.conversion}" on ${entity.name}` });
    feel(problems, action.when, [...at, 'when']);
  });
  return problems;
}

// ---- mapping -------------------------------------------------------------------------------

const NUMERIC: ReadonlySet<Field['type']> = new Set(['integer', 'decimal', 'percent']);

/** A stored value as a mapping reads it: numbers as numbers, references as ids, links as id lists. */
function mappingValue(field: Field | undefined, value: unknown): unknown {
  if (!field || value === null || value === undefined) return value;
  if (NUMERIC.has(field.type) && typeof value === 'string') return Number(value);
  if (field.type === 'reference' && typeof value === 'object') return (value as { id?: unknown }).id ?? null;
  if (field.type === 'manyToMany' && Array.isArray(value)) return value.map((l: unknown) => (l && typeof l === 'object' ? (l as { id?: unknown }).id : l));
  return value;
}

/** The FEEL context a mapping evaluates in: the record's fields (lines as lists of line contexts). */
export function mappingContext(model: Model, entity: EntityModel, record: Readonly<Record<string, unknown>>): FeelContext {
  const values: Record<string, unknown> = { id: record.id ?? null };
  for (const field of entity.fields) {
    const value = record[field.name];
    if (field.type === 'lines') {
      const lineType = model.entities.get(field.target);
      values[field.name] = Array.isArray(value) && lineType ? value.map((line: Record<string, unknown>) => mappingContext(model, lineType, line)) : [];
    } else values[field.name] = mappingValue(field, value);
  }
  return recordFeelContext(['id', ...entity.fields.map((f) => f.name)], values);
}

function mapped(mapping: FieldMapping | undefined, context: FeelContext): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [name, expression] of Object.entries(mapping ?? {})) {
    const value = evaluateFeel(expression, context);
    if (value !== null && value !== undefined) values[name] = value;
  }
  return values;
}

/**
 * The values of the record a conversion creates from `record` (of type `source`, lines included):
 * its mapped fields, the link to the source and the mapped lines. Pure; a FEEL error throws. A
 * fan-out (`recipients`) gives the recipient's record, which the record's field mapping reads as `recipient`.
 */
export function conversionValues(model: Model, source: EntityModel, conversion: Conversion, record: Readonly<Record<string, unknown>>, recipient?: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const context = mappingContext(model, source, record);
  const recipientType = conversion.recipients === undefined ? undefined : model.entities.get(conversion.recipients);
  // A fan-out's record fields read the recipient as `recipient` (recipient.id, recipient.name…).
  const values = mapped(conversion.fields, recipient && recipientType ? { ...context, recipient: mappingContext(model, recipientType, recipient) } : context);
  values[conversion.link] = record.id;
  for (const lines of conversion.lines ?? []) {
    const list = Array.isArray(context[lines.from]) ? (context[lines.from] as FeelContext[]) : [];
    values[lines.to] = list.filter((line) => lines.when === undefined || feelConditionHolds(lines.when, line)).map((line) => mapped(lines.fields, line));
  }
  return values;
}

/** Is the conversion allowed for this record now (its `when`)? */
export function conversionAllowed(model: Model, source: EntityModel, conversion: Conversion, record: Readonly<Record<string, unknown>>): boolean {
  return conversion.when === undefined || feelConditionHolds(conversion.when, mappingContext(model, source, record));
}
