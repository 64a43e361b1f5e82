// The `sms` connector with a GSM modem account, against the emulated modem on a real pty (socat):
// messages go through the outbox to the modem, the emulator decodes what a handset would show,
// its +CDS reports move messages and their activities to delivered/failed, +CMS errors fail or
// retry as they say, incoming SMS (+CMTI) land on the sender's timeline and are deleted from the
// SIM, STOP opts out, and a service order set "ready" ends as a delivered SMS on its timeline.
// Needs socat (.ci/run installs it); without it the suite is skipped with a warning.
import { connectors } from '../../connectors/index.ts';
import { pool, reconcileAccounts } from '../../connectors/sms/connector.ts';
import { deployShippedWorkflows, seedPackage } from '../../engine/seeding.ts';
import type { RecordContext } from '../../engine/records/index.ts';
import { startTestPlatform, type TestPlatform } from '../support/database.ts';
import { GsmModemEmulator, socatPath } from '../support/gsm-modem-emulator.ts';
import { jsonClient, startTestServer, type JsonClient, type TestServer } from '../support/http.ts';
import { eventually } from '../support/workflows.ts';

const hasSocat = socatPath() !== null;
if (!hasSocat) console.warn('⚠ socat is not installed: the SMS connector modem suite is SKIPPED (apt-get install socat)');
const suite = hasSocat ? describe : describe.skip;

const ctx: RecordContext = { actor: { userId: null, via: 'system' } };
let env: TestPlatform;
let server: TestServer;
let api: JsonClient;
let emulator: GsmModemEmulator;
let contractor: string;
let anna: string;

const row = (id: string) => env.platform.knex('tessera.sms_messages').where({ id }).first();
const activity = (id: string) => env.platform.records.get(ctx, 'activity', id);

