// JSON Schema checking without code generation. The server compiles schemas with ajv; a browser
// page under our Content-Security-Policy (script-src 'self', no 'unsafe-eval') cannot, because ajv
// generates its validators with new Function. This interpreter covers the keywords our schemas use
// (record schemas and the meta-schema) and reports errors in ajv's shape — keyword, instancePath,
// params, message, same wording, same formats (ajv-formats' own checks) — so forms/problems.ts
// words them exactly as the server does. Keywords it does not know are ignored: the server has the
// last word. A unit test runs the same inputs through ajv and through this.
import { fullFormats } from 'ajv-formats/dist/formats.js';
import { RECORD_FORMATS } from '../metadata/browser.ts';

export interface CheckError {
  readonly keyword: string;
  readonly instancePath: string;
  readonly schemaPath: string;
  readonly params: Record<string, unknown>;
  readonly message: string;
}

type Schema = Record<string, unknown> | boolean;
type Validate = (value: string) => boolean;

function formatCheck(name: string): Validate | null {
  // Own members only: a format named like an Object member ("constructor") is no check of ours.
  if (Object.hasOwn(RECORD_FORMATS, name)) return RECORD_FORMATS[name] ?? null;
  const format = (fullFormats as Record<string, unknown>)[name];
  if (format instanceof RegExp) return (value) => format.test(value);
  if (typeof format === 'function') return format as Validate;
  if (format && typeof format === 'object' && typeof (format as { validate?: unknown }).validate === 'function') return (format as { validate: Validate }).validate;
  if (format && typeof format === 'object' && (format as { validate?: unknown }).validate instanceof RegExp) {
    const re = (format as { validate: RegExp }).validate;
    return (value) => re.test(value);
  }
  return null; // unknown formats (and "password", "binary") pass, as with ajv's strict: false
}

const typeOf = (value: unknown): string => (value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value);

