// The physical schema a model implies: column types, system columns, foreign keys, indexes, join
// tables and the activity table.
import { atPlatformLevel, fieldColumnType, joinTableName, objectName, physicalSchema, PLATFORM_LEVEL, quoteIdent, searchExpression, SYSTEM_COLUMNS, type ColumnType, type Field } from '../../../metadata/index.ts';
import { activityKind, columnOf, contractor, crm, crmItems, entity, field, modelOf, packageOf, person, physicalOf, tableOf, values } from './package-builder.ts';

describe('column type of each field type', () => {
  test.each<[string, Field, ColumnType]>([
    ['string', field('string', 'x'), { kind: 'varchar', length: 255 }],
    ['string maxLength', field('string', 'x', { maxLength: 80 }), { kind: 'varchar', length: 80 }],
    ['text', field('text', 'x'), { kind: 'text' }],
    ['integer', field('integer', 'x'), { kind: 'integer' }],
    ['integer big', field('integer', 'x', { big: true }), { kind: 'bigint' }],
    ['decimal', field('decimal', 'x'), { kind: 'numeric', precision: 18, scale: 4 }],
    ['decimal precision/scale', field('decimal', 'x', { precision: 10, scale: 3 }), { kind: 'numeric', precision: 10, scale: 3 }],
    ['percent', field('percent', 'x'), { kind: 'numeric', precision: 5, scale: 2 }],
    ['money (amount)', field('money', 'x'), { kind: 'numeric', precision: 18, scale: 2 }],
    ['boolean', field('boolean', 'x'), { kind: 'boolean' }],
    ['date', field('date', 'x'), { kind: 'date' }],
    ['datetime', field('datetime', 'x'), { kind: 'timestamptz' }],
    ['enum', field('enum', 'x', { values: values('a') }), { kind: 'varchar', length: 48 }],
    ['state', field('state', 'x'), { kind: 'varchar', length: 48 }],
    ['email', field('email', 'x'), { kind: 'varchar', length: 254 }],
    ['phone', field('phone', 'x'), { kind: 'varchar', length: 32 }],
    ['url', field('url', 'x'), { kind: 'varchar', length: 2048 }],
    ['taxId', field('taxId', 'x'), { kind: 'varchar', length: 16 }],
    ['reference', field('reference', 'x', { target: 'contractor' }), { kind: 'uuid' }],
    ['attachment', field('attachment', 'x'), { kind: 'uuid' }],
    ['json', field('json', 'x'), { kind: 'jsonb' }],
  ])('%s', (_, f, expected) => {
    expect(fieldColumnType(f)).toEqual(expected);
  });

  test('many-to-many has no column', () => {
    expect(() => fieldColumnType(field('manyToMany', 'x', { target: 'contractor' }))).toThrow(/join table/);
  });
});

