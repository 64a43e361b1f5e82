// Effective rights from roles: deny by default, per-right override of "*" within a role, union
// across roles, field levels, administrator, token scopes, and evaluating grants on records.
import type { Model, Role } from '../../../metadata/index.ts';
import {
  accessFor,
  admits,
  entityRights,
  grantAdmits,
  restrictRights,
  simplifyGrants,
  summarizeRights,
  type Subject,
} from '../../../engine/access/permissions.ts';

const role = (name: string, permissions: Role['permissions'], extra: Partial<Role> = {}): Role => ({ kind: 'role', id: `t.role.${name}`, name, label: { en: name }, permissions, ...extra });
const modelOf = (roles: Role[]) => ({ roles }) as unknown as Model;

const ANNA = 'a0000000-0000-4000-8000-000000000001';
const BOB = 'b0000000-0000-4000-8000-000000000002';
const CAROL = 'c0000000-0000-4000-8000-000000000003';
const NORTH = 'd0000000-0000-4000-8000-000000000001';

const subject = (roles: string[], extra: Partial<Subject> = {}): Subject => ({
  userId: ANNA,
  login: 'anna',
  displayName: 'Anna',
  admin: false,
  roles,
  teams: ['north'],
  teamIds: [NORTH],
  teamMates: [ANNA, BOB],
  employee: null,
  ...extra,
});

const sales = role('sales', [
  { entity: '*', read: 'all', delete: 'all' },
  { entity: 'deal', create: true, update: 'own', delete: 'none', export: 'team', fields: { margin: 'none', value: 'read' } },
  { entity: 'contractor', update: 'team', condition: 'segment != "key_account"' },
]);
const viewer = role('viewer', [{ entity: 'deal', read: 'own' }]);
const manager = role('manager', [{ entity: 'deal', read: 'team', update: 'team', fields: { margin: 'read' } }], { administerWorkflows: true });

describe('entity rights of one role', () => {
  test('deny by default: no roles, no grants', () => {
    const rights = entityRights([], 'deal');
    expect([rights.read, rights.create, rights.update, rights.delete, rights.export]).toEqual([[], [], [], [], []]);
  });

  test('an entry for the entity type overrides "*" right by right; unmentioned rights fall back to "*"', () => {
    const deal = entityRights([sales], 'deal');
    expect(deal.read).toEqual([{ scope: 'all' }]); // from "*"
    expect(deal.delete).toEqual([]); // "none" on deal beats "*" delete all
    expect(deal.create).toEqual([{ scope: 'all' }]);
    expect(deal.update).toEqual([{ scope: 'own' }]);
    expect(deal.export).toEqual([{ scope: 'team' }]);
    const person = entityRights([sales], 'person');
    expect(person.read).toEqual([{ scope: 'all' }]);
    expect(person.delete).toEqual([{ scope: 'all' }]);
    expect(person.update).toEqual([]);
  });

  test('a condition travels with the grant of its entry', () => {
    expect(entityRights([sales], 'contractor').update).toEqual([{ scope: 'team', condition: 'segment != "key_account"' }]);
  });

  test('field levels below write are listed', () => {
    expect(Object.fromEntries(entityRights([sales], 'deal').fields)).toEqual({ margin: 'none', value: 'read' });
  });
});

describe('union of roles', () => {
  test('scopes add up: own + team = team; the widest unconditional grant absorbs narrower conditional ones', () => {
    expect(entityRights([viewer, manager], 'deal').read).toEqual([{ scope: 'team' }]);
    expect(simplifyGrants([{ scope: 'own', condition: 'x' }, { scope: 'team' }, { scope: 'all', condition: 'y' }, { scope: 'all', condition: 'y' }])).toEqual([{ scope: 'team' }, { scope: 'all', condition: 'y' }]);
  });

  test('field levels: the highest level any reaching role gives; a reaching role that does not list a field gives write', () => {
    expect(Object.fromEntries(entityRights([sales, manager], 'deal').fields)).toEqual({ margin: 'read' });
    expect(Object.fromEntries(entityRights([sales, viewer], 'deal').fields)).toEqual({});
  });

  test('a role that grants nothing on the entity type does not unhide its fields', () => {
    const other = role('other', [{ entity: 'person', read: 'all' }]);
    expect(Object.fromEntries(entityRights([sales, other], 'deal').fields)).toEqual({ margin: 'none', value: 'read' });
  });
});