suite('SMS connector over a GSM modem', () => {
  beforeAll(async () => {
    env = await startTestPlatform({ connectors });
    await env.platform.applyMetadata(await seedPackage(), { source: 'seed' });
    server = await startTestServer(env.platform);
    api = jsonClient(`${server.url}/api`);
    emulator = await GsmModemEmulator.start({ pin: '4321', firstMessageReference: 253, reportDelayMs: 50 });
    await env.platform.processes.startWorkers();
    const current = await api.get('/connectors/sms/settings');
    const saved = await api.put('/connectors/sms/settings', {
      enabled: true,
      version: current.body.version,
      config: { defaultRegion: 'PL', retryDelaySeconds: 0.2, accounts: [{ id: 'modem', kind: 'modem', port: emulator.hostPath, pin: '4321', maxAttempts: 3 }] },
    });
    expect(saved.status).toBe(200);
    expect(saved.body.secretsSet).toEqual(['/accounts/0/pin']);
    contractor = (await env.platform.records.create(ctx, 'contractor', { name: 'Vitalis SRL', contractor_type: 'company', country: 'ro' })).id as string;
    anna = (await env.platform.records.create(ctx, 'person', { first_name: 'Ana', last_name: 'Popescu', contractor, mobile: '+48 600-100-200', marketing_consent: true })).id as string;
  }, 120_000);

  afterAll(async () => {
    await server?.close();
    await env?.close();
    await emulator?.stop();
  });

  test('a concatenated UCS-2 message (Polish and Romanian) reaches the handset whole; the +CDS reports of its parts deliver it', async () => {
    const text = 'Zażółć gęślą jaźń. Șeful își ține țânțarii în bărci. '.repeat(3).trim();
    const sent = await api.post('/connectors/sms/messages', { record: { entity: 'person', id: anna }, text });
    expect(sent.status).toBe(201);
    const received = await eventually(async () => emulator.received.find((r) => r.to === '+48600100200'), 20_000, 'the SMS at the modem');
    expect(received).toMatchObject({ text, statusReport: true });
    expect(received.parts).toBe(3);
    // TP-MR wrapped 253 → 254 → 255 and every part was correlated.
    expect(received.mrs).toEqual([253, 254, 255]);
    await eventually(async () => (await row(sent.body.id)).status === 'delivered', 15_000, 'the delivery reports');
    expect(await row(sent.body.id)).toMatchObject({ provider: 'modem', provider_id: `modem:${sent.body.id}`, parts: 3, part_ids: ['253', '254', '255'] });
    // The activity and the outbox row follow the message row a moment later.
    await eventually(async () => (await activity(sent.body.activityId)).sms_status === 'delivered', 10_000, 'the activity delivered');
    const key = (await row(sent.body.id)).idempotency_key;
    await eventually(async () => (await env.platform.knex('tessera.outbox').where({ channel: 'sms', idempotency_key: key }).first()).state === 'delivered', 10_000, 'the outbox row delivered');
  }, 40_000);

  test('a temporary then permanent TP-ST fails the message, and its sender hears of it', async () => {
    emulator.options.reportStatuses = [0x21, 0x41];
    try {
      const sent = await api.post('/connectors/sms/messages', { to: '600 100 201', text: 'Nie dojdzie' });
      await eventually(async () => (await row(sent.body.id)).status === 'failed', 15_000, 'the failure report');
      await eventually(async () => (await activity(sent.body.activityId)).sms_status === 'failed', 10_000, 'the activity failed');
      const notes = await eventually(async () => {
        const list = await env.platform.knex('tessera.notifications').where({ kind: 'sms-failed', user_id: server.adminId }).select('subject', 'record_id');
        return list.length ? list : undefined;
      }, 10_000, 'the notification');
      expect(notes).toEqual([{ subject: expect.stringContaining('+48600100201'), record_id: sent.body.activityId }]);
    } finally {
      emulator.options.reportStatuses = [0x00];
    }
  }, 30_000);

  test('+CMS ERROR 330 (no SMSC) fails at once; 42 (congestion) is retried until the modem takes it', async () => {
    emulator.faults.cmsErrors.push(330);
    const smsc = await api.post('/connectors/sms/messages', { to: '600 100 202', text: 'SMSC?' });
    await eventually(async () => (await row(smsc.body.id)).status === 'failed', 15_000, 'the failure');
    expect((await row(smsc.body.id)).error_code).toBe('sms.error.smscUnknown');
    const entry = await env.platform.knex('tessera.outbox').where({ channel: 'sms', recipient: '+48600100202' }).first();
    expect(entry).toMatchObject({ state: 'failed', attempts: 1 });

    emulator.faults.cmsErrors.push(42, 42);
    const busy = await api.post('/connectors/sms/messages', { to: '600 100 203', text: 'Za trzecim razem' });
    await eventually(async () => (await row(busy.body.id)).status === 'delivered', 20_000, 'the third attempt and its report');
    const entry3 = await eventually(async () => {
      const e = await env.platform.knex('tessera.outbox').where({ channel: 'sms', recipient: '+48600100203' }).first();
      return e.state === 'delivered' ? e : undefined;
    }, 10_000, 'the outbox row delivered');
    expect(entry3).toMatchObject({ state: 'delivered', attempts: 3 });
    expect(emulator.received.filter((r) => r.to === '+48600100203')).toHaveLength(1);
  }, 40_000);

  test('incoming SMS (+CMTI) land on the sender’s timeline and leave the SIM; STOP opts the number out', async () => {
    // Both in the same second, as the network stamps them: still two messages.
    const at = new Date('2026-12-03T10:00:00Z');
    emulator.injectIncoming('+48600100200', 'Mulțumesc, vin mâine după aparat — dziękuję!', at);
    const inbound = await eventually(async () => {
      const list = (await env.platform.records.list(ctx, 'activity', { filter: { person: { eq: anna }, kind: { eq: 'sms' }, direction: { eq: 'inbound' } } })).data;
      return list.length ? list : undefined;
    }, 15_000, 'the incoming activity');
    expect(inbound[0]).toMatchObject({ description: 'Mulțumesc, vin mâine după aparat — dziękuję!', contractor, sms_status: 'received' });
    await eventually(async () => emulator.storedCount === 0, 5000, 'the message deleted from the SIM');

    emulator.injectIncoming('+48600100200', 'NIE', at);
    await eventually(async () => (await env.platform.records.get(ctx, 'person', anna)).sms_opt_out === true, 15_000, 'the opt-out');
    const refused = await api.post('/connectors/sms/messages', { record: { entity: 'person', id: anna }, text: 'Promocja!', purpose: 'marketing' });
    expect(refused.status).toBe(422);
    expect(refused.body.errors[0].code).toBe('sms.error.optedOut');
  }, 30_000);

  test('TP-MR correlation survives a restart: a part reported before it and one after it deliver the message', async () => {
    emulator.options.holdReports = true;
    try {
      const text = 'Zażółć gęślą jaźń — odbiór jutro. '.repeat(3).trim();
      const sent = await api.post('/connectors/sms/messages', { to: '600 100 205', text });
      expect(sent.status).toBe(201);
      await eventually(async () => ((await row(sent.body.id)).status === 'sent' && emulator.heldReportCount === 2 ? true : undefined), 15_000, 'sent, both reports held');
      // The first part's report reaches the running connector: kept per part, the message still sent.
      emulator.releaseReports(1);
      await eventually(async () => ((await row(sent.body.id)).part_states['0'] === 'delivered' ? true : undefined), 10_000, 'the first part delivered');
      expect((await row(sent.body.id)).status).toBe('sent');

      // The connector restarts: the modem is closed (its memory of sent parts gone) and opened anew.
      await pool.close();
      await reconcileAccounts(env.platform.connectors.context('sms'));
      await eventually(async () => (pool.modems()[0]?.modem.health.state === 'ready' ? true : undefined), 15_000, 'the modem open again');
      emulator.releaseReports();
      await eventually(async () => (await row(sent.body.id)).status === 'delivered', 15_000, 'delivered by the report after the restart');
      expect((await row(sent.body.id)).part_states).toEqual({ '0': 'delivered', '1': 'delivered' });
      await eventually(async () => (await activity(sent.body.activityId)).sms_status === 'delivered', 10_000, 'the activity delivered');
      const key = (await row(sent.body.id)).idempotency_key;
      await eventually(async () => (await env.platform.knex('tessera.outbox').where({ channel: 'sms', idempotency_key: key }).first()).state === 'delivered', 10_000, 'the outbox row delivered');
    } finally {
      emulator.options.holdReports = false;
      emulator.releaseReports();
    }
  }, 60_000);

  test('end to end: a service order set ready sends the SMS to the modem and shows it delivered on the order’s timeline', async () => {
    await deployShippedWorkflows(env.platform);
    const technician = (await env.platform.records.create(ctx, 'employee', { name: 'Marek Serwisant' })).id as string;
    const order = await env.platform.records.create(ctx, 'service_order', { order_type: 'repair', received_at: new Date().toISOString(), priority: 'normal', contractor, person: anna, problem: 'Ecran spart', notify_sms: true });
    const update = async (values: Record<string, unknown>) => {
      const current = await env.platform.records.get(ctx, 'service_order', order.id as string);
      await env.platform.records.update(ctx, 'service_order', order.id as string, values, { expectedVersion: current.version as number });
    };
    await update({ technician, status: 'in_repair' });
    await update({ work_done: 'Ecran înlocuit.', status: 'ready' });
    const handset = await eventually(async () => emulator.received.find((r) => r.text.includes('gotowe do odbioru')), 30_000, 'the "ready" SMS at the modem');
    expect(handset.to).toBe('+48600100200');
    const delivered = await eventually(async () => {
      const list = (await env.platform.records.list(ctx, 'activity', { filter: { service_order: { eq: order.id }, kind: { eq: 'sms' } } })).data;
      return list.find((a) => String(a.description).includes('gotowe do odbioru') && a.sms_status === 'delivered');
    }, 15_000, 'the delivered SMS on the order');
    expect(delivered).toMatchObject({ person: anna, direction: 'outbound', phone_number: '+48600100200' });
  }, 60_000);
});
