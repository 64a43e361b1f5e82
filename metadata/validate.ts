// Validation of a metadata package: every file against the meta-schema (ajv), then the semantic
// checks a schema cannot express (dangling references, duplicates, reserved names, column clashes,
// cycles, FEEL syntax). Every problem names its file and a JSON pointer into it.
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { ACTIVITY_COMMON_FIELD_NAMES, ACTIVITY_ENTITY } from './activity.ts';
import { pointer as ptr, type MetadataError, type MetadataErrorCode } from './errors.ts';
import { knownTimeZone } from './calendar.ts';
import { documentProblems } from './lines.ts';
import { documentTemplateProblems } from './document-templates.ts';
import { rollupProblems } from './rollup.ts';
import { conversionProblems, numberingProblems } from './conversions.ts';
import { DUPLICATE_FIELD_TYPES } from './duplicates.ts';
import { checkFeel } from './feel.ts';
import { exclusionRuleProblems } from './exclusions.ts';
import { lookupProblems } from './lookup-problems.ts';
import { parseFilter, SYSTEM_FIELD_TYPES } from './filter.ts';
import { RECORD_FORMATS } from './field-formats.ts';
import { fieldTypeOf } from './field-types/index.ts';
import { buildModel, fieldsOfKind, platformTarget, USER_TARGET, type EntityModel, type Model } from './model.ts';
import { fieldValueSchema } from './record-schema.ts';
import { groupItems, MANIFEST_FILE, type MetadataPackage, type PackageFiles } from './package.ts';
import { schemaLimitErrors } from './limits.ts';
import { dashboardProblems, reportProblems } from './reports.ts';
import { CURRENCY_SUFFIX, joinTableName, physicalSchema, SYSTEM_COLUMNS } from './physical.ts';
import { entityNameProblem, fieldNameProblem } from './reserved.ts';
import { metaSchema } from './schema/meta-schema.ts';
import type { EntityType, Field, FormSection, Lookup, MetadataItem } from './schema/types.generated.ts';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

let compiled: ValidateFunction<MetadataItem> | undefined;
function itemValidator(): ValidateFunction<MetadataItem> {
  if (!compiled) {
    const ajv = new Ajv2020({ allErrors: true, discriminator: true, strict: true, strictRequired: false, strictTypes: false, allowUnionTypes: true });
    addFormats(ajv);
    ajv.addKeyword('tsType');
    compiled = ajv.compile<MetadataItem>(metaSchema);
  }
  return compiled;
}

export type ValidationResult =
  | { readonly ok: true; readonly pkg: MetadataPackage; readonly model: Model }
  | { readonly ok: false; readonly errors: readonly MetadataError[] };

/** Validates a package. On success returns the grouped package and its resolved model. */
export function validatePackage(input: PackageFiles): ValidationResult {
  const errors: MetadataError[] = [];
  const items: Record<string, MetadataItem> = {};
  if (typeof input !== 'object' || input === null || typeof input.files !== 'object' || input.files === null || Array.isArray(input.files)) {
    return { ok: false, errors: [{ code: 'META_SCHEMA', file: '', pointer: '/files', message: 'a package is an object {"files": {"<path>.json": item, …}}' }] };
  }
  const validate = itemValidator();
  for (const [file, content] of Object.entries(input.files)) {
    const pathProblem = filePathProblem(file);
    if (pathProblem) {
      errors.push({ code: 'META_SCHEMA', file, pointer: '', message: pathProblem });
      continue;
    }
    if (validate(content)) items[file] = content;
    else errors.push(...schemaErrors(file, validate.errors ?? []));
  }
  const manifests = Object.entries(items).filter(([, item]) => item.kind === 'manifest');
  if (manifests.length === 0 && !errors.some((e) => e.file === MANIFEST_FILE)) {
    errors.push({ code: 'META_MANIFEST_MISSING', file: MANIFEST_FILE, pointer: '', message: `the package needs a manifest (${MANIFEST_FILE} with "kind": "manifest")` });
  }
  if (manifests.length > 1) {
    for (const [file] of manifests.slice(1)) errors.push({ code: 'META_DUPLICATE_ID', file, pointer: '/kind', message: 'a package has exactly one manifest' });
  }
  for (const [file, item] of manifests) {
    if (item.kind === 'manifest' && item.timeZone !== undefined && !knownTimeZone(item.timeZone)) {
      errors.push({ code: 'META_SCHEMA', file, pointer: '/timeZone', message: `unknown time zone "${item.timeZone}" (use an IANA name such as Europe/Warsaw)` });
    }
  }
  if (errors.length > 0) return { ok: false, errors };
  const pkg = groupItems(items);
  const semantic = semanticErrors(pkg);
  if (semantic.length > 0) return { ok: false, errors: semantic };
  const model = buildModel(pkg);
  const limits = schemaLimitErrors(model, physicalSchema(model));
  if (limits.length > 0) return { ok: false, errors: limits };
  return { ok: true, pkg, model };
}

