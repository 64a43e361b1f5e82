// The roles matrix's operations on a role: a cell shows the entry's own value or the "*" entry's
// (inherited); setting a right adds the entity type's entry, clearing it falls back to "*" and an
// emptied entry is dropped; field rights (write removes the field from the list) and the row
// condition; every result is a role the validator accepts, and the engine computes from it the
// rights the matrix shows.
import { cellText, cellValue, fieldRight, rightCell, setCondition, setFieldRight, setRight } from '../../../forms/index.ts';
import type { Role } from '../../../metadata/browser.ts';
import { validatePackage } from '../../../metadata/index.ts';
import { entityRights } from '../../../engine/access/index.ts';
import { contractor, packageOf, role } from '../metadata/package-builder.ts';

const base: Role = role('sales', { label: { en: 'Sales' }, permissions: [{ entity: '*', read: 'all', update: 'own' }] });
const valid = (r: Role) => {
  const result = validatePackage(packageOf(contractor(), r));
  return result.ok ? [] : result.errors.map((e) => `${e.pointer} ${e.message}`);
};

test('a cell shows its own value or the one "*" gives', () => {
  expect(rightCell(base, 'contractor', 'read')).toEqual({ value: 'all', inherited: true });
  expect(rightCell(base, 'contractor', 'create')).toEqual({ value: undefined, inherited: true });
  expect(rightCell(base, '*', 'update')).toEqual({ value: 'own', inherited: false });
  const own = setRight(base, 'contractor', 'update', 'team');
  expect(rightCell(own, 'contractor', 'update')).toEqual({ value: 'team', inherited: false });
  expect([cellText(true), cellText(false), cellText('team'), cellText(undefined)]).toEqual(['yes', 'no', 'team', '']);
  expect([cellValue('create', 'yes'), cellValue('create', 'no'), cellValue('read', 'own'), cellValue('read', ''), cellValue('read', 'bogus')]).toEqual([true, false, 'own', undefined, undefined]);
});

test('rights are set on the entity type entry, cleared back to "*", and an emptied entry is dropped', () => {
  const narrowed = setRight(setRight(base, 'contractor', 'delete', 'none'), 'contractor', 'create', true);
  expect(narrowed.permissions).toEqual([{ entity: '*', read: 'all', update: 'own' }, { entity: 'contractor', delete: 'none', create: true }]);
  expect(valid(narrowed)).toEqual([]);
  // The engine reads what the matrix shows: delete none overrides "*", read comes from "*".
  const rights = entityRights([narrowed], 'contractor');
  expect(rights.delete).toEqual([]);
  expect(rights.read).toEqual([{ scope: 'all' }]);
  expect(rights.create).toEqual([{ scope: 'all' }]);
  const cleared = setRight(setRight(narrowed, 'contractor', 'delete', undefined), 'contractor', 'create', undefined);
  expect(cleared.permissions).toEqual(base.permissions);
  // Not granting on "*" removes the right from the "*" entry.
  expect(setRight(base, '*', 'update', undefined).permissions).toEqual([{ entity: '*', read: 'all' }]);
});

test('field rights: read and none are listed, write removes the field; the engine hides and protects them', () => {
  const readOnly = setFieldRight(setFieldRight(base, 'contractor', 'nip', 'read'), 'contractor', 'segment', 'none');
  expect(readOnly.permissions![1]).toEqual({ entity: 'contractor', fields: { nip: 'read', segment: 'none' } });
  expect([fieldRight(readOnly, 'contractor', 'nip'), fieldRight(readOnly, 'contractor', 'name')]).toEqual(['read', 'write']);
  expect(valid(readOnly)).toEqual([]);
  expect([...entityRights([readOnly], 'contractor').fields]).toEqual([
    ['nip', 'read'],
    ['segment', 'none'],
  ]);
  const back = setFieldRight(setFieldRight(readOnly, 'contractor', 'nip', 'write'), 'contractor', 'segment', 'write');
  expect(back.permissions).toEqual(base.permissions);
  // The "*" entry has no field rights (only an entry for one type may).
  expect(setFieldRight(base, '*', 'nip', 'read')).toBe(base);
});

test('the row condition belongs to the entry; blank removes it', () => {
  const conditioned = setCondition(setRight(base, 'contractor', 'update', 'all'), 'contractor', 'segment != "key"');
  expect(conditioned.permissions![1]).toEqual({ entity: 'contractor', update: 'all', condition: 'segment != "key"' });
  expect(valid(conditioned)).toEqual([]);
  expect(entityRights([conditioned], 'contractor').update).toEqual([{ scope: 'all', condition: 'segment != "key"' }]);
  expect(setCondition(conditioned, 'contractor', '  ').permissions![1]).toEqual({ entity: 'contractor', update: 'all' });
});
