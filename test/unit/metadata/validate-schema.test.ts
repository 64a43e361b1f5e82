// Meta-schema validation: every file of a package against package.schema.json, each error with its
// file and a JSON pointer into that file.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatMetadataError, loadPackageDir, MetadataValidationError, pointer, validatePackage, type MetadataError, type PackageFiles } from '../../../metadata/index.ts';
import { entity, errorsOf, field, label, MANIFEST, modelOf, packageOf, pipeline, statusMachine, state } from './package-builder.ts';

const oneEntity = () => entity('contractor', [field('string', 'name')]);

/** The errors of a package whose entity file `entities/x.json` holds `content`. */
const errorsOfEntityFile = (content: unknown): readonly MetadataError[] => errorsOf(packageOf(['entities/x.json', content]));

const rawEntity = (fields: unknown[], extra: Record<string, unknown> = {}) => ({ kind: 'entity', id: 'x', name: 'x', label: label('X'), fields, ...extra });
const rawField = (extra: Record<string, unknown>) => ({ id: 'f', name: 'f', label: label('F'), ...extra });

describe('a minimal package', () => {
  test('a manifest alone is a valid package', () => {
    const result = validatePackage({ files: { 'tessera.json': { kind: 'manifest', name: 'empty', version: '0.0.1' } } });
    expect(result.ok).toBe(true);
  });

  test('a manifest and one entity type with one field validates and resolves', () => {
    const model = modelOf(packageOf(oneEntity()));
    expect([...model.entities.keys()]).toEqual(['contractor', 'activity']);
    expect(model.entities.get('contractor')?.fields.map((f) => f.name)).toEqual(['name']);
    expect(model.pkg.fileOf.get('e.contractor')).toBe('entities/contractor.json');
    expect(model.pkg.manifest.name).toBe(MANIFEST.name);
  });

  test('sub-folders are free: the file path only locates errors', () => {
    const model = modelOf(packageOf(['sales/crm/contractor.json', oneEntity()]));
    expect(model.pkg.fileOf.get('e.contractor')).toBe('sales/crm/contractor.json');
  });
});

