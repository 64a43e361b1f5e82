// Document templates are checked against their entity type: every name is a field of the right kind,
// placeholders parse, names are unique per type; the meta-schema refuses unknown members.
import { loadPackageDir, validatePackage, type PackageFiles } from '../../../metadata/index.ts';
import { SEED_METADATA_DIR } from '../../../seed/index.ts';

let seed: PackageFiles;
beforeAll(async () => {
  seed = (await loadPackageDir(SEED_METADATA_DIR)).package;
});

const withTemplate = (template: Record<string, unknown>) => ({ files: { ...seed.files, 'templates/t.json': { kind: 'documentTemplate', id: 't.tpl', name: 'letter', label: { en: 'Letter' }, entity: 'offer', title: { en: 'Offer {{number}}' }, ...template } } });
const where = (files: PackageFiles) => {
  const result = validatePackage(files);
  return result.ok ? [] : result.errors.map((e) => [e.code, e.file, e.pointer]);
};

test('the shipped offer template is valid', () => {
  expect(where(seed)).toEqual([]);
  expect(where(withTemplate({}))).toEqual([]);
});

test('names of the wrong kind or unknown, bad placeholders, a VAT summary without lines', () => {
  expect(
    where(
      withTemplate({
        entity: 'offer',
        fields: ['title', 'nope'],
        lines: { field: 'title', columns: ['net'] },
        vatSummary: { rate: 'vat_rate', net: 'net', vat: 'vat', gross: 'gross' },
        amountInWords: { field: 'title' },
        company: { entity: 'business_unit', path: ['contractor'], fields: ['name'] },
        attachTo: 'notes',
        text: { en: 'Notes', pl: 'Uwagi {{#notes}}' },
      }),
    ),
  ).toEqual([
    ['META_UNKNOWN_FIELD', 'templates/t.json', '/fields/1'],
    ['META_DOCUMENT_TEMPLATE', 'templates/t.json', '/company/path'],
    ['META_DOCUMENT_TEMPLATE', 'templates/t.json', '/lines/field'],
    ['META_DOCUMENT_TEMPLATE', 'templates/t.json', '/vatSummary'],
    ['META_DOCUMENT_TEMPLATE', 'templates/t.json', '/amountInWords/field'],
    ['META_DOCUMENT_TEMPLATE', 'templates/t.json', '/attachTo'],
    ['META_DOCUMENT_TEMPLATE', 'templates/t.json', '/text/pl'],
  ]);
});

test('an unknown entity type, a repeated name, an unknown member', () => {
  expect(where(withTemplate({ entity: 'no_such_type' }))).toEqual([['META_UNKNOWN_ENTITY', 'templates/t.json', '/entity']]);
  expect(where(withTemplate({ name: 'offer' }))).toEqual([['META_DUPLICATE_NAME', 'templates/t.json', '/name']]);
  expect(where(withTemplate({ colour: 'red' }))).toEqual([['META_SCHEMA', 'templates/t.json', '/colour']]);
});
