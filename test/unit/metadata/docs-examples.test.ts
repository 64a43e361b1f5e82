// The JSON examples of docs/metadata.md, put together with the few entity types they mention,
// form a valid package, and its filter examples parse: the reference cannot drift from the code
// unnoticed.
import { readFileSync } from 'node:fs';
import { formatMetadataError, parseFilter, validatePackage, type MetadataItem, type PackageFiles } from '../../../metadata/index.ts';
import { entity, entityOf, field, fileFor, modelOf, values } from './package-builder.ts';

const doc = readFileSync(new URL('../../../docs/metadata.md', import.meta.url), 'utf8');
const examples = [...doc.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => JSON.parse(m[1]!) as Record<string, unknown>).filter((x) => typeof x.kind === 'string');

/** The examples plus the entity types they mention but the reference does not spell out. */
function examplePackage(): PackageFiles {
  const supporting = [
    entity('person', [field('string', 'full_name', { required: true })], { activities: true }),
    entity('deal', [
      field('string', 'title', { required: true }),
      field('reference', 'contractor', { target: 'contractor', required: true }),
      field('money', 'amount'),
      field('state', 'stage'),
      field('enum', 'lost_reason', { values: values('price', 'competitor') }),
      field('decimal', 'margin'),
      field('reference', 'business_unit', { target: 'business_unit', onDelete: 'setNull' }),
    ]),
    entity('business_unit', [field('string', 'name', { required: true }), field('taxId', 'tax_id', { countries: ['PL', 'RO'] }), field('string', 'locality')]),
    entity('offer', [
      ...['number', 'title'].map((name) => field('string', name)),
      ...['offer_date', 'valid_until'].map((name) => field('date', name)),
      field('reference', 'contractor', { target: 'contractor', required: true }),
      field('reference', 'person', { target: 'person', onDelete: 'setNull' }),
      field('reference', 'deal', { target: 'deal', onDelete: 'setNull' }),
      field('enum', 'currency', { values: values('pln', 'eur') }),
      field('integer', 'payment_terms_days'),
      field('lines', 'lines', { target: 'offer_line', parentField: 'offer' }),
      ...['net_total', 'vat_total', 'gross_total'].map((name) => field('decimal', name, { scale: 2 })),
      field('text', 'notes'),
      field('attachment', 'printout', { readOnly: true }),
    ]),
    entity('offer_line', [
      field('reference', 'offer', { target: 'offer', required: true, onDelete: 'cascade' }),
      ...['description', 'unit'].map((name) => field('string', name)),
      ...['quantity', 'net_price', 'net', 'vat', 'gross'].map((name) => field('decimal', name, { scale: 2 })),
      field('percent', 'discount_percent'),
      field('enum', 'vat_rate', { values: values('vat23', 'vat8') }),
    ]),
    entity('service_order', [field('string', 'symbol'), field('state', 'status'), field('text', 'work_done')]),
  ];
  const files: Record<string, unknown> = {};
  for (const item of [...examples, ...supporting] as MetadataItem[]) files[item.kind === 'manifest' ? 'tessera.json' : fileFor(item)] = item;
  return { files };
}

test('the reference has an example of every item kind', () => {
  expect(new Set(examples.map((x) => x.kind))).toEqual(new Set(['manifest', 'entity', 'activityKind', 'pipeline', 'statusMachine', 'view', 'role', 'trigger', 'documentTemplate']));
});

test('the examples validate together', () => {
  const result = validatePackage(examplePackage());
  expect(result.ok ? [] : result.errors.map(formatMetadataError)).toEqual([]);
});

test('the filter examples parse against the example entity types', () => {
  const block = /```jsonc\n([\s\S]*?)```/.exec(doc)![1]!;
  const filters = block.split(/^\/\/.*$/m).map((s) => s.trim()).filter(Boolean).map((s) => JSON.parse(s) as unknown);
  expect(filters).toHaveLength(4);
  const model = modelOf(examplePackage());
  const targets = ['deal', 'contractor', 'activity', 'activity'];
  filters.forEach((filter, i) => {
    expect(parseFilter(entityOf(model, targets[i]!), filter).problems).toEqual([]);
  });
});
