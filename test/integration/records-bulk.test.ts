// The records service's bulk path (engine/records/bulk-create.ts, bulk-update.ts) against a real
// database (PGlite, or the PostgreSQL server with TESSERA_TEST_PG_URL): one transaction per batch,
// every record audited and announced to the hooks, and a bad item refusing the whole batch with its
// pointer and nothing half-applied.
import { loadPackageDir } from '../../metadata/index.ts';
import type { Actor, RecordChange } from '../../engine/records/index.ts';
import { accessFor, SubjectCache } from '../../engine/access/index.ts';
import { createTestUser } from '../support/auth.ts';
import { startTestPlatform, type TestPlatform } from '../support/database.ts';
import { refusal } from '../support/refusal.ts';

let env: TestPlatform;
const SYSTEM: Actor = { userId: null, via: 'system' };
const changes: { change: RecordChange; inTransaction: boolean }[] = [];
let failOnName: string | null = null;
let cora: string;

async function asCora(): Promise<Actor> {
  const subject = (await new SubjectCache({ ttlMs: 0 }).load(env.platform.knex, cora))!;
  return { userId: cora, via: 'api', access: accessFor(env.platform.runtime.snapshot.model, subject) };
}

beforeAll(async () => {
  env = await startTestPlatform();
  const { package: mini } = await loadPackageDir(new URL('../fixtures/packages/crm-mini/', import.meta.url).pathname);
  // A role whose create and update rights hold for Kraków contractors only (checked per record).
  const krakow = { kind: 'role', id: 't.role.krakow', name: 'krakow', label: { en: 'krakow' }, permissions: [{ entity: 'contractor', read: 'all' }, { entity: 'contractor', create: true, update: 'all', condition: 'city = "Kraków"' }] };
  await env.platform.applyMetadata({ files: { ...mini.files, 'roles/krakow.json': krakow } }, { source: 'cli' });
  cora = await createTestUser(env.platform, { login: 'cora', roles: ['krakow'] });
  env.platform.records.onChange(async (trx, change) => {
    if (change.entity !== 'contractor') return;
    changes.push({ change, inTransaction: trx.isTransaction === true });
    if (failOnName !== null && change.record.name === failOnName) throw new Error('a hook refused this record');
  });
}, 60_000);

afterAll(async () => {
  await env?.close();
});

beforeEach(() => {
  changes.length = 0;
  failOnName = null;
});

const count = async (table: string, where: Record<string, unknown> = {}) => Number(((await env.platform.knex(table).where(where).count({ n: '*' }).first()) as { n: string }).n);


