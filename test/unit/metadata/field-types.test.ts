// Field types as modules (metadata/field-types): every type of the meta-schema has a module with
// every part, the parts agree with each other (the columns a write fills are the columns the schema
// has, and the CSV export has one column per stored column), the modules stay browser-safe, and the
// registry's type refuses a missing type, a missing part or a module under another type's name.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { FIELD_TYPES, fieldTypeOf, physicalSchema, type Field, type FieldTypeRegistry } from '../../../metadata/index.ts';
import { contractor, crmItems, entity, field, modelOf, packageOf, values } from './package-builder.ts';

type JsonObject = Record<string, unknown>;
const root = resolve(import.meta.dirname, '../../..');
const metaSchema = JSON.parse(readFileSync(resolve(root, 'metadata/schema/package.schema.json'), 'utf8')) as { $defs: Record<string, JsonObject> };

/** The field types of the meta-schema: the `type` constant of each branch of `Field`'s oneOf. */
function schemaFieldTypes(): Map<string, JsonObject> {
  const defs = metaSchema.$defs;
  const types = new Map<string, JsonObject>();
  for (const branch of defs.Field!.oneOf as { $ref: string }[]) {
    const def = defs[branch.$ref.replace('#/$defs/', '')]!;
    types.set(String((def.properties as Record<string, { const?: unknown }>).type!.const), def);
  }
  return types;
}

const SCHEMA_TYPES = schemaFieldTypes();

/** The parts of the FieldTypeModule contract and what each is. */
const PARTS = {
  columnType: 'function',
  columnNames: 'function',
  columns: 'function',
  valueSchema: 'function',
  filter: 'object',
  fromRow: 'function',
  toColumns: 'function',
  csv: 'function',
  display: 'function',
  form: 'object',
  widgetOptions: 'function',
} as const;
const OPERANDS = new Set(['text', 'number', 'boolean', 'date', 'datetime', 'uuid', 'json', null]);

test('the meta-schema has field types (the derivation below reads it right)', () => {
  expect(SCHEMA_TYPES.size).toBeGreaterThan(10);
  expect([...SCHEMA_TYPES.keys()]).toContain('money');
});

test('the registry has exactly the meta-schema field types', () => {
  expect(Object.keys(FIELD_TYPES).sort()).toEqual([...SCHEMA_TYPES.keys()].sort());
});

describe.each([...SCHEMA_TYPES.keys()])('the %s module', (type) => {
  const module = (FIELD_TYPES as unknown as Record<string, Record<string, unknown>>)[type]!;

  test('is the module of its type and has every part', () => {
    expect(module.type).toBe(type);
    for (const [part, kind] of Object.entries(PARTS)) expect([part, typeof module[part]]).toEqual([part, kind]);
    const filter = module.filter as JsonObject;
    expect(OPERANDS.has(filter.operand as string | null)).toBe(true);
    expect(typeof filter.text).toBe('function');
    const form = module.form as JsonObject;
    expect(Object.keys(form)).toHaveLength(1);
    expect(typeof (form.widget ?? form.field)).toBe('string');
  });
});

/** Values for the properties a field type requires besides the common ones (a new one must be added here). */
const REQUIRED_SAMPLES: Record<string, unknown> = { target: 'person', values: values('a', 'b'), parentField: 'contractor' };
/** Per type, samples that differ from the common ones (a lines field needs a line type of its own). */
const TYPE_SAMPLES: Record<string, Record<string, unknown>> = { lines: { target: 'contractor_line', parentField: 'contractor' } };
/** The line type the lines sample names: a required cascade reference back to contractor. */
const contractorLine = () => entity('contractor_line', [field('reference', 'contractor', { target: 'contractor', required: true, onDelete: 'cascade' }), field('decimal', 'quantity')]);

