// Cross-record rules against a real database (PGlite, or the PostgreSQL server with
// TESSERA_TEST_PG_URL): exclusion rules (no two active bookings of one room overlap) enforced in the
// write transaction and by an EXCLUDE USING gist constraint, racing writers of one slot (exactly one
// wins, the other is refused naming it), a plan refusing a rule over colliding rows, and a
// transition guard reading an aggregate over other records (a credit limit).
import type { PackageFiles } from '../../metadata/index.ts';
import type { Actor, ApiRecord } from '../../engine/records/index.ts';
import { startTestPlatform, type TestPlatform } from '../support/database.ts';
import { refusal } from '../support/refusal.ts';
import { jsonClient, startTestServer, type TestServer } from '../support/http.ts';

let env: TestPlatform;
let server: TestServer;
const SYSTEM: Actor = { userId: null, via: 'system' };
const ctx = { actor: SYSTEM };

const label = (en: string) => ({ en });
const slotRule = {
  id: 't.booking.ex.slot',
  name: 'room_slot',
  label: { en: 'One booking of a room at a time', pl: 'Jedna rezerwacja sali naraz', ro: 'O singură rezervare a unei săli odată' },
  equal: ['room'],
  overlap: ['starts_at', 'ends_at'],
  where: { status: { ne: 'cancelled' } },
};

function testPackage(withSlotRule: boolean): PackageFiles {
  const booking = {
    kind: 'entity', id: 't.booking', name: 'booking', label: label('Booking'), displayField: 'title',
    fields: [
      { id: 't.booking.title', name: 'title', type: 'string', label: label('Title'), required: true },
      { id: 't.booking.room', name: 'room', type: 'reference', label: label('Room'), target: 'room', onDelete: 'cascade' },
      { id: 't.booking.starts_at', name: 'starts_at', type: 'datetime', label: label('Start'), required: true },
      { id: 't.booking.ends_at', name: 'ends_at', type: 'datetime', label: label('End'), required: true },
      { id: 't.booking.status', name: 'status', type: 'enum', label: label('Status'), values: [{ value: 'active', label: label('Active') }, { value: 'cancelled', label: label('Cancelled') }], default: 'active' },
    ],
    ...(withSlotRule ? { exclusions: [slotRule] } : {}),
  };
  return {
    files: {
      'tessera.json': { kind: 'manifest', name: 'exclusions', version: '1.0.0', defaultCurrency: 'PLN' },
      'entities/room.json': { kind: 'entity', id: 't.room', name: 'room', label: label('Room'), fields: [{ id: 't.room.name', name: 'name', type: 'string', label: label('Name'), required: true }] },
      'entities/booking.json': booking,
      // A block takes several rooms (many-to-many): the engine's check alone enforces its rule.
      'entities/block.json': {
        kind: 'entity', id: 't.block', name: 'block', label: label('Block'), displayField: 'title',
        fields: [
          { id: 't.block.title', name: 'title', type: 'string', label: label('Title'), required: true },
          { id: 't.block.rooms', name: 'rooms', type: 'manyToMany', label: label('Rooms'), target: 'room' },
          { id: 't.block.day_from', name: 'day_from', type: 'date', label: label('From'), required: true },
          { id: 't.block.day_to', name: 'day_to', type: 'date', label: label('To') },
        ],
        ...(withSlotRule ? { exclusions: [{ id: 't.block.ex.rooms', name: 'rooms_days', equal: ['rooms'], overlap: ['day_from', 'day_to'] }] } : {}),
      },
      'entities/account.json': {
        kind: 'entity', id: 't.account', name: 'account', label: label('Account'),
        fields: [
          { id: 't.account.name', name: 'name', type: 'string', label: label('Name'), required: true },
          { id: 't.account.credit_limit', name: 'credit_limit', type: 'decimal', label: label('Credit limit') },
        ],
      },
      'entities/purchase.json': {
        kind: 'entity', id: 't.order', name: 'purchase', label: label('Purchase'), displayField: 'title',
        fields: [
          { id: 't.order.title', name: 'title', type: 'string', label: label('Title'), required: true },
          { id: 't.order.account', name: 'account', type: 'reference', label: label('Account'), target: 'account', onDelete: 'cascade' },
          { id: 't.order.amount', name: 'amount', type: 'decimal', label: label('Amount') },
          { id: 't.order.status', name: 'status', type: 'state', label: label('Status') },
        ],
      },
      'status-machines/order.json': {
        kind: 'statusMachine', id: 't.sm.order', name: 'order_status', label: label('Order status'), entity: 'purchase', field: 'status',
        states: [{ id: 't.st.draft', name: 'draft', label: label('Draft') }, { id: 't.st.confirmed', name: 'confirmed', label: label('Confirmed') }],
        transitions: [{
          from: ['draft'], to: 'confirmed',
          lookups: {
            limit: { from: 'account', via: 'id', on: 'account', aggregate: 'max', field: 'credit_limit' },
            confirmed_value: { from: 'purchase', via: 'account', on: 'account', aggregate: 'sum', field: 'amount', where: { status: 'confirmed' } },
          },
          guard: 'limit = null or confirmed_value + amount <= limit',
          guardMessage: { en: 'the credit limit is exceeded', pl: 'limit kredytowy został przekroczony', ro: 'limita de credit este depășită' },
        }],
      },
    },
  };
}