describe('entity tables', () => {
  const schema = physicalOf(crm());

  test('one table per entity type plus the activity table, named after the entity types', () => {
    expect(schema.tables.map((t) => [t.name, t.identity])).toEqual([
      ['contractor', 'e.contractor'],
      ['deal', 'e.deal'],
      ['person', 'e.person'],
      ['activity', 'platform.activity'],
    ]);
  });

  test('every table starts with the system columns; user columns reference tessera.users', () => {
    const deal = tableOf(schema, 'deal');
    expect(deal.columns.slice(0, SYSTEM_COLUMNS.length).map((c) => c.name)).toEqual([...SYSTEM_COLUMNS]);
    expect(columnOf(deal, 'id')).toMatchObject({ type: { kind: 'uuid' }, notNull: true, defaultSql: 'gen_random_uuid()' });
    expect(columnOf(deal, 'version')).toMatchObject({ type: { kind: 'integer' }, notNull: true, defaultSql: '1' });
    for (const name of ['created_by', 'updated_by', 'deleted_by', 'owner']) {
      expect(columnOf(deal, name).references).toEqual({ schema: 'tessera', table: 'users', onDelete: 'setNull', targetIdentity: 'platform.users' });
    }
  });

  test('field columns carry stable identities from field ids and their origin in the package', () => {
    const contractorTable = tableOf(schema, 'contractor');
    expect(columnOf(contractorTable, 'nip')).toMatchObject({ identity: 'field.f.nip', type: { kind: 'varchar', length: 16 }, notNull: false, origin: 'entities/contractor.json#/fields/1' });
    expect(columnOf(contractorTable, 'name')).toMatchObject({ notNull: true });
  });

  test('a money field is two columns: amount and currency', () => {
    const deal = tableOf(schema, 'deal');
    expect(columnOf(deal, 'amount')).toMatchObject({ identity: 'field.f.amount', type: { kind: 'numeric', precision: 18, scale: 2 } });
    expect(columnOf(deal, 'amount_currency')).toMatchObject({ identity: 'field.f.amount#currency', type: { kind: 'varchar', length: 3 } });
  });

  test('enum and state columns list their allowed values with ids; a state column is NOT NULL with the initial state as backfill', () => {
    expect(columnOf(tableOf(schema, 'contractor'), 'segment')).toMatchObject({ allowedValues: [{ id: 'v.small', value: 'small' }, { id: 'v.medium', value: 'medium' }, { id: 'v.large', value: 'large' }], backfill: 'small', notNull: false });
    const stage = columnOf(tableOf(schema, 'deal'), 'stage');
    expect(stage.notNull).toBe(true);
    expect(stage.backfill).toBe('new_opportunity');
    expect(stage.allowedValues?.map((v) => v.value)).toEqual(['new_opportunity', 'presentation', 'offering', 'negotiation', 'sale', 'lost']);
  });

  test('references: foreign key to the target (restrict by default), or to tessera.users / tessera.teams; attachments to tessera.files', () => {
    const items = [...crmItems(), entity('document', [field('string', 'title'), field('reference', 'author', { target: 'user' }), field('attachment', 'scan'), field('reference', 'deal', { target: 'deal', onDelete: 'cascade' }), field('reference', 'desk', { target: 'team' })])];
    const doc = tableOf(physicalOf(packageOf(...items)), 'document');
    expect(columnOf(doc, 'author').references).toEqual({ schema: 'tessera', table: 'users', onDelete: 'restrict', targetIdentity: 'platform.users' });
    expect(columnOf(doc, 'desk').references).toEqual({ schema: 'tessera', table: 'teams', onDelete: 'restrict', targetIdentity: 'platform.teams' });
    expect(columnOf(doc, 'scan').references).toEqual({ schema: 'tessera', table: 'files', onDelete: 'restrict', targetIdentity: 'platform.files' });
    expect(columnOf(doc, 'deal').references).toEqual({ schema: 'public', table: 'deal', onDelete: 'cascade', targetIdentity: 'e.deal' });
  });

  test('indexes: unique fields (live rows only), indexed, reference and state fields, declared indexes, created_at and search', () => {
    const c = contractor([field('string', 'city', { indexed: true }), field('reference', 'parent', { target: 'contractor' })]);
    c.indexes = [{ id: 'by_city_segment', fields: ['city', 'segment'], unique: true }];
    const table = tableOf(physicalOf(packageOf(c)), 'contractor');
    expect(table.indexes.map((i) => [i.columns.join(',') || i.expression, i.unique, i.liveOnly ?? false])).toEqual([
      ['nip', true, true],
      ['city', false, false],
      ['parent', false, false],
      ['city,segment', true, true],
      ['created_at,id', false, false],
      [`${searchExpression(['name'])} gin_trgm_ops`, false, false],
    ]);
    expect(table.indexes.every((i) => /^(ix|uq|ts)_[0-9a-f]{16}$/.test(i.name))).toBe(true);
  });

  test('a live index leaves deleted records out, and may name a money field\'s currency (a report\'s covering index)', () => {
    const d = entity('deal', [field('date', 'signed'), field('enum', 'stage', { values: values('new', 'won') }), field('money', 'value')]);
    d.indexes = [{ id: 'report', fields: ['signed', 'stage', 'value', 'value_currency'], live: true }];
    const index = tableOf(physicalOf(packageOf(d)), 'deal').indexes.find((i) => i.identity.endsWith('index.report'))!;
    expect([index.columns, index.unique, index.liveOnly]).toEqual([['signed', 'stage', 'value', 'value_currency'], false, true]);
  });

  test('the search index covers the searchable fields, or the display field when none is searchable', () => {
    const searchOf = (fields: Field[], displayField?: string) => tableOf(physicalOf(packageOf(entity('product', fields, displayField ? { displayField } : {}))), 'product').indexes.find((i) => i.method === 'gin')?.expression;
    expect(searchOf([field('string', 'code', { searchable: true }), field('text', 'description', { searchable: true })])).toBe(`${searchExpression(['code', 'description'])} gin_trgm_ops`);
    expect(searchOf([field('integer', 'qty'), field('string', 'code')])).toBe(`${searchExpression(['code'])} gin_trgm_ops`);
    expect(searchOf([field('integer', 'qty')])).toBeUndefined();
  });

  test('an index with a sort: the fields, then the sort keys as the list orders them (text in the business language, the id as tie-breaker in the last key\'s direction)', () => {
    const c = contractor([field('string', 'city'), field('integer', 'rank'), field('reference', 'parent', { target: 'contractor' })]);
    c.indexes = [
      { id: 'by_place', fields: ['city', 'segment'], sort: ['name'], live: true },
      { id: 'by_name', fields: [], sort: ['-name'], live: true },
      { id: 'by_rank', fields: ['segment'], sort: ['-rank', 'email'] },
      { id: 'by_id', fields: ['city'], sort: ['-id'] },
    ];
    const files = packageOf(c);
    (files.files['tessera.json'] as Record<string, unknown>).defaultLanguage = 'pl';
    const table = tableOf(physicalOf(files), 'contractor');
    const declared = (id: string) => table.indexes.find((i) => i.identity.endsWith(`index.${id}`))!;
    expect(declared('by_place')).toMatchObject({ columns: ['city', 'segment', 'name', 'id'], liveOnly: true, sortText: { language: 'pl', columns: ['name'] } });
    expect(declared('by_place').descending).toBeUndefined();
    expect(declared('by_name')).toMatchObject({ columns: ['name', 'id'], descending: ['name', 'id'], sortText: { language: 'pl', columns: ['name'] } });
    // An enum and an e-mail sort as text; a number does not; the last key is ascending, so is the id.
    expect(declared('by_rank')).toMatchObject({ columns: ['segment', 'rank', 'email', 'id'], descending: ['rank'], sortText: { language: 'pl', columns: ['email'] } });
    expect(declared('by_id')).toMatchObject({ columns: ['city', 'id'], descending: ['id'] });
    expect(declared('by_id').sortText).toBeUndefined();
    // Without a business language, text sorts as English would.
    expect(tableOf(physicalOf(packageOf(c)), 'contractor').indexes.find((i) => i.identity.endsWith('index.by_place'))!.sortText).toEqual({ language: 'en', columns: ['name'] });
  });

  test('a declared index with a sort over every row that leads with a reference, indexed or state column stands in for its own index; a live one does not', () => {
    const columnsOf = (live: boolean) => {
      const c = contractor([field('reference', 'parent', { target: 'contractor' }), field('string', 'city', { indexed: true })]);
      c.indexes = [{ id: 'children', fields: ['parent'], sort: ['-created_at'], ...(live ? { live } : {}) }, { id: 'by_city', fields: ['city', 'name'] }];
      return tableOf(physicalOf(packageOf(c)), 'contractor').indexes.map((i) => i.columns.join(','));
    };
    expect(columnsOf(false)).toEqual(['nip', 'city', 'parent,created_at,id', 'city,name', 'created_at,id', '']);
    expect(columnsOf(true)).toEqual(['nip', 'parent', 'city', 'parent,created_at,id', 'city,name', 'created_at,id', '']);
  });

  test('index names are unique across tables even when field and index ids repeat', () => {
    const invoice = entity('invoice', [field('reference', 'contractor', { id: 'contractor', target: 'contractor' }), field('string', 'number', { id: 'number', unique: true })], { indexes: [{ id: 'by_date', fields: ['created_at'] }] });
    const offer = entity('offer', [field('reference', 'contractor', { id: 'contractor', target: 'contractor' }), field('string', 'number', { id: 'number', unique: true })], { indexes: [{ id: 'by_date', fields: ['created_at'] }] });
    const names = physicalOf(packageOf(contractor(), invoice, offer)).tables.flatMap((t) => t.indexes.map((i) => i.name));
    expect(new Set(names).size).toBe(names.length);
  });
});

