// SMS states shown on activities are written in batches (connectors/sms/activity-states.ts): the
// states arriving together go through one updateMany (one transaction: their audit rows share its
// timestamp), and an activity deleted meanwhile does not keep the others from getting theirs.
import { connectors } from '../../connectors/index.ts';
import { showSmsState } from '../../connectors/sms/activity-states.ts';
import { seedPackage } from '../../engine/seeding.ts';
import type { RecordContext } from '../../engine/records/index.ts';
import { startTestPlatform, type TestPlatform } from '../support/database.ts';

const ctx: RecordContext = { actor: { userId: null, via: 'system' } };
let env: TestPlatform;
let contractor: string;

beforeAll(async () => {
  env = await startTestPlatform({ connectors });
  await env.platform.applyMetadata(await seedPackage(), { source: 'seed' });
  contractor = (await env.platform.records.create(ctx, 'contractor', { name: 'Stalbud Sp. z o.o.', contractor_type: 'company', country: 'pl' })).id as string;
}, 120_000);

afterAll(async () => {
  await env?.close();
});

test('states arriving together are written in one transaction; a deleted activity is skipped and logged', async () => {
  const activities = await env.platform.records.createMany(
    ctx,
    'activity',
    Array.from({ length: 12 }, (_, i) => ({ kind: 'sms', subject: `SMS ${i}`, direction: 'outbound', phone_number: '+48600100200', description: `SMS ${i}`, sms_status: 'queued', start_at: new Date().toISOString(), status: 'resolved', contractor })),
    { allowReadOnly: true },
  );
  const ids = activities.map((a) => a.id as string);
  await env.platform.records.remove(ctx, 'activity', ids[5]!);
  const sms = env.platform.connectors.context('sms');
  const logged: string[] = [];
  const log = sms.log;
  (sms as { log: typeof sms.log }).log = (message) => void logged.push(message);
  try {
    await Promise.all(ids.map((id, i) => showSmsState(sms, id, i === 0 ? 'delivered' : 'sent')));
  } finally {
    (sms as { log: typeof sms.log }).log = log;
  }
  const rows = (await env.platform.knex('activity').whereIn('id', ids).orderBy('subject').select('id', 'sms_status')) as { id: string; sms_status: string }[];
  const byId = new Map(rows.map((r) => [r.id, r.sms_status]));
  expect(ids.map((id) => byId.get(id))).toEqual(['delivered', 'sent', 'sent', 'sent', 'sent', 'queued', 'sent', 'sent', 'sent', 'sent', 'sent', 'sent']);
  expect(logged).toEqual([`activity ${ids[5]}: could not show SMS state sent`]);
  // The eleven live activities were updated together: one transaction stamps their audit rows alike.
  const stamps = (await env.platform.knex('tessera.audit_log').whereIn('record_id', ids).where({ action: 'update' }).select('at')) as { at: Date }[];
  expect(stamps).toHaveLength(11);
  expect(new Set(stamps.map((s) => s.at.getTime())).size).toBe(1);
});
