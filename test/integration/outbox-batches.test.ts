// The outbox claims and sends in batches (engine/connectors/outbox.ts): a channel offering sendBatch
// gets many messages in one call, each message keeps its own outcome (one refused, the rest sent),
// and two processes working one outbox send every message exactly once.
import { randomUUID } from 'node:crypto';
import { SendFailure, type Connector, type OutboxMessage, type SendResult } from '../../engine/connectors/index.ts';
import { startPlatform, type Platform } from '../../engine/platform.ts';
import { startTestPlatform, TEST_SECRET_KEY, type TestPlatform } from '../support/database.ts';
import { eventually } from '../support/workflows.ts';

const batchSizes: number[] = [];
const sentBy = new Map<string, string[]>();
const failedHook: string[] = [];

function batchConnector(process: string): Connector {
  return {
    id: 'batch-test',
    label: { pl: 'Test partii', en: 'Batch test', ro: 'Test de lot' },
    enabledByDefault: true,
    channels: [
      {
        id: 'batch-test',
        maxAttempts: 1,
        send() {
          throw new Error('this channel sends through sendBatch only');
        },
        async sendBatch(messages: readonly OutboxMessage[]): Promise<(SendResult | Error)[]> {
          batchSizes.push(messages.length);
          await new Promise((resolve) => setTimeout(resolve, 20));
          return messages.map((m) => {
            sentBy.set(m.idempotencyKey, [...(sentBy.get(m.idempotencyKey) ?? []), process]);
            return m.payload.refuse === true ? new SendFailure('the peer refused this one', { status: 550, retryable: false }) : { state: 'sent', status: 250 };
          });
        },
        async failed(message) {
          failedHook.push(message.idempotencyKey);
        },
      },
    ],
  };
}

let env: TestPlatform;

beforeAll(async () => {
  env = await startTestPlatform({ connectors: [batchConnector('first')] });
  await env.platform.processes.startWorkers();
}, 60_000);

afterAll(async () => {
  await env?.close();
});

const states = async (keys: readonly string[]) => (await env.platform.knex('tessera.outbox').whereIn('idempotency_key', [...keys]).select('idempotency_key', 'state', 'last_status')) as { idempotency_key: string; state: string; last_status: number | null }[];

test('a channel with sendBatch gets the queued messages in batches; each keeps its own outcome', async () => {
  batchSizes.length = 0;
  const tag = randomUUID();
  const keys = Array.from({ length: 60 }, (_, i) => `${tag}:${i}`);
  await env.platform.connectors.outbox.enqueue(null, 'batch-test', keys.map((key, i) => ({ channel: 'batch-test', recipient: `r${i}`, payload: { refuse: i === 7 }, idempotencyKey: key })));
  await eventually(async () => (await states(keys)).filter((r) => r.state === 'sent' || r.state === 'failed').length === 60, 30_000, 'every message settled');
  const rows = new Map((await states(keys)).map((r) => [r.idempotency_key, r]));
  expect(rows.get(keys[7]!)).toMatchObject({ state: 'failed', last_status: 550 });
  expect(keys.filter((k) => rows.get(k)!.state === 'sent')).toHaveLength(59);
  expect(failedHook).toContain(keys[7]);
  // Without batches every call would carry one message.
  expect(Math.max(...batchSizes)).toBeGreaterThan(1);
  expect(batchSizes.reduce((a, b) => a + b, 0)).toBe(60);
});

test('two processes working one outbox send each message exactly once', async () => {
  let second: Platform | null = null;
  try {
    second = await startPlatform({ url: env.platform.db.url, secretKey: TEST_SECRET_KEY, connectors: [batchConnector('second')] });
    await second.processes.startWorkers();
    const tag = randomUUID();
    const keys = Array.from({ length: 300 }, (_, i) => `${tag}:${i}`);
    // Written in slices, so both processes' workers find work while it comes in.
    for (let i = 0; i < keys.length; i += 30) {
      await env.platform.connectors.outbox.enqueue(null, 'batch-test', keys.slice(i, i + 30).map((key) => ({ channel: 'batch-test', recipient: key, payload: {}, idempotencyKey: key })));
    }
    await eventually(async () => (await states(keys)).filter((r) => r.state === 'sent').length === 300, 60_000, 'every message sent');
    expect(keys.filter((k) => sentBy.get(k)?.length !== 1)).toEqual([]);
  } finally {
    await second?.close();
  }
}, 90_000);
