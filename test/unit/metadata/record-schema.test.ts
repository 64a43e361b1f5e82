// JSON Schema of records for API validation and forms: the schemas are compiled with ajv (as the
// server does, with the tax-id formats registered) and real records are checked against them.
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { checkTaxId, recordInputSchema, recordOutputSchema, TAX_ID_FORMATS, type EntityModel, type JsonSchema, type Model } from '../../../metadata/index.ts';
import { contractor, deal, entity, entityOf, field, label, modelOf, packageOf, person, salesPipeline, values } from './package-builder.ts';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats(ajv);
for (const [name, countries] of Object.entries(TAX_ID_FORMATS)) ajv.addFormat(name, { type: 'string', validate: (value: string) => checkTaxId(value, countries).valid });

const UUID = '0b6f4c7e-3f1a-4c2b-9d8e-7a6b5c4d3e2f';

function crmModel(): Model {
  const c = contractor([
    field('taxId', 'vat_id', { countries: ['RO'] }),
    field('taxId', 'any_tax_id'),
    field('string', 'number', { readOnly: true, required: true }),
    field('phone', 'phone'),
    field('url', 'website'),
    field('date', 'since', { default: '$today' }),
    field('integer', 'employees', { minimum: 0 }),
    field('integer', 'revenue_pln', { big: true }),
    field('decimal', 'rating', { precision: 3, scale: 1 }),
    field('percent', 'discount'),
    field('boolean', 'active', { default: true }),
    field('manyToMany', 'groups', { target: 'person', roles: values('member', 'lead') }),
    field('json', 'extra', { schema: { type: 'object', properties: { source: { type: 'string' } }, additionalProperties: false } }),
    field('string', 'code', { pattern: '^[A-Z]{3}$', minLength: 3, maxLength: 3, label: { en: 'Code', pl: 'Kod' }, help: { en: 'Three letters' } }),
  ]);
  const d = deal([field('money', 'fee', { currency: 'EUR', minimum: 0, required: true })]);
  return modelOf(packageOf(c, person(), d, salesPipeline()));
}

const model = crmModel();
const contractorModel = entityOf(model, 'contractor');
const dealModel = entityOf(model, 'deal');

const compiled = new Map<JsonSchema, ValidateFunction>();
function check(schema: JsonSchema, record: unknown): boolean {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  return validate(record);
}

const createSchema = (e: EntityModel) => recordInputSchema(model, e, { mode: 'create' });
const updateSchema = (e: EntityModel) => recordInputSchema(model, e, { mode: 'update' });
const props = (schema: JsonSchema) => schema.properties as Record<string, JsonSchema>;