/**
 * File paths are keys of the package and may become paths on disk (a package saved to a folder):
 * relative, '/'-separated, normalised (no empty, '.' or '..' segment), ending in .json.
 */
export function filePathProblem(file: string): string | null {
  const rule = 'file paths are relative, normalised paths of letters, digits, _ . - separated by /, ending in .json';
  if (file.length > 255) return `${rule}; at most 255 characters`;
  if (!/^[A-Za-z0-9_.\-/]+\.json$/.test(file)) return rule;
  if (file.startsWith('/')) return `${rule}; "${file}" is absolute`;
  if (file.includes('..')) return `${rule}; ".." is not allowed`;
  if (file.split('/').some((segment) => segment === '' || segment === '.')) return `${rule}; "${file}" has an empty or "." segment`;
  return null;
}

function schemaErrors(file: string, raw: readonly ErrorObject[]): MetadataError[] {
  // With a discriminator, ajv reports only the matching branch; drop the generic "must match oneOf" noise.
  const relevant = raw.filter((e) => e.keyword !== 'oneOf' || raw.length === 1);
  const seen = new Set<string>();
  const result: MetadataError[] = [];
  for (const e of relevant) {
    let message = e.message ?? 'is invalid';
    let at = e.instancePath;
    if (e.keyword === 'unevaluatedProperties' || e.keyword === 'additionalProperties') {
      const prop = (e.params as { unevaluatedProperty?: string; additionalProperty?: string }).unevaluatedProperty ?? (e.params as { additionalProperty?: string }).additionalProperty;
      at = `${at}/${prop}`;
      message = `unknown property "${prop}"`;
    } else if (e.keyword === 'enum') {
      message = `must be one of ${JSON.stringify((e.params as { allowedValues: unknown[] }).allowedValues)}`;
    } else if (e.keyword === 'const') {
      message = `must be ${JSON.stringify((e.params as { allowedValue: unknown }).allowedValue)}`;
    } else if (e.keyword === 'required') {
      at = `${at}/${(e.params as { missingProperty: string }).missingProperty}`;
      message = 'is required';
    } else if (e.keyword === 'discriminator') {
      const tag = (e.params as { tag: string }).tag;
      at = `${at}/${tag}`;
      message = `"${tag}" is missing or not one of the known kinds`;
    }
    const key = `${at}|${message}`;
    if (seen.has(key)) continue;
    // A missing discriminator is reported once, by the discriminator keyword.
    if (e.keyword === 'required' && relevant.some((d) => d.keyword === 'discriminator' && `${d.instancePath}/${(d.params as { tag: string }).tag}` === at)) continue;
    seen.add(key);
    result.push({ code: 'META_SCHEMA', file, pointer: at, message });
  }
  return result;
}

interface Ctx {
  readonly pkg: MetadataPackage;
  readonly errors: MetadataError[];
  readonly entityNames: ReadonlySet<string>;
}

function report(ctx: Ctx, code: MetadataErrorCode, id: string, path: readonly (string | number)[], message: string): void {
  ctx.errors.push({ code, file: ctx.pkg.fileOf.get(id) ?? '', pointer: ptr(...path), message });
}

function semanticErrors(pkg: MetadataPackage): MetadataError[] {
  const ctx: Ctx = { pkg, errors: [], entityNames: new Set([...pkg.entities.map((e) => e.name), ACTIVITY_ENTITY]) };
  checkUniqueIds(ctx);
  checkUniqueNames(ctx);
  for (const entity of pkg.entities) checkEntity(ctx, entity);
  checkActivityKinds(ctx);
  checkRequiredReferenceCycles(ctx);
  for (const p of documentProblems(pkg.entities)) report(ctx, p.code, p.entity.id, p.path, p.message);
  if (ctx.errors.length > 0) return ctx.errors;
  // Machines, views and roles are checked against the resolved model.
  const model = buildModel(pkg);
  checkMachines(ctx, model);
  checkViews(ctx, model);
  checkRoles(ctx, model);
  checkTriggers(ctx, model);
  for (const p of documentTemplateProblems(model, ctx.pkg.documentTemplates)) report(ctx, p.code, p.id, p.path, p.message);
  checkKindForms(ctx, model);
  for (const p of rollupProblems(model)) ctx.errors.push({ code: p.code, file: ctx.pkg.fileOf.get(p.entityId) ?? '', pointer: p.pointer, message: p.message });
  checkCrossRecordRules(ctx, model);
  for (const p of [...ctx.pkg.reports.flatMap((r) => reportProblems(r, model)), ...ctx.pkg.dashboards.flatMap((d) => dashboardProblems(d, model))]) report(ctx, p.code, p.id, p.path, p.message);
  return ctx.errors;
}