describe('schema errors carry the file and a JSON pointer', () => {
  test('unknown property of an item', () => {
    expect(errorsOfEntityFile(rawEntity([rawField({ type: 'string' })], { colour: 'red' }))).toEqual([
      { code: 'META_SCHEMA', file: 'entities/x.json', pointer: '/colour', message: 'unknown property "colour"' },
    ]);
  });

  test('unknown property of a field (unevaluatedProperties through allOf)', () => {
    expect(errorsOfEntityFile(rawEntity([rawField({ type: 'string', maxlength: 5 })]))).toEqual([
      { code: 'META_SCHEMA', file: 'entities/x.json', pointer: '/fields/0/maxlength', message: 'unknown property "maxlength"' },
    ]);
  });

  test('a property valid for one field type is unknown on another (pattern on text)', () => {
    const errors = errorsOfEntityFile(rawEntity([rawField({ type: 'string' }), rawField({ id: 'g', name: 'g', type: 'text', pattern: '^x$' })]));
    expect(errors).toEqual([expect.objectContaining({ pointer: '/fields/1/pattern', message: 'unknown property "pattern"' })]);
  });

  test('unknown property of the manifest', () => {
    const errors = errorsOf({ files: { 'tessera.json': { kind: 'manifest', name: 'x', version: '1', author: 'me' } } });
    expect(errors).toEqual([{ code: 'META_SCHEMA', file: 'tessera.json', pointer: '/author', message: 'unknown property "author"' }]);
  });

  test('wrong type', () => {
    const errors = errorsOfEntityFile(rawEntity([rawField({ type: 'string', maxLength: '50', required: 'yes' })]));
    expect(errors).toHaveLength(2);
    expect(errors).toEqual(
      expect.arrayContaining([
        { code: 'META_SCHEMA', file: 'entities/x.json', pointer: '/fields/0/maxLength', message: 'must be integer' },
        { code: 'META_SCHEMA', file: 'entities/x.json', pointer: '/fields/0/required', message: 'must be boolean' },
      ]),
    );
  });

  test('a file that is not an object', () => {
    expect(errorsOfEntityFile('contractor')).toEqual([{ code: 'META_SCHEMA', file: 'entities/x.json', pointer: '', message: 'must be object' }]);
    expect(errorsOfEntityFile([])).toEqual([expect.objectContaining({ pointer: '', message: 'must be object' })]);
  });

  test('missing required property: the pointer names the missing property', () => {
    const { label: _omitted, ...noLabel } = rawEntity([rawField({ type: 'string' })]);
    expect(errorsOfEntityFile(noLabel)).toEqual([{ code: 'META_SCHEMA', file: 'entities/x.json', pointer: '/label', message: 'is required' }]);
  });

  test('missing required property of a field type (enum values, reference target)', () => {
    expect(errorsOfEntityFile(rawEntity([rawField({ type: 'enum' })]))).toEqual([expect.objectContaining({ pointer: '/fields/0/values', message: 'is required' })]);
    expect(errorsOfEntityFile(rawEntity([rawField({ type: 'reference' })]))).toEqual([expect.objectContaining({ pointer: '/fields/0/target', message: 'is required' })]);
  });

  test('missing English label text', () => {
    expect(errorsOfEntityFile(rawEntity([rawField({ type: 'string' })], { label: { pl: 'Kontrahent' } }))).toEqual([
      expect.objectContaining({ pointer: '/label/en', message: 'is required' }),
    ]);
  });

  test('missing stage category in a pipeline file', () => {
    const stageless = pipeline('sales', { entity: 'deal', field: 'stage' }, []);
    const raw = { ...stageless, stages: [{ id: 's1', name: 'new', label: label('New') }] };
    const errors = errorsOf(packageOf(entity('deal', [field('state', 'stage')]), ['pipelines/sales.json', raw]));
    expect(errors).toEqual([{ code: 'META_SCHEMA', file: 'pipelines/sales.json', pointer: '/stages/0/category', message: 'is required' }]);
  });

  test('an entity type needs at least one field', () => {
    expect(errorsOfEntityFile(rawEntity([]))).toEqual([expect.objectContaining({ pointer: '/fields', message: 'must NOT have fewer than 1 items' })]);
  });

  test('bad identifier pattern: upper case entity name, field name starting with a digit', () => {
    const errors = errorsOfEntityFile(rawEntity([rawField({ type: 'string', name: '1st_name' })], { name: 'Contractor' }));
    expect(errors).toEqual([
      expect.objectContaining({ code: 'META_SCHEMA', pointer: '/name', message: 'must match pattern "^[a-z][a-z0-9_]{0,47}$"' }),
      expect.objectContaining({ code: 'META_SCHEMA', pointer: '/fields/0/name', message: 'must match pattern "^[a-z][a-z0-9_]{0,47}$"' }),
    ]);
  });

  test('identifiers are limited to 48 characters', () => {
    expect(errorsOfEntityFile(rawEntity([rawField({ type: 'string' })], { name: `a${'b'.repeat(48)}` }))).toEqual([expect.objectContaining({ pointer: '/name' })]);
    expect(validatePackage(packageOf(['entities/x.json', rawEntity([rawField({ type: 'string' })], { name: `a${'b'.repeat(47)}` })])).ok).toBe(true);
  });

  test('bad stable id pattern', () => {
    const errors = errorsOfEntityFile(rawEntity([rawField({ type: 'string', id: 'has space' })], { id: '-x' }));
    expect(errors.map((e) => e.pointer)).toEqual(['/id', '/fields/0/id']);
  });

  test('bad currency code in the manifest and on a money field', () => {
    const errors = errorsOf({ files: { 'tessera.json': { kind: 'manifest', name: 'x', version: '1', defaultCurrency: 'zł' }, 'entities/x.json': rawEntity([rawField({ type: 'money', currency: 'pln' })]) } });
    expect(errors).toEqual([
      expect.objectContaining({ file: 'tessera.json', pointer: '/defaultCurrency' }),
      expect.objectContaining({ file: 'entities/x.json', pointer: '/fields/0/currency' }),
    ]);
  });

  test('unknown field type: the pointer names the discriminator', () => {
    expect(errorsOfEntityFile(rawEntity([rawField({ type: 'string' }), rawField({ id: 'g', name: 'g', type: 'strng' })]))).toEqual([
      { code: 'META_SCHEMA', file: 'entities/x.json', pointer: '/fields/1/type', message: '"type" is missing or not one of the known kinds' },
    ]);
  });

  test('unknown item kind', () => {
    expect(errorsOfEntityFile(rawEntity([rawField({ type: 'string' })], { kind: 'entities' }))).toEqual([
      { code: 'META_SCHEMA', file: 'entities/x.json', pointer: '/kind', message: '"kind" is missing or not one of the known kinds' },
    ]);
  });

  test('missing item kind', () => {
    const { kind: _omitted, ...noKind } = rawEntity([rawField({ type: 'string' })]);
    const errors = errorsOfEntityFile(noKind);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every((e) => e.code === 'META_SCHEMA' && e.file === 'entities/x.json' && e.pointer === '/kind')).toBe(true);
  });

  test('a date default must be "$today" or a date', () => {
    const errors = errorsOf(packageOf(entity('x', [field('date', 'due', { default: 'tomorrow' })])));
    expect(errors.length).toBeGreaterThan(0);
    expect(new Set(errors.map((e) => `${e.file}#${e.pointer}`))).toEqual(new Set(['entities/x.json#/fields/0/default']));
    expect(validatePackage(packageOf(entity('x', [field('date', 'due', { default: '$today' }), field('datetime', 'at', { default: '$now' })]))).ok).toBe(true);
  });

  test('transition "from" is "*" or a list of state names', () => {
    const machine = statusMachine('m', { entity: 'order', field: 'status' }, [state('received')], [{ from: 'received' as unknown as string[], to: 'received' }]);
    const errors = errorsOf(packageOf(entity('order', [field('state', 'status')]), machine));
    expect(new Set(errors.map((e) => `${e.file}#${e.pointer}`))).toEqual(new Set(['status-machines/m.json#/transitions/0/from']));
  });

  test('errors of every file are reported at once, and semantic checks wait for a schema-valid package', () => {
    const errors = errorsOf(
      packageOf(
        ['entities/a.json', rawEntity([rawField({ type: 'string', colour: 1 })], { id: 'a', name: 'a' })],
        ['entities/b.json', rawEntity([rawField({ type: 'reference', target: 'nowhere' })], { id: 'b', name: 'b', extra: true })],
      ),
    );
    expect(errors.map((e) => `${e.file}#${e.pointer}`)).toEqual(['entities/a.json#/fields/0/colour', 'entities/b.json#/extra']);
    expect(errors.every((e) => e.code === 'META_SCHEMA')).toBe(true);
  });
});

