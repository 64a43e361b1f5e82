// The designer's layout editor operations: fields move between sections and the palette, reorder,
// sections are added, changed, reordered and removed; every result places each field at most once
// and names only fields of the type, and the edited layout validates and drives the generated form.
import { addSection, addVariant, moveField, removeVariant, setVariantLayout, toggleVariantRole, newSectionId, normalizeLayout, recordForm, removeSection, sectionOf, shiftField, shiftSection, unplacedFields, updateSection, type LayoutSection } from '../../../forms/index.ts';
import { contractor, errorsOf, modelOf, packageOf } from '../metadata/package-builder.ts';

const FIELDS = ['name', 'nip', 'segment', 'email'];
const LAYOUT: LayoutSection[] = [
  { id: 'main', label: { en: 'Company' }, columns: 2, fields: ['name', 'nip'] },
  { id: 'more', label: { en: 'More' }, tab: 'More', fields: ['segment'] },
];
const placements = (layout: readonly LayoutSection[]) => layout.flatMap((s) => s.fields);

describe('fields', () => {
  test('a field moves to another section, at an index or at the end, and is placed once', () => {
    const moved = moveField(LAYOUT, FIELDS, 'nip', { section: 'more', index: 0 });
    expect(moved.map((s) => s.fields)).toEqual([['name'], ['nip', 'segment']]);
    expect(moveField(LAYOUT, FIELDS, 'name', { section: 'more' }).map((s) => s.fields)).toEqual([['nip'], ['segment', 'name']]);
    expect(sectionOf(moved, 'nip')).toBe('more');
    expect(LAYOUT[0]!.fields).toEqual(['name', 'nip']);
  });

  test('an unplaced field is placed from the palette, and a placed one goes back to it', () => {
    expect(unplacedFields(LAYOUT, FIELDS)).toEqual(['email']);
    const placed = moveField(LAYOUT, FIELDS, 'email', { section: 'main', index: 1 });
    expect(placed[0]!.fields).toEqual(['name', 'email', 'nip']);
    expect(unplacedFields(placed, FIELDS)).toEqual([]);
    const back = moveField(placed, FIELDS, 'name', { section: null });
    expect(back[0]!.fields).toEqual(['email', 'nip']);
    expect(unplacedFields(back, FIELDS)).toEqual(['name']);
  });

  test('a drop within its own section counts the index in the list as shown', () => {
    const layout: LayoutSection[] = [{ id: 'a', fields: ['name', 'nip', 'segment', 'email'] }];
    // Dropped before "email" (index 3 as shown, with "name" still in the list).
    expect(moveField(layout, FIELDS, 'name', { section: 'a', index: 3 })[0]!.fields).toEqual(['nip', 'segment', 'name', 'email']);
    expect(moveField(layout, FIELDS, 'email', { section: 'a', index: 0 })[0]!.fields).toEqual(['email', 'name', 'nip', 'segment']);
  });

  test('up and down reorder within the section and stop at its ends', () => {
    expect(shiftField(LAYOUT, FIELDS, 'nip', -1)[0]!.fields).toEqual(['nip', 'name']);
    expect(shiftField(LAYOUT, FIELDS, 'name', 1)[0]!.fields).toEqual(['nip', 'name']);
    expect(shiftField(LAYOUT, FIELDS, 'name', -1)[0]!.fields).toEqual(['name', 'nip']);
    expect(shiftField(LAYOUT, FIELDS, 'email', 1)).toEqual(LAYOUT);
  });

  test('unknown fields, doubles and moves to unknown sections are dropped, not written', () => {
    const messy: LayoutSection[] = [
      { id: 'a', fields: ['name', 'gone', 'nip'] },
      { id: 'b', fields: ['nip', 'segment', 'name'] },
    ];
    expect(normalizeLayout(messy, FIELDS).map((s) => s.fields)).toEqual([['name', 'nip'], ['segment']]);
    expect(placements(moveField(messy, FIELDS, 'segment', { section: 'nowhere' }))).toEqual(['name', 'nip', 'segment']);
    expect(placements(moveField(messy, FIELDS, 'gone', { section: 'a' }))).toEqual(['name', 'nip', 'segment']);
    expect(normalizeLayout(undefined, FIELDS)).toEqual([]);
  });
});

