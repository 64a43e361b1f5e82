// Loyalty programmes with points per purchase in the shipped CRM (#17, Sente), all metadata: a card's
// balance is a sum rollup over its points entries; an invoice becoming paid gives its contractor's
// cards points (the trigger invoice_paid_loyalty starts the shipped workflow loyalty-points, acting
// on behalf of the user who marked it paid), once per invoice and card whatever happens; a paid
// correction takes them back; a redemption that would take the balance below zero is refused at
// /points, also when two redemptions race for the last points (exactly one wins).
import { readFileSync } from 'node:fs';
import type { RecordContext, RecordService } from '../../engine/records/index.ts';
import { SHIPPED_WORKFLOWS_DIR } from '../../engine/seeding.ts';
import { createTestUser } from '../support/auth.ts';
import type { TestPlatform } from '../support/database.ts';
import { refusal } from '../support/refusal.ts';
import { startSeedCrm, SYSTEM, updateStored } from '../support/seed-crm.ts';

let env: TestPlatform;
let ola: string;
let programme: string;
type Rec = Record<string, unknown>;

beforeAll(async () => {
  env = await startSeedCrm();
  await env.platform.processes.deploy(readFileSync(`${SHIPPED_WORKFLOWS_DIR}loyalty-points.bpmn`, 'utf8'), { source: 'test', resourceName: 'loyalty-points.bpmn' });
  ola = await createTestUser(env.platform, { login: 'ola', roles: ['sales_manager'] });
  programme = await create('loyalty_programme', { name: 'Klub Stałego Klienta', points_per_unit: 0.5, basis: 'net', validity_months: 12 });
}, 120_000);

afterAll(async () => {
  await env?.close();
});

const records = (): RecordService => env.platform.records;
const as = (userId: string): RecordContext => ({ actor: { userId, via: 'system' } });
const create = async (entity: string, values: Rec) => (await records().create(SYSTEM, entity, values)).id as string;
const balanceOf = async (account: string) => (await records().get(SYSTEM, 'loyalty_account', account)).balance;
const entriesOf = async (account: string) => (await records().list(SYSTEM, 'loyalty_entry', { filter: { account: { eq: account } }, sort: 'created_at' })).data;
let cards = 0;
async function member(name: string, programmeId = programme) {
  const contractor = await create('contractor', { name });
  const account = await create('loyalty_account', { card_number: `KSK-${String(++cards).padStart(5, '0')}`, contractor, programme: programmeId });
  return { contractor, account };
}
const invoice = (contractor: string, net: number, values: Rec = {}) =>
  create('invoice', { contractor, issue_date: '2027-02-01', lines: [{ description: 'Tonery', quantity: net < 0 ? -1 : 1, net_price: Math.abs(net), vat_rate: 'vat23' }], ...values });
const markPaid = async (id: string, userId = ola) => {
  const current = await records().get(SYSTEM, 'invoice', id);
  return records().update(as(userId), 'invoice', id, { paid: true, paid_date: '2027-02-10', paid_amount: Math.max(0, Number(current.gross_total)) }, { expectedVersion: current.version as number });
};
const entry = (account: string, points: number, values: Rec = {}) => records().create(SYSTEM, 'loyalty_entry', { account, points, reason: 'redemption', entry_date: '2027-02-15', ...values });

test('a paid invoice gives its contractor points per unit of its net total, once, audited as who marked it paid', async () => {
  const { contractor, account } = await member('Drogeria Jaśmin');
  const id = await invoice(contractor, 1_234.5);
  expect(await entriesOf(account)).toEqual([]);
  await markPaid(id);
  const [given] = await entriesOf(account);
  expect(given).toMatchObject({ points: 617, reason: 'purchase', source_invoice: id, entry_date: '2027-02-10', expires_on: '2028-02-10' });
  expect(await balanceOf(account)).toBe(617);
  const audit = (await env.platform.knex('tessera.audit_log').where({ entity: 'loyalty_entry', record_id: given!.id, action: 'create' }).first('actor', 'via', 'instance_id')) as Rec;
  expect(audit).toMatchObject({ actor: ola, via: 'workflow' });
  expect(audit.instance_id).toEqual(expect.any(String));
  // Unpaid and paid again: still one entry for the invoice.
  await updateStored(records(), 'invoice', id, { paid: false });
  await markPaid(id);
  expect(await entriesOf(account)).toHaveLength(1);
  // Whatever writes it, a second entry of one invoice on one card is refused.
  expect((await refusal(entry(account, 10, { reason: 'purchase', source_invoice: id }))).status).toBe(409);
  expect(await balanceOf(account)).toBe(617);
});