describe('createMany', () => {
  test('creates every item in one transaction, audits each and calls the hooks per record', async () => {
    const records = await env.platform.records.createMany({ actor: SYSTEM }, 'contractor', [
      { name: 'Bulk A', city: 'Kraków' },
      { name: 'Bulk B', employees: 3 },
      { name: 'Bulk C', turnover: { amount: 10.5, currency: 'PLN' } },
    ]);
    expect(records.map((r) => r.name)).toEqual(['Bulk A', 'Bulk B', 'Bulk C']);
    expect(records[1]).toMatchObject({ employees: 3, kind: 'company', version: 1 });
    expect(records[2]!.turnover).toEqual({ amount: 10.5, currency: 'PLN' });
    const ids = records.map((r) => r.id as string);
    expect(Number(((await env.platform.knex('contractor').whereIn('id', ids).count({ n: '*' }).first()) as { n: string }).n)).toBe(3);
    const audit = (await env.platform.knex('tessera.audit_log').whereIn('record_id', ids).select('record_id', 'action', 'changes')) as { record_id: string; action: string; changes: Record<string, unknown> }[];
    expect(audit.map((a) => a.action)).toEqual(['create', 'create', 'create']);
    expect(audit.find((a) => a.record_id === ids[0])!.changes).toMatchObject({ name: [null, 'Bulk A'], city: [null, 'Kraków'] });
    expect(changes.map((c) => [c.change.action, c.change.record.id, c.inTransaction])).toEqual(ids.map((id) => ['create', id, true]));
  });

  test('one bad item refuses the batch with its pointer; nothing is stored', async () => {
    const before = [await count('contractor'), await count('tessera.audit_log')];
    const error = await refusal(
      env.platform.records.createMany({ actor: SYSTEM }, 'contractor', [
        { name: 'Fine 1' },
        { name: 'Fine 2' },
        { name: 'Bad', employees: 'many' },
        { city: 'no name' },
      ]),
    );
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.problems.map((p) => p.pointer).sort()).toEqual(['/items/2/employees', '/items/3/name']);
    expect(error.extensions.failedItems).toEqual([2, 3]);
    expect([await count('contractor'), await count('tessera.audit_log')]).toEqual(before);
    expect(changes).toHaveLength(0);
  });

  test('a reference to a missing record points at its item; nothing is stored', async () => {
    const [parent] = await env.platform.records.createMany({ actor: SYSTEM }, 'contractor', [{ name: 'Parent Co' }]);
    const before = await count('contractor');
    const missing = '00000000-0000-4000-8000-000000000001';
    const error = await refusal(env.platform.records.createMany({ actor: SYSTEM }, 'contractor', [{ name: 'Child 1', parent: parent!.id }, { name: 'Child 2', parent: missing }]));
    expect(error.code).toBe('REFERENCE_NOT_FOUND');
    expect(error.problems).toEqual([expect.objectContaining({ pointer: '/items/1/parent', code: 'REFERENCE_NOT_FOUND' })]);
    expect(await count('contractor')).toBe(before);
  });

  test('a hook failing on one record undoes the whole batch (rows, audit, earlier hooks\' writes)', async () => {
    const before = [await count('contractor'), await count('tessera.audit_log')];
    failOnName = 'Hook 2';
    await expect(env.platform.records.createMany({ actor: SYSTEM }, 'contractor', [{ name: 'Hook 1' }, { name: 'Hook 2' }, { name: 'Hook 3' }])).rejects.toThrow('a hook refused this record');
    expect([await count('contractor'), await count('tessera.audit_log')]).toEqual(before);
    expect(await count('contractor', { name: 'Hook 1' })).toBe(0);
  });

  test('a unique value twice in the batch is refused by the database; nothing is stored', async () => {
    const before = await count('contractor');
    const error = await refusal(env.platform.records.createMany({ actor: SYSTEM }, 'contractor', [{ name: 'Tax 1', tax_id: '5260250274' }, { name: 'Tax 2', tax_id: '5260250274' }]));
    expect(error.code).toBe('UNIQUE_VIOLATION');
    expect(error.problems.map((p) => p.pointer)).toEqual(['/tax_id']);
    expect(await count('contractor')).toBe(before);
  });

  test('a batch over the limit is refused before anything is read', async () => {
    const error = await refusal(env.platform.records.createMany({ actor: SYSTEM }, 'contractor', Array.from({ length: 1001 }, (_, i) => ({ name: `Too many ${i}` }))));
    expect(error.problems).toEqual([expect.objectContaining({ pointer: '/items', code: 'MAXITEMS' })]);
  });

  test('600 records (more than one INSERT statement) come back in the order given', async () => {
    const records = await env.platform.records.createMany({ actor: SYSTEM }, 'contractor', Array.from({ length: 600 }, (_, i) => ({ name: `Many ${String(i).padStart(3, '0')}`, employees: i })));
    expect(records.map((r) => r.employees)).toEqual(Array.from({ length: 600 }, (_, i) => i));
    expect(await count('tessera.audit_log', { entity: 'contractor', action: 'create' })).toBeGreaterThanOrEqual(600);
  });
});

