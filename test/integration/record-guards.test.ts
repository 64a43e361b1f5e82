// Record guards (EntityType.guards) against a real database: a condition over the record and values
// read from other records (the account's credit limit and its unpaid invoices), checked on every
// save in the write transaction, not only on a change of state; refused with a 422 problem at the
// field the guard blames, unless the user holds an override role.
import type { PackageFiles } from '../../metadata/index.ts';
import type { Actor, ApiRecord } from '../../engine/records/index.ts';
import { startTestPlatform, type TestPlatform } from '../support/database.ts';
import { refusal } from '../support/refusal.ts';
import { startTestServer, type TestServer } from '../support/http.ts';
import { createTestUser, userClient } from '../support/auth.ts';

let env: TestPlatform;
let server: TestServer;
const SYSTEM: Actor = { userId: null, via: 'system' };
const ctx = { actor: SYSTEM };
const label = (en: string) => ({ en });
const message = { en: 'the credit limit is exceeded', pl: 'limit kredytowy został przekroczony', ro: 'limita de credit este depășită' };

function testPackage(guard: Record<string, unknown>): PackageFiles {
  const everything = [{ entity: '*', read: 'all', create: true, update: 'all', delete: 'all' }];
  return {
    files: {
      'tessera.json': { kind: 'manifest', name: 'guards', version: '1.0.0', defaultCurrency: 'PLN' },
      'roles/clerk.json': { kind: 'role', id: 't.role.clerk', name: 'clerk', label: label('Clerk'), permissions: everything },
      'roles/manager.json': { kind: 'role', id: 't.role.manager', name: 'manager', label: label('Manager'), permissions: everything },
      'entities/account.json': {
        kind: 'entity', id: 't.account', name: 'account', label: label('Account'),
        fields: [
          { id: 't.account.name', name: 'name', type: 'string', label: label('Name'), required: true },
          { id: 't.account.credit_limit', name: 'credit_limit', type: 'decimal', label: label('Credit limit') },
        ],
      },
      'entities/bill.json': {
        kind: 'entity', id: 't.bill', name: 'bill', label: label('Invoice'),
        fields: [
          { id: 't.bill.account', name: 'account', type: 'reference', label: label('Account'), target: 'account', onDelete: 'cascade' },
          { id: 't.bill.amount_due', name: 'amount_due', type: 'decimal', label: label('Amount due') },
        ],
      },
      'entities/order.json': {
        kind: 'entity', id: 't.order', name: 'sale_order', label: label('Order'), displayField: 'title',
        fields: [
          { id: 't.order.title', name: 'title', type: 'string', label: label('Title'), required: true },
          { id: 't.order.account', name: 'account', type: 'reference', label: label('Account'), target: 'account', onDelete: 'cascade' },
          { id: 't.order.net', name: 'net', type: 'decimal', label: label('Net') },
          { id: 't.order.gross', name: 'gross', type: 'decimal', label: label('Gross'), computed: 'if net = null then 0 else net * 1.23' },
          { id: 't.order.notes', name: 'notes', type: 'text', label: label('Notes') },
          { id: 't.order.status', name: 'status', type: 'enum', label: label('Status'), values: [{ value: 'open', label: label('Open') }, { value: 'confirmed', label: label('Confirmed') }], default: 'open' },
        ],
        guards: [guard],
      },
    },
  };
}

const creditGuard = {
  id: 't.order.guard.credit', name: 'credit_limit', field: 'gross', message, overrideRoles: ['manager'],
  condition: 'status = "open" or limit = null or gross + unpaid <= limit',
  lookups: {
    limit: { from: 'account', via: 'id', on: 'account', aggregate: 'max', field: 'credit_limit' },
    unpaid: { from: 'bill', via: 'account', on: 'account', aggregate: 'sum', field: 'amount_due', where: { amount_due: { gt: 0 } } },
  },
};


let account: ApiRecord;
const order = (title: string, net: number, extra: Record<string, unknown> = {}) => env.platform.records.create(ctx, 'sale_order', { title, account: account.id, net, ...extra });

beforeAll(async () => {
  env = await startTestPlatform();
  await env.platform.applyMetadata(testPackage(creditGuard), { source: 'cli' });
  account = await env.platform.records.create(ctx, 'account', { name: 'Hurtownia', credit_limit: 1000 });
  // Unpaid 300 (the paid bill, amount due 0, does not count).
  await env.platform.records.create(ctx, 'bill', { account: account.id, amount_due: 300 });
  await env.platform.records.create(ctx, 'bill', { account: account.id, amount_due: 0 });
  server = await startTestServer(env.platform);
}, 60_000);

afterAll(async () => {
  await server?.close();
  await env?.close();
});