describe('sections', () => {
  test('a new section gets a free id, starts empty, and is removed with its fields unplaced', () => {
    const id = newSectionId('crm.contractor', LAYOUT);
    expect(id).toBe('crm.contractor.s.3');
    expect(newSectionId('crm.contractor', [...LAYOUT, { id, fields: ['email'] }])).toBe('crm.contractor.s.4');
    const added = addSection(LAYOUT, { id, label: { en: 'Contact' }, columns: 9 });
    expect(added[2]).toEqual({ id, label: { en: 'Contact' }, columns: 4, fields: [] });
    expect(addSection(added, { id })).toHaveLength(3);
    const removed = removeSection(LAYOUT, 'main');
    expect(removed.map((s) => s.id)).toEqual(['more']);
    expect(unplacedFields(removed, FIELDS)).toEqual(['name', 'nip', 'email']);
  });

  test('label, tab and columns change; empty ones are left out; sections reorder', () => {
    const changed = updateSection(LAYOUT, 'more', { label: { en: 'Money', pl: 'Pieniądze', ro: '' }, tab: '  ', columns: 0 });
    expect(changed[1]).toEqual({ id: 'more', label: { en: 'Money', pl: 'Pieniądze' }, columns: 1, fields: ['segment'] });
    expect(updateSection(LAYOUT, 'main', { label: { en: '' } })[0]).not.toHaveProperty('label');
    expect(updateSection(LAYOUT, 'main', { tab: 'Finance' })[0]!.tab).toBe('Finance');
    expect(shiftSection(LAYOUT, 'more', -1).map((s) => s.id)).toEqual(['more', 'main']);
    expect(shiftSection(LAYOUT, 'more', 1).map((s) => s.id)).toEqual(['main', 'more']);
  });

  test('a condition is kept as typed; a blank one is left out', () => {
    const conditional = updateSection(LAYOUT, 'more', { visibleWhen: 'segment = "b2b" ' });
    expect(conditional[1]!.visibleWhen).toBe('segment = "b2b" ');
    expect(updateSection(conditional, 'more', { visibleWhen: '  ' })[1]).not.toHaveProperty('visibleWhen');
  });
});

test('an edited layout validates and is the generated form\'s layout; an empty section is refused', () => {
  const edited = updateSection(moveField(addSection(LAYOUT, { id: 'contact', label: { en: 'Contact' } }), FIELDS, 'email', { section: 'contact' }), 'contact', { tab: 'More' });
  const model = modelOf(packageOf({ ...contractor(), layout: edited }));
  const form = recordForm(model, 'contractor', { mode: 'create' });
  expect(form.layout.map((t) => [t.tab, t.sections.map((s) => [s.id, s.fields])])).toEqual([
    [null, [['main', ['name', 'nip']]]],
    ['More', [['more', ['segment']], ['contact', ['email']]]],
  ]);
  const errors = errorsOf(packageOf({ ...contractor(), layout: addSection(LAYOUT, { id: 'empty' }) }));
  expect(errors.map((e) => e.pointer)).toContain('/layout/2/fields');
});

describe('role variants', () => {
  test('a variant starts as a copy of the default layout and changes apart from it', () => {
    const variants = addVariant([], 'salesperson', LAYOUT);
    expect(variants).toEqual([{ roles: ['salesperson'], layout: LAYOUT }]);
    const moved = setVariantLayout(variants, 0, moveField(variants[0]!.layout, FIELDS, 'segment', { section: null }));
    expect(unplacedFields(moved[0]!.layout, FIELDS)).toContain('segment');
    expect(unplacedFields(LAYOUT, FIELDS)).not.toContain('segment');
  });

  test('roles are given and taken; a variant without roles, or removed, is gone', () => {
    const two = addVariant(addVariant([], 'salesperson', LAYOUT), 'analyst', []);
    const shared = toggleVariantRole(two, 0, 'sales_manager');
    expect(shared[0]!.roles).toEqual(['salesperson', 'sales_manager']);
    expect(toggleVariantRole(shared, 1, 'analyst').map((v) => v.roles)).toEqual([['salesperson', 'sales_manager']]);
    expect(removeVariant(shared, 0).map((v) => v.roles)).toEqual([['analyst']]);
  });
});