describe('updateMany', () => {
  test('updates every item, one version step and one audit row each, hooks per record', async () => {
    const created = await env.platform.records.createMany({ actor: SYSTEM }, 'contractor', [{ name: 'Up A' }, { name: 'Up B' }, { name: 'Up C', city: 'Iași' }]);
    changes.length = 0;
    const updated = await env.platform.records.updateMany({ actor: SYSTEM }, 'contractor', [
      { id: created[0]!.id as string, values: { city: 'Gdańsk' }, expectedVersion: 1 },
      { id: created[1]!.id as string, values: { city: 'Gdańsk' } },
      { id: created[2]!.id as string, values: { employees: 7 } },
    ]);
    expect(updated.map((r) => [r.city, r.employees, r.version])).toEqual([
      ['Gdańsk', null, 2],
      ['Gdańsk', null, 2],
      ['Iași', 7, 2],
    ]);
    const audit = (await env.platform.knex('tessera.audit_log').where({ record_id: created[2]!.id, action: 'update' }).select('changes')) as { changes: Record<string, unknown> }[];
    expect(audit).toEqual([{ changes: { employees: [null, 7] } }]);
    expect(changes.map((c) => [c.change.action, c.change.previous?.version, c.change.record.version])).toEqual([
      ['update', 1, 2],
      ['update', 1, 2],
      ['update', 1, 2],
    ]);
  });

  test('a stale version or a bad value in one item refuses the batch; nothing changes', async () => {
    const created = await env.platform.records.createMany({ actor: SYSTEM }, 'contractor', [{ name: 'Stale A' }, { name: 'Stale B' }]);
    const bad = await refusal(
      env.platform.records.updateMany({ actor: SYSTEM }, 'contractor', [
        { id: created[0]!.id as string, values: { city: 'Poznań' } },
        { id: created[1]!.id as string, values: { employees: -1 } },
      ]),
    );
    expect(bad.code).toBe('VALIDATION_FAILED');
    expect(bad.problems.map((p) => p.pointer)).toEqual(['/items/1/values/employees']);
    const stale = await refusal(
      env.platform.records.updateMany({ actor: SYSTEM }, 'contractor', [
        { id: created[0]!.id as string, values: { city: 'Poznań' } },
        { id: created[1]!.id as string, values: { city: 'Poznań' }, expectedVersion: 5 },
      ]),
    );
    expect(stale.code).toBe('VERSION_CONFLICT');
    expect(stale.problems.map((p) => p.pointer)).toEqual(['/items/1']);
    const rows = (await env.platform.knex('contractor').whereIn('id', created.map((r) => r.id as string)).select('city', 'version')) as { city: string | null; version: number }[];
    expect(rows).toEqual([
      { city: null, version: 1 },
      { city: null, version: 1 },
    ]);
  });

  test('a missing record and an id listed twice point at their items', async () => {
    const [one] = await env.platform.records.createMany({ actor: SYSTEM }, 'contractor', [{ name: 'Twice' }]);
    const error = await refusal(
      env.platform.records.updateMany({ actor: SYSTEM }, 'contractor', [
        { id: one!.id as string, values: { city: 'A' } },
        { id: one!.id as string, values: { city: 'B' } },
      ]),
    );
    expect(error.problems).toEqual([expect.objectContaining({ pointer: '/items/1/id', code: 'DUPLICATE' })]);
    const missing = await refusal(env.platform.records.updateMany({ actor: SYSTEM }, 'contractor', [{ id: '00000000-0000-4000-8000-000000000002', values: { city: 'A' } }]));
    expect(missing.code).toBe('NOT_FOUND');
    expect(missing.problems.map((p) => p.pointer)).toEqual(['/items/0']);
  });
});

describe('rights', () => {
  test('a conditional create or update right is checked per record: the one outside it refuses the batch', async () => {
    const actor = await asCora();
    const before = await count('contractor');
    const refused = await refusal(env.platform.records.createMany({ actor }, 'contractor', [{ name: 'Kr 1', city: 'Kraków' }, { name: 'Gd 1', city: 'Gdańsk' }]));
    expect(refused.code).toBe('FORBIDDEN');
    expect(refused.problems.map((p) => p.pointer)).toEqual(['/items/1']);
    expect(await count('contractor')).toBe(before);
    const created = await env.platform.records.createMany({ actor }, 'contractor', [{ name: 'Kr 2', city: 'Kraków' }, { name: 'Kr 3', city: 'Kraków' }]);
    expect(created.map((r) => r.owner)).toEqual([cora, cora]);
    const moved = await refusal(env.platform.records.updateMany({ actor }, 'contractor', [{ id: created[0]!.id as string, values: { employees: 3 } }, { id: created[1]!.id as string, values: { city: 'Gdańsk' } }]));
    expect(moved.code).toBe('FORBIDDEN');
    expect(moved.problems.map((p) => p.pointer)).toEqual(['/items/1']);
    const audit = (await env.platform.knex('tessera.audit_log').whereIn('record_id', created.map((r) => r.id as string)).select('actor', 'via', 'action')) as { actor: string; via: string; action: string }[];
    expect(audit).toEqual([
      { actor: cora, via: 'api', action: 'create' },
      { actor: cora, via: 'api', action: 'create' },
    ]);
  });
});
