// The browser's schema check (no code generation, for a strict CSP) against the server's ajv:
// the same inputs give the same errors, and so the same problems in the same words.
import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';
import { metaSchema } from '../../../metadata/index.ts';
import { createRecordAjv } from '../../../engine/records/validation.ts';
import { checkSchema, metaFieldForm, recordForm, schemaProblems } from '../../../forms/index.ts';
import { activityKind, contractor, deal, field, modelOf, packageOf, person, salesPipeline, values } from '../metadata/package-builder.ts';

const model = modelOf(
  packageOf(
    contractor([
      field('string', 'code', { pattern: '^[A-Z]{3}$', minLength: 3, maxLength: 3 }),
      field('integer', 'employees', { minimum: 0 }),
      field('decimal', 'rating', { precision: 3, scale: 1 }),
      field('percent', 'discount'),
      field('money', 'turnover', { minimum: 0 }),
      field('money', 'fee', { currency: 'EUR' }),
      field('date', 'since'),
      field('datetime', 'contacted_at'),
      field('boolean', 'active'),
      field('phone', 'phone'),
      field('url', 'website'),
      field('taxId', 'vat', { countries: ['RO'] }),
      field('reference', 'parent', { target: 'contractor', onDelete: 'setNull' }),
      field('manyToMany', 'contacts', { target: 'person', roles: values('billing', 'technical') }),
      field('json', 'extra', { schema: { type: 'object', properties: { source: { type: 'string' } }, required: ['source'], additionalProperties: false } }),
    ]),
    person(),
    deal(),
    salesPipeline(),
    activityKind('call'),
  ),
);

const UUID = '0b6f4c7e-3f1a-4c2b-9d8e-7a6b5c4d3e2f';
const inputs: Record<string, unknown>[] = [
  {},
  { name: 'Acme', nip: '5260250274', segment: 'small', email: 'a@b.pl', code: 'ABC', employees: 3, rating: 4.5, discount: 10, turnover: { amount: 5, currency: 'PLN' }, fee: { amount: 1, currency: 'EUR' }, since: '2024-02-29', contacted_at: '2024-05-31T14:30:00Z', active: true, phone: '+48 22 123 45 67', website: 'https://acme.pl', vat: 'RO18547290', parent: UUID, contacts: [{ id: UUID, role: 'billing' }], extra: { source: 'fair' } },
  { name: '', nip: '5260250275', segment: 'huge', email: 'nope', code: 'abcd', employees: -1.5, rating: 100, discount: 101 },
  { name: 42, turnover: { amount: -5, currency: 'XXX' }, fee: { amount: 1, currency: 'PLN' }, since: '2023-02-29', contacted_at: '2024-05-31 14:30', active: 'yes' },
  { name: 'A', phone: 'call me', website: 'not a url', vat: '5260250274', parent: 'not-a-uuid', contacts: [{ id: UUID, role: 'boss' }, { role: 'billing' }], extra: { other: 1 } },
  { name: 'A', bogus: 1, turnover: { amount: 1 }, contacts: 'x', extra: 'text', since: null, employees: null },
  { name: 'Ż'.repeat(201) },
];

const ajv = createRecordAjv();
const shape = (errors: readonly Pick<ErrorObject, 'keyword' | 'instancePath' | 'params' | 'message'>[]) =>
  errors.map((e) => ({ keyword: e.keyword, instancePath: e.instancePath, params: e.params, message: e.message })).sort((a, b) => `${a.instancePath} ${a.keyword}`.localeCompare(`${b.instancePath} ${b.keyword}`));

describe.each(['create', 'update'] as const)('record schemas (%s)', (mode) => {
  const schema = recordForm(model, 'contractor', { mode }).schema;
  const validate = ajv.compile(schema);
  test.each(inputs.map((input, i) => [i, input] as const))('input %i: the same errors as ajv', (_i, input) => {
    validate(input);
    expect(shape(checkSchema(schema, input))).toEqual(shape(validate.errors ?? []));
  });
  test.each(inputs.map((input, i) => [i, input] as const))('input %i: the same problems as the server', (_i, input) => {
    validate(input);
    expect(schemaProblems(checkSchema(schema, input), 'contractor')).toEqual(schemaProblems(validate.errors ?? [], 'contractor'));
  });
});

test('the activity schema (kind-specific fields, links) too', () => {
  const schema = recordForm(model, 'activity', { mode: 'create' }).schema;
  const validate = ajv.compile(schema);
  for (const input of [{}, { kind: 'call', subject: 'x', status: 'done', percent_done: 120, parent: 'x' }]) {
    validate(input);
    expect(shape(checkSchema(schema, input))).toEqual(shape(validate.errors ?? []));
  }
});

test('designer forms: $ref, allOf and unevaluatedProperties of the meta-schema', () => {
  const strict = new Ajv2020({ allErrors: true, strict: false });
  const { schema } = metaFieldForm(metaSchema, 'enum');
  const validate = strict.compile(schema);
  for (const input of [{ id: 'x', name: 'Bad Name', type: 'enum', label: {}, values: [] }, { id: 'x', name: 'ok', type: 'enum', label: { en: 'Ok' }, values: [{ value: 'a', label: { en: 'A' }, color: 'red' }] }]) {
    validate(input);
    expect(shape(checkSchema(schema, input))).toEqual(shape(validate.errors ?? []));
  }
  // A pipeline's whole definition (the designer's form leaves its stages to the graph).
  const defs = (metaSchema as { $defs: Record<string, Record<string, unknown>> }).$defs;
  const item = { ...defs.Pipeline, $defs: defs };
  expect(checkSchema(item, { kind: 'pipeline', id: 'p', name: 'sales', label: { en: 'Sales' }, entity: 'deal', field: 'stage', stages: [{ id: 's', name: 'new', label: { en: 'New' }, category: 'open' }], transitions: [{ from: '*', to: 'new' }] })).toEqual([]);
  expect(checkSchema(item, { kind: 'pipeline', id: 'p', name: 'sales', label: { en: 'Sales' }, entity: 'deal', field: 'stage', stages: [], transitions: [{ from: 'x', to: 'new' }] }).map((e) => e.instancePath)).toEqual(expect.arrayContaining(['/stages', '/transitions/0/from']));
  // The whole meta-schema (oneOf over item kinds, unevaluatedProperties over allOf) accepts a valid item.
  expect(checkSchema(metaSchema as Record<string, unknown>, { kind: 'manifest', name: 'x', version: '1' })).toEqual([]);
});