describe('many-to-many join tables', () => {
  const items = () => [contractor(), entity('campaign', [field('string', 'name'), field('manyToMany', 'members', { target: 'contractor', roles: values('target', 'sponsor') })])];
  const schema = physicalOf(packageOf(...items()));

  test('the owner table has no column for the field; the join table is named entity__field', () => {
    expect(tableOf(schema, 'campaign').columns.map((c) => c.name)).not.toContain('members');
    const join = tableOf(schema, joinTableName('campaign', 'members'));
    expect(join.name).toBe('campaign__members');
    expect(join.identity).toBe('join.e.campaign.f.members');
    expect(join.joinOf).toEqual({ entity: 'campaign', field: 'members' });
  });

  test('source and target cascade, role defaults to "" and allows the declared roles, unique (source, target, role)', () => {
    const join = tableOf(schema, 'campaign__members');
    expect(join.columns.map((c) => [c.name, c.type.kind, c.notNull])).toEqual([
      ['id', 'uuid', true],
      ['source', 'uuid', true],
      ['target', 'uuid', true],
      ['role', 'varchar', true],
      ['position', 'integer', true],
    ]);
    expect(columnOf(join, 'source').references).toMatchObject({ table: 'campaign', onDelete: 'cascade' });
    expect(columnOf(join, 'target').references).toMatchObject({ table: 'contractor', onDelete: 'cascade' });
    expect(columnOf(join, 'role')).toMatchObject({ defaultSql: "''", allowedValues: [{ value: '' }, { id: 'v.target', value: 'target' }, { id: 'v.sponsor', value: 'sponsor' }] });
    expect(join.indexes.map((i) => [i.columns.join(','), i.unique])).toEqual([
      ['source,target,role', true],
      ['target', false],
    ]);
  });
});

