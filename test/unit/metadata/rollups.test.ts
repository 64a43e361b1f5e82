// Rollup fields in metadata: what validation refuses (file, pointer, code), the pure planning the
// write path runs (which parents a change touches, skipping what no rollup reads), the rebuild
// order of chained rollups, the record schema (read-only) and the migration step that fills them.
import { physicalSchema, planMigration, recordInputSchema, rollupOrder, rollupsFrom, rollupTargets, validatePackage, type Field, type MetadataErrorCode, type PackageFiles } from '../../../metadata/index.ts';
import { entity, errorsOf, field, modelOf, packageOf, values } from './package-builder.ts';

type Where = readonly [MetadataErrorCode, string, string];
const where = (files: PackageFiles): Where[] => errorsOf(files).map((e) => [e.code, e.file, e.pointer] as const);

const campaign = (...rollups: Field[]) => entity('campaign', [field('string', 'name'), ...rollups]);
const deal = (...extra: Field[]) =>
  entity('deal', [
    field('reference', 'campaign', { target: 'campaign', onDelete: 'setNull' }),
    field('enum', 'status', { values: values('open', 'won') }),
    field('money', 'value'),
    field('integer', 'probability'),
    field('string', 'name'),
    ...extra,
  ]);
const won = field('money', 'won_value', { currency: 'PLN', rollup: { from: 'deal', via: 'campaign', aggregate: 'sum', field: 'value', filter: { status: 'won' } } });
const count = field('integer', 'deals', { rollup: { from: 'deal', via: 'campaign', aggregate: 'count' } });

