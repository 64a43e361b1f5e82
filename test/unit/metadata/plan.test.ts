// The migration planner: old physical schema + new physical schema → ordered steps, destructive
// ones flagged. Packages are built in code, changed, and both versions planned.
import { foreignKeyName, planMigration, typeChange, type ColumnType, type EntityType, type Field, type MetadataItem, type MigrationPlan, type PlannedStep } from '../../../metadata/index.ts';
import { activityKind, contractor, crmItems, deal, entity, field, packageOf, person, physicalOf, salesPipeline, tableOf, values } from './package-builder.ts';

type Item = Exclude<MetadataItem, { kind: 'manifest' }>;

/** One line per step: what it does to which object; "!" marks a destructive step. */
function line(planned: PlannedStep): string {
  const s = planned.step;
  const text = (() => {
    switch (s.op) {
      case 'createTable':
        return `createTable ${s.table.name}`;
      case 'renameTable':
        return `renameTable ${s.from} → ${s.to}`;
      case 'archiveTable':
        return `archiveTable ${s.table}`;
      case 'addColumn':
        return `addColumn ${s.table}.${s.column.name}`;
      case 'renameColumn':
        return `renameColumn ${s.table}.${s.from} → ${s.to}`;
      case 'archiveColumn':
      case 'clearColumn':
        return `${s.op} ${s.table}.${s.column}`;
      case 'alterColumnType':
        return `alterColumnType ${s.table}.${s.column} ${s.change}`;
      case 'setNotNull':
      case 'dropNotNull':
      case 'renameValues':
      case 'setAllowedValues':
      case 'addForeignKey':
        return `${s.op} ${s.table}.${s.column}`;
      case 'dropForeignKey':
        return `dropForeignKey ${s.table}`;
      case 'createIndex':
        return `createIndex ${s.table}(${s.index.columns.join(',') || 'search'})`;
      case 'dropIndex':
        return `dropIndex ${s.name}`;
    }
  })();
  return `${planned.destructive ? '!' : ''}${text}`;
}

const lines = (plan: MigrationPlan) => plan.steps.map(line);

/** Plans the change `change` makes to (fresh copies of) the CRM items. */
function planChange(change: (items: Item[]) => Item[] | void, before: () => Item[] = crmItems): MigrationPlan {
  const old = before();
  const changed = before();
  const result = change(changed) ?? changed;
  return planMigration(physicalOf(packageOf(...old)), physicalOf(packageOf(...result)));
}

const entityIn = (items: Item[], name: string): EntityType => {
  const found = items.find((i): i is EntityType => i.kind === 'entity' && i.name === name);
  if (!found) throw new Error(`no entity ${name}`);
  return found;
};
/** Replaces a field of an entity type, keeping its id and position. */
const replaceField = (items: Item[], entityName: string, fieldName: string, next: (old: Field) => Field) => {
  const e = entityIn(items, entityName);
  const i = e.fields.findIndex((f) => f.name === fieldName);
  e.fields[i] = next(e.fields[i]!);
};

describe('a new package', () => {
  const plan = () => planMigration({ tables: [] }, physicalOf(packageOf(...crmItems(), activityKind('call', [field('integer', 'duration')]), entity('campaign', [field('string', 'name'), field('manyToMany', 'members', { target: 'contractor' })]))));

  test('creates every table, then adds every foreign key, then creates every index', () => {
    const ops = plan().steps.map((s) => s.step.op);
    const lastCreate = ops.lastIndexOf('createTable');
    const firstFk = ops.indexOf('addForeignKey');
    const lastFk = ops.lastIndexOf('addForeignKey');
    const firstIndex = ops.indexOf('createIndex');
    expect(lastCreate).toBeLessThan(firstFk);
    expect(lastFk).toBeLessThan(firstIndex);
    expect(new Set(ops)).toEqual(new Set(['createTable', 'addForeignKey', 'createIndex']));
  });

  test('nothing is destructive; every table, foreign key and index of the schema is in the plan', () => {
    const p = plan();
    const schema = physicalOf(packageOf(...crmItems(), activityKind('call', [field('integer', 'duration')]), entity('campaign', [field('string', 'name'), field('manyToMany', 'members', { target: 'contractor' })])));
    expect(p.destructive).toBe(false);
    expect(p.steps.filter((s) => s.step.op === 'createTable').map((s) => line(s))).toEqual(schema.tables.map((t) => `createTable ${t.name}`));
    expect(p.steps.filter((s) => s.step.op === 'addForeignKey')).toHaveLength(schema.tables.flatMap((t) => t.columns.filter((c) => c.references)).length);
    expect(p.steps.filter((s) => s.step.op === 'createIndex')).toHaveLength(schema.tables.flatMap((t) => t.indexes).length);
    expect(lines(p)).toContain('createTable campaign__members');
    expect(lines(p)).toContain('addForeignKey deal.contractor');
  });

  test('foreign key names derive from table and column identities', () => {
    const fk = plan().steps.map((s) => s.step).find((s) => s.op === 'addForeignKey' && s.table === 'deal' && s.column === 'contractor');
    expect(fk).toMatchObject({ constraint: foreignKeyName('e.deal', 'field.f.contractor'), references: { schema: 'public', table: 'contractor', onDelete: 'restrict', targetIdentity: 'e.contractor' } });
  });
});

