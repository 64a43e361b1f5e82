// Validation of a metadata package: every file against the meta-schema (ajv), then the semantic
// checks a schema cannot express (dangling references, duplicates, reserved names, column clashes,
// cycles, FEEL syntax). Every problem names its file and a JSON pointer into it.
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import { ajvWithFormats } from './validation/ajv.ts';
import { ACTIVITY_ENTITY } from './activity.ts';
import type { MetadataError } from './errors.ts';
import { knownTimeZone } from './calendar.ts';
import { documentProblems } from './lines.ts';
import { documentTemplateProblems } from './document-templates.ts';
import { rollupProblems } from './rollup.ts';
import { buildModel, type Model } from './model.ts';
import { groupItems, MANIFEST_FILE, type MetadataPackage, type PackageFiles } from './package.ts';
import { schemaLimitErrors } from './limits.ts';
import { dashboardProblems, reportProblems } from './reports.ts';
import { physicalSchema } from './physical.ts';
import { metaSchema } from './schema/meta-schema.ts';
import type { MetadataItem } from './schema/types.generated.ts';
import { checkUniqueIds, checkUniqueNames } from './validation/names.ts';
import { checkEntity, checkActivityKinds, checkRequiredReferenceCycles } from './validation/entities.ts';
import { checkMachines, checkViews, checkRoles, checkTriggers, checkKindForms, checkCrossRecordRules } from './validation/behaviour.ts';
import { report, type Ctx } from './validation/context.ts';

let compiled: ValidateFunction<MetadataItem> | undefined;
function itemValidator(): ValidateFunction<MetadataItem> {
  if (!compiled) {
    const ajv = ajvWithFormats({ allErrors: true, discriminator: true, strict: true, strictRequired: false, strictTypes: false, allowUnionTypes: true });
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