function hasType(value: unknown, type: string): boolean {
  switch (type) {
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    default:
      return typeOf(value) === type;
  }
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

const escape = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');
// ajv counts characters as Unicode code points.
const length = (text: string) => [...text].length;

interface Context {
  readonly root: Record<string, unknown>;
  readonly errors: CheckError[];
  readonly patterns: Map<string, RegExp>;
}

function resolveRef(ref: string, root: Record<string, unknown>): Schema {
  if (!ref.startsWith('#')) return true;
  let node: unknown = root;
  for (const part of ref.slice(1).split('/').filter(Boolean)) node = (node as Record<string, unknown> | undefined)?.[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  return (node as Schema | undefined) ?? true;
}

/** Property names a schema evaluates (for unevaluatedProperties): its own, and those of its $ref/allOf. */
function evaluatedNames(schema: Schema, ctx: Context, depth = 0): Set<string> {
  const names = new Set<string>();
  if (typeof schema !== 'object' || depth > 20) return names;
  for (const name of Object.keys((schema.properties as Record<string, unknown> | undefined) ?? {})) names.add(name);
  if (typeof schema.$ref === 'string') for (const n of evaluatedNames(resolveRef(schema.$ref, ctx.root), ctx, depth + 1)) names.add(n);
  for (const sub of (schema.allOf as Schema[] | undefined) ?? []) for (const n of evaluatedNames(sub, ctx, depth + 1)) names.add(n);
  return names;
}

function check(schema: Schema, value: unknown, path: string, schemaPath: string, ctx: Context): void {
  if (schema === true) return;
  if (schema === false) {
    ctx.errors.push({ keyword: 'false schema', instancePath: path, schemaPath, params: {}, message: 'boolean schema is false' });
    return;
  }
  const error = (keyword: string, params: Record<string, unknown>, message: string) => ctx.errors.push({ keyword, instancePath: path, schemaPath: `${schemaPath}/${keyword}`, params, message });

  // ajv's order: the type, then keywords for any type ($ref, const, enum, not, anyOf, oneOf, allOf),
  // then those of numbers, strings, arrays and objects (only for values of that type), then
  // unevaluatedProperties. The order matters: the first problem per pointer is the one shown.
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string];
    if (!types.some((t) => hasType(value, t))) error('type', { type: schema.type }, `must be ${types.join(',')}`);
  }
  if (typeof schema.$ref === 'string') check(resolveRef(schema.$ref, ctx.root), value, path, `${schemaPath}/$ref`, ctx);
  if (schema.const !== undefined && !deepEqual(value, schema.const)) error('const', { allowedValue: schema.const }, 'must be equal to constant');
  if (Array.isArray(schema.enum) && !schema.enum.some((e) => deepEqual(e, value))) error('enum', { allowedValues: schema.enum }, 'must be equal to one of the allowed values');
  if (schema.not !== undefined && collect(schema.not as Schema, value, path, `${schemaPath}/not`, ctx).length === 0) error('not', {}, 'must NOT be valid');
  if (Array.isArray(schema.anyOf)) {
    const branches = (schema.anyOf as Schema[]).map((sub, i) => collect(sub, value, path, `${schemaPath}/anyOf/${i}`, ctx));
    if (!branches.some((b) => b.length === 0)) {
      ctx.errors.push(...branches.flat());
      error('anyOf', {}, 'must match a schema in anyOf');
    }
  }
  if (Array.isArray(schema.oneOf)) {
    const branches = (schema.oneOf as Schema[]).map((sub, i) => collect(sub, value, path, `${schemaPath}/oneOf/${i}`, ctx));
    const passing = branches.map((b, i) => (b.length === 0 ? i : -1)).filter((i) => i >= 0);
    if (passing.length !== 1) {
      if (passing.length === 0) ctx.errors.push(...branches.flat());
      error('oneOf', { passingSchemas: passing.length ? passing : null }, 'must match exactly one schema in oneOf');
    }
  }
  for (const [i, sub] of ((schema.allOf as Schema[] | undefined) ?? []).entries()) check(sub, value, path, `${schemaPath}/allOf/${i}`, ctx);

  if (typeof value === 'number') {
    if (typeof schema.maximum === 'number' && !(value <= schema.maximum)) error('maximum', { comparison: '<=', limit: schema.maximum }, `must be <= ${schema.maximum}`);
    if (typeof schema.minimum === 'number' && !(value >= schema.minimum)) error('minimum', { comparison: '>=', limit: schema.minimum }, `must be >= ${schema.minimum}`);
    if (typeof schema.exclusiveMaximum === 'number' && !(value < schema.exclusiveMaximum)) error('exclusiveMaximum', { comparison: '<', limit: schema.exclusiveMaximum }, `must be < ${schema.exclusiveMaximum}`);
    if (typeof schema.exclusiveMinimum === 'number' && !(value > schema.exclusiveMinimum)) error('exclusiveMinimum', { comparison: '>', limit: schema.exclusiveMinimum }, `must be > ${schema.exclusiveMinimum}`);
    if (typeof schema.multipleOf === 'number' && Math.abs(value / schema.multipleOf - Math.round(value / schema.multipleOf)) > 1e-8) error('multipleOf', { multipleOf: schema.multipleOf }, `must be multiple of ${schema.multipleOf}`);
  }

  if (typeof value === 'string') {
    if (typeof schema.maxLength === 'number' && length(value) > schema.maxLength) error('maxLength', { limit: schema.maxLength }, `must NOT have more than ${schema.maxLength} characters`);
    if (typeof schema.minLength === 'number' && length(value) < schema.minLength) error('minLength', { limit: schema.minLength }, `must NOT have fewer than ${schema.minLength} characters`);
    if (typeof schema.pattern === 'string') {
      let re = ctx.patterns.get(schema.pattern);
      if (!re) {
        re = new RegExp(schema.pattern, 'u');
        ctx.patterns.set(schema.pattern, re);
      }
      if (!re.test(value)) error('pattern', { pattern: schema.pattern }, `must match pattern "${schema.pattern}"`);
    }
    if (typeof schema.format === 'string') {
      const valid = formatCheck(schema.format);
      if (valid && !valid(value)) error('format', { format: schema.format }, `must match format "${schema.format}"`);
    }
  }

  if (Array.isArray(value)) {
    if (typeof schema.maxItems === 'number' && value.length > schema.maxItems) error('maxItems', { limit: schema.maxItems }, `must NOT have more than ${schema.maxItems} items`);
    if (typeof schema.minItems === 'number' && value.length < schema.minItems) error('minItems', { limit: schema.minItems }, `must NOT have fewer than ${schema.minItems} items`);
    if (schema.uniqueItems === true) {
      outer: for (let i = value.length - 1; i > 0; i--) {
        for (let j = i - 1; j >= 0; j--) {
          if (deepEqual(value[i], value[j])) {
            error('uniqueItems', { i, j }, `must NOT have duplicate items (items ## ${j} and ${i} are identical)`);
            break outer;
          }
        }
      }
    }
    if (schema.items !== undefined && !Array.isArray(schema.items)) value.forEach((item, i) => check(schema.items as Schema, item, `${path}/${i}`, `${schemaPath}/items`, ctx));
  }

  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const record = value as Record<string, unknown>;
    for (const name of (schema.required as string[] | undefined) ?? []) {
      if (record[name] === undefined) error('required', { missingProperty: name }, `must have required property '${name}'`);
    }
    const properties = (schema.properties as Record<string, Schema> | undefined) ?? {};
    if (schema.additionalProperties !== undefined && schema.additionalProperties !== true) {
      for (const name of Object.keys(record)) {
        if (Object.hasOwn(properties, name) || record[name] === undefined) continue;
        if (schema.additionalProperties === false) error('additionalProperties', { additionalProperty: name }, 'must NOT have additional properties');
        else check(schema.additionalProperties as Schema, record[name], `${path}/${escape(name)}`, `${schemaPath}/additionalProperties`, ctx);
      }
    }
    for (const [name, sub] of Object.entries(properties)) {
      if (record[name] !== undefined) check(sub, record[name], `${path}/${escape(name)}`, `${schemaPath}/properties/${escape(name)}`, ctx);
    }
    if (schema.unevaluatedProperties === false) {
      const known = evaluatedNames(schema, ctx);
      for (const name of Object.keys(record)) if (!known.has(name) && record[name] !== undefined) error('unevaluatedProperties', { unevaluatedProperty: name }, 'must NOT have unevaluated properties');
    }
  }
}

function collect(schema: Schema, value: unknown, path: string, schemaPath: string, ctx: Context): CheckError[] {
  const inner: Context = { root: ctx.root, errors: [], patterns: ctx.patterns };
  check(schema, value, path, schemaPath, inner);
  return inner.errors;
}

/** Every error of `value` against `schema` ($refs resolve against `root`, by default the schema itself). */
export function checkSchema(schema: Schema, value: unknown, root?: Record<string, unknown>): CheckError[] {
  const ctx: Context = { root: root ?? (typeof schema === 'object' ? schema : {}), errors: [], patterns: new Map() };
  check(schema, value, '', '#', ctx);
  return ctx.errors;
}