describe('validation', () => {
  test('sum with a filter, count, min and max are valid', () => {
    const min = field('integer', 'lowest', { rollup: { from: 'deal', via: 'campaign', aggregate: 'min', field: 'probability' } });
    const max = field('decimal', 'highest', { rollup: { from: 'deal', via: 'campaign', aggregate: 'max', field: 'probability' } });
    expect(validatePackage(packageOf(campaign(won, count, min, max), deal())).ok).toBe(true);
  });

  test('unknown type, unknown or wrong via, unknown field', () => {
    const at = (rollup: Record<string, unknown>) => where(packageOf(campaign(field('integer', 'r', { rollup } as never)), deal()));
    expect(at({ from: 'nothing', via: 'campaign', aggregate: 'count' })).toEqual([['META_UNKNOWN_ENTITY', 'entities/campaign.json', '/fields/1/rollup/from']]);
    expect(at({ from: 'deal', via: 'nope', aggregate: 'count' })).toEqual([['META_UNKNOWN_FIELD', 'entities/campaign.json', '/fields/1/rollup/via']]);
    expect(at({ from: 'deal', via: 'name', aggregate: 'count' })).toEqual([['META_FIELD_KIND', 'entities/campaign.json', '/fields/1/rollup/via']]);
    expect(at({ from: 'deal', via: 'campaign', aggregate: 'sum', field: 'nope' })).toEqual([['META_UNKNOWN_FIELD', 'entities/campaign.json', '/fields/1/rollup/field']]);
  });

  test('wrong kinds: field types, aggregate without field, count with one, money without currency, sums of text', () => {
    const one = (f: Field) => where(packageOf(campaign(f), deal()));
    expect(one(field('string', 'r', { rollup: { from: 'deal', via: 'campaign', aggregate: 'count' } }))).toEqual([['META_FIELD_KIND', 'entities/campaign.json', '/fields/1/rollup']]);
    expect(one(field('integer', 'r', { rollup: { from: 'deal', via: 'campaign', aggregate: 'sum' } }))).toEqual([['META_FIELD_KIND', 'entities/campaign.json', '/fields/1/rollup/aggregate']]);
    expect(one(field('integer', 'r', { rollup: { from: 'deal', via: 'campaign', aggregate: 'count', field: 'probability' } }))).toEqual([['META_FIELD_KIND', 'entities/campaign.json', '/fields/1/rollup/field']]);
    expect(one(field('money', 'r', { rollup: { from: 'deal', via: 'campaign', aggregate: 'sum', field: 'value' } }))).toEqual([['META_FIELD_KIND', 'entities/campaign.json', '/fields/1/currency']]);
    expect(one(field('integer', 'r', { rollup: { from: 'deal', via: 'campaign', aggregate: 'sum', field: 'name' } }))).toEqual([['META_FIELD_KIND', 'entities/campaign.json', '/fields/1/rollup/field']]);
    // An integer cannot hold a sum of money (currencies) and a money field no plain number.
    expect(one(field('integer', 'r', { rollup: { from: 'deal', via: 'campaign', aggregate: 'sum', field: 'value' } }))).toEqual([['META_FIELD_KIND', 'entities/campaign.json', '/fields/1/rollup/field']]);
    expect(one(field('integer', 'r', { required: true, rollup: { from: 'deal', via: 'campaign', aggregate: 'count' } }))).toEqual([['META_FIELD_KIND', 'entities/campaign.json', '/fields/1/rollup']]);
  });

  test('filters are checked against the aggregated type and may not name the user', () => {
    const bad = field('integer', 'r', { rollup: { from: 'deal', via: 'campaign', aggregate: 'count', filter: { nope: 'x' } } });
    expect(where(packageOf(campaign(bad), deal()))).toEqual([['META_FILTER', 'entities/campaign.json', '/fields/1/rollup/filter/nope']]);
    const badValue = field('integer', 'r', { rollup: { from: 'deal', via: 'campaign', aggregate: 'count', filter: { status: 'maybe' } } });
    expect(where(packageOf(campaign(badValue), deal()))[0]?.[0]).toBe('META_FILTER');
    const mine = field('integer', 'r', { rollup: { from: 'deal', via: 'campaign', aggregate: 'count', filter: { owner: '$me' } } });
    expect(where(packageOf(campaign(mine), deal()))).toEqual([['META_FILTER', 'entities/campaign.json', '/fields/1/rollup/filter']]);
  });

  test('rollups aggregating one another in a circle; computed fields reading a rollup only without lines', () => {
    const back = field('integer', 'campaigns', { rollup: { from: 'campaign', via: 'self', aggregate: 'count' } });
    const dealWithBack = deal(back);
    const campaignWithSelf = entity('campaign', [field('string', 'name'), field('reference', 'self', { target: 'deal' }), count]);
    expect(where(packageOf(campaignWithSelf, dealWithBack))).toEqual([['META_CYCLE', expect.stringMatching(/entities\/(campaign|deal)\.json/), expect.stringMatching(/^\/fields\/\d+\/rollup\/from$/)]]);
    // A computed field may read a rollup (recomputed with it), except on a type with lines.
    const reads = field('integer', 'twice', { computed: 'deals * 2' });
    expect(validatePackage(packageOf(campaign(count, reads), deal())).ok).toBe(true);
    const lineType = entity('campaign_line', [field('reference', 'campaign', { target: 'campaign', required: true, onDelete: 'cascade' }), field('string', 'text')]);
    const withLines = entity('campaign', [field('string', 'name'), count, reads, field('lines', 'lines', { target: 'campaign_line', parentField: 'campaign' } as never)]);
    expect(where(packageOf(withLines, deal(), lineType))).toContainEqual(['META_FIELD_KIND', 'entities/campaign.json', '/fields/2/computed']);
  });
});