test('the same package plans no steps', () => {
  expect(planChange(() => {}).steps).toEqual([]);
});

describe('adding', () => {
  test('a field adds a column', () => {
    const plan = planChange((items) => void entityIn(items, 'contractor').fields.push(field('string', 'city', { maxLength: 80 })));
    expect(lines(plan)).toEqual(['addColumn contractor.city']);
    expect(plan.steps[0]!.step).toMatchObject({ column: { name: 'city', type: { kind: 'varchar', length: 80 }, notNull: false, identity: 'field.f.city' } });
    expect(plan.destructive).toBe(false);
  });

  test('a reference field adds the column, then its foreign key, then its index', () => {
    const plan = planChange((items) => void entityIn(items, 'deal').fields.push(field('reference', 'contact', { target: 'person', onDelete: 'setNull' })));
    expect(lines(plan)).toEqual(['addColumn deal.contact', 'addForeignKey deal.contact', 'createIndex deal(contact)']);
  });

  test('a money field adds an amount and a currency column', () => {
    const plan = planChange((items) => void entityIn(items, 'contractor').fields.push(field('money', 'credit_limit', { currency: 'PLN' })));
    expect(lines(plan)).toEqual(['addColumn contractor.credit_limit', 'addColumn contractor.credit_limit_currency']);
    expect(plan.steps.map((s) => s.step)).toEqual([
      expect.objectContaining({ column: expect.objectContaining({ type: { kind: 'numeric', precision: 18, scale: 2 } }) }),
      expect.objectContaining({ column: expect.objectContaining({ type: { kind: 'varchar', length: 3 }, backfill: 'PLN', identity: 'field.f.credit_limit#currency' }) }),
    ]);
  });

  test('a many-to-many field creates a join table with a unique (source, target, role) index', () => {
    const roles = values('buyer', 'payer');
    const plan = planChange((items) => void entityIn(items, 'deal').fields.push(field('manyToMany', 'parties', { target: 'contractor', roles })));
    expect(lines(plan)).toEqual(['createTable deal__parties', 'addForeignKey deal__parties.source', 'addForeignKey deal__parties.target', 'createIndex deal__parties(source,target,role)', 'createIndex deal__parties(target)']);
    const create = plan.steps[0]!.step;
    if (create.op !== 'createTable') throw new Error('expected createTable');
    expect(create.table.columns.map((c) => c.name)).toEqual(['id', 'source', 'target', 'role', 'position']);
    expect(create.table.indexes[0]).toMatchObject({ columns: ['source', 'target', 'role'], unique: true });
    expect(plan.steps[1]!.step).toMatchObject({ references: { table: 'deal', onDelete: 'cascade' } });
    expect(plan.steps[2]!.step).toMatchObject({ references: { table: 'contractor', onDelete: 'cascade' } });
  });

  test('a required state field is added with its initial state as backfill', () => {
    const plan = planChange(
      (items) => {
        entityIn(items, 'deal').fields.push(field('state', 'stage'));
        return [...items, salesPipeline()];
      },
      () => [contractor(), person(), { ...deal(), fields: deal().fields.filter((f) => f.name !== 'stage') }],
    );
    expect(lines(plan)).toEqual(['addColumn deal.stage', 'createIndex deal(stage)']);
    expect(plan.steps[0]!.step).toMatchObject({ column: { notNull: true, backfill: 'new_opportunity', allowedValues: expect.arrayContaining([{ id: 's.sale', value: 'sale' }]) } });
  });

  test('an activity kind adds its fields to the activity table and its name to the kind values', () => {
    const plan = planChange((items) => [...items, activityKind('call', [field('integer', 'duration')])], () => [...crmItems(), activityKind('task')]);
    expect(lines(plan)).toEqual(['addColumn activity.duration', 'setAllowedValues activity.kind']);
    expect(plan.steps[1]!.step).toMatchObject({ values: ['call', 'task'], removed: [] });
    expect(plan.destructive).toBe(false);
  });
});