/** A model holding a field of every type: the CRM's own fields, and one of each type they lack on contractor. */
function modelWithEveryType() {
  const present = new Set(crmItems().flatMap((item) => ('fields' in item ? (item.fields as Field[]).map((f) => f.type) : [])));
  const common = new Set((metaSchema.$defs.FieldCommon!.required as string[]) ?? []);
  const extra: Field[] = [];
  for (const [type, def] of SCHEMA_TYPES) {
    if (present.has(type as Field['type'])) continue;
    const required = ((def.required as string[]) ?? []).filter((p) => !common.has(p) && p !== 'type');
    const missing = required.filter((p) => !(p in REQUIRED_SAMPLES));
    if (missing.length) throw new Error(`no sample for ${missing.join(', ')} (field type ${type}): add one to REQUIRED_SAMPLES`);
    extra.push(field(type as Field['type'], `f_${type.toLowerCase()}`, Object.fromEntries(required.map((p) => [p, TYPE_SAMPLES[type]?.[p] ?? REQUIRED_SAMPLES[p]]))));
  }
  const items = crmItems().map((item) => (item.kind === 'entity' && item.name === 'contractor' ? contractor(extra) : item));
  return modelOf(packageOf(...items, contractorLine()));
}

describe('the parts of each type agree', () => {
  const model = modelWithEveryType();
  const schema = physicalSchema(model);
  const fields = [...model.entities.values()].flatMap((entity) => entity.fields.map((f) => ({ entity, field: f })));

  test('the model holds a field of every type', () => {
    expect(new Set(fields.map((f) => f.field.type))).toEqual(new Set(SCHEMA_TYPES.keys()));
  });

  test.each(fields.map((f) => [`${f.entity.name}.${f.field.name} (${f.field.type})`, f] as const))('%s: its columns are those of the table, a write fills them, a read of empty columns is empty, CSV has a column per stored column', (_, { entity, field: f }) => {
    const table = schema.tables.find((t) => t.identity === entity.id)!;
    const columns = table.columns.filter((c) => c.identity === `field.${f.id}` || c.identity.startsWith(`field.${f.id}#`)).map((c) => c.name);
    const module = fieldTypeOf(f);
    expect(columns.length > 0).toBe(module.columnType(f) !== null);
    expect(module.columnNames(f)).toEqual(columns);

    const row: Record<string, unknown> = {};
    module.toColumns(f, null, row);
    expect(Object.keys(row).sort()).toEqual([...columns].sort());
    expect(Object.values(row).every((v) => v === null)).toBe(true);

    expect(module.fromRow(f, row, undefined)).toEqual(module.filter.operand === null ? [] : null);
    const headers = module.csv(f).map((part) => part.header);
    expect(headers).toEqual(columns.length > 0 ? columns : [f.name]);
  });
});

/** The value imports (not `import type`) of a module, resolved; bare specifiers as given. */
function valueImports(file: string): string[] {
  const source = readFileSync(file, 'utf8');
  const specifiers = [...source.matchAll(/^(?:import|export)\s+(?!type\b)[^;]*?from\s+'([^']+)'/gms)].map((m) => m[1]!);
  return specifiers.map((s) => (s.startsWith('.') ? resolve(dirname(file), s) : s));
}

test('the field types are browser-safe: no Node built-in or package among their value imports, transitively', () => {
  const seen = new Set<string>();
  const outside: string[] = [];
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const target of valueImports(file)) {
      if (target.startsWith('/')) visit(target);
      else outside.push(`${file.slice(root.length + 1)} → ${target}`);
    }
  };
  visit(resolve(root, 'metadata/field-types/index.ts'));
  expect(seen.size).toBeGreaterThan(SCHEMA_TYPES.size);
  expect(outside).toEqual([]);
});

describe('the registry type refuses an incomplete registry (checked by tsc, which compiles the tests)', () => {
  test('a registry without a type', () => {
    const { money: _money, ...withoutMoney } = FIELD_TYPES;
    // @ts-expect-error money has no module
    const registry: FieldTypeRegistry = withoutMoney;
    expect('money' in registry).toBe(false);
  });

  test('a module without a part', () => {
    const { csv: _csv, ...stringWithoutCsv } = FIELD_TYPES.string;
    // @ts-expect-error the string module has no CSV part
    const registry: FieldTypeRegistry = { ...FIELD_TYPES, string: stringWithoutCsv };
    expect('csv' in registry.string).toBe(false);
  });

  test("a module under another type's name", () => {
    // @ts-expect-error the text module is not the string module
    const registry: FieldTypeRegistry = { ...FIELD_TYPES, string: FIELD_TYPES.text };
    expect(registry.string.type).toBe('text');
  });
});