describe('input schema, create mode', () => {
  const schema = createSchema(contractorModel);
  const minimal = { name: 'Acme Sp. z o.o.' };

  test('required: required fields without a default that a client may write', () => {
    expect(schema.required).toEqual(['name']);
    expect(createSchema(dealModel).required).toEqual(['title', 'contractor', 'fee']);
  });

  test('a minimal record passes; a missing required field and unknown properties do not', () => {
    expect(check(schema, minimal)).toBe(true);
    expect(check(schema, {})).toBe(false);
    expect(check(schema, { ...minimal, colour: 'red' })).toBe(false);
    expect(schema.additionalProperties).toBe(false);
  });

  test('optional fields accept null (clearing them); required ones do not', () => {
    expect(check(schema, { ...minimal, email: null, nip: null, segment: null, employees: null })).toBe(true);
    expect(check(schema, { name: null })).toBe(false);
    expect(props(schema).name!.type).toBe('string');
    expect(props(schema).email!.type).toEqual(['string', 'null']);
  });

  test('enum values (plus null when optional) and the default', () => {
    expect(props(schema).segment).toMatchObject({ enum: ['small', 'medium', 'large', null], default: 'small' });
    expect(check(schema, { ...minimal, segment: 'large' })).toBe(true);
    expect(check(schema, { ...minimal, segment: 'huge' })).toBe(false);
  });

  test('"$today" is evaluated at write time, so it is no schema default; plain defaults are', () => {
    expect(props(schema).since).not.toHaveProperty('default');
    expect(props(schema).active).toMatchObject({ default: true });
  });

  test('readOnly fields are marked, never required, and nullable', () => {
    expect(props(schema).number).toMatchObject({ readOnly: true, type: ['string', 'null'] });
    expect(schema.required).not.toContain('number');
  });

  test('tax ids use the format of the accepted countries', () => {
    expect(props(schema).nip).toMatchObject({ format: 'tax-id-pl' });
    expect(props(schema).vat_id).toMatchObject({ format: 'tax-id-ro' });
    expect(props(schema).any_tax_id).toMatchObject({ format: 'tax-id' });
    expect(check(schema, { ...minimal, nip: '526-025-02-74' })).toBe(true);
    expect(check(schema, { ...minimal, nip: 'PL5260250274' })).toBe(true);
    expect(check(schema, { ...minimal, nip: '5260250275' })).toBe(false);
    expect(check(schema, { ...minimal, nip: 'RO18547290' })).toBe(false);
    expect(check(schema, { ...minimal, vat_id: 'RO18547290' })).toBe(true);
    expect(check(schema, { ...minimal, vat_id: '5260250274' })).toBe(false);
    expect(check(schema, { ...minimal, any_tax_id: 'RO18547290' })).toBe(true);
    expect(check(schema, { ...minimal, any_tax_id: '5260250274' })).toBe(true);
  });

  test('numbers: 32-bit integers, safe 64-bit integers, decimal bounds from precision and scale, percent 0–100', () => {
    expect(props(schema).employees).toMatchObject({ type: ['integer', 'null'], minimum: 0, maximum: 2147483647 });
    expect(props(schema).revenue_pln).toMatchObject({ minimum: Number.MIN_SAFE_INTEGER, maximum: Number.MAX_SAFE_INTEGER });
    expect(props(schema).rating).toMatchObject({ minimum: -99.9, maximum: 99.9 });
    expect(check(schema, { ...minimal, employees: -1 })).toBe(false);
    expect(check(schema, { ...minimal, employees: 2.5 })).toBe(false);
    expect(check(schema, { ...minimal, rating: 100 })).toBe(false);
    expect(check(schema, { ...minimal, discount: 100 })).toBe(true);
    expect(check(schema, { ...minimal, discount: 100.5 })).toBe(false);
  });

  test('strings: pattern, lengths, phone, e-mail, url, date; titles and descriptions by language', () => {
    expect(check(schema, { ...minimal, code: 'ABC' })).toBe(true);
    expect(check(schema, { ...minimal, code: 'AB1' })).toBe(false);
    expect(check(schema, { ...minimal, phone: '+48 22 123 45 67' })).toBe(true);
    expect(check(schema, { ...minimal, phone: 'call me' })).toBe(false);
    expect(check(schema, { ...minimal, email: 'biuro@acme.pl' })).toBe(true);
    expect(check(schema, { ...minimal, email: 'biuro' })).toBe(false);
    expect(check(schema, { ...minimal, website: 'https://acme.pl' })).toBe(true);
    expect(check(schema, { ...minimal, since: '2024-02-30' })).toBe(false);
    expect(props(schema).code).toMatchObject({ title: 'Code', description: 'Three letters' });
    expect(props(recordInputSchema(model, contractorModel, { mode: 'create', language: 'pl' })).code).toMatchObject({ title: 'Kod', description: 'Three letters' });
    expect(recordInputSchema(model, contractorModel, { mode: 'create', language: 'ro' }).title).toBe('contractor');
  });

  test('many-to-many: a list of {id, role} links, never null', () => {
    expect(check(schema, { ...minimal, groups: [{ id: UUID, role: 'lead' }, { id: UUID }] })).toBe(true);
    expect(check(schema, { ...minimal, groups: [{ id: UUID, role: 'boss' }] })).toBe(false);
    expect(check(schema, { ...minimal, groups: [{ id: 'x' }] })).toBe(false);
    expect(check(schema, { ...minimal, groups: null })).toBe(false);
  });

  test('a json field with a schema is validated by it', () => {
    expect(check(schema, { ...minimal, extra: { source: 'fair' } })).toBe(true);
    expect(check(schema, { ...minimal, extra: { source: 1 } })).toBe(false);
    expect(check(schema, { ...minimal, extra: null })).toBe(true);
  });
});

