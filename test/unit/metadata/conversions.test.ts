// Declared conversions, actions and numbering series as metadata (metadata/conversions.ts): the
// mapping of a record and its lines into the new record's values, its condition, the choice of a
// numbering series, and the semantic checks that refuse a broken declaration with a pointer.
import { chooseSeries } from '../../../engine/rules/numbering.ts';
import { buildModel, conversionAllowed, conversionValues, groupItems, validatePackage, type MetadataItem, type PackageFiles } from '../../../metadata/index.ts';

const label = (en: string) => ({ en });

function files(overrides: { offer?: Record<string, unknown>; order?: Record<string, unknown> } = {}): PackageFiles {
  const items: Record<string, MetadataItem> = {
    'tessera.json': { kind: 'manifest', name: 't', version: '1' } as MetadataItem,
    'entities/contractor.json': { kind: 'entity', id: 'c', name: 'contractor', label: label('C'), fields: [{ id: 'c.name', name: 'name', type: 'string', label: label('n') }] } as MetadataItem,
    'entities/offer.json': {
      kind: 'entity', id: 'o', name: 'offer', label: label('Offer'),
      fields: [
        { id: 'o.title', name: 'title', type: 'string', label: label('t') },
        { id: 'o.status', name: 'status', type: 'enum', label: label('s'), values: [{ value: 'draft', label: label('d') }, { value: 'rejected', label: label('r') }] },
        { id: 'o.contractor', name: 'contractor', type: 'reference', target: 'contractor', label: label('c') },
        { id: 'o.days', name: 'days', type: 'integer', label: label('d') },
        { id: 'o.lines', name: 'lines', type: 'lines', target: 'offer_line', parentField: 'offer', label: label('l') },
      ],
      conversions: [{ name: 'to_order', label: label('Order'), target: 'purchase', link: 'offer', when: 'status != "rejected"', fields: { subject: 'title + " (" + string(days * 2) + ")"', contractor: 'contractor', kind: '"standard"' }, lines: [{ from: 'lines', to: 'lines', when: 'quantity > 0', fields: { text: 'description', qty: 'quantity', price: 'net_price * 2' } }] }],
      actions: [{ name: 'make_order', label: { en: 'Generate order', pl: 'Generuj zamówienie', ro: 'Generează comanda' }, conversion: 'to_order' }],
      ...overrides.offer,
    } as MetadataItem,
    'entities/offer_line.json': {
      kind: 'entity', id: 'ol', name: 'offer_line', label: label('L'),
      fields: [{ id: 'ol.offer', name: 'offer', type: 'reference', target: 'offer', required: true, onDelete: 'cascade', label: label('o') }, { id: 'ol.description', name: 'description', type: 'string', label: label('d') }, { id: 'ol.quantity', name: 'quantity', type: 'decimal', label: label('q') }, { id: 'ol.net_price', name: 'net_price', type: 'decimal', label: label('p') }],
    } as MetadataItem,
    'entities/purchase.json': {
      kind: 'entity', id: 'r', name: 'purchase', label: label('Order'),
      numbering: { field: 'number', seriesField: 'register', series: [{ name: 'domestic', pattern: 'ZS/{seq}' }, { name: 'export', pattern: 'ZE/{seq}', when: 'kind = "export"' }] },
      fields: [
        { id: 'r.number', name: 'number', type: 'string', readOnly: true, label: label('n') },
        { id: 'r.register', name: 'register', type: 'enum', label: label('r'), values: [{ value: 'domestic', label: label('d') }, { value: 'export', label: label('e') }] },
        { id: 'r.subject', name: 'subject', type: 'string', label: label('s') },
        { id: 'r.kind', name: 'kind', type: 'string', label: label('k') },
        { id: 'r.contractor', name: 'contractor', type: 'reference', target: 'contractor', label: label('c') },
        { id: 'r.offer', name: 'offer', type: 'reference', target: 'offer', label: label('o') },
        { id: 'r.lines', name: 'lines', type: 'lines', target: 'purchase_line', parentField: 'purchase', label: label('l') },
      ],
      ...overrides.order,
    } as MetadataItem,
    'entities/purchase_line.json': {
      kind: 'entity', id: 'rl', name: 'purchase_line', label: label('RL'),
      fields: [{ id: 'rl.purchase', name: 'purchase', type: 'reference', target: 'purchase', required: true, onDelete: 'cascade', label: label('o') }, { id: 'rl.text', name: 'text', type: 'string', label: label('t') }, { id: 'rl.qty', name: 'qty', type: 'decimal', label: label('q') }, { id: 'rl.price', name: 'price', type: 'decimal', label: label('p') }, { id: 'rl.total', name: 'total', type: 'decimal', computed: 'qty * price', label: label('t') }],
    } as MetadataItem,
  };
  return { files: items };
}