test('gross-based programmes, pro formas, inactive cards and non-members', async () => {
  const gross = await create('loyalty_programme', { name: 'Program Brutto', points_per_unit: 1, basis: 'gross' });
  const { contractor, account } = await member('Apteka Pod Lipami', gross);
  await markPaid(await invoice(contractor, 100));
  expect((await entriesOf(account)).map((e) => [e.points, e.expires_on])).toEqual([[123, null]]);
  await markPaid(await invoice(contractor, 100, { kind: 'proforma' }));
  expect(await entriesOf(account)).toHaveLength(1);
  await updateStored(records(), 'loyalty_account', account, { active: false });
  await markPaid(await invoice(contractor, 100));
  expect(await entriesOf(account)).toHaveLength(1);
  const stranger = await create('contractor', { name: 'Bez karty Sp. z o.o.' });
  const unclaimed = await invoice(stranger, 500);
  await markPaid(unclaimed);
  expect((await records().list(SYSTEM, 'loyalty_entry', { filter: { source_invoice: { eq: unclaimed } } })).data).toEqual([]);
});

test('a paid correction takes the points back, even below zero', async () => {
  const { contractor, account } = await member('Hurtownia Papieru Arkusz');
  const original = await invoice(contractor, 200);
  await markPaid(original);
  await entry(account, -100);
  const correction = await invoice(contractor, -300, { kind: 'correction', corrected_invoice: original });
  await markPaid(correction);
  const entries = await entriesOf(account);
  expect(entries.map((e) => [e.reason, e.points])).toEqual([['purchase', 100], ['redemption', -100], ['correction', -150]]);
  expect(await balanceOf(account)).toBe(-150);
});

test('a redemption taking the balance below zero is refused at /points; two racing for the last points: exactly one wins', async () => {
  const { account } = await member('Kwiaciarnia Storczyk');
  await entry(account, 300, { reason: 'manual' });
  const over = await refusal(entry(account, -301));
  expect(over.code).toBe('RECORD_GUARD_FAILED');
  expect(over.problems[0]).toMatchObject({ pointer: '/points', params: { message: { pl: expect.stringContaining('punktów'), en: expect.stringContaining('points'), ro: expect.stringContaining('Puncte') } } });
  const partial = await entry(account, -200);
  // Changing a redemption counts its own points once.
  await updateStored(records(), 'loyalty_entry', partial.id as string, { points: -250 });
  expect(await balanceOf(account)).toBe(50);
  expect((await refusal(updateStored(records(), 'loyalty_entry', partial.id as string, { points: -301 }))).code).toBe('RECORD_GUARD_FAILED');

  const results = await Promise.allSettled([entry(account, -50), entry(account, -50)]);
  expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  expect(results.find((r) => r.status === 'rejected')).toMatchObject({ reason: { code: 'RECORD_GUARD_FAILED' } });
  expect(await balanceOf(account)).toBe(0);

  // One redemption held uncommitted: the other waits for it, then sees the balance it left.
  await entry(account, 40, { reason: 'manual' });
  const trx = await env.platform.knex.transaction();
  await records().create({ actor: SYSTEM.actor, trx }, 'loyalty_entry', { account, points: -40, reason: 'redemption' });
  const waiting = refusal(entry(account, -40));
  await new Promise((resolve) => setTimeout(resolve, 200));
  await trx.commit();
  expect(await waiting).toMatchObject({ code: 'RECORD_GUARD_FAILED', problems: [{ pointer: '/points' }] });
  expect(await balanceOf(account)).toBe(0);
});
