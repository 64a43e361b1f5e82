// Vehicles with mileage in the shipped CRM (#17, DevleCube fleet service), all metadata: a vehicle's
// current mileage is a max rollup over its mileage readings kept in the reading's transaction; a
// guard refuses a reading below it (two readings racing: the later one sees the earlier); a service
// order may name a vehicle and its mileage at intake, which the order's guard checks and the shipped
// workflow vehicle-mileage-intake records as a reading (and corrects when the order's mileage is corrected); `service_due` follows mileage and date.
import { readFileSync } from 'node:fs';
import type { ApiRecord, RecordService } from '../../engine/records/index.ts';
import { SHIPPED_WORKFLOWS_DIR } from '../../engine/seeding.ts';
import type { TestPlatform } from '../support/database.ts';
import { refusal } from '../support/refusal.ts';
import { startSeedCrm, SYSTEM, updateStored } from '../support/seed-crm.ts';

let env: TestPlatform;
type Rec = Record<string, unknown>;

beforeAll(async () => {
  env = await startSeedCrm();
  await env.platform.processes.deploy(readFileSync(`${SHIPPED_WORKFLOWS_DIR}vehicle-mileage-intake.bpmn`, 'utf8'), { source: 'test', resourceName: 'vehicle-mileage-intake.bpmn' });
}, 120_000);

afterAll(async () => {
  await env?.close();
});

const records = (): RecordService => env.platform.records;
const create = async (entity: string, values: Rec) => (await records().create(SYSTEM, entity, values)).id as string;
const vehicleOf = (id: string) => records().get(SYSTEM, 'vehicle', id);
let plates = 0;
const newVehicle = (values: Rec = {}) => create('vehicle', { registration_number: `KR ${String(10_000 + ++plates)}`, make: 'Škoda', model: 'Fabia', fuel: 'petrol', ...values });
const reading = (vehicle: string, odometer: number, values: Rec = {}) => records().create(SYSTEM, 'mileage_reading', { vehicle, odometer, reading_date: '2027-03-01', ...values });

test('a vehicle\'s current mileage is its highest reading, moved in the reading\'s transaction', async () => {
  const vehicle = await newVehicle({ vin: 'TMBJJ7NE5K0123456', production_year: 2019 });
  expect((await vehicleOf(vehicle)).current_mileage).toBeNull();
  await reading(vehicle, 12_000, { source: 'fuel' });
  const second = await reading(vehicle, 12_480);
  expect((await vehicleOf(vehicle)).current_mileage).toBe(12_480);
  // The same mileage again is no step back.
  await reading(vehicle, 12_480, { source: 'fuel' });
  await records().remove(SYSTEM, 'mileage_reading', second.id as string, { expectedVersion: second.version as number });
  expect((await vehicleOf(vehicle)).current_mileage).toBe(12_480);
  const written = await refusal(updateStored(records(), 'vehicle', vehicle, { current_mileage: 1 }));
  expect(written.problems[0]).toMatchObject({ pointer: '/current_mileage', code: 'READ_ONLY' });
});

test('a reading lower than the current mileage is refused with a translated problem at /odometer', async () => {
  const vehicle = await newVehicle();
  await reading(vehicle, 50_000);
  const lower = await refusal(reading(vehicle, 49_999, { source: 'manual' }));
  expect(lower.code).toBe('RECORD_GUARD_FAILED');
  expect(lower.problems[0]).toMatchObject({ pointer: '/odometer', params: { message: { pl: expect.stringContaining('niższy'), en: expect.stringContaining('lower'), ro: expect.stringContaining('mai mic') } } });
  expect((await vehicleOf(vehicle)).current_mileage).toBe(50_000);
});

test('the registration number is unique and the VIN has 17 characters without I, O or Q', async () => {
  await newVehicle({ registration_number: 'WX 4821K' });
  expect((await refusal(newVehicle({ registration_number: 'WX 4821K' }))).status).toBe(409);
  for (const vin of ['TMBJJ7NE5K012345', 'TMBJJ7NE5K01234567', 'TMBJJ7NE5K012345O']) {
    const bad = await refusal(newVehicle({ vin }));
    expect(bad.problems[0]).toMatchObject({ pointer: '/vin' });
  }
});

test('two readings racing: the later one sees the earlier, so the lower one cannot slip in', async () => {
  const vehicle = await newVehicle();
  await reading(vehicle, 70_000);
  // Side by side: whatever the order, the stored readings never go down and the mileage is the highest.
  const results = await Promise.allSettled([reading(vehicle, 70_900), reading(vehicle, 70_500)]);
  const stored = (await records().list(SYSTEM, 'mileage_reading', { filter: { vehicle: { eq: vehicle } }, sort: 'created_at' })).data.map((r) => r.odometer);
  expect(stored).toEqual([...stored].sort((a, b) => Number(a) - Number(b)));
  expect(results[0]!.status).toBe('fulfilled');
  expect((await vehicleOf(vehicle)).current_mileage).toBe(70_900);
  // A reading held uncommitted: the other writer waits for it and then is refused.
  const trx = await env.platform.knex.transaction();
  await records().create({ actor: SYSTEM.actor, trx }, 'mileage_reading', { vehicle, odometer: 72_000, reading_date: '2027-03-02' });
  const waiting = refusal(reading(vehicle, 71_000));
  await new Promise((resolve) => setTimeout(resolve, 200));
  await trx.commit();
  expect(await waiting).toMatchObject({ code: 'RECORD_GUARD_FAILED', problems: [{ pointer: '/odometer' }] });
  expect((await vehicleOf(vehicle)).current_mileage).toBe(72_000);
});

