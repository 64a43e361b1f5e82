// Duplicate rules: what a value is compared as (metadata/duplicates.ts) and what validation accepts.
import { applicableRules, duplicateOperand, type Field, type MetadataError, validatePackage } from '../../../metadata/index.ts';
import { contractor, entity, errorsOf, field, label, packageOf } from './package-builder.ts';

const f = (type: Field['type'], extra: Record<string, unknown> = {}) => ({ ...field(type as 'string', 'x'), ...extra }) as Field;

test('text is folded, e-mail lower-cased, phones compared by their last 9 digits', () => {
  expect(duplicateOperand(f('string'), 'Łódź  S.A.')).toEqual({ kind: 'folded', value: 'Łódź  S.A.' });
  expect(duplicateOperand(f('string'), '   ')).toBeNull();
  expect(duplicateOperand(f('email'), ' Biuro@Firma.PL ')).toEqual({ kind: 'lower', value: 'Biuro@Firma.PL' });
  expect(duplicateOperand(f('phone'), '+48 601-234-567')).toEqual({ kind: 'phone', value: '601234567' });
  expect(duplicateOperand(f('phone'), '601 234 567')).toEqual({ kind: 'phone', value: '601234567' });
  expect(duplicateOperand(f('phone'), '12-3')).toBeNull();
});

test('a tax id is its number in its country, however written; an invalid one compares as typed, compacted', () => {
  const taxId = f('taxId', { countries: ['PL', 'RO'] });
  for (const written of ['526-025-02-74', 'PL5260250274', 'pl 526 025 02 74']) {
    expect(duplicateOperand(taxId, written)).toEqual({ kind: 'anyOf', values: ['5260250274', 'PL5260250274'] });
  }
  expect(duplicateOperand(taxId, 'RO18547290')).toEqual({ kind: 'anyOf', values: ['18547290', 'RO18547290'] });
  expect(duplicateOperand(taxId, '18547290')).toEqual({ kind: 'anyOf', values: ['18547290', 'RO18547290'] });
  expect(duplicateOperand(taxId, '123-45')).toEqual({ kind: 'anyOf', values: ['12345'] });
  expect(duplicateOperand(taxId, 42)).toBeNull();
});

test('a rule applies only when every one of its fields has a value', () => {
  const fields = new Map<string, Field>([['first', f('string')], ['last', f('string')]]);
  const rules = [{ id: 'r', fields: ['first', 'last'], action: 'warn' as const }];
  expect(applicableRules(rules, fields, { first: 'Jan' })).toEqual([]);
  expect(applicableRules(rules, fields, { first: 'Jan', last: 'Kowal' })).toHaveLength(1);
});

test('validation: rule fields must exist and be comparable; rule ids are unique', () => {
  const ok = contractor();
  const valid = { ...ok, duplicates: [{ id: 'd.name', fields: ['name'], action: 'warn' as const, label: label('Same name') }] };
  expect(validatePackage(packageOf(valid)).ok).toBe(true);
  const bad = entity('firm', [field('string', 'name'), field('text', 'notes'), field('json', 'data')], {
    duplicates: [
      { id: 'd1', fields: ['name', 'nope'], action: 'refuse' },
      { id: 'd1', fields: ['notes'], action: 'warn' },
      { id: 'd2', fields: ['data'], action: 'warn' },
    ],
  });
  const where = errorsOf(packageOf(bad)).map((e: MetadataError) => [e.code, e.pointer]);
  expect(where).toEqual([
    ['META_UNKNOWN_FIELD', '/duplicates/0/fields/1'],
    ['META_DUPLICATE_ID', '/duplicates/1/id'],
    ['META_FIELD_KIND', '/duplicates/1/fields/0'],
    ['META_FIELD_KIND', '/duplicates/2/fields/0'],
  ]);
  // The meta-schema: an unknown action is refused.
  expect(validatePackage(packageOf({ ...ok, duplicates: [{ id: 'x', fields: ['name'], action: 'merge' }] } as never)).ok).toBe(false);
});
