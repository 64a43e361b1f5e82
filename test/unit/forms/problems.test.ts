// The form words validation problems exactly as the server does: the same ajv errors go through
// the engine's wording and the form's, and must come out the same.
import { RECORD_FORMATS } from '../../../metadata/index.ts';
import { compileValidators, createRecordAjv, schemaProblems as engineProblems } from '../../../engine/records/validation.ts';
import { pointerField, problemsByField, problemText, recordForm, schemaProblems } from '../../../forms/index.ts';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { contractor, deal, entityOf, field, modelOf, packageOf, person, salesPipeline } from '../metadata/package-builder.ts';

const model = modelOf(packageOf(contractor([field('money', 'turnover', { minimum: 0 }), field('integer', 'employees', { minimum: 0 }), field('url', 'website'), field('string', 'zip', { format: 'postalCode' })]), person(), deal(), salesPipeline()));
const entity = entityOf(model, 'contractor');

// What the browser does: an ajv of its own with the same custom formats, compiling the form's schema.
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
const browserAjv = addFormats(new Ajv2020({ allErrors: true, strict: false }));
for (const [format, check] of Object.entries(RECORD_FORMATS)) browserAjv.addFormat(format, { type: 'string', validate: check });

const bad = [
  {},
  { name: 'A', nip: '5260250275' },
  { name: 'A', nip: 'RO18547290' },
  { name: 'A', segment: 'huge', email: 'nope' },
  { name: 42, employees: 'many' },
  { name: 'A', turnover: { amount: -5, currency: 'XXX' } },
  { name: 'A', bogus: true },
  { name: 'A', website: 'instal serwis', zip: 'abc' },
];

test.each(bad)('the form and the server word %j the same', (values) => {
  const server = compileValidators(createRecordAjv(), model, entity).create;
  expect(server(values)).toBe(false);
  const browser = browserAjv.compile(recordForm(model, 'contractor', { mode: 'create' }).schema);
  expect(browser(values)).toBe(false);
  const fromServer = engineProblems(entity, server.errors ?? []);
  const fromForm = schemaProblems(browser.errors ?? [], 'contractor');
  expect(fromForm).toEqual(fromServer);
});

test('tax id problems read the same as the API reference says', () => {
  const browser = browserAjv.compile(recordForm(model, 'contractor', { mode: 'create' }).schema);
  browser({ name: 'A', nip: '5260250275' });
  expect(schemaProblems(browser.errors ?? [], 'contractor')).toEqual([{ pointer: '/nip', detail: 'is not a valid tax id (NIP or CUI check digit)', code: 'FORMAT' }]);
});

test('web address and postal code problems read the same as the reference says', () => {
  const browser = browserAjv.compile(recordForm(model, 'contractor', { mode: 'create' }).schema);
  expect(browser({ name: 'A', website: 'instal-serwis.pl', zip: '31-864' })).toBe(true);
  browser({ name: 'A', website: 'instal serwis', zip: 'abc' });
  expect(schemaProblems(browser.errors ?? [], 'contractor')).toEqual([
    { pointer: '/website', detail: 'must be a valid web address', code: 'FORMAT' },
    { pointer: '/zip', detail: 'is not a valid postal code', code: 'FORMAT' },
  ]);
});

test('pointers name the top-level field; the rest of the path prefixes the text', () => {
  expect(pointerField('/turnover/amount')).toEqual({ field: 'turnover', rest: ['amount'] });
  expect(pointerField('/a~1b')).toEqual({ field: 'a/b', rest: [] });
  expect(pointerField('')).toEqual({ field: '', rest: [] });
  expect(problemText({ pointer: '/turnover/currency', detail: 'must be one of: PLN, EUR' }, 'en')).toBe('currency: must be one of: PLN, EUR');
});

test('messages in Polish and Romanian: the known translation of the detail, else the words of the code, else the server text', () => {
  const problems = [
    { pointer: '/name', detail: 'is required', code: 'REQUIRED' },
    { pointer: '/nip', detail: 'is not a valid tax id (NIP or CUI check digit)', code: 'FORMAT' },
    { pointer: '/segment', detail: 'must be one of: small, large', code: 'ENUM' },
    { pointer: '', detail: 'the record changed', code: 'VERSION_CONFLICT' },
  ];
  expect(Object.fromEntries(problemsByField(problems, 'pl'))).toEqual({
    name: ['jest wymagane'],
    nip: ['nie jest poprawnym NIP-em ani CUI (cyfra kontrolna)'],
    segment: ['nie jest jedną z dozwolonych wartości'],
    '': ['Ktoś inny zmienił w międzyczasie ten rekord: odśwież, aby zobaczyć zmianę.'],
  });
  expect(problemText({ pointer: '/x', detail: 'a brand-new check' }, 'pl')).toBe('a brand-new check');
  expect(problemsByField(problems, 'ro').get('name')).toEqual(['este obligatoriu']);
});