describe('a guard checked on every save', () => {
  test('a new confirmed order over the limit is refused at the blamed field, with the lookups read', async () => {
    // 600 net = 738 gross; 738 + 300 unpaid > 1000.
    const error = await refusal(order('Za duże', 600, { status: 'confirmed' }));
    expect(error.code).toBe('RECORD_GUARD_FAILED');
    expect(error.problems).toEqual([expect.objectContaining({ pointer: '/gross', code: 'RECORD_GUARD_FAILED', params: expect.objectContaining({ guard: 'credit_limit', message }) })]);
    expect(error.extensions).toMatchObject({ guard: 'credit_limit', lookups: { limit: 1000, unpaid: 300 } });
    expect(Number((await env.platform.knex('sale_order').where({ title: 'Za duże' }).count({ n: '*' }).first())!.n)).toBe(0);
    // Within the limit: 500 net = 615 gross; 615 + 300 <= 1000.
    await order('W limicie', 500, { status: 'confirmed' });
  });

  test('an update moving a field the guard reads is refused (confirming, or raising the total of a confirmed order)', async () => {
    const open = await order('Otwarte', 600);
    expect((await refusal(env.platform.records.update(ctx, 'sale_order', open.id as string, { status: 'confirmed' }, { expectedVersion: open.version as number }))).code).toBe('RECORD_GUARD_FAILED');
    const small = await order('Małe', 100, { status: 'confirmed' });
    const raised = await refusal(env.platform.records.update(ctx, 'sale_order', small.id as string, { net: 700 }, { expectedVersion: small.version as number }));
    expect(raised.problems[0]).toMatchObject({ pointer: '/gross' });
    // The invoices grow meanwhile: editing a field the guard does not read is not re-checked.
    const bill = await env.platform.records.create(ctx, 'bill', { account: account.id, amount_due: 5000 });
    const edited = await env.platform.records.update(ctx, 'sale_order', small.id as string, { notes: 'Dostawa rano' }, { expectedVersion: small.version as number });
    expect(edited.notes).toBe('Dostawa rano');
    await env.platform.records.remove(ctx, 'bill', bill.id as string, { expectedVersion: bill.version as number });
  });

  test('batches: the refused item is named under /items/<i>', async () => {
    const created = await refusal(env.platform.records.createMany(ctx, 'sale_order', [{ title: 'B1', account: account.id, net: 10 }, { title: 'B2', account: account.id, net: 900, status: 'confirmed' }]));
    expect(created.problems.map((p) => p.pointer)).toEqual(['/items/1/gross']);
    const a = await order('U1', 700);
    const updated = await refusal(env.platform.records.updateMany(ctx, 'sale_order', [{ id: a.id as string, values: { status: 'confirmed' }, expectedVersion: a.version as number }]));
    expect(updated.problems.map((p) => p.pointer)).toEqual(['/items/0/values/gross']);
  });

  test('over HTTP: 422 problem+json for a user without the override role; a user with it saves', async () => {
    const clerk = await userClient(env.platform, `${server.url}/api`, await createTestUser(env.platform, { login: 'clerk', roles: ['clerk'] }));
    const refused = await clerk.post('/records/sale_order', { title: 'Przez API', account: account.id, net: 800, status: 'confirmed' });
    expect(refused.status).toBe(422);
    expect(refused.contentType).toMatch(/problem\+json/);
    expect(refused.body).toMatchObject({ code: 'RECORD_GUARD_FAILED', errors: [expect.objectContaining({ pointer: '/gross', code: 'RECORD_GUARD_FAILED' })] });
    const manager = await userClient(env.platform, `${server.url}/api`, await createTestUser(env.platform, { login: 'manager', roles: ['manager'] }));
    const saved = await manager.post('/records/sale_order', { title: 'Przez API', account: account.id, net: 800, status: 'confirmed' });
    expect(saved.status).toBe(201);
  });
});

describe('validation of a guard', () => {
  test('an unknown blamed field, an unknown override role, a bad lookup and bad FEEL are refused with pointers', async () => {
    const bad = { ...creditGuard, field: 'nope', overrideRoles: ['boss'], condition: 'gross >', lookups: { limit: { from: 'account', via: 'name', on: 'account', aggregate: 'max', field: 'credit_limit' } } };
    const error = await refusal(env.platform.applyMetadata(testPackage(bad), { source: 'cli' }));
    expect(error.code).toBe('METADATA_INVALID');
    const pointers = JSON.stringify(error.problems.map((p) => p.pointer));
    for (const at of ['/guards/0/field', '/guards/0/overrideRoles/0', '/guards/0/condition', '/guards/0/lookups/limit/via']) expect(pointers).toContain(at);
  });
});
