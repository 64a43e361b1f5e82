// Report and dashboard definitions are checked like the aggregate API checks a query: fields of the
// right kind, a type that fits the groups, reports and roles that exist; the shipped ones are valid.
import { formatMetadataError, loadPackageDir, validatePackage, type PackageFiles } from '../../../metadata/index.ts';
import { SEED_METADATA_DIR } from '../../../seed/index.ts';

let seed: PackageFiles;

beforeAll(async () => {
  seed = (await loadPackageDir(SEED_METADATA_DIR)).package;
});

const errorsOf = (extra: Record<string, unknown>) => {
  const result = validatePackage({ files: { ...seed.files, ...extra } }) as { errors?: Parameters<typeof formatMetadataError>[0][] };
  return (result.errors ?? []).map(formatMetadataError);
};

const report = (name: string, body: Record<string, unknown>) => ({ [`reports/${name}.json`]: { kind: 'report', id: `t.report.${name}`, name, label: { en: name }, entity: 'deal', type: 'table', measures: ['count'], ...body } });

test('the shipped reports and dashboards are valid', () => {
  expect(errorsOf({})).toEqual([]);
  expect(Object.keys(seed.files).filter((f) => f.startsWith('reports/')).length).toBeGreaterThanOrEqual(5);
});

test('a report names fields its groups, measures and filter can use', () => {
  expect(errorsOf(report('bad_fields', { groupBy: ['nope', 'name:month'], measures: ['sum:name'], filter: { stage: { eq: 'nowhere' } } }))).toEqual([
    'reports/bad_fields.json#/groupBy/0/field: unknown field "nope" of deal [META_UNKNOWN_FIELD]',
    'reports/bad_fields.json#/groupBy/1/bucket: "name" is not a date; only dates have buckets [META_UNKNOWN_FIELD]',
    'reports/bad_fields.json#/measures/0/field: sum needs a number field; "name" is a string field [META_UNKNOWN_FIELD]',
    expect.stringContaining('reports/bad_fields.json#/filter/stage/eq'),
  ]);
});

test('the type fits the groups, parameters and capacity name fields of the right kind', () => {
  expect(errorsOf(report('bad_shape', { type: 'pivot', groupBy: ['stage'], parameters: { period: 'name', campaign: 'stage' } }))).toEqual([
    'reports/bad_shape.json#/type: a pivot needs two or three groups: rows, then columns [META_FIELD_KIND]',
    'reports/bad_shape.json#/parameters/period: "name" is not a date or datetime field of deal [META_FIELD_KIND]',
    'reports/bad_shape.json#/parameters/campaign: "stage" is not a reference field of deal [META_FIELD_KIND]',
  ]);
  expect(errorsOf(report('bad_funnel', { type: 'funnel', groupBy: ['sale_type'] }))).toEqual(['reports/bad_funnel.json#/type: a funnel groups first by the stage field of a pipeline [META_FIELD_KIND]']);
});

test('an indexed report needs a period: its index is keyed by it', () => {
  expect(errorsOf(report('unkeyed', { groupBy: ['stage'], indexed: true }))).toEqual(['reports/unkeyed.json#/indexed: an indexed report needs parameters.period: the field its index is keyed by [META_FIELD_KIND]']);
  expect(errorsOf(report('keyed', { groupBy: ['stage'], parameters: { period: 'deal_date' }, indexed: true }))).toEqual([]);
  // A text field has no length limit; an index entry has one (about 2.7 kB).
  const text = [...(seed.files['entities/deal.json'] as { fields: { name: string; type: string }[] }).fields].find((f) => f.type === 'text')!.name;
  expect(errorsOf(report('long', { groupBy: ['stage'], filter: { [text]: { contains: 'x' } }, parameters: { period: 'deal_date' }, indexed: true }))).toEqual([
    `reports/long.json#/indexed: an indexed report cannot store text or json fields (no length limit): ${text} [META_FIELD_KIND]`,
  ]);
});

test('a dashboard names reports and roles of the package', () => {
  const dashboard = { kind: 'dashboard', id: 't.dashboard.x', name: 'x', label: { en: 'x' }, roles: ['pilot'], widgets: [{ report: 'sales_funnel' }, { report: 'missing' }] };
  expect(errorsOf({ 'dashboards/x.json': dashboard })).toEqual(['dashboards/x.json#/widgets/1/report: unknown report "missing" [META_UNKNOWN_FIELD]', 'dashboards/x.json#/roles/0: unknown role "pilot" [META_UNKNOWN_FIELD]']);
});