test('a service order\'s mileage at intake is checked against the vehicle and recorded as a reading', async () => {
  const contractor = await create('contractor', { name: 'Flota Kurierska Sp. z o.o.' });
  const vehicle = await newVehicle({ owner_contractor: contractor });
  await reading(vehicle, 30_000);
  const lower = await refusal(records().create(SYSTEM, 'service_order', { contractor, vehicle, intake_mileage: 29_000, problem: 'Przegląd' }));
  expect(lower.problems[0]).toMatchObject({ pointer: '/intake_mileage', code: 'RECORD_GUARD_FAILED' });
  const order = await records().create(SYSTEM, 'service_order', { contractor, vehicle, intake_mileage: 31_250, problem: 'Przegląd 30 000 km', received_at: '2027-03-04T08:00:00Z' });
  const readings = (await records().list(SYSTEM, 'mileage_reading', { filter: { service_order: { eq: order.id } } })).data;
  expect(readings).toEqual([expect.objectContaining({ vehicle, odometer: 31_250, source: 'service', reading_date: '2027-03-04' })]);
  expect((await vehicleOf(vehicle)).current_mileage).toBe(31_250);
  // Editing the order later records nothing more.
  await updateStored(records(), 'service_order', order.id as string, { diagnosis: 'Wymiana oleju' });
  expect((await records().list(SYSTEM, 'mileage_reading', { filter: { vehicle: { eq: vehicle } } })).data).toHaveLength(2);
});

test('a corrected intake mileage corrects the order\'s reading instead of adding one, also downwards while it is the highest', async () => {
  const contractor = await create('contractor', { name: 'Taxi Wawel' });
  const vehicle = await newVehicle({ owner_contractor: contractor });
  await reading(vehicle, 40_000);
  const order = await records().create(SYSTEM, 'service_order', { contractor, vehicle, intake_mileage: 41_250, problem: 'Hamulce', received_at: '2027-03-05T08:00:00Z' });
  // A typo at intake corrected upwards, then downwards: one reading, following the order.
  await updateStored(records(), 'service_order', order.id as string, { intake_mileage: 42_150 });
  await updateStored(records(), 'service_order', order.id as string, { intake_mileage: 41_520 });
  const readings = (await records().list(SYSTEM, 'mileage_reading', { filter: { service_order: { eq: order.id } } })).data;
  expect(readings).toEqual([expect.objectContaining({ vehicle, odometer: 41_520, source: 'service' })]);
  expect((await vehicleOf(vehicle)).current_mileage).toBe(41_520);
  // Below the vehicle's other readings it stays refused.
  const lower = await refusal(updateStored(records(), 'service_order', order.id as string, { intake_mileage: 39_000 }));
  expect(lower.problems[0]).toMatchObject({ pointer: '/intake_mileage', code: 'RECORD_GUARD_FAILED' });
  expect((await vehicleOf(vehicle)).current_mileage).toBe(41_520);
  // Nor may the reading itself, the highest, go below the others.
  const direct = await refusal(updateStored(records(), 'mileage_reading', readings[0]!.id as string, { odometer: 39_000 }));
  expect(direct.problems[0]).toMatchObject({ pointer: '/odometer', code: 'RECORD_GUARD_FAILED' });
});

test('service is due when the mileage reaches the next service mileage or its date has come', async () => {
  const vehicle = await newVehicle({ next_service_mileage: 15_000, next_service_date: '2999-01-01' });
  expect((await vehicleOf(vehicle)).service_due).toBe(false);
  await reading(vehicle, 14_999);
  expect((await vehicleOf(vehicle)).service_due).toBe(false);
  await reading(vehicle, 15_000);
  expect((await vehicleOf(vehicle)).service_due).toBe(true);
  await updateStored(records(), 'vehicle', vehicle, { next_service_mileage: 30_000 });
  expect((await vehicleOf(vehicle)).service_due).toBe(false);
  const updated: ApiRecord = await updateStored(records(), 'vehicle', vehicle, { next_service_date: '2020-01-01' });
  expect(updated.service_due).toBe(true);
  const due = (await records().list(SYSTEM, 'vehicle', { filter: { service_due: { eq: true } } })).data.map((v) => v.id);
  expect(due).toContain(vehicle);
});