describe('the activity table', () => {
  const schema = physicalOf(packageOf(...crmItems(), activityKind('call', [field('integer', 'duration'), field('enum', 'direction', { values: values('in', 'out') })]), activityKind('meeting', [field('integer', 'duration'), field('string', 'place')])));
  const activity = tableOf(schema, 'activity');

  test('kind, common fields, one link per entity type accepting activities, then the kind-specific fields (shared ones once)', () => {
    expect(activity.columns.slice(SYSTEM_COLUMNS.length).map((c) => c.name)).toEqual([
      'kind',
      'subject',
      'status',
      'priority',
      'assignee',
      'team',
      'start_at',
      'end_at',
      'deadline',
      'percent_done',
      'resolved_at',
      'parent',
      'description',
      'resolution',
      'contractor',
      'person',
      'duration',
      'direction',
      'place',
    ]);
  });

  test('kind lists the package kinds; required common fields are NOT NULL; kind-specific fields never are', () => {
    expect(columnOf(activity, 'kind')).toMatchObject({ notNull: true, allowedValues: [{ id: 'k.call', value: 'call' }, { id: 'k.meeting', value: 'meeting' }] });
    expect(['subject', 'status', 'priority'].map((n) => columnOf(activity, n).notNull)).toEqual([true, true, true]);
    expect(columnOf(activity, 'status').backfill).toBe('open');
    expect(['duration', 'direction', 'place'].map((n) => columnOf(activity, n).notNull)).toEqual([false, false, false]);
  });

  test('links cascade from the linked record; parent cascades; assignee is set null', () => {
    expect(columnOf(activity, 'contractor')).toMatchObject({ identity: 'field.platform.activity.link.e.contractor', references: { table: 'contractor', onDelete: 'cascade' } });
    expect(columnOf(activity, 'parent').references).toMatchObject({ table: 'activity', onDelete: 'cascade' });
    expect(columnOf(activity, 'assignee').references).toMatchObject({ schema: 'tessera', table: 'users', onDelete: 'setNull' });
  });

  test('team: a foreign key to tessera.teams, set null when the team is deleted; indexed alone and with status (a team\'s open tasks)', () => {
    expect(columnOf(activity, 'team')).toMatchObject({ identity: 'field.platform.activity.team', type: { kind: 'uuid' }, notNull: false, references: { schema: 'tessera', table: 'teams', onDelete: 'setNull', targetIdentity: 'platform.teams' } });
    const indexed = activity.indexes.map((i) => i.columns.join(','));
    expect(indexed).toContain('team');
    expect(indexed).toContain('team,status');
  });

  test('at platform level 1 (before the team field) the same model has no team column and no team indexes; entity types are the same', () => {
    const model = modelOf(packageOf(...crmItems()));
    const [levelTwo, levelOne] = [physicalSchema(model, 2), physicalSchema(model, 1)];
    expect(atPlatformLevel('platform.activity.team', 1)).toBe(false);
    expect(atPlatformLevel('platform.activity.assignee', 1)).toBe(true);
    const old = tableOf(levelOne, 'activity');
    expect(old.columns.map((c) => c.name)).toEqual(tableOf(levelTwo, 'activity').columns.map((c) => c.name).filter((n) => n !== 'team'));
    expect(old.indexes.map((i) => i.columns.join(','))).toEqual(tableOf(levelTwo, 'activity').indexes.map((i) => i.columns.join(',')).filter((c) => !c.startsWith('team')));
    expect(tableOf(levelOne, 'contractor')).toEqual(tableOf(physicalSchema(model), 'contractor'));
  });

  test('at platform level 3 each link has a timeline index (the link, then newest first) in place of its own index; level 2 has the plain link index', () => {
    const model = modelOf(packageOf(...crmItems()));
    expect(PLATFORM_LEVEL).toBe(3);
    const links = (level: number) =>
      tableOf(physicalSchema(model, level), 'activity').indexes.filter((i) => ['contractor', 'person'].includes(i.columns[0]!)).map((i) => [i.columns.join(','), i.descending ?? [], i.liveOnly ?? false]);
    expect(links(3)).toEqual([
      ['contractor,created_at,id', ['created_at', 'id'], false],
      ['person,created_at,id', ['created_at', 'id'], false],
    ]);
    expect(links(2)).toEqual([
      ['contractor', [], false],
      ['person', [], false],
    ]);
    expect(tableOf(physicalSchema(model, 2), 'contractor')).toEqual(tableOf(physicalSchema(model), 'contractor'));
  });

  test('entity types without activities get no link', () => {
    expect(activity.columns.map((c) => c.name)).not.toContain('deal');
    const withoutActivities = tableOf(physicalOf(packageOf({ ...contractor(), activities: false }, { ...person(), activities: false })), 'activity');
    expect(withoutActivities.columns.map((c) => c.name)).not.toContain('contractor');
  });
});

describe('names', () => {
  test('objectName: prefix and 16 hex digits of the identity hash, stable and within 63 bytes', () => {
    const name = objectName('ix', 'e.contractor/field.f.nip#index');
    expect(name).toMatch(/^ix_[0-9a-f]{16}$/);
    expect(objectName('ix', 'e.contractor/field.f.nip#index')).toBe(name);
    expect(objectName('uq', 'e.contractor/field.f.nip#index')).not.toBe(name);
    expect(objectName('ix', 'e.contractor/field.f.nip2#index')).not.toBe(name);
  });

  test('quoteIdent doubles quotes', () => {
    expect(quoteIdent('deal')).toBe('"deal"');
    expect(quoteIdent('a"b')).toBe('"a""b"');
  });

  test('searchExpression folds the fields with tessera.fold', () => {
    expect(searchExpression(['name', 'nip'])).toBe(`(tessera.fold(coalesce("name"::text, '') || ' ' || coalesce("nip"::text, '')))`);
  });
});
