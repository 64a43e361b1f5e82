import { CHANGE_OPS, CHANGE_WORDS, describeChange, diffPackages, type PackageDiff } from '../../../metadata/index.ts';

const label = (en: string, pl = en, ro = en) => ({ en, pl, ro });
const contractor = {
  kind: 'entity',
  id: 'crm.contractor',
  name: 'contractor',
  label: label('Contractor'),
  fields: [
    { id: 'crm.contractor.name', name: 'name', type: 'string', label: label('Name'), required: true },
    { id: 'crm.contractor.nip', name: 'nip', type: 'string', label: label('NIP') },
    { id: 'crm.contractor.fax', name: 'fax', type: 'string', label: label('Fax') },
    {
      id: 'crm.contractor.kind',
      name: 'kind',
      type: 'enum',
      label: label('Kind'),
      values: [
        { id: 'crm.contractor.kind.company', value: 'company', label: label('Company', 'Firma', 'Firmă') },
        { id: 'crm.contractor.kind.person', value: 'person', label: label('Person') },
      ],
    },
  ],
  numbering: { field: 'name', series: [{ name: 'a', pattern: 'K/{seq}' }] },
};
const machine = {
  kind: 'statusMachine',
  id: 'crm.status.lead',
  name: 'lead_status',
  entity: 'lead',
  field: 'status',
  label: label('Lead status'),
  states: [
    { id: 'crm.status.lead.new', name: 'new', label: label('New') },
    { id: 'crm.status.lead.won', name: 'won', label: label('Won'), final: true },
  ],
  transitions: [{ id: 'crm.status.lead.t.win', from: ['new'], to: 'won', label: label('Win') }],
};
const role = { kind: 'role', id: 'crm.role.sales', name: 'salesperson', label: label('Salesperson'), permissions: [{ entity: 'contractor', read: 'all', update: 'own', fields: { nip: 'read' } }] };
const before = { 'tessera.json': { kind: 'manifest', name: 'crm' }, 'entities/contractor.json': contractor, 'status-machines/lead.json': machine, 'roles/sales.json': role };

const clone = <T>(v: T): T => structuredClone(v);
const ops = (diff: PackageDiff, entity: string | null) => diff.groups.find((g) => g.entity === entity)?.changes.map((c) => `${c.op}:${c.part ?? c.name}${c.property ? `.${c.property}` : ''}`) ?? [];