describe('access of a user', () => {
  test('undeclared role names give nothing; administration rights come from roles', () => {
    const access = accessFor(modelOf([sales, manager]), subject(['manager', 'ghost']));
    expect(access.entity('deal').read).toEqual([{ scope: 'team' }]);
    expect(access.entity('person').read).toEqual([]);
    expect(access.can('administerWorkflows')).toBe(true);
    expect(access.can('administerMetadata')).toBe(false);
    expect(access.unrestricted).toBe(false);
  });

  test('an administrator holds every right without field restrictions', () => {
    const access = accessFor(modelOf([sales]), subject([], { admin: true }));
    const deal = access.entity('deal');
    expect([deal.read, deal.delete, deal.export]).toEqual([[{ scope: 'all' }], [{ scope: 'all' }], [{ scope: 'all' }]]);
    expect(deal.fields.size).toBe(0);
    expect(access.can('administerUsers')).toBe(true);
  });

  test('token scopes only take rights away', () => {
    const readOnly = accessFor(modelOf([sales]), subject(['sales']), ['read']);
    expect(readOnly.entity('deal').read).toEqual([{ scope: 'all' }]);
    expect([readOnly.entity('deal').create, readOnly.entity('deal').update, readOnly.entity('deal').export]).toEqual([[], [], []]);
    const admin = accessFor(modelOf([]), subject([], { admin: true }), ['write', 'metadata']);
    expect(admin.entity('deal').update).toEqual([{ scope: 'all' }]);
    expect(admin.entity('deal').export).toEqual([]);
    expect(admin.can('administerMetadata')).toBe(true);
    expect(admin.can('administerUsers')).toBe(false);
    expect(restrictRights(entityRights([sales], 'deal'), new Set(['export'])).export).toEqual([]);
  });

  test('rights are cached per model and set of roles, and stay consistent', () => {
    const model = modelOf([sales, viewer]);
    expect(accessFor(model, subject(['viewer', 'sales'])).entity('deal')).toBe(accessFor(model, subject(['sales', 'viewer'])).entity('deal'));
  });
});

describe('grants on records', () => {
  const me = subject(['sales']);
  test('own: owner, or for activities the assignee; team: anyone sharing a team', () => {
    expect(grantAdmits({ scope: 'own' }, me, 'deal', { owner: ANNA })).toBe(true);
    expect(grantAdmits({ scope: 'own' }, me, 'deal', { owner: BOB })).toBe(false);
    expect(grantAdmits({ scope: 'own' }, me, 'activity', { owner: BOB, assignee: ANNA })).toBe(true);
    expect(grantAdmits({ scope: 'own' }, me, 'deal', { owner: BOB, assignee: ANNA })).toBe(false);
    expect(grantAdmits({ scope: 'team' }, me, 'deal', { owner: BOB })).toBe(true);
    expect(grantAdmits({ scope: 'team' }, me, 'deal', { owner: CAROL })).toBe(false);
    expect(grantAdmits({ scope: 'team' }, me, 'deal', { owner: null })).toBe(false);
    expect(grantAdmits({ scope: 'all' }, me, 'deal', { owner: CAROL })).toBe(true);
  });

  test("a team's queue: an unassigned activity given to one of my teams is mine (own and team scope); assigned, or another team's, it is not", () => {
    const OTHER_TEAM = 'd0000000-0000-4000-8000-000000000002';
    for (const scope of ['own', 'team'] as const) {
      expect(grantAdmits({ scope }, me, 'activity', { owner: CAROL, assignee: null, team: NORTH })).toBe(true);
      expect(grantAdmits({ scope }, me, 'activity', { owner: CAROL, assignee: CAROL, team: NORTH })).toBe(false);
      expect(grantAdmits({ scope }, me, 'activity', { owner: CAROL, assignee: null, team: OTHER_TEAM })).toBe(false);
      expect(grantAdmits({ scope }, me, 'activity', { owner: CAROL, assignee: null, team: null })).toBe(false);
      // Only activities have team queues.
      expect(grantAdmits({ scope }, me, 'deal', { owner: CAROL, assignee: null, team: NORTH })).toBe(false);
    }
    expect(grantAdmits({ scope: 'own' }, subject(['sales'], { teamIds: [] }), 'activity', { owner: CAROL, assignee: null, team: NORTH })).toBe(false);
  });

  test('a condition must hold too; `user` is the acting user; a broken condition denies', () => {
    const g = { scope: 'all' as const, condition: 'segment != "key_account"' };
    expect(grantAdmits(g, me, 'contractor', { segment: 'smb' })).toBe(true);
    expect(grantAdmits(g, me, 'contractor', { segment: 'key_account' })).toBe(false);
    expect(grantAdmits({ scope: 'all', condition: 'region = user.login' }, me, 'contractor', { region: 'anna' })).toBe(true);
    expect(grantAdmits({ scope: 'all', condition: '"north" in user.teams' }, me, 'contractor', {})).toBe(true);
    expect(grantAdmits({ scope: 'all', condition: 'amount.amount > 10' }, me, 'deal', { amount: { amount: 5, currency: 'PLN' } })).toBe(false);
    expect(grantAdmits({ scope: 'all', condition: 'date("nonsense") > 1' }, me, 'deal', {})).toBe(false);
  });

  test('any grant admitting is enough; no grants admit nothing', () => {
    expect(admits([{ scope: 'own' }, { scope: 'all', condition: 'city = "Gdańsk"' }], me, 'contractor', { owner: CAROL, city: 'Gdańsk' })).toBe(true);
    expect(admits([{ scope: 'own' }, { scope: 'all', condition: 'city = "Gdańsk"' }], me, 'contractor', { owner: CAROL, city: 'Kraków' })).toBe(false);
    expect(admits([], me, 'contractor', { owner: ANNA })).toBe(false);
  });

  test('a summary for the UI names the widest scope per right, conditional rights and restricted fields', () => {
    expect(summarizeRights(entityRights([sales], 'deal'))).toEqual({ read: 'all', update: 'own', delete: 'none', export: 'team', create: true, fields: { margin: 'none', value: 'read' } });
    expect(summarizeRights(entityRights([sales], 'contractor'))).toMatchObject({ update: 'team', conditional: ['update'] });
  });
});