describe('renaming by stable id', () => {
  test('an entity type renamed (same id) renames its table, its activity link and its join tables; nothing is dropped', () => {
    const before = () => [...crmItems(), entity('campaign', [field('string', 'name'), field('manyToMany', 'members', { target: 'contractor' })])];
    const plan = planChange((items) => {
      entityIn(items, 'contractor').name = 'client';
      replaceField(items, 'deal', 'contractor', (f) => ({ ...f, target: 'client' }) as Field);
      replaceField(items, 'person', 'employer', (f) => ({ ...f, target: 'client' }) as Field);
      replaceField(items, 'campaign', 'members', (f) => ({ ...f, target: 'client' }) as Field);
    }, before);
    expect(lines(plan)).toEqual(['renameTable contractor → client', 'renameColumn activity.contractor → client']);
    expect(plan.destructive).toBe(false);
  });

  test('a join table follows its entity type and field names', () => {
    const before = () => [contractor(), entity('campaign', [field('string', 'name'), field('manyToMany', 'members', { target: 'contractor' })])];
    const plan = planChange((items) => {
      entityIn(items, 'campaign').name = 'action';
      replaceField(items, 'action', 'members', (f) => ({ ...f, name: 'participants' }));
    }, before);
    expect(lines(plan)).toEqual(['renameTable campaign → action', 'renameTable campaign__members → action__participants']);
  });

  test('a field renamed (same id) renames its column and keeps its indexes', () => {
    const plan = planChange((items) => replaceField(items, 'contractor', 'nip', (f) => ({ ...f, name: 'tax_id' })));
    expect(lines(plan)).toEqual(['renameColumn contractor.nip → tax_id']);
  });

  test('renaming a searchable field rebuilds the search index (its expression names the column)', () => {
    const plan = planChange((items) => {
      replaceField(items, 'contractor', 'name', (f) => ({ ...f, name: 'company_name' }));
      entityIn(items, 'contractor').displayField = 'company_name';
    });
    expect(lines(plan)).toEqual([expect.stringMatching(/^dropIndex ts_/), 'renameColumn contractor.name → company_name', 'createIndex contractor(search)']);
    expect(plan.destructive).toBe(false);
  });

  test('a money field renamed renames both its columns', () => {
    const plan = planChange((items) => replaceField(items, 'deal', 'amount', (f) => ({ ...f, name: 'value' })), () => crmItems().map((i) => (i.kind === 'pipeline' ? { ...i, amountField: undefined } : i)) as Item[]);
    expect(lines(plan)).toEqual(['renameColumn deal.amount → value', 'renameColumn deal.amount_currency → value_currency']);
  });

  test('a field id changed with the same name is a new field: archive the old column, add a new one', () => {
    const plan = planChange((items) => replaceField(items, 'contractor', 'email', (f) => ({ ...f, id: 'f.email2' })));
    // The old column is archived first, so the new one can take its name.
    expect(lines(plan)).toEqual(['!archiveColumn contractor.email', 'addColumn contractor.email']);
    expect(plan.destructive).toBe(true);
  });

  test('an index given a sort, or sorting text in another business language, is rebuilt; the same sort is left alone', () => {
    const withSort = (items: Item[], sort?: string[]) => void (entityIn(items, 'contractor').indexes = [{ id: 'by_segment', fields: ['segment'], ...(sort ? { sort } : {}) }]);
    expect(lines(planChange((items) => withSort(items, ['name']), (() => { const items = crmItems(); withSort(items); return items; })))).toEqual([
      expect.stringMatching(/^dropIndex ix_/),
      'createIndex contractor(segment,name,id)',
    ]);
    expect(lines(planChange((items) => withSort(items, ['-name']), (() => { const items = crmItems(); withSort(items, ['name']); return items; })))).toEqual([
      expect.stringMatching(/^dropIndex ix_/),
      'createIndex contractor(segment,name,id)',
    ]);
    const sorted = crmItems();
    withSort(sorted, ['name']);
    const inLanguage = (language: string) => {
      const files = packageOf(...structuredClone(sorted));
      (files.files['tessera.json'] as Record<string, unknown>).defaultLanguage = language;
      return physicalOf(files);
    };
    expect(planMigration(inLanguage('pl'), inLanguage('pl')).steps).toEqual([]);
    expect(lines(planMigration(inLanguage('pl'), inLanguage('ro')))).toEqual([expect.stringMatching(/^dropIndex ix_/), 'createIndex contractor(segment,name,id)']);
  });

  test('an indexed report keeps an index keyed by its period over live rows, storing what it reads; reading something else rebuilds it; unmarking drops it', () => {
    const report = (groupBy: string[], indexed = true): Item => ({ kind: 'report', id: 't.report.by_stage', name: 'by_stage', label: { en: 'By stage' }, entity: 'deal', type: 'table', groupBy, measures: ['count', 'sum:amount'], parameters: { period: 'deal_date', owner: 'owner' }, indexed });
    const items = (groupBy: string[], indexed = true) => [contractor(), person(), deal([field('date', 'deal_date')]), salesPipeline(), report(groupBy, indexed)];
    const index = tableOf(physicalOf(packageOf(...items(['stage']))), 'deal').indexes.find((i) => i.identity.endsWith('report.t.report.by_stage'));
    // The money measure brings its currency (amounts are summed per currency); the owner parameter narrows dashboards.
    expect(index).toMatchObject({ columns: ['deal_date'], include: ['stage', 'amount', 'amount_currency', 'owner'], liveOnly: true, unique: false });
    // Built after the apply (on a server, without holding off writes); a rebuild keeps the old index until the new one is ready.
    const created = planChange(() => items(['stage']), () => items(['stage'], false));
    expect(lines(created)).toEqual(['createIndex deal(deal_date)']);
    expect(created.steps[0]!.step).toMatchObject({ afterApply: { replaces: false } });
    const rebuilt = planChange(() => items(['contractor']), () => items(['stage']));
    expect(lines(rebuilt)).toEqual(['createIndex deal(deal_date)']);
    expect(rebuilt.steps[0]!.step).toMatchObject({ afterApply: { replaces: true } });
    expect(lines(planChange(() => items(['stage'], false), () => items(['stage'])))).toEqual([expect.stringMatching(/^dropIndex ix_/)]);
    expect(planChange(() => items(['stage']), () => items(['stage'])).steps).toEqual([]);
  });

  test('index names survive renames of the table and its columns', () => {
    const indexNames = (items: Item[]) => tableOf(physicalOf(packageOf(...items)), items === renamed ? 'client' : 'contractor').indexes.filter((i) => i.method !== 'gin').map((i) => i.name);
    const original = crmItems();
    entityIn(original, 'contractor').indexes = [{ id: 'by_segment', fields: ['segment', 'email'] }];
    const renamed = structuredClone(original);
    entityIn(renamed, 'contractor').name = 'client';
    replaceField(renamed, 'client', 'segment', (f) => ({ ...f, name: 'size' }));
    entityIn(renamed, 'client').indexes = [{ id: 'by_segment', fields: ['size', 'email'] }];
    replaceField(renamed, 'deal', 'contractor', (f) => ({ ...f, target: 'client' }) as Field);
    replaceField(renamed, 'person', 'employer', (f) => ({ ...f, target: 'client' }) as Field);
    expect(indexNames(renamed)).toEqual(indexNames(original));
    expect(indexNames(original)).toHaveLength(3);
    const plan = planMigration(physicalOf(packageOf(...original)), physicalOf(packageOf(...renamed)));
    expect(plan.steps.filter((s) => s.step.op === 'dropIndex' || s.step.op === 'createIndex')).toEqual([]);
  });

  test('an enum value renamed by id renames the stored values and resets the allowed list; not destructive', () => {
    const plan = planChange((items) =>
      replaceField(items, 'contractor', 'segment', (f) => ({ ...f, default: 'micro', values: values('small', 'medium', 'large').map((v) => (v.value === 'small' ? { ...v, value: 'micro' } : v)) }) as Field),
    );
    expect(lines(plan)).toEqual(['renameValues contractor.segment', 'setAllowedValues contractor.segment']);
    expect(plan.steps[0]!.step).toMatchObject({ op: 'renameValues', renames: [{ from: 'small', to: 'micro' }] });
    expect(plan.steps[1]!.step).toMatchObject({ op: 'setAllowedValues', values: ['micro', 'medium', 'large'], removed: [] });
    expect(plan.destructive).toBe(false);
  });

  test('a stage renamed by id renames the stored stage', () => {
    const plan = planChange((items) => {
      const sales = items.find((i) => i.kind === 'pipeline')!;
      if (sales.kind !== 'pipeline') throw new Error('expected the pipeline');
      sales.stages[3]!.name = 'negotiations';
    });
    expect(lines(plan)).toEqual(['renameValues deal.stage', 'setAllowedValues deal.stage']);
    expect(plan.steps[0]!.step).toMatchObject({ renames: [{ from: 'negotiation', to: 'negotiations' }] });
  });

  test('an enum value removed narrows the allowed values: destructive', () => {
    const plan = planChange((items) => replaceField(items, 'contractor', 'segment', (f) => ({ ...f, values: values('small', 'medium') }) as Field));
    expect(lines(plan)).toEqual(['!setAllowedValues contractor.segment']);
    expect(plan.steps[0]!.step).toMatchObject({ values: ['small', 'medium'], removed: ['large'] });
  });

  test('an enum value added is not destructive', () => {
    const plan = planChange((items) => replaceField(items, 'contractor', 'segment', (f) => ({ ...f, values: values('small', 'medium', 'large', 'key_account') }) as Field));
    expect(lines(plan)).toEqual(['setAllowedValues contractor.segment']);
  });
});