describe('planning', () => {
  const model = modelOf(packageOf(campaign(won, count), deal()));
  const refs = rollupsFrom(model).get('deal')!;

  test('a type feeds the rollups that aggregate it, each reading its via, field and filter fields', () => {
    expect(refs.map((r) => [r.parent, r.field.name, [...r.reads].sort()])).toEqual([
      ['campaign', 'won_value', ['campaign', 'status', 'value']],
      ['campaign', 'deals', ['campaign']],
    ]);
  });

  test('create, delete: the parent; a move: both parents; an update no rollup reads: nothing', () => {
    expect(rollupTargets(refs, [{ before: null, after: { campaign: 'a' } }])).toEqual([{ parent: 'campaign', fields: [won, count], ids: ['a'] }]);
    expect(rollupTargets(refs, [{ before: { campaign: 'a' }, after: null }])[0]!.ids).toEqual(['a']);
    expect(rollupTargets(refs, [{ before: { campaign: 'b' }, after: { campaign: 'a' }, changed: ['campaign'] }])[0]!.ids).toEqual(['a', 'b']);
    expect(rollupTargets(refs, [{ before: { campaign: 'a' }, after: { campaign: 'a' }, changed: ['name'] }])).toEqual([]);
    // A change of the filtered field touches only the rollups that read it.
    expect(rollupTargets(refs, [{ before: { campaign: 'a' }, after: { campaign: 'a' }, changed: ['status'] }])).toEqual([{ parent: 'campaign', fields: [won], ids: ['a'] }]);
    // No parent before or after: nothing to do.
    expect(rollupTargets(refs, [{ before: null, after: { campaign: null } }])).toEqual([]);
    // Included records count by their id.
    expect(rollupTargets(refs, [{ before: null, after: { campaign: { id: 'c', name: 'x' } } }])[0]!.ids).toEqual(['c']);
  });

  test('chained rollups rebuild children first; only a type and what is chained on it', () => {
    const offer = entity('offer', [field('reference', 'deal', { target: 'deal' })]);
    const offers = field('integer', 'offers', { rollup: { from: 'offer', via: 'deal', aggregate: 'count' } });
    const offersMade = field('integer', 'offers_made', { rollup: { from: 'deal', via: 'campaign', aggregate: 'sum', field: 'offers' } });
    const chained = modelOf(packageOf(campaign(offersMade), deal(offers), offer));
    expect(rollupOrder(chained)).toEqual(['deal', 'campaign']);
    expect(rollupOrder(chained, new Set(['campaign']))).toEqual(['campaign']);
    expect(rollupOrder(chained, new Set(['offer']))).toEqual(['deal', 'campaign']);
  });
});

describe('schema and migration', () => {
  test('a rollup is read-only in the record schema', () => {
    const model = modelOf(packageOf(campaign(won, count), deal()));
    const schema = recordInputSchema(model, model.entities.get('campaign')!, { mode: 'update' }) as { properties: Record<string, unknown> };
    expect(schema.properties.deals).toMatchObject({ readOnly: true });
    expect(schema.properties.won_value).toMatchObject({ readOnly: true });
    expect(schema.properties.name).not.toHaveProperty('readOnly');
  });

  test('adding or changing a rollup plans a rebuild of its type; an unrelated change does not', () => {
    const before = physicalSchema(modelOf(packageOf(campaign(), deal())));
    const added = planMigration(before, physicalSchema(modelOf(packageOf(campaign(count), deal()))));
    expect(added.steps.map((s) => s.step)).toEqual(expect.arrayContaining([{ op: 'rebuildRollups', entity: 'campaign' }]));
    expect(added.destructive).toBe(false);
    const withCount = physicalSchema(modelOf(packageOf(campaign(count), deal())));
    expect(planMigration(withCount, physicalSchema(modelOf(packageOf(campaign(count), deal(field('string', 'notes')))))).steps.some((s) => s.step.op === 'rebuildRollups')).toBe(false);
    const filtered = field('integer', 'deals', { rollup: { from: 'deal', via: 'campaign', aggregate: 'count', filter: { status: 'won' } } });
    expect(planMigration(withCount, physicalSchema(modelOf(packageOf(campaign(filtered), deal())))).steps.map((s) => s.step)).toEqual([{ op: 'rebuildRollups', entity: 'campaign' }]);
  });
});