const at = (hour: number) => `2026-03-02T${String(hour).padStart(2, '0')}:00:00.000Z`;
let room: ApiRecord;
let otherRoom: ApiRecord;
const book = (title: string, from: number, to: number, extra: Record<string, unknown> = {}) =>
  env.platform.records.create(ctx, 'booking', { title, room: room.id, starts_at: at(from), ends_at: at(to), ...extra });

beforeAll(async () => {
  env = await startTestPlatform();
  await env.platform.applyMetadata(testPackage(false), { source: 'cli' });
  room = await env.platform.records.create(ctx, 'room', { name: 'Wisła' });
  otherRoom = await env.platform.records.create(ctx, 'room', { name: 'Odra' });
  server = await startTestServer(env.platform);
}, 60_000);

afterAll(async () => {
  await server?.close();
  await env?.close();
});

describe('adding a rule to a table whose rows already collide', () => {
  test('the plan and the apply refuse it, naming the colliding records; nothing is applied', async () => {
    const a = await book('Szkolenie A', 9, 11);
    const b = await book('Szkolenie B', 10, 12);
    // Blocks sharing a room on one day: the many-to-many rule (no constraint) is refused the same way.
    const blockA = await env.platform.records.create(ctx, 'block', { title: 'Blokada A', rooms: [{ id: room.id }, { id: otherRoom.id }], day_from: '2026-01-05', day_to: '2026-01-05' });
    const blockB = await env.platform.records.create(ctx, 'block', { title: 'Blokada B', rooms: [{ id: otherRoom.id }], day_from: '2026-01-05', day_to: '2026-01-09' });
    const version = env.platform.runtime.snapshot.version;
    const planned = await refusal(env.platform.planMetadata(testPackage(true)));
    expect(planned.code).toBe('MIGRATION_FAILED');
    expect(planned.message).toContain(`“Szkolenie A”`);
    expect(planned.message).toContain(`“Szkolenie B”`);
    expect(planned.message).toContain(a.id as string);
    expect(planned.message).toContain(`“Blokada A”`);
    expect(planned.message).toContain(blockB.id as string);
    expect(planned.problems.map((p) => [p.pointer, p.code]).sort()).toEqual([['/files/entities~1block.json/exclusions/0', 'addExclusion'], ['/files/entities~1booking.json/exclusions/0', 'addExclusion']]);
    const applied = await refusal(env.platform.applyMetadata(testPackage(true), { source: 'cli' }));
    expect(applied.code).toBe('MIGRATION_FAILED');
    expect(env.platform.runtime.snapshot.version).toBe(version);
    await env.platform.records.update(ctx, 'booking', b.id as string, { status: 'cancelled' }, { expectedVersion: b.version as number });
    // The second booking cancelled, a block deleted: nothing collides, the rules apply, the column one with its constraint.
    await env.platform.records.remove(ctx, 'block', blockA.id as string, { expectedVersion: blockA.version as number });
    const { plan } = await env.platform.planMetadata(testPackage(true));
    expect(plan.steps.map((s) => s.step.op)).toEqual(['addExclusion', 'addExclusion']);
    expect(plan.destructive).toBe(false);
    await env.platform.applyMetadata(testPackage(true), { source: 'cli' });
    const constraints = await env.platform.knex.raw(`SELECT conname FROM pg_constraint WHERE contype = 'x' AND conrelid = 'public.booking'::regclass`);
    expect(constraints.rows).toHaveLength(1);
    await env.platform.records.update(ctx, 'booking', a.id as string, { status: 'cancelled' }, { expectedVersion: a.version as number });
  });
});