function checkUniqueIds(ctx: Ctx): void {
  const seen = new Map<string, string>();
  for (const [file, item] of Object.entries(ctx.pkg.files) as [string, MetadataItem][]) {
    if (item.kind === 'manifest') continue;
    if (item.id.startsWith('platform.')) ctx.errors.push({ code: 'META_RESERVED_NAME', file, pointer: '/id', message: 'ids starting with "platform." are reserved' });
    const other = seen.get(item.id);
    if (other !== undefined) ctx.errors.push({ code: 'META_DUPLICATE_ID', file, pointer: '/id', message: `id "${item.id}" is also used in ${other}` });
    else seen.set(item.id, file);
  }
}

function checkUniqueNames(ctx: Ctx): void {
  const groups: [string, readonly { id: string; name: string }[]][] = [
    ['entity type', ctx.pkg.entities],
    ['activity kind', ctx.pkg.activityKinds],
    ['pipeline or status machine', [...ctx.pkg.pipelines, ...ctx.pkg.statusMachines]],
    ['role', ctx.pkg.roles],
    ['trigger', ctx.pkg.triggers],
    ['report', ctx.pkg.reports],
    ['dashboard', ctx.pkg.dashboards],
  ];
  for (const [what, items] of groups) {
    const seen = new Map<string, string>();
    for (const item of items) {
      const other = seen.get(item.name);
      if (other) report(ctx, 'META_DUPLICATE_NAME', item.id, ['name'], `${what} "${item.name}" is already defined in ${ctx.pkg.fileOf.get(other)}`);
      else seen.set(item.name, item.id);
    }
  }
  const views = new Map<string, string>();
  for (const view of ctx.pkg.views) {
    const key = `${view.entity}/${view.name}`;
    if (views.has(key)) report(ctx, 'META_DUPLICATE_NAME', view.id, ['name'], `view "${view.name}" of ${view.entity} is already defined in ${ctx.pkg.fileOf.get(views.get(key)!)}`);
    else views.set(key, view.id);
  }
}

