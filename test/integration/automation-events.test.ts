// Record events for the flows (engine/automation/events.ts) on a real database: every committed
// change of a listened entity type reaches the subscriber once, in order, across batches (one
// statement marks a batch and reads the next); a rolled-back change never does; a delivery that
// fails (a crash between hand-over and mark) leaves its batch pending, delivered again with the same
// ids — at least once.
import { AutomationEvents } from '../../engine/automation/events.ts';
import type { RecordEvent } from '../../engine/automation/index.ts';
import type { RecordContext } from '../../engine/records/index.ts';
import { startTestPlatform, type TestPlatform } from '../support/database.ts';
import { crmMiniPackage } from '../support/packages.ts';
import { eventually } from '../support/workflows.ts';

const ctx: RecordContext = { actor: { userId: null, via: 'system' } };
let env: TestPlatform;
let events: AutomationEvents;

beforeAll(async () => {
  env = await startTestPlatform();
  await env.platform.applyMetadata(await crmMiniPackage(), { source: 'cli' });
  events = new AutomationEvents(env.platform.knex, env.platform.records);
  events.setListened(new Set(['contractor']));
}, 120_000);

afterAll(async () => {
  await events?.close();
  await env?.close();
});

const pending = async () => Number(((await env.platform.knex('tessera.automation_events').whereNull('delivered_at').count('* as n').first()) as { n: string }).n);

test('every committed change once and in order, across batches; a rollback never; a failed hand-over delivered again', async () => {
  const names = Array.from({ length: 1203 }, (_, i) => `Firm ${String(i).padStart(4, '0')}`);
  // Written before delivery starts: a backlog of three batches (500 each) and a bit.
  for (const name of names) await env.platform.records.create(ctx, 'contractor', { name });
  await expect(
    env.platform.knex.transaction(async (trx) => {
      await env.platform.records.create({ ...ctx, trx }, 'contractor', { name: 'Rolled back' });
      throw new Error('rollback');
    }),
  ).rejects.toThrow('rollback');
  const seen: RecordEvent[] = [];
  let failOnce = 'Firm 0700';
  events.subscribe('contractor', async (event) => {
    if (event.record.name === failOnce) {
      failOnce = '';
      throw new Error('the process died here');
    }
    seen.push(event);
  });
  const errors: string[] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => void errors.push(args.join(' '));
  try {
    events.startDelivering();
    await eventually(async () => errors.length > 0, 20_000, 'the failed hand-over');
    // The batch with the failure (rows 500–999) stays pending; the one before it is marked.
    expect(await pending()).toBe(703);
    events.wake();
    await eventually(async () => (await pending()) === 0, 20_000, 'the rest to be delivered');
  } finally {
    console.error = original;
  }
  const once = new Map<string, RecordEvent>();
  for (const event of seen) once.set(event.id, event);
  // Everything came, in id order each time; the events of the failed batch that were handed on before the failure came twice, with the same ids.
  expect([...once.values()].map((e) => e.record.name)).toEqual(names);
  expect(seen.length).toBe(names.length + 200);
  expect(seen.slice(700, 900).map((e) => e.id)).toEqual(seen.slice(500, 700).map((e) => e.id));
  expect(seen.some((e) => e.record.name === 'Rolled back')).toBe(false);
  // A change after the backlog comes on its own, after the commit.
  await env.platform.records.create(ctx, 'contractor', { name: 'Late' });
  await eventually(async () => seen.at(-1)?.record.name === 'Late', 10_000, 'the late change');
  expect(await pending()).toBe(0);
}, 120_000);
