// Columns of a file → fields of an entity type. Auto-matched by the field's name or its label in any
// language (case, diacritics, spaces and underscores ignored), and `<money>_currency` columns as the
// export writes them; the user overrides any column and may save the result as a named mapping.
// Columns of a related type (a contractor's person: `person.first_name`) create its record about the
// row's own. Pure.
import { CURRENCY_SUFFIX, type EntityModel, type Field } from '../../metadata/index.ts';
import { TesseraError, type Problem } from '../errors.ts';
import { foldText } from './cells.ts';

/** Column header → target: a field name, `<money field>_currency`, or null (the column is not imported). */
export type ColumnMapping = Readonly<Record<string, string | null>>;

/** Fields a file can set: what users write, not the platform's own (id, version, created_…). */
export function importableFields(entity: EntityModel): Field[] {
  return entity.fields.filter((f) => !f.readOnly && f.type !== 'attachment' && f.type !== 'secret');
}

/**
 * The entity types a row may also create a record of, about the row's record: those whose records
 * cannot exist without one of this type (a required reference to it, `via`): a contractor's persons.
 * Their columns are mapped as `<type>.<field>` (`person.first_name`).
 */
export interface RelatedImport {
  readonly entity: EntityModel;
  readonly via: string;
}

export function relatedImports(entity: EntityModel, entities: Iterable<EntityModel>): RelatedImport[] {
  const out: RelatedImport[] = [];
  for (const other of entities) {
    if (other.name === entity.name) continue;
    const via = other.fields.filter((f) => f.type === 'reference' && f.target === entity.name && f.required && !f.readOnly);
    if (via.length === 1) out.push({ entity: other, via: via[0]!.name });
  }
  return out.sort((a, b) => a.entity.name.localeCompare(b.entity.name));
}

function ownTargets(entity: EntityModel, except?: string): string[] {
  return importableFields(entity)
    .filter((f) => f.name !== except)
    .flatMap((f) => (f.type === 'money' ? [f.name, `${f.name}${CURRENCY_SUFFIX}`] : [f.name]));
}

/** The targets a column may be mapped to, with the money currency columns, then the related types' (`person.email`). */
export function importTargets(entity: EntityModel, related: readonly RelatedImport[] = []): string[] {
  return [...ownTargets(entity), ...related.flatMap((r) => ownTargets(r.entity, r.via).map((t) => `${r.entity.name}.${t}`))];
}

/** A mapping's columns for one related type: header → its field (the `<type>.` taken off). */
export function relatedMapping(mapping: Readonly<Record<string, string | null>>, related: RelatedImport): Record<string, string | null> {
  const prefix = `${related.entity.name}.`;
  return Object.fromEntries(Object.entries(mapping).map(([header, target]) => [header, target?.startsWith(prefix) ? target.slice(prefix.length) : null]));
}

/** The target each header matches by field name or label; unmatched headers map to null. A field is matched once. */
export function autoMap(entity: EntityModel, headers: readonly string[], related: readonly RelatedImport[] = []): Record<string, string | null> {
  const keys = new Map<string, string>();
  // A related type's columns by their target's name as the mapping writes it (`person.first_name`).
  for (const r of related) for (const t of ownTargets(r.entity, r.via)) keys.set(foldText(`${r.entity.name}.${t}`), `${r.entity.name}.${t}`);
  for (const field of importableFields(entity)) {
    const names = [field.name, ...Object.values(field.label).filter((v): v is string => typeof v === 'string')];
    for (const name of names) if (!keys.has(foldText(name))) keys.set(foldText(name), field.name);
    if (field.type === 'money') keys.set(foldText(`${field.name}${CURRENCY_SUFFIX}`), `${field.name}${CURRENCY_SUFFIX}`);
  }
  const used = new Set<string>();
  const mapping: Record<string, string | null> = {};
  for (const header of headers) {
    const target = keys.get(foldText(header));
    mapping[header] = target && !used.has(target) ? target : null;
    if (target) used.add(target);
  }
  return mapping;
}

/**
 * The mapping for a file: auto-matched, then the user's choices on top (`pointer` names where they were
 * sent). Refuses targets that are no importable field, headers not in the file, and two columns on one field.
 */
export function resolveMapping(entity: EntityModel, headers: readonly string[], chosen: ColumnMapping | undefined, pointer = '/mapping', related: readonly RelatedImport[] = []): Record<string, string | null> {
  const mapping = autoMap(entity, headers, related);
  const targets = new Set(importTargets(entity, related));
  const problems: Problem[] = [];
  for (const [header, target] of Object.entries(chosen ?? {})) {
    const at = `${pointer}/${header.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    if (!headers.includes(header)) problems.push({ pointer: at, detail: 'is not a column of the file', code: 'IMPORT_UNKNOWN_COLUMN', params: { column: header } });
    else if (target !== null && !targets.has(target)) problems.push({ pointer: at, detail: `"${target}" is not a field that can be imported`, code: 'UNKNOWN_FIELD' });
    else mapping[header] = target;
  }
  const seen = new Map<string, string>();
  for (const [header, target] of Object.entries(mapping)) {
    if (target === null) continue;
    const other = seen.get(target);
    if (other !== undefined) problems.push({ pointer: `${pointer}/${header.replace(/~/g, '~0').replace(/\//g, '~1')}`, detail: `column "${other}" is already mapped to ${target}`, code: 'IMPORT_COLUMN_TWICE', params: { column: other } });
    seen.set(target, header);
  }
  if (problems.length) throw new TesseraError('VALIDATION_FAILED', `invalid column mapping: ${problems.map((p) => `${p.pointer} ${p.detail}`).join('; ')}`, { problems });
  return mapping;
}