function checkFields(ctx: Ctx, ownerId: string, ownerName: string, fields: readonly Field[], base: readonly (string | number)[], extraColumns: ReadonlySet<string>): void {
  const names = new Map<string, number>();
  const ids = new Map<string, number>();
  const columns = new Map<string, string>();
  for (const c of [...SYSTEM_COLUMNS, ...extraColumns]) columns.set(c, 'a system column');
  fields.forEach((field, i) => {
    const at = [...base, i];
    const problem = fieldNameProblem(field.name);
    if (problem) report(ctx, 'META_RESERVED_NAME', ownerId, [...at, 'name'], problem);
    if (names.has(field.name)) report(ctx, 'META_DUPLICATE_NAME', ownerId, [...at, 'name'], `field "${field.name}" is already defined at ${ptr(...base, names.get(field.name)!)}`);
    names.set(field.name, i);
    if (ids.has(field.id)) report(ctx, 'META_DUPLICATE_ID', ownerId, [...at, 'id'], `field id "${field.id}" is already used at ${ptr(...base, ids.get(field.id)!)}`);
    ids.set(field.id, i);
    for (const column of fieldTypeOf(field).columnNames(field)) {
      const clash = columns.get(column);
      if (clash && !(problem && column === field.name)) report(ctx, 'META_COLUMN_CLASH', ownerId, [...at, 'name'], `column "${column}" clashes with ${clash}`);
      columns.set(column, `field "${field.name}"`);
    }
    if (field.type === 'reference' && field.required && field.onDelete === 'setNull') {
      report(ctx, 'META_FIELD_KIND', ownerId, [...at, 'onDelete'], 'a required reference cannot be cleared when its target is deleted; use restrict or cascade');
    }
    if (field.type === 'reference' || field.type === 'manyToMany') {
      const platform = platformTarget(field.target);
      if (!platform && !ctx.entityNames.has(field.target)) {
        report(ctx, 'META_UNKNOWN_ENTITY', ownerId, [...at, 'target'], `unknown entity type "${field.target}"`);
      }
      if (field.type === 'manyToMany') {
        if (platform) report(ctx, 'META_FIELD_KIND', ownerId, [...at, 'target'], `many-to-many links to ${platform.table} are not supported; link to an entity type (e.g. employees)`);
        const join = joinTableName(ownerName, field.name);
        if (join.length > 63) report(ctx, 'META_RESERVED_NAME', ownerId, [...at, 'name'], `join table name "${join}" is longer than 63 characters`);
        if (field.required || field.unique || field.indexed) report(ctx, 'META_FIELD_KIND', ownerId, at, 'required, unique and indexed do not apply to many-to-many fields');
        checkEnumValues(ctx, ownerId, [...at, 'roles'], field.roles ?? []);
      }
    }
    if (field.type === 'enum') {
      checkEnumValues(ctx, ownerId, [...at, 'values'], field.values);
      if (field.default !== undefined && !field.values.some((v) => v.value === field.default)) {
        report(ctx, 'META_INVALID_DEFAULT', ownerId, [...at, 'default'], `default "${String(field.default)}" is not one of the values`);
      }
    }
    if (field.type === 'string' && field.pattern !== undefined) {
      try {
        new RegExp(field.pattern, 'u');
      } catch (error) {
        report(ctx, 'META_PATTERN', ownerId, [...at, 'pattern'], `invalid regular expression: ${(error as Error).message}`);
      }
    }
    if (field.type === 'reference' && field.default !== undefined && field.target !== USER_TARGET) {
      report(ctx, 'META_INVALID_DEFAULT', ownerId, [...at, 'default'], '"$me" is a default only of references to "user"');
    }
    if (field.type === 'string' && field.countryField !== undefined) {
      const country = fields.find((f) => f.name === field.countryField);
      if (field.format !== 'postalCode') report(ctx, 'META_FIELD_KIND', ownerId, [...at, 'countryField'], 'countryField goes with "format": "postalCode"');
      else if (!country || (country.type !== 'enum' && country.type !== 'string')) report(ctx, 'META_UNKNOWN_FIELD', ownerId, [...at, 'countryField'], `"${field.countryField}" is not an enum or string field of this type`);
    }
    if (field.type === 'string' && field.default !== undefined && field.default.length > (field.maxLength ?? 255)) {
      report(ctx, 'META_INVALID_DEFAULT', ownerId, [...at, 'default'], 'default is longer than maxLength');
    }
    if ((field.type === 'integer' || field.type === 'decimal') && field.minimum !== undefined && field.maximum !== undefined && field.minimum > field.maximum) {
      report(ctx, 'META_INVALID_DEFAULT', ownerId, [...at, 'minimum'], 'minimum is greater than maximum');
    }
    if (field.type === 'decimal' && (field.scale ?? 4) >= (field.precision ?? 18)) {
      report(ctx, 'META_FIELD_KIND', ownerId, [...at, 'scale'], 'scale must be smaller than precision');
    }
    if ((field.unique || field.indexed) && (field.type === 'json' || field.type === 'text' || field.type === 'secret')) {
      report(ctx, 'META_FIELD_KIND', ownerId, at, `${field.type} fields cannot be unique or indexed`);
    }
    // A secret is sealed in its column: nothing can search it, and a default would be a shared password.
    if (field.type === 'secret' && (field.searchable || field.default !== undefined)) {
      report(ctx, 'META_FIELD_KIND', ownerId, at, 'a secret field cannot be searchable or have a default');
    }
    for (const key of ['visibleWhen', 'requiredWhen'] as const) {
      const expr = field[key];
      if (expr !== undefined) {
        const problem = checkFeel(expr);
        if (problem) report(ctx, 'META_FEEL_SYNTAX', ownerId, [...at, key], `FEEL syntax error: ${problem.message}`);
      }
    }
  });
}

function checkEnumValues(ctx: Ctx, ownerId: string, at: readonly (string | number)[], values: readonly { id?: string; value: string }[]): void {
  const seen = new Set<string>();
  const ids = new Set<string>();
  values.forEach((v, i) => {
    if (seen.has(v.value)) report(ctx, 'META_DUPLICATE_NAME', ownerId, [...at, i, 'value'], `value "${v.value}" is listed twice`);
    seen.add(v.value);
    if (v.id !== undefined) {
      if (ids.has(v.id)) report(ctx, 'META_DUPLICATE_ID', ownerId, [...at, i, 'id'], `value id "${v.id}" is listed twice`);
      ids.add(v.id);
    }
  });
}

/** A form layout (the default or a role's variant): each field known and placed once, conditions valid. */
function checkLayout(ctx: Ctx, ownerId: string, fieldOf: (name: string) => Field | undefined, layout: readonly FormSection[], at: readonly (string | number)[]): void {
  const placed = new Set<string>();
  layout.forEach((section, i) => {
    section.fields.forEach((name, j) => {
      if (!fieldOf(name)) report(ctx, 'META_UNKNOWN_FIELD', ownerId, [...at, i, 'fields', j], `unknown field "${name}"`);
      else if (placed.has(name)) report(ctx, 'META_DUPLICATE_NAME', ownerId, [...at, i, 'fields', j], `field "${name}" is placed twice`);
      placed.add(name);
      // The database demands a required field whatever the form shows: it cannot be hidden.
      if (section.visibleWhen !== undefined && fieldOf(name)?.required) report(ctx, 'META_FIELD_KIND', ownerId, [...at, i, 'fields', j], `required field "${name}" cannot be in a section with visibleWhen; use requiredWhen`);
    });
    if (section.visibleWhen !== undefined) {
      const problem = checkFeel(section.visibleWhen);
      if (problem) report(ctx, 'META_FEEL_SYNTAX', ownerId, [...at, i, 'visibleWhen'], `FEEL syntax error: ${problem.message}`);
    }
  });
}

