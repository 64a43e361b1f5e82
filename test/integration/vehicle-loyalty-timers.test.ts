// The daily timers of the shipped CRM's vehicles and loyalty points (#17): loyalty-points-expiry takes,
// first in first out, the earned points whose expiry date has come and that were not spent (every
// deduction, earlier expiries included, consumes the points that expire first), once however often
// it runs; vehicle-service-due refreshes the stored computed service_due of the vehicles whose next
// service date has come, through a normal update (version moved, audited as the instance). Both act
// with platform rights, as timer starts do, and the audit names the workflow instance.
import { readFileSync } from 'node:fs';
import type { RecordService } from '../../engine/records/index.ts';
import { SHIPPED_WORKFLOWS_DIR } from '../../engine/seeding.ts';
import type { TestPlatform } from '../support/database.ts';
import { startSeedCrm, SYSTEM } from '../support/seed-crm.ts';

let env: TestPlatform;
let programme: string;
type Rec = Record<string, unknown>;

beforeAll(async () => {
  env = await startSeedCrm();
  for (const name of ['loyalty-points-expiry', 'vehicle-service-due']) {
    await env.platform.processes.deploy(readFileSync(`${SHIPPED_WORKFLOWS_DIR}${name}.bpmn`, 'utf8'), { source: 'test', resourceName: `${name}.bpmn` });
  }
  programme = await create('loyalty_programme', { name: 'Klub Stałego Klienta', points_per_unit: 1, basis: 'net', validity_months: 12 });
}, 120_000);

afterAll(async () => {
  await env?.close();
});

const records = (): RecordService => env.platform.records;
const create = async (entity: string, values: Rec) => (await records().create(SYSTEM, entity, values)).id as string;
const entriesOf = async (account: string) => (await records().list(SYSTEM, 'loyalty_entry', { filter: { account: { eq: account } }, sort: 'created_at' })).data;
const balanceOf = async (account: string) => (await records().get(SYSTEM, 'loyalty_account', account)).balance;
let cards = 0;
async function card(name: string) {
  const contractor = await create('contractor', { name });
  return create('loyalty_account', { card_number: `EXP-${String(++cards).padStart(5, '0')}`, contractor, programme });
}
const earn = (account: string, points: number, expires: string | null, day: string) => create('loyalty_entry', { account, points, reason: 'purchase', entry_date: day, expires_on: expires });
const redeem = (account: string, points: number, day: string) => create('loyalty_entry', { account, points: -points, reason: 'redemption', entry_date: day });

async function fireStartTimer(processId: string): Promise<void> {
  const timer = (await env.platform.knex('tessera.process_timers').where({ process_id: processId }).whereNull('instance_id').first('id')) as { id: string };
  await env.platform.processes.transact((session) => session.fireStartTimer(timer.id));
}

test('expired points not spent are taken first in first out, once however often the timer runs, audited as the instance', async () => {
  const account = await card('Drogeria Jaśmin');
  // 100 earned (expired), 30 spent, 50 earned (expired), 40 spent, 80 earned (valid): the 70 spent
  // came out of the oldest points, so 150 - 70 = 80 expire and the 80 still valid stay.
  await earn(account, 100, '2020-01-31', '2019-01-31');
  await redeem(account, 30, '2019-03-01');
  await earn(account, 50, '2020-06-30', '2019-06-30');
  await redeem(account, 40, '2019-09-01');
  await earn(account, 80, '2999-12-31', '2026-01-10');
  // A card whose redemption used up more than its expired points: nothing left to expire.
  const spent = await card('Apteka Pod Lipą');
  await earn(spent, 100, '2020-01-31', '2019-01-31');
  await earn(spent, 60, null, '2019-02-01');
  await redeem(spent, 120, '2019-03-01');

  await fireStartTimer('loyalty-points-expiry');
  const expiries = (await entriesOf(account)).filter((e) => e.reason === 'expiry');
  expect(expiries).toEqual([expect.objectContaining({ points: -80 })]);
  expect(await balanceOf(account)).toBe(80);
  expect((await entriesOf(spent)).filter((e) => e.reason === 'expiry')).toEqual([]);
  expect(await balanceOf(spent)).toBe(40);
  const audit = (await env.platform.knex('tessera.audit_log').where({ entity: 'loyalty_entry', record_id: expiries[0]!.id, action: 'create' }).first('actor', 'via', 'instance_id')) as Rec;
  expect(audit).toMatchObject({ actor: null, via: 'workflow' });
  expect(audit.instance_id).toEqual(expect.any(String));

  // A second run the same day adds nothing; a later expiry takes only what was not taken before.
  await fireStartTimer('loyalty-points-expiry');
  expect((await entriesOf(account)).filter((e) => e.reason === 'expiry')).toHaveLength(1);
  await earn(account, 25, '2021-01-01', '2020-01-01');
  await fireStartTimer('loyalty-points-expiry');
  expect((await entriesOf(account)).filter((e) => e.reason === 'expiry').map((e) => e.points)).toEqual([-80, -25]);
  expect(await balanceOf(account)).toBe(80);
});

test('a vehicle whose next service date has come is marked due by a normal update; one still ahead is left alone', async () => {
  const due = await create('vehicle', { registration_number: 'KR 90001', make: 'Škoda', next_service_date: '2999-01-01' });
  const ahead = await create('vehicle', { registration_number: 'KR 90002', make: 'Škoda', next_service_date: '2999-01-01' });
  // The date passing changes no stored value: as if written long ago, the flag is stale.
  await env.platform.knex('vehicle').where({ id: due }).update({ next_service_date: '2020-01-01' });
  const before = await records().get(SYSTEM, 'vehicle', due);
  expect(before.service_due).toBe(false);
  const aheadBefore = await records().get(SYSTEM, 'vehicle', ahead);

  await fireStartTimer('vehicle-service-due');
  const after = await records().get(SYSTEM, 'vehicle', due);
  expect(after).toMatchObject({ service_due: true, next_service_date: '2020-01-01', version: (before.version as number) + 1 });
  expect(await records().get(SYSTEM, 'vehicle', ahead)).toMatchObject({ service_due: false, version: aheadBefore.version });
  const audit = (await env.platform.knex('tessera.audit_log').where({ entity: 'vehicle', record_id: due, action: 'update' }).first('actor', 'via', 'instance_id')) as Rec;
  expect(audit).toMatchObject({ actor: null, via: 'workflow' });
  expect(audit.instance_id).toEqual(expect.any(String));

  await fireStartTimer('vehicle-service-due');
  expect((await records().get(SYSTEM, 'vehicle', due)).version).toBe(after.version);
});