describe('package-level problems', () => {
  test('no manifest', () => {
    expect(errorsOf({ files: { 'entities/contractor.json': oneEntity() } })).toEqual([
      expect.objectContaining({ code: 'META_MANIFEST_MISSING', file: 'tessera.json', pointer: '' }),
    ]);
  });

  test('an invalid manifest is not also reported as missing', () => {
    const errors = errorsOf({ files: { 'tessera.json': { kind: 'manifest', name: 'x' } } });
    expect(errors).toEqual([expect.objectContaining({ code: 'META_SCHEMA', file: 'tessera.json', pointer: '/version' })]);
  });

  test('two manifests', () => {
    expect(errorsOf(packageOf(['other/tessera.json', { kind: 'manifest', name: 'second', version: '1' }]))).toEqual([
      expect.objectContaining({ code: 'META_DUPLICATE_ID', file: 'other/tessera.json', pointer: '/kind' }),
    ]);
  });

  test('file names must be relative .json paths', () => {
    const errors = errorsOf(packageOf(['../outside.json', oneEntity()], ['entities/readme.md', {}], ['entities/with space.json', {}]));
    expect(errors.map((e) => [e.code, e.file, e.pointer])).toEqual([
      ['META_SCHEMA', '../outside.json', ''],
      ['META_SCHEMA', 'entities/readme.md', ''],
      ['META_SCHEMA', 'entities/with space.json', ''],
    ]);
  });

  test('the input must be {files: {...}}', () => {
    expect(validatePackage(null as unknown as PackageFiles)).toEqual({ ok: false, errors: [expect.objectContaining({ code: 'META_SCHEMA', file: '', pointer: '/files' })] });
    expect(validatePackage({ files: [] as unknown as Record<string, unknown> })).toMatchObject({ ok: false, errors: [{ pointer: '/files' }] });
  });
});