describe('exclusion rule enforced on write', () => {
  test('an overlapping booking is refused naming the one holding the slot; adjacent slots and other rooms are free', async () => {
    const first = await book('Rada nadzorcza', 10, 11);
    const error = await refusal(book('Warsztat', 10, 12));
    expect(error.code).toBe('EXCLUSION_VIOLATION');
    expect(error.status).toBe(409);
    expect(error.problems.map((p) => p.pointer).sort()).toEqual(['/ends_at', '/room', '/starts_at']);
    expect(error.problems[0]).toMatchObject({ code: 'EXCLUSION', params: { conflictId: first.id, conflict: 'Rada nadzorcza', rule: 'room_slot' } });
    expect(error.extensions).toMatchObject({ conflict: { entity: 'booking', id: first.id, title: 'Rada nadzorcza' } });
    // [10,11) and [11,12) touch without overlapping; another room is another key.
    await book('Przed', 9, 10);
    await book('Po', 11, 12);
    await env.platform.records.create(ctx, 'booking', { title: 'Inna sala', room: otherRoom.id, starts_at: at(10), ends_at: at(11) });
  });

  test('a cancelled booking does not block; moving into a taken slot is refused; cancelling frees it', async () => {
    const cancelled = await book('Odwołane', 14, 15, { status: 'cancelled' });
    const taken = await book('Zajęte', 14, 15);
    const later = await book('Później', 16, 17);
    const moved = await refusal(env.platform.records.update(ctx, 'booking', later.id as string, { starts_at: at(14), ends_at: at(16) }, { expectedVersion: later.version as number }));
    expect(moved.code).toBe('EXCLUSION_VIOLATION');
    expect(moved.extensions).toMatchObject({ conflict: { id: taken.id } });
    // Reactivating the cancelled one collides too.
    expect((await refusal(env.platform.records.update(ctx, 'booking', cancelled.id as string, { status: 'active' }, { expectedVersion: cancelled.version as number }))).code).toBe('EXCLUSION_VIOLATION');
    await env.platform.records.update(ctx, 'booking', taken.id as string, { status: 'cancelled' }, { expectedVersion: taken.version as number });
    await env.platform.records.update(ctx, 'booking', later.id as string, { starts_at: at(14), ends_at: at(16) }, { expectedVersion: later.version as number });
  });

  test('two writers racing for one slot: exactly one wins, the other is refused naming the winner', async () => {
    const results = await Promise.allSettled([book('Wyścig 1', 18, 20), book('Wyścig 2', 19, 21)]);
    const won = results.filter((r): r is PromiseFulfilledResult<ApiRecord> => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0]!.reason).toMatchObject({ code: 'EXCLUSION_VIOLATION', extensions: { conflict: { id: won[0]!.value.id } } });
    // A transaction holding the slot uncommitted: the other writer waits for it, then is refused.
    const trx = await env.platform.knex.transaction();
    const held = await env.platform.records.create({ actor: SYSTEM, trx }, 'booking', { title: 'Trzymany', room: room.id, starts_at: at(21), ends_at: at(22) });
    const waiting = refusal(book('Czekający', 21, 23));
    await new Promise((resolve) => setTimeout(resolve, 200));
    await trx.commit();
    expect((await waiting).extensions).toMatchObject({ conflict: { id: held.id, title: 'Trzymany' } });
  });

  test('the database refuses a colliding row written around the engine (the deferred constraint)', async () => {
    const error = await env.platform.knex
      .transaction(async (trx) => {
        await trx('booking').insert({ title: 'Bez silnika', room: room.id, starts_at: at(10), ends_at: at(11), status: 'active' });
      })
      .then(() => null, (e: unknown) => e as { code?: string });
    expect(error?.code).toBe('23P01');
  });

  test('a batch with two items taking one slot is refused all or nothing, pointing at the later item', async () => {
    const before = Number((await env.platform.knex('booking').count({ n: '*' }).first())!.n);
    const error = await refusal(
      env.platform.records.createMany(ctx, 'booking', [
        { title: 'Seria 1', room: room.id, starts_at: at(3), ends_at: at(4) },
        { title: 'Seria 2', room: room.id, starts_at: at(5), ends_at: at(6) },
        { title: 'Seria 3', room: room.id, starts_at: at(3), ends_at: at(5) },
      ]),
    );
    expect(error.code).toBe('EXCLUSION_VIOLATION');
    expect(error.problems.map((p) => p.pointer).sort()).toEqual(['/items/2/ends_at', '/items/2/room', '/items/2/starts_at']);
    expect(error.problems[0]!.params).toMatchObject({ conflict: 'Seria 1' });
    expect(Number((await env.platform.knex('booking').count({ n: '*' }).first())!.n)).toBe(before);
  });

  test('over HTTP: 409 problem+json naming the record, with the fields’ pointers', async () => {
    const api = jsonClient(`${server.url}/api`);
    const res = await api.post('/records/booking', { title: 'Przez API', room: room.id, starts_at: at(10), ends_at: at(11) });
    expect(res.status).toBe(409);
    expect(res.headers.get('content-type')).toMatch(/problem\+json/);
    expect(res.body).toMatchObject({ code: 'EXCLUSION_VIOLATION', params: { conflict: 'Rada nadzorcza' }, errors: expect.arrayContaining([expect.objectContaining({ pointer: '/starts_at', code: 'EXCLUSION' })]) });
  });
});