function checkEntity(ctx: Ctx, entity: EntityType): void {
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
function checkTimeline(ctx: Ctx, entity: EntityType): void {
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

function checkActivityKinds(ctx: Ctx): void {
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
function checkRequiredReferenceCycles(ctx: Ctx): void {
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

function checkMachines(ctx: Ctx, model: Model): void {
  const boundFields = new Map<string, string>();
  const machines = [
    ...ctx.pkg.pipelines.map((p) => ({ item: p, states: p.stages.map((s) => s.name), statesKey: 'stages' as const })),
    ...ctx.pkg.statusMachines.map((m) => ({ item: m, states: m.states.map((s) => s.name), statesKey: 'states' as const })),
  ];
  for (const { item, states, statesKey } of machines) {
    const entity = model.entities.get(item.entity);
    if (!entity || entity.platform) {
      report(ctx, 'META_UNKNOWN_ENTITY', item.id, ['entity'], `unknown entity type "${item.entity}"`);
      continue;
    }
    const field = entity.fieldsByName.get(item.field);
    if (!field) report(ctx, 'META_UNKNOWN_FIELD', item.id, ['field'], `entity type ${item.entity} has no field "${item.field}"`);
    else if (field.type !== 'state') report(ctx, 'META_STATE_BINDING', item.id, ['field'], `field ${item.entity}.${item.field} must be of type "state" to hold a ${item.kind === 'pipeline' ? 'stage' : 'status'}`);
    const key = `${item.entity}.${item.field}`;
    if (boundFields.has(key)) report(ctx, 'META_STATE_BINDING', item.id, ['field'], `${key} is already bound to ${boundFields.get(key)}`);
    boundFields.set(key, item.name);
    const seen = new Set<string>();
    const seenIds = new Set<string>();
    const list = item.kind === 'pipeline' ? item.stages : item.states;
    list.forEach((state, i) => {
      if (seen.has(state.name)) report(ctx, 'META_DUPLICATE_NAME', item.id, [statesKey, i, 'name'], `state "${state.name}" is listed twice`);
      seen.add(state.name);
      // State ids turn renames into data updates: one id naming two states would make them ambiguous.
      if (seenIds.has(state.id)) report(ctx, 'META_DUPLICATE_ID', item.id, [statesKey, i, 'id'], `state id "${state.id}" is listed twice`);
      seenIds.add(state.id);
      (state.requiredFields ?? []).forEach((name, j) => {
        if (!entity.fieldsByName.has(name)) report(ctx, 'META_UNKNOWN_FIELD', item.id, [statesKey, i, 'requiredFields', j], `unknown field "${name}"`);
      });
    });
    const known = new Set(states);
    (item.transitions ?? []).forEach((t, i) => {
      if (t.from !== '*') t.from.forEach((s, j) => {
        if (!known.has(s)) report(ctx, 'META_UNKNOWN_STATE', item.id, ['transitions', i, 'from', j], `unknown state "${s}"`);
      });
      if (!known.has(t.to)) report(ctx, 'META_UNKNOWN_STATE', item.id, ['transitions', i, 'to'], `unknown state "${t.to}"`);
      if (t.guard !== undefined) {
        const problem = checkFeel(t.guard);
        if (problem) report(ctx, 'META_FEEL_SYNTAX', item.id, ['transitions', i, 'guard'], `FEEL syntax error: ${problem.message}`);
      }
    });
    if (item.kind === 'statusMachine') {
      item.initial?.forEach((s, i) => {
        if (!known.has(s)) report(ctx, 'META_UNKNOWN_STATE', item.id, ['initial', i], `unknown state "${s}"`);
      });
    } else {
      if (!item.stages.some((s) => s.category === 'open')) report(ctx, 'META_UNKNOWN_STATE', item.id, ['stages'], 'a pipeline needs at least one open stage');
      for (const key of ['amountField', 'lostReasonField', 'lostCommentField'] as const) {
        const name = item[key];
        if (name === undefined) continue;
        const f = entity.fieldsByName.get(name);
        if (!f) report(ctx, 'META_UNKNOWN_FIELD', item.id, [key], `unknown field "${name}"`);
        else if (key === 'amountField' && f.type !== 'money' && f.type !== 'decimal' && f.type !== 'integer') report(ctx, 'META_FIELD_KIND', item.id, [key], 'the amount field must be money or a number');
        else if (key === 'lostCommentField' && f.type !== 'text' && f.type !== 'string') report(ctx, 'META_FIELD_KIND', item.id, [key], 'the lost comment field must be text or string');
      }
    }
  }
  for (const entity of model.entities.values()) {
    for (const field of entity.fields) {
      if (field.type === 'state' && !boundFields.has(`${entity.name}.${field.name}`)) {
        const index = entity.fields.indexOf(field);
        report(ctx, 'META_STATE_BINDING', entity.id, ['fields', index], `state field "${field.name}" is not bound to any pipeline or status machine`);
      }
    }
  }
}

function checkViews(ctx: Ctx, model: Model): void {
  for (const view of ctx.pkg.views) {
    const entity = model.entities.get(view.entity);
    if (!entity) {
      report(ctx, 'META_UNKNOWN_ENTITY', view.id, ['entity'], `unknown entity type "${view.entity}"`);
      continue;
    }
    const known = (name: string) => entity.fieldsByName.has(name) || SYSTEM_FIELD_TYPES.has(name);
    view.columns?.forEach((c, i) => {
      if (!known(c)) report(ctx, 'META_UNKNOWN_FIELD', view.id, ['columns', i], `unknown field "${c}"`);
    });
    view.sort?.forEach((s, i) => {
      if (!known(s.field) || entity.fieldsByName.get(s.field)?.type === 'manyToMany') report(ctx, 'META_UNKNOWN_FIELD', view.id, ['sort', i, 'field'], `"${s.field}" is not a sortable field`);
    });
    if (view.filter !== undefined) {
      const { problems } = parseFilter(entity, view.filter, '/filter');
      for (const p of problems) ctx.errors.push({ code: 'META_FILTER', file: ctx.pkg.fileOf.get(view.id) ?? '', pointer: p.pointer, message: p.message });
    }
    // A board's columns come from a state or an enum field; its totals from a money or number field.
    if (view.groupBy !== undefined) {
      const type = entity.fieldsByName.get(view.groupBy)?.type;
      if (type !== 'state' && type !== 'enum') report(ctx, 'META_FIELD_KIND', view.id, ['groupBy'], `"${view.groupBy}" is not a state or enum field`);
    }
    if (view.total !== undefined && !['money', 'integer', 'decimal'].includes(entity.fieldsByName.get(view.total)?.type ?? '')) report(ctx, 'META_FIELD_KIND', view.id, ['total'], `"${view.total}" is not a money or number field`);
    for (const name of Object.keys(view.widths ?? {})) {
      if (!view.columns?.includes(name)) report(ctx, 'META_UNKNOWN_FIELD', view.id, ['widths', name], `"${name}" is not a column of the view`);
    }
    if (view.type === 'board' && entity.machines.size === 0 && view.groupBy === undefined) report(ctx, 'META_FIELD_KIND', view.id, ['type'], `a board needs a pipeline or status machine on ${entity.name}`);
    // A yearly date (a birthday) is a calendar view whose first column is a date.
    if (view.recurrence === 'yearly' && (view.type !== 'calendar' || entity.fieldsByName.get(view.columns?.[0] ?? '')?.type !== 'date')) report(ctx, 'META_FIELD_KIND', view.id, ['recurrence'], 'a yearly view is of type calendar with a date field as its first column');
  }
}

function checkRoles(ctx: Ctx, model: Model): void {
  for (const role of ctx.pkg.roles) {
    role.permissions?.forEach((perm, i) => {
      const entity = perm.entity === '*' ? undefined : model.entities.get(perm.entity);
      if (perm.entity !== '*' && !entity) report(ctx, 'META_UNKNOWN_ENTITY', role.id, ['permissions', i, 'entity'], `unknown entity type "${perm.entity}"`);
      if (perm.condition !== undefined) {
        const problem = checkFeel(perm.condition);
        if (problem) report(ctx, 'META_FEEL_SYNTAX', role.id, ['permissions', i, 'condition'], `FEEL syntax error: ${problem.message}`);
      }
      for (const name of Object.keys(perm.fields ?? {})) {
        if (entity && !entity.fieldsByName.has(name)) report(ctx, 'META_UNKNOWN_FIELD', role.id, ['permissions', i, 'fields', name], `unknown field "${name}"`);
        if (!entity) report(ctx, 'META_UNKNOWN_FIELD', role.id, ['permissions', i, 'fields', name], 'field rights need a single entity type');
      }
    });
  }
}

/** Triggers name existing entity types, fields and states; their FEEL parses. Processes are checked when they run (deployed separately). */
function checkTriggers(ctx: Ctx, model: Model): void {
  for (const trigger of ctx.pkg.triggers) {
    const entity = model.entities.get(trigger.entity);
    if (!entity) {
      report(ctx, 'META_UNKNOWN_ENTITY', trigger.id, ['entity'], `unknown entity type "${trigger.entity}"`);
      continue;
    }
    if (!trigger.start && !trigger.message) report(ctx, 'META_TRIGGER', trigger.id, [], 'a trigger needs "start" (a process to start) or "message" (a message to correlate), or both');
    const needsField = trigger.on === 'fieldChanged' || trigger.on === 'stateEntered';
    if (needsField && trigger.field === undefined) report(ctx, 'META_TRIGGER', trigger.id, ['field'], `"on": "${trigger.on}" needs "field"`);
    if (!needsField && trigger.field !== undefined) report(ctx, 'META_TRIGGER', trigger.id, ['field'], `"field" applies only to fieldChanged and stateEntered`);
    if (trigger.state !== undefined && trigger.on !== 'stateEntered') report(ctx, 'META_TRIGGER', trigger.id, ['state'], '"state" applies only to stateEntered');
    if (trigger.field !== undefined && needsField) {
      const field = entity.fieldsByName.get(trigger.field);
      const machine = entity.machines.get(trigger.field);
      if (!field) report(ctx, 'META_UNKNOWN_FIELD', trigger.id, ['field'], `entity type ${entity.name} has no field "${trigger.field}"`);
      else if (trigger.on === 'stateEntered' && !machine) report(ctx, 'META_STATE_BINDING', trigger.id, ['field'], `${entity.name}.${trigger.field} is not bound to a pipeline or status machine`);
      else if (trigger.state !== undefined && machine && !machine.states.some((s) => s.name === trigger.state)) {
        report(ctx, 'META_UNKNOWN_STATE', trigger.id, ['state'], `"${trigger.state}" is not a state of ${machine.name}`);
      }
    }
    const feel: [readonly (string | number)[], string | undefined][] = [
      [['condition'], trigger.condition],
      [['message', 'correlationKey'], trigger.message?.correlationKey],
      ...Object.entries(trigger.start?.variables ?? {}).map(([name, expr]): [readonly (string | number)[], string] => [['start', 'variables', name], expr]),
      ...Object.entries(trigger.message?.variables ?? {}).map(([name, expr]): [readonly (string | number)[], string] => [['message', 'variables', name], expr]),
    ];
    for (const [path, expr] of feel) {
      if (expr === undefined) continue;
      const problem = checkFeel(expr);
      if (problem) report(ctx, 'META_FEEL_SYNTAX', trigger.id, path, `FEEL syntax error: ${problem.message}`);
    }
  }
}

/** An activity kind's short form and defaults name fields an activity of that kind has, defaults of their type. */
function checkKindForms(ctx: Ctx, model: Model): void {
  const activity = model.entities.get(ACTIVITY_ENTITY);
  if (!activity) return;
  for (const kind of ctx.pkg.activityKinds) {
    const own = new Set(fieldsOfKind(activity, kind.name) ?? []);
    const usable = (name: string) => own.has(name) && activity.fieldsByName.get(name)?.readOnly !== true;
    kind.form?.forEach((name, i) => {
      if (!usable(name)) report(ctx, 'META_UNKNOWN_FIELD', kind.id, ['form', i], `"${name}" is not a writable field of an activity of kind "${kind.name}"`);
    });
    if (kind.layout) checkLayout(ctx, kind.id, (name) => (own.has(name) ? activity.fieldsByName.get(name) : undefined), kind.layout, ['layout']);
    for (const [name, value] of Object.entries(kind.defaults ?? {})) {
      const field = activity.fieldsByName.get(name);
      if (!field || !usable(name) || name === 'kind') {
        report(ctx, 'META_UNKNOWN_FIELD', kind.id, ['defaults', name], `"${name}" is not a writable field of an activity of kind "${kind.name}"`);
        continue;
      }
      const problem = defaultProblem(model, activity, field, value);
      if (problem) report(ctx, 'META_INVALID_DEFAULT', kind.id, ['defaults', name], problem);
    }
  }
}

let defaultAjv: Ajv2020 | undefined;
/** Why a default does not fit its field (tokens by field type, literals by the field's value schema), or null. */
function defaultProblem(model: Model, entity: EntityModel, field: Field, value: unknown): string | null {
  const token = typeof value === 'string' && value.startsWith('$') ? value : null;
  if (token === '$today') return field.type === 'date' ? null : '"$today" is a default of date fields';
  if (token === '$now') return field.type === 'datetime' ? null : '"$now" is a default of datetime fields';
  if (token === '$me') return field.type === 'reference' && field.target === USER_TARGET ? null : '"$me" is a default of references to "user"';
  if (field.type === 'manyToMany' || field.type === 'attachment' || field.type === 'state') return `a ${field.type} field takes no default`;
  if (!defaultAjv) {
    defaultAjv = new Ajv2020({ strict: false });
    addFormats(defaultAjv);
    for (const [name, check] of Object.entries(RECORD_FORMATS)) defaultAjv.addFormat(name, { type: 'string', validate: check });
  }
  const currencies = model.pkg.manifest.currencies ?? [model.pkg.manifest.defaultCurrency ?? 'PLN'];
  return defaultAjv.validate(fieldValueSchema(model, entity, field, currencies), value) ? null : `the default does not fit the ${field.type} field (${defaultAjv.errorsText()})`;
}

/** Exclusion rules (metadata/exclusions.ts) and guards of entity types, the lookups of transition guards. */
function checkCrossRecordRules(ctx: Ctx, model: Model): void {
  for (const entity of ctx.pkg.entities) {
    const resolved = model.entities.get(entity.name)!;
    const ids = new Set<string>();
    const names = new Set<string>();
    entity.exclusions?.forEach((rule, i) => {
      if (ids.has(rule.id)) report(ctx, 'META_DUPLICATE_ID', entity.id, ['exclusions', i, 'id'], `exclusion rule id "${rule.id}" is listed twice`);
      if (names.has(rule.name)) report(ctx, 'META_DUPLICATE_NAME', entity.id, ['exclusions', i, 'name'], `exclusion rule "${rule.name}" is listed twice`);
      ids.add(rule.id);
      names.add(rule.name);
      if (resolved.lineOf) report(ctx, 'META_FIELD_KIND', entity.id, ['exclusions', i], 'a line type cannot have exclusion rules; declare them on its record type');
      for (const p of exclusionRuleProblems(resolved, rule)) report(ctx, p.code, entity.id, ['exclusions', i, ...p.path], p.message);
    });
  }
  const machines = [
    ...ctx.pkg.pipelines.map((p) => ({ item: p, transitions: p.transitions ?? [] })),
    ...ctx.pkg.statusMachines.map((m) => ({ item: m, transitions: m.transitions ?? [] })),
  ];
  for (const { item, transitions } of machines) {
    const entity = model.entities.get(item.entity);
    if (!entity) continue;
    transitions.forEach((t, i) => checkLookups(ctx, model, entity, item.id, ['transitions', i, 'lookups'], t.lookups));
  }
  for (const entity of ctx.pkg.entities) {
    const resolved = model.entities.get(entity.name)!;
    const names = new Set<string>();
    entity.guards?.forEach((guard, i) => {
      if (names.has(guard.name)) report(ctx, 'META_DUPLICATE_NAME', entity.id, ['guards', i, 'name'], `guard "${guard.name}" is listed twice`);
      names.add(guard.name);
      if (resolved.lineOf) report(ctx, 'META_FIELD_KIND', entity.id, ['guards', i], 'a line type cannot have guards; declare them on its record type');
      const problem = checkFeel(guard.condition);
      if (problem) report(ctx, 'META_FEEL_SYNTAX', entity.id, ['guards', i, 'condition'], `FEEL syntax error: ${problem.message}`);
      if (!resolved.fieldsByName.has(guard.field)) report(ctx, 'META_UNKNOWN_FIELD', entity.id, ['guards', i, 'field'], `${entity.name} has no field "${guard.field}"`);
      guard.overrideRoles?.forEach((role, j) => {
        if (!ctx.pkg.roles.some((r) => r.name === role)) report(ctx, 'META_UNKNOWN_FIELD', entity.id, ['guards', i, 'overrideRoles', j], `unknown role "${role}"`);
      });
      checkLookups(ctx, model, resolved, entity.id, ['guards', i, 'lookups'], guard.lookups);
    });
    // Computed fields reading other records (engine/records/computed-fields.ts).
    entity.fields.forEach((field, i) => {
      if (field.lookups === undefined) return;
      if (field.computed === undefined) report(ctx, 'META_FIELD_KIND', entity.id, ['fields', i, 'lookups'], 'only a computed field reads lookups');
      checkLookups(ctx, model, resolved, entity.id, ['fields', i, 'lookups'], field.lookups);
    });
  }
}

/** The lookups of a guard (a transition's or an entity type's) or of a computed field (metadata/lookups.ts). */
function checkLookups(ctx: Ctx, model: Model, entity: EntityModel, itemId: string, path: readonly (string | number)[], lookups: Readonly<Record<string, Lookup>> | undefined): void {
  for (const p of lookupProblems(model, entity, lookups)) report(ctx, p.code, itemId, [...path, ...p.path], p.message);
}