describe('error helpers', () => {
  test('pointer escapes ~ and / as RFC 6901 says', () => {
    expect(pointer('fields', 3, 'name')).toBe('/fields/3/name');
    expect(pointer('permissions', 0, 'fields', 'a/b~c')).toBe('/permissions/0/fields/a~1b~0c');
    expect(pointer()).toBe('');
  });

  test('formatMetadataError names file, pointer and code', () => {
    const error: MetadataError = { code: 'META_UNKNOWN_FIELD', file: 'views/deal.open.json', pointer: '/columns/2', message: 'unknown field "x"' };
    expect(formatMetadataError(error)).toBe('views/deal.open.json#/columns/2: unknown field "x" [META_UNKNOWN_FIELD]');
    expect(formatMetadataError({ ...error, pointer: '' })).toBe('views/deal.open.json: unknown field "x" [META_UNKNOWN_FIELD]');
  });

  test('MetadataValidationError carries every error and lists them in its message', () => {
    const errors = errorsOf(packageOf(['entities/a.json', rawEntity([], { colour: 1 })]));
    const thrown = new MetadataValidationError(errors);
    expect(thrown.code).toBe('META_INVALID');
    expect(thrown.errors).toBe(errors);
    expect(thrown.message).toContain(`${errors.length} problem(s)`);
    expect(thrown.message).toContain('entities/a.json#/colour');
  });
});

describe('loadPackageDir', () => {
  let dir = '';
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tessera-meta-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('reads every .json file below the folder with /-separated relative keys; broken JSON becomes META_JSON_SYNTAX', async () => {
    await mkdir(join(dir, 'entities', 'sales'), { recursive: true });
    await writeFile(join(dir, 'tessera.json'), JSON.stringify(MANIFEST));
    await writeFile(join(dir, 'entities', 'sales', 'contractor.json'), JSON.stringify(oneEntity()));
    await writeFile(join(dir, 'entities', 'broken.json'), '{ "kind": "entity", ');
    await writeFile(join(dir, 'README.md'), '# not metadata');
    const { package: files, errors } = await loadPackageDir(dir);
    expect(Object.keys(files.files).sort()).toEqual(['entities/sales/contractor.json', 'tessera.json']);
    expect(errors).toEqual([expect.objectContaining({ code: 'META_JSON_SYNTAX', file: 'entities/broken.json', pointer: '' })]);
    expect(validatePackage(files).ok).toBe(true);
  });

  test('a missing folder is META_FILE_UNREADABLE', async () => {
    const { errors } = await loadPackageDir(join(dir, 'absent'));
    expect(errors).toEqual([expect.objectContaining({ code: 'META_FILE_UNREADABLE', file: join(dir, 'absent') })]);
  });
});