describe('money', () => {
  const schema = createSchema(dealModel);
  const base = { title: 'Servers', contractor: UUID, fee: { amount: 100, currency: 'EUR' } };

  test('an object of amount and currency; the currency is one of the manifest currencies', () => {
    expect(check(schema, { ...base, amount: { amount: 1234.5, currency: 'PLN' } })).toBe(true);
    expect(check(schema, { ...base, amount: { amount: 1234.5, currency: 'USD' } })).toBe(false);
    expect(check(schema, { ...base, amount: { amount: 1234.5 } })).toBe(false);
    expect(check(schema, { ...base, amount: 1234.5 })).toBe(false);
    expect(check(schema, { ...base, amount: { amount: 1, currency: 'PLN', rate: 1 } })).toBe(false);
  });

  test('an optional money field accepts null', () => {
    expect(check(schema, { ...base, amount: null })).toBe(true);
    expect(props(schema).amount).toMatchObject({ type: ['object', 'null'], required: ['amount', 'currency'] });
  });

  test('a fixed currency is a constant; minimum applies to the amount', () => {
    expect(props(schema).fee).toMatchObject({ properties: { currency: { const: 'EUR' }, amount: { minimum: 0 } } });
    expect(check(schema, { ...base, fee: { amount: 100, currency: 'PLN' } })).toBe(false);
    expect(check(schema, { ...base, fee: { amount: -1, currency: 'EUR' } })).toBe(false);
    expect(check(schema, { ...base, fee: null })).toBe(false);
  });

  test('without a currencies list the default currency (else PLN) is the only one', () => {
    const files = packageOf(entity('invoice', [field('string', 'number'), field('money', 'total')]));
    (files.files['tessera.json'] as Record<string, unknown>).currencies = undefined;
    (files.files['tessera.json'] as Record<string, unknown>).defaultCurrency = 'RON';
    const m = modelOf(files);
    const total = props(recordInputSchema(m, entityOf(m, 'invoice'), { mode: 'create' })).total!;
    expect(JSON.stringify(total)).toContain('"enum":["RON"]');
  });
});

describe('state fields and references', () => {
  const schema = createSchema(dealModel);

  test('a state field takes the names of its machine states and is never required (the initial state applies)', () => {
    expect(props(schema).stage).toMatchObject({ enum: ['new_opportunity', 'presentation', 'offering', 'negotiation', 'sale', 'lost', null] });
    expect(schema.required).not.toContain('stage');
  });

  test('a reference is a record id', () => {
    expect(props(schema).contractor).toMatchObject({ type: 'string', format: 'uuid' });
    expect(check(schema, { title: 'x', contractor: 'Acme', fee: { amount: 1, currency: 'EUR' } })).toBe(false);
  });
});

describe('update mode', () => {
  test('nothing is required, but required fields still cannot be cleared', () => {
    const schema = updateSchema(dealModel);
    expect(schema).not.toHaveProperty('required');
    expect(check(schema, { amount: { amount: 5, currency: 'PLN' } })).toBe(true);
    expect(check(schema, {})).toBe(true);
    expect(check(schema, { title: null })).toBe(false);
    expect(check(schema, { amount: null })).toBe(true);
  });
});

describe('output schema', () => {
  const schema = recordOutputSchema(model, dealModel);

  test('system fields and every field are present; fields are nullable', () => {
    expect(schema.required).toEqual(Object.keys(props(schema)));
    expect(Object.keys(props(schema)).slice(0, 8)).toEqual(['id', 'version', 'created_at', 'created_by', 'updated_at', 'updated_by', 'deleted_at', 'owner']);
    expect(props(schema).title!.type).toEqual(['string', 'null']);
  });

  test('references name their target', () => {
    expect(props(schema).contractor).toMatchObject({ 'x-tessera-target': 'contractor' });
    const activity = recordOutputSchema(model, entityOf(model, 'activity'));
    expect(props(activity).assignee).toMatchObject({ 'x-tessera-target': 'user' });
    expect(props(activity).team).toMatchObject({ 'x-tessera-target': 'team', type: ['string', 'null'], format: 'uuid' });
  });

  test('a record as the API returns it passes', () => {
    const record = {
      id: UUID,
      version: 3,
      created_at: '2024-05-01T10:00:00Z',
      created_by: null,
      updated_at: '2024-05-02T10:00:00Z',
      updated_by: UUID,
      deleted_at: null,
      owner: UUID,
      title: 'Servers for Acme',
      contractor: UUID,
      amount: { amount: 120000, currency: 'PLN' },
      stage: 'offering',
      lost_reason: null,
      fee: null,
    };
    expect(check(schema, record)).toBe(true);
    expect(check(schema, { ...record, stage: 'won' })).toBe(false);
    const { lost_reason: _omitted, ...missing } = record;
    expect(check(schema, missing)).toBe(false);
  });
});

test('labels fall back to English', () => {
  const m = modelOf(packageOf(entity('product', [field('string', 'name', { label: { en: 'Name', ro: 'Denumire' } })], { label: label('Product') })));
  const schema = recordInputSchema(m, entityOf(m, 'product'), { mode: 'create', language: 'pl' });
  expect(props(schema).name!.title).toBe('Name');
  expect(props(recordInputSchema(m, entityOf(m, 'product'), { mode: 'create', language: 'ro' })).name!.title).toBe('Denumire');
});