describe('exclusion rule over a many-to-many key (checked by the engine)', () => {
  test('blocks sharing a room on overlapping days collide; an open end blocks every later day; a deleted one does not count', async () => {
    const block = (title: string, rooms: ApiRecord[], from: string, to: string | null) =>
      env.platform.records.create(ctx, 'block', { title, rooms: rooms.map((r) => ({ id: r.id })), day_from: from, day_to: to });
    const first = await block('Remont', [room, otherRoom], '2026-05-04', '2026-05-06');
    // Both days included: a block starting on the last day collides.
    const error = await refusal(block('Malowanie', [otherRoom], '2026-05-06', '2026-05-07'));
    expect(error.extensions).toMatchObject({ conflict: { id: first.id, title: 'Remont' } });
    await block('Następny dzień', [otherRoom], '2026-05-07', '2026-05-07');
    const open = await block('Bez końca', [room], '2026-06-01', null);
    expect((await refusal(block('Rok później', [room], '2027-06-01', '2027-06-02'))).extensions).toMatchObject({ conflict: { id: open.id } });
    await env.platform.records.remove(ctx, 'block', open.id as string, { expectedVersion: open.version as number });
    await block('Rok później', [room], '2027-06-01', '2027-06-02');
    // No constraint can hold a key in a join table: the lock per room serialises racing writers.
    const results = await Promise.allSettled([block('Wyścig A', [otherRoom], '2026-08-03', '2026-08-04'), block('Wyścig B', [room, otherRoom], '2026-08-04', '2026-08-05')]);
    const won = results.filter((r): r is PromiseFulfilledResult<ApiRecord> => r.status === 'fulfilled');
    expect(won).toHaveLength(1);
    expect(results.find((r) => r.status === 'rejected')).toMatchObject({ reason: { code: 'EXCLUSION_VIOLATION', extensions: { conflict: { id: won[0]!.value.id } } } });
  });
});

describe('a guard reading other records (credit limit)', () => {
  test('confirming is refused while the confirmed orders and this one exceed the account’s limit', async () => {
    const account = await env.platform.records.create(ctx, 'account', { name: 'Hurtownia', credit_limit: 1000 });
    const order = (title: string, amount: number) => env.platform.records.create(ctx, 'purchase', { title, account: account.id, amount });
    const confirm = (o: ApiRecord) => env.platform.records.update(ctx, 'purchase', o.id as string, { status: 'confirmed' }, { expectedVersion: o.version as number });
    const [a, b, c] = [await order('A', 600), await order('B', 500), await order('C', 400)];
    await confirm(a);
    const error = await refusal(confirm(b));
    expect(error.code).toBe('TRANSITION_GUARD_FAILED');
    expect(error.extensions).toMatchObject({ lookups: { limit: 1000, confirmed_value: 600 } });
    expect(error.problems[0]).toMatchObject({ pointer: '/status', params: { message: { pl: 'limit kredytowy został przekroczony' } } });
    await confirm(c);
    // Without a limit anything goes.
    const free = await env.platform.records.create(ctx, 'account', { name: 'Bez limitu' });
    const big = await env.platform.records.create(ctx, 'purchase', { title: 'Duże', account: free.id, amount: 1_000_000 });
    await confirm(big);
  });
});