describe('the diff of two metadata packages', () => {
  it('is empty for the same package, whatever the key order', () => {
    const reordered = Object.fromEntries(Object.entries(before).reverse());
    expect(diffPackages(before, reordered)).toEqual({ groups: [], count: 0 });
  });

  it('tells fields added, renamed (same id, new name), removed and changed, and enum values, under their entity type', () => {
    const after = clone(before);
    const fields = after['entities/contractor.json'].fields as Record<string, unknown>[];
    fields[1]!.name = 'tax_id'; // renamed: same id
    fields[0]!.required = false;
    fields.splice(2, 1); // fax removed
    fields.push({ id: 'crm.contractor.industry', name: 'industry', type: 'string', label: label('Industry') });
    (fields[2]!.values as unknown[]).push({ id: 'crm.contractor.kind.ngo', value: 'ngo', label: label('NGO') });
    (fields[2]!.values as unknown[]).splice(1, 1);
    after['entities/contractor.json'].numbering.series[0]!.pattern = 'KH/{seq}';
    const diff = diffPackages(before, after);
    expect(ops(diff, 'contractor').sort()).toEqual(
      ['propertyChanged:contractor.numbering', 'fieldAdded:industry', 'fieldRemoved:fax', 'fieldRenamed:tax_id', 'fieldChanged:name.required', 'valueAdded:kind', 'valueRemoved:kind'].sort(),
    );
    expect(diff.count).toBe(7);
    const renamed = diff.groups[0]!.changes.find((c) => c.op === 'fieldRenamed')!;
    expect(describeChange(renamed, 'en')).toBe('field renamed from nip to tax_id');
    expect(describeChange(renamed, 'pl')).toBe('zmieniono nazwę pola z nip na tax_id');
    expect(describeChange(renamed, 'ro')).toBe('câmp redenumit din nip în tax_id');
    const required = diff.groups[0]!.changes.find((c) => c.op === 'fieldChanged')!;
    expect(describeChange(required, 'pl')).toBe('pole name: zmieniono required z true na false');
    const removedValue = diff.groups[0]!.changes.find((c) => c.op === 'valueRemoved')!;
    expect(describeChange(removedValue, 'en')).toBe('field kind: value Person removed');
  });

  it('tells states and transitions changed, filed under the machine’s entity type', () => {
    const after = clone(before);
    const m = after['status-machines/lead.json'];
    m.states.push({ id: 'crm.status.lead.lost', name: 'lost', label: label('Lost'), final: true });
    m.states[0]!.name = 'open';
    m.transitions.push({ id: 'crm.status.lead.t.lose', from: ['open'], to: 'lost', label: label('Lose') });
    m.transitions[0]!.from = ['open'];
    const diff = diffPackages(before, after);
    expect(ops(diff, 'lead')).toEqual(['stateAdded:lost', 'stateRenamed:open', 'transitionAdded:open → lost', 'transitionChanged:open → won.from']);
    expect(describeChange(diff.groups[0]!.changes[0]!, 'pl')).toBe('maszyna statusów lead_status: dodano stan lost');
    expect(describeChange(diff.groups[0]!.changes[1]!, 'ro')).toBe('mașină de stări lead_status: starea new redenumită în open');
    expect(describeChange({ op: 'stateAdded', item: 'pipeline', name: 'sales', part: 'won' }, 'en')).toBe('pipeline sales: stage won added');
  });

  it('tells a role’s rights and field rights per entity type, in the entity type’s group', () => {
    const after = clone(before);
    const p = after['roles/sales.json'].permissions[0]! as Record<string, unknown>;
    p.update = 'all';
    p.delete = 'own';
    p.fields = { nip: 'hidden' };
    const diff = diffPackages(before, after);
    expect(ops(diff, 'contractor')).toEqual(['rightChanged:contractor.update', 'rightChanged:contractor.delete', 'fieldRightChanged:contractor.nip']);
    const [update, removed, field] = diff.groups[0]!.changes;
    expect(describeChange(update!, 'en')).toBe('role salesperson: right update on contractor changed from own to all');
    expect(describeChange(removed!, 'pl')).toBe('rola salesperson: prawo delete do contractor zmienione z (brak) na own');
    expect(describeChange(field!, 'ro')).toBe('rolul salesperson: accesul la câmpul contractor.nip schimbat din read în hidden');
  });

  it('tells items added, removed and renamed by their ids, not their files; the package’s own under null, last', () => {
    const after = clone(before) as Record<string, unknown>;
    delete after['status-machines/lead.json'];
    after['entities/company.json'] = { ...contractor, name: 'company' }; // the same id in another file: a rename
    delete after['entities/contractor.json'];
    after['views/mine.json'] = { kind: 'view', id: 'crm.view.mine', name: 'mine', entity: 'company', label: label('Mine', 'Moje') };
    after['tessera.json'] = { kind: 'manifest', name: 'crm', defaultLanguage: 'pl' };
    const diff = diffPackages(before, after);
    expect(diff.groups.map((g) => g.entity)).toEqual(['company', 'lead', null]);
    expect(ops(diff, 'company')).toEqual(['itemAdded:mine', 'itemRenamed:company']);
    expect(ops(diff, 'lead')).toEqual(['itemRemoved:lead_status']);
    expect(ops(diff, null)).toEqual(['propertyChanged:crm.defaultLanguage']);
    expect(describeChange(diff.groups[0]!.changes[0]!, 'pl')).toBe('dodano widok mine');
    expect(describeChange(diff.groups[0]!.changes[1]!, 'en')).toBe('entity type renamed from contractor to company');
  });

  it('reads a first version as everything added', () => {
    const diff = diffPackages({}, before);
    expect(diff.count).toBe(4);
    expect(diff.groups.flatMap((g) => g.changes).every((c) => c.op === 'itemAdded')).toBe(true);
  });

  it('has words for every change in every language, each naming what it is about', () => {
    for (const op of CHANGE_OPS) {
      for (const language of ['en', 'pl', 'ro'] as const) expect(CHANGE_WORDS[op][language]).toMatch(/\{(name|part|before|after)\}/);
    }
  });
});