describe('type changes', () => {
  const retype = (name: string, before: Field, after: Field) =>
    planChange(
      (items) => replaceField(items, 'contractor', name, () => after),
      () => [contractor([before]), person(), deal(), salesPipeline()],
    );

  test.each([
    ['varchar 50 → 100', field('string', 'code', { maxLength: 50 }), field('string', 'code', { maxLength: 100 })],
    ['varchar → text', field('string', 'code'), field('text', 'code')],
    ['integer → bigint', field('integer', 'employees'), field('integer', 'employees', { big: true })],
    ['integer → decimal', field('integer', 'employees'), field('decimal', 'employees')],
    ['decimal scale 2 → 4 with as many integer digits', field('decimal', 'rate', { precision: 10, scale: 2 }), field('decimal', 'rate', { precision: 12, scale: 4 })],
    ['date → datetime', field('date', 'since'), field('datetime', 'since')],
  ])('widening is not destructive: %s', (_, before, after) => {
    const plan = retype(before.name, before, after);
    expect(lines(plan)).toEqual([`alterColumnType contractor.${before.name} widen`]);
    expect(plan.destructive).toBe(false);
  });

  test.each([
    ['varchar 100 → 50', field('string', 'code', { maxLength: 100 }), field('string', 'code', { maxLength: 50 })],
    ['text → varchar', field('text', 'code'), field('string', 'code')],
    ['decimal → integer', field('decimal', 'employees'), field('integer', 'employees')],
    ['bigint → integer', field('integer', 'employees', { big: true }), field('integer', 'employees')],
    ['decimal scale 4 → 2', field('decimal', 'rate', { precision: 12, scale: 4 }), field('decimal', 'rate', { precision: 12, scale: 2 })],
    ['datetime → date', field('datetime', 'since'), field('date', 'since')],
  ])('narrowing is destructive: %s', (_, before, after) => {
    const plan = retype(before.name, before, after);
    expect(lines(plan)).toEqual([`!alterColumnType contractor.${before.name} narrow`]);
    expect(plan.destructive).toBe(true);
  });

  test('a string that becomes an enum: values outside the list are archived and cleared (destructive)', () => {
    const plan = retype('grade', field('string', 'grade', { maxLength: 48 }), field('enum', 'grade', { values: values('gold', 'silver') }));
    expect(lines(plan)).toEqual(['!setAllowedValues contractor.grade']);
    expect(plan.steps[0]!.step).toMatchObject({ values: ['gold', 'silver'], removed: [], unrestricted: true });
  });

  test('a narrowing knows whether the column is required and its default, for values that do not convert', () => {
    const plan = retype('code', field('string', 'code'), field('integer', 'code', { required: true, default: 0 }));
    expect(plan.steps.find((s) => s.step.op === 'alterColumnType')?.step).toMatchObject({ change: 'narrow', notNull: true, backfill: 0, origin: expect.stringMatching(/#\/fields\/\d+$/) });
  });

  const t = (kind: string, extra: Record<string, number> = {}) => ({ kind, ...extra }) as ColumnType;
  test.each([
    [t('varchar', { length: 10 }), t('varchar', { length: 10 }), 'same'],
    [t('numeric', { precision: 18, scale: 4 }), t('numeric', { precision: 18, scale: 4 }), 'same'],
    [t('integer'), t('numeric', { precision: 18, scale: 4 }), 'widen'],
    [t('integer'), t('numeric', { precision: 10, scale: 2 }), 'narrow'],
    [t('bigint'), t('numeric', { precision: 18, scale: 4 }), 'narrow'],
    [t('integer'), t('text'), 'widen'],
    [t('integer'), t('varchar', { length: 40 }), 'widen'],
    [t('integer'), t('varchar', { length: 10 }), 'narrow'],
    [t('numeric', { precision: 18, scale: 2 }), t('integer'), 'narrow'],
    [t('uuid'), t('text'), 'widen'],
    [t('uuid'), t('varchar', { length: 100 }), 'narrow'],
    [t('boolean'), t('integer'), 'narrow'],
    [t('timestamptz'), t('date'), 'narrow'],
    [t('text'), t('jsonb'), 'narrow'],
    [t('jsonb'), t('text'), 'narrow'],
  ])('typeChange(%o → %o) is %s', (from, to, expected) => {
    expect(typeChange(from, to)).toBe(expected);
  });
});

describe('removing', () => {
  test('a removed field archives its column: destructive', () => {
    const plan = planChange((items) => void (entityIn(items, 'contractor').fields = entityIn(items, 'contractor').fields.filter((f) => f.name !== 'email')));
    expect(lines(plan)).toEqual(['!archiveColumn contractor.email']);
    expect(plan.destructive).toBe(true);
  });

  test('a removed reference field drops its foreign key and index first, then archives the column', () => {
    const plan = planChange((items) => void (entityIn(items, 'person').fields = entityIn(items, 'person').fields.filter((f) => f.name !== 'employer')));
    expect(lines(plan)).toEqual(['dropForeignKey person', expect.stringMatching(/^dropIndex ix_/), '!archiveColumn person.employer']);
    expect(plan.steps[0]!.step).toMatchObject({ constraint: foreignKeyName('e.person', 'field.f.employer') });
  });

  test('a removed entity type archives its table and its activity link', () => {
    const plan = planChange((items) => items.filter((i) => i.name !== 'person'));
    const l = lines(plan);
    expect(l.filter((x) => x.startsWith('!'))).toEqual(['!archiveColumn activity.person', '!archiveTable person']);
    expect(l.filter((x) => x === 'dropForeignKey person')).toHaveLength(5); // created_by, updated_by, deleted_by, owner, employer
    expect(l).toContain('dropForeignKey activity');
    expect(l.filter((x) => x.startsWith('createTable') || x.startsWith('addColumn'))).toEqual([]);
    expect(plan.destructive).toBe(true);
  });

  test('a removed many-to-many field archives its join table', () => {
    const before = () => [contractor(), entity('campaign', [field('string', 'name'), field('manyToMany', 'members', { target: 'contractor' })])];
    const plan = planChange((items) => void (entityIn(items, 'campaign').fields = [field('string', 'name')]), before);
    expect(lines(plan)).toEqual(['dropForeignKey campaign__members', 'dropForeignKey campaign__members', '!archiveTable campaign__members']);
  });
});

describe('nullability', () => {
  test('optional → required sets NOT NULL, filling empty values from the default', () => {
    const plan = planChange((items) => replaceField(items, 'contractor', 'segment', (f) => ({ ...f, required: true })));
    expect(lines(plan)).toEqual(['setNotNull contractor.segment']);
    expect(plan.steps[0]!.step).toEqual({ op: 'setNotNull', table: 'contractor', column: 'segment', backfill: 'small', origin: 'entities/contractor.json#/fields/2' });
    expect(plan.steps[0]!.description).toContain('"small"');
    expect(plan.destructive).toBe(false);
  });

  test('optional → required without a default carries no backfill', () => {
    const plan = planChange((items) => replaceField(items, 'contractor', 'email', (f) => ({ ...f, required: true })));
    expect(plan.steps.map((s) => s.step)).toEqual([{ op: 'setNotNull', table: 'contractor', column: 'email', origin: 'entities/contractor.json#/fields/3' }]);
  });

  test('a money field made required fills both columns from its default', () => {
    const plan = planChange((items) => replaceField(items, 'deal', 'amount', (f) => ({ ...f, required: true, default: { amount: 0, currency: 'PLN' } }) as Field));
    expect(plan.steps.map((s) => s.step)).toEqual([
      expect.objectContaining({ op: 'setNotNull', column: 'amount', backfill: 0 }),
      expect.objectContaining({ op: 'setNotNull', column: 'amount_currency', backfill: 'PLN' }),
    ]);
  });

  test('required → optional drops NOT NULL', () => {
    const plan = planChange((items) => replaceField(items, 'contractor', 'name', (f) => ({ ...f, required: false })));
    expect(lines(plan)).toEqual(['dropNotNull contractor.name']);
    expect(plan.destructive).toBe(false);
  });
});

describe('foreign keys', () => {
  test('changing onDelete drops and re-adds the foreign key under the same name: not destructive', () => {
    const plan = planChange((items) => replaceField(items, 'deal', 'contractor', (f) => ({ ...f, onDelete: 'cascade' }) as Field));
    expect(lines(plan)).toEqual(['dropForeignKey deal', 'addForeignKey deal.contractor']);
    const [drop, add] = plan.steps.map((s) => s.step);
    expect(drop).toMatchObject({ constraint: foreignKeyName('e.deal', 'field.f.contractor') });
    expect(add).toMatchObject({ constraint: foreignKeyName('e.deal', 'field.f.contractor'), references: { onDelete: 'cascade', targetIdentity: 'e.contractor' } });
    expect(plan.destructive).toBe(false);
  });

  test('retargeting a reference clears the stored ids: destructive', () => {
    const plan = planChange((items) => replaceField(items, 'deal', 'contractor', (f) => ({ ...f, target: 'person' }) as Field));
    expect(lines(plan)).toEqual(['dropForeignKey deal', '!clearColumn deal.contractor', 'addForeignKey deal.contractor']);
    expect(plan.steps[2]!.step).toMatchObject({ references: { table: 'person', targetIdentity: 'e.person' } });
    expect(plan.destructive).toBe(true);
  });
});

describe('order of steps on existing tables', () => {
  test('drops, archives, renames, new columns, value renames, types, allowed values, nullability, foreign keys, indexes', () => {
    const plan = planChange((items) => {
      const c = entityIn(items, 'contractor');
      c.name = 'client';
      replaceField(items, 'deal', 'contractor', (f) => ({ ...f, target: 'client', onDelete: 'cascade' }) as Field);
      replaceField(items, 'person', 'employer', (f) => ({ ...f, target: 'client' }) as Field);
      replaceField(items, 'client', 'segment', (f) => ({ ...f, required: true, values: values('small', 'large').map((v) => (v.value === 'large' ? { ...v, value: 'big' } : v)) }) as Field);
      replaceField(items, 'client', 'email', (f) => ({ ...f, unique: true }));
      c.fields = c.fields.filter((f) => f.name !== 'nip');
      c.fields.push(field('string', 'city'));
      replaceField(items, 'deal', 'title', (f) => ({ ...f, maxLength: 500 }) as Field);
    });
    expect(lines(plan)).toEqual([
      expect.stringMatching(/^dropIndex uq_/), // client.nip's unique index (tables in schema order: client, deal, …)
      'dropForeignKey deal',
      '!archiveColumn contractor.nip', // before the rename: the table still has its old name
      'renameTable contractor → client',
      'renameColumn activity.contractor → client',
      'addColumn client.city',
      'renameValues client.segment',
      'alterColumnType deal.title widen',
      '!setAllowedValues client.segment',
      'setNotNull client.segment',
      'addForeignKey deal.contractor',
      'createIndex client(email)',
    ]);
    expect(plan.steps[8]!.step).toMatchObject({ values: ['small', 'big'], removed: ['medium'] });
  });
});
