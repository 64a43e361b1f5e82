// A device's rental state kept in step with its rentals (#17): in the shipped CRM the device's
// `rental_state` is a computed enum over count rollups of its rentals, so booking, handing out,
// returning or cancelling a rental moves it in the same transaction; a device marked in service
// stays so; two booked or running rentals of one device may not overlap.
import type { RecordService } from '../../engine/records/index.ts';
import type { TestPlatform } from '../support/database.ts';
import { refusal } from '../support/refusal.ts';
import { startSeedCrm, SYSTEM, updateStored } from '../support/seed-crm.ts';

let env: TestPlatform;
type Rec = Record<string, unknown>;

beforeAll(async () => {
  env = await startSeedCrm();
}, 120_000);

afterAll(async () => {
  await env?.close();
});

const records = (): RecordService => env.platform.records;
const create = async (entity: string, values: Rec) => (await records().create(SYSTEM, entity, values)).id as string;
const update = (entity: string, id: string, values: Rec) => updateStored(records(), entity, id, values);
const stateOf = async (device: string) => (await records().get(SYSTEM, 'device', device)).rental_state;
const day = (d: number, hour = 9) => new Date(Date.UTC(2027, 0, d, hour)).toISOString();

test('booking, handing out, returning and cancelling rentals move the device\'s state with them', async () => {
  const contractor = await create('contractor', { name: 'Hotel Pod Wawelem' });
  const device = await create('device', { name: 'Projektor 4K — nr 3', rentable: true, serial_no: 'SN-0001' });
  expect(await stateOf(device)).toBe('available');
  const own = await create('device', { name: 'Drukarka biurowa', serial_no: 'SN-0002' });
  expect(await stateOf(own)).toBeNull(); // not for rental: no rental state at all

  const rental = await create('rental', { device, contractor, rented_from: day(4), rented_until: day(6), status: 'reserved' });
  expect(await stateOf(device)).toBe('reserved');
  await update('rental', rental, { status: 'rented' });
  expect(await stateOf(device)).toBe('rented');
  // A second booking later on does not hide that the device is out now.
  const later = await create('rental', { device, contractor, rented_from: day(10), rented_until: day(12), status: 'reserved' });
  expect(await stateOf(device)).toBe('rented');
  await update('rental', rental, { status: 'returned', returned_at: day(6, 8) });
  expect(await stateOf(device)).toBe('reserved');
  await update('rental', later, { status: 'cancelled' });
  expect(await stateOf(device)).toBe('available');
  // Deleting a running rental gives the device back too.
  const third = await create('rental', { device, contractor, rented_from: day(20), rented_until: day(22), status: 'reserved' });
  await update('rental', third, { status: 'rented' });
  await records().remove(SYSTEM, 'rental', third, { expectedVersion: (await records().get(SYSTEM, 'rental', third)).version as number });
  expect(await stateOf(device)).toBe('available');
});

test('a device marked in service or retired keeps that state; the state itself is never written', async () => {
  const device = await create('device', { name: 'Nagłośnienie konferencyjne', rentable: true, serial_no: 'SN-0003' });
  await update('device', device, { out_of_rental: 'in_service' });
  expect(await stateOf(device)).toBe('in_service');
  await update('device', device, { out_of_rental: null });
  expect(await stateOf(device)).toBe('available');
  const written = await refusal(update('device', device, { rental_state: 'rented' }));
  expect(written.problems[0]).toMatchObject({ pointer: '/rental_state', code: 'READ_ONLY' });
});

test('two booked or running rentals of one device may not overlap; a cancelled one frees the slot', async () => {
  const contractor = await create('contractor', { name: 'Szkoła Językowa Lingwista' });
  const device = await create('device', { name: 'Laptop prezentacyjny 2', rentable: true, serial_no: 'SN-0004' });
  const first = await create('rental', { device, contractor, rented_from: day(1), rented_until: day(3), status: 'reserved' });
  const clash = await refusal(create('rental', { device, contractor, rented_from: day(2), rented_until: day(5), status: 'reserved' }));
  expect(clash.code).toBe('EXCLUSION_VIOLATION');
  expect(clash.extensions).toMatchObject({ conflict: { entity: 'rental', id: first } });
  await update('rental', first, { status: 'cancelled' });
  await create('rental', { device, contractor, rented_from: day(2), rented_until: day(5), status: 'reserved' });
  expect(await stateOf(device)).toBe('reserved');
});