const modelOf = (input: PackageFiles) => buildModel(groupItems(input.files as Record<string, MetadataItem>));

const problems = (input: PackageFiles) => {
  const result = validatePackage(input);
  return result.ok ? [] : result.errors.map((e) => `${e.file}${e.pointer} ${e.code}`);
};

test('a record and its lines map into the new record: FEEL over fields, references as ids, numbers from text, lines filtered and mapped, the link set', () => {
  expect(problems(files())).toEqual([]);
  const model = modelOf(files());
  const offer = model.entities.get('offer')!;
  const conversion = offer.conversions[0]!;
  const record = {
    id: 'o-1', title: 'Drukarki', status: 'draft', days: '7', contractor: { id: 'c-1', name: 'Kolorland' },
    lines: [{ id: 'l-1', description: 'A3', quantity: '2.0000', net_price: '10.50' }, { id: 'l-2', description: 'gratis', quantity: '0', net_price: '1' }, { id: 'l-3', description: 'B4', quantity: 1, net_price: 3 }],
  };
  expect(conversionValues(model, offer, conversion, record)).toEqual({
    subject: 'Drukarki (14)', contractor: 'c-1', kind: 'standard', offer: 'o-1',
    lines: [{ text: 'A3', qty: 2, price: 21 }, { text: 'B4', qty: 1, price: 6 }],
  });
  // Empty source values are left out (the target's defaults apply), lines absent give none.
  expect(conversionValues(model, offer, conversion, { id: 'o-2', title: null })).toEqual({ kind: 'standard', offer: 'o-2', lines: [] });
  expect(conversionAllowed(model, offer, conversion, record)).toBe(true);
  expect(conversionAllowed(model, offer, conversion, { ...record, status: 'rejected' })).toBe(false);
});

test('the series: the user’s pick first, then the first rule that holds, else refused with a pointer at the series field', () => {
  const order = modelOf(files()).entities.get('purchase')!;
  expect(chooseSeries(order, { register: 'export' }).pattern).toBe('ZE/{seq}');
  expect(chooseSeries(order, { kind: 'export' }).name).toBe('export');
  expect(chooseSeries(order, { register: 'domestic', kind: 'export' }).name).toBe('domestic');
  // "domestic" has no condition: it numbers what no rule claims.
  expect(chooseSeries(order, { kind: 'other' }).name).toBe('domestic');
  const strict = modelOf(files({ order: { numbering: { field: 'number', series: [{ name: 'export', pattern: 'ZE/{seq}', when: 'kind = "export"' }] } } })).entities.get('purchase')!;
  expect(() => chooseSeries(strict, {})).toThrow(expect.objectContaining({ problems: [expect.objectContaining({ pointer: '/number', code: 'NO_NUMBERING_SERIES' })] }));
  // An existing single-pattern numbering keeps its counter key (no series name in it).
  const plain = modelOf(files({ order: { numbering: { field: 'number', pattern: 'Z/{seq}' } } })).entities.get('purchase')!;
  expect(chooseSeries(plain, {})).toEqual({ name: null, pattern: 'Z/{seq}', reset: 'yearly', per: [] });
});

