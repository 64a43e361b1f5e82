// The per-account rate limit (messages/second) holds across processes: two worker processes on one
// database send one account's SMS to the SMSAPI double, and in no second does the gateway get more
// than the bucket allows (one second's burst plus the rate). The bucket is a row of
// tessera.sms_rate_buckets (connectors/sms/rate-buckets.ts); a bucket per process would let each
// process send at the full rate.
import { connectors } from '../../connectors/index.ts';
import { queueSmsMany, reserveSends } from '../../connectors/sms/index.ts';
import { startEngineProcess, type EngineProcess } from '../support/engine-process.ts';
import { crmMiniPackage } from '../support/packages.ts';
import { startSmsapiDouble, type GatewayServer } from '../support/sms-gateway-servers.ts';
import { startTestPlatform, type TestPlatform } from '../support/database.ts';
import { eventually } from '../support/workflows.ts';

const RATE = 4;
const MESSAGES = 24;
let env: TestPlatform;
let gateway: GatewayServer;
const workers: EngineProcess[] = [];

beforeAll(async () => {
  env = await startTestPlatform({ connectors });
  await env.platform.applyMetadata(await crmMiniPackage(), { source: 'seed' });
  gateway = await startSmsapiDouble('rate-token');
  const sms = connectors.find((c) => c.id === 'sms')!;
  await env.platform.connectors.settings.write('sms', sms.configSchema, { enabled: true, config: { defaultAccount: 'gate', accounts: [{ id: 'gate', kind: 'smsapi', token: 'rate-token', baseUrl: gateway.url, ratePerSecond: RATE }] } }, { userId: null, via: 'system' });
}, 120_000);

afterAll(async () => {
  for (const worker of workers) {
    worker.kill('SIGTERM');
    await worker.exited();
  }
  await gateway?.close();
  await env?.close();
});

test('reservations of one account follow one bucket: a burst of one second, then one slot per 1/rate', async () => {
  const knex = env.platform.knex;
  expect(await reserveSends(knex, 'bucket-test', 2, 3)).toEqual([0, 0, expect.any(Number)]);
  const later = await reserveSends(knex, 'bucket-test', 2, 2);
  // Two more at 2/s after a burst of 2 already overdrawn by one: about 1 s and 1.5 s from now.
  expect(later[0]).toBeGreaterThan(700);
  // 500 ms apart, give or take the millisecond each wait is rounded up to.
  expect(Math.abs(later[1]! - later[0]! - 500)).toBeLessThanOrEqual(1);
});

test(`two worker processes sending one account's SMS keep to ${RATE}/s together`, async () => {
  workers.push(await startEngineProcess(env.platform.db.url), await startEngineProcess(env.platform.db.url));
  const ctx = env.platform.connectors.context('sms');
  // Queued in four transactions, so both processes get jobs to fetch.
  for (let from = 0; from < MESSAGES; from += MESSAGES / 4) {
    const results = await queueSmsMany(
      ctx,
      Array.from({ length: MESSAGES / 4 }, (_, k) => ({ to: `+4860030${String(from + k).padStart(4, '0')}`, text: `Przypomnienie ${from + k}`, idempotencyKey: `rate:${from + k}`, actor: { userId: null, via: 'system' as const } })),
    );
    expect(results.every((r) => r.ok)).toBe(true);
  }
  await eventually(async () => (gateway.requests.length >= MESSAGES ? true : undefined), 60_000, `${MESSAGES} SMS at the gateway`);
  const times = gateway.requests.map((r) => r.at).sort((a, b) => a - b);
  expect(times).toHaveLength(MESSAGES);
  const handed = async () => Number(((await env.platform.knex('tessera.sms_messages').where('idempotency_key', 'like', 'rate:%').whereNotNull('provider_id').count({ n: '*' }).first()) as { n: string }).n);
  await eventually(async () => ((await handed()) === MESSAGES ? true : undefined), 10_000, 'every message handed over once');
  // In any window of one second: at most the burst (RATE) plus what the rate refills (RATE), with a
  // little slack for the time between the reservation and the request.
  let worst = 0;
  for (let i = 0; i < times.length; i++) worst = Math.max(worst, times.filter((t) => t >= times[i]! && t < times[i]! + 1000).length);
  expect(worst).toBeLessThanOrEqual(2 * RATE);
  // And the whole run took as long as the rate says: (MESSAGES - burst) / RATE seconds, less a slack.
  expect(times.at(-1)! - times[0]!).toBeGreaterThanOrEqual(((MESSAGES - RATE) / RATE) * 1000 - 500);
}, 120_000);