test('broken declarations are refused with pointers', () => {
  const bad = files({
    offer: {
      conversions: [
        { name: 'to_order', label: label('a'), target: 'purchase', link: 'contractor', fields: { nope: 'title', lines: 'lines', subject: 'title +' }, lines: [{ from: 'title', to: 'lines', fields: { purchase: 'id', total: '1' } }] },
        { name: 'to_order', label: label('b'), target: 'ghost', link: 'offer' },
      ],
      actions: [{ name: 'go', label: label('Go'), conversion: 'to_nowhere' }, { name: 'go', label: label('Go'), conversion: 'to_order', workflow: 'p' }],
    },
    order: { numbering: { field: 'number', seriesField: 'kind', series: [{ name: 'a', pattern: 'A/{seq}', per: ['missing'] }, { name: 'a', pattern: 'B/{seq}', when: 'kind =' }] } },
  });
  expect(problems(bad).sort()).toEqual([
    'entities/offer.json/actions/0/conversion META_UNKNOWN_FIELD',
    'entities/offer.json/actions/1 META_SCHEMA',
    'entities/offer.json/actions/1/name META_DUPLICATE_NAME',
    'entities/offer.json/conversions/0/fields/lines META_FIELD_KIND',
    'entities/offer.json/conversions/0/fields/nope META_UNKNOWN_FIELD',
    'entities/offer.json/conversions/0/fields/subject META_FEEL_SYNTAX',
    'entities/offer.json/conversions/0/lines/0/fields/purchase META_UNKNOWN_FIELD',
    'entities/offer.json/conversions/0/lines/0/fields/total META_FIELD_KIND',
    'entities/offer.json/conversions/0/lines/0/from META_FIELD_KIND',
    'entities/offer.json/conversions/0/link META_FIELD_KIND',
    'entities/offer.json/conversions/1/name META_DUPLICATE_NAME',
    'entities/offer.json/conversions/1/target META_UNKNOWN_ENTITY',
    'entities/purchase.json/numbering/series/0/per/0 META_UNKNOWN_FIELD',
    'entities/purchase.json/numbering/series/1/name META_DUPLICATE_NAME',
    'entities/purchase.json/numbering/series/1/when META_FEEL_SYNTAX',
    'entities/purchase.json/numbering/seriesField META_FIELD_KIND',
  ]);
  expect(problems(files({ order: { numbering: { field: 'number' } } }))).toEqual(['entities/purchase.json/numbering META_SCHEMA']);
  expect(problems(files({ order: { numbering: { field: 'number', pattern: 'Z/{seq}', dateField: 'subject' } } }))).toEqual(['entities/purchase.json/numbering/dateField META_FIELD_KIND']);
});

test('a fan-out (recipients): the field mapping reads the recipient, an unknown recipients type is refused', () => {
  const fanOut = { name: 'for_each', label: label('Per contractor'), target: 'purchase', link: 'offer', recipients: 'contractor', fields: { subject: 'title + " — " + recipient.name', contractor: 'recipient.id' }, lines: [{ from: 'lines', to: 'lines', fields: { text: 'description' } }] };
  const input = files({ offer: { conversions: [fanOut], actions: [] } });
  expect(problems(input)).toEqual([]);
  const model = modelOf(input);
  const offer = model.entities.get('offer')!;
  const record = { id: 'o-1', title: 'Szablon', lines: [{ id: 'l-1', description: 'A3' }] };
  expect(conversionValues(model, offer, offer.conversions[0]!, record, { id: 'c-7', name: 'Kolorland' })).toEqual({ subject: 'Szablon — Kolorland', contractor: 'c-7', offer: 'o-1', lines: [{ text: 'A3' }] });
  expect(problems(files({ offer: { conversions: [{ ...fanOut, recipients: 'ghost' }], actions: [] } }))).toEqual(['entities/offer.json/conversions/0/recipients META_UNKNOWN_ENTITY']);
});
