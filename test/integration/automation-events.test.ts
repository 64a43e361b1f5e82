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

/** The statements `work` runs inside transactions (the writers') and outside them on automation_events (the delivery's). */
async function statements(work: () => Promise<unknown>): Promise<{ writer: number; delivery: number }> {
  const counted = { writer: 0, delivery: 0 };
  const count = (q: { sql: string; __knexTxId?: string }) => {
    if (q.__knexTxId) counted.writer++;
    // (Not the test's own counts of pending rows.)
    else if (q.sql.includes('automation_events') && !q.sql.includes('count(')) counted.delivery++;
  };
  env.platform.knex.on('query', count);
  try {
    await work();
  } finally {
    env.platform.knex.off('query', count);
  }
  return counted;
}

test('an event row costs a change no statement of its own: it is written by the statement of the audit row, all of a createMany in one', async () => {
  await events.stopDelivering();
  const many = (prefix: string) => Array.from({ length: 20 }, (_, i) => ({ name: `${prefix} ${i}` }));
  events.setListened(new Set());
  const before = await pending();
  const unlistened = await statements(() => env.platform.records.create(ctx, 'contractor', { name: 'Unlistened' }));
  const unlistenedMany = await statements(() => env.platform.records.createMany(ctx, 'contractor', many('Unlistened')));
  expect(await pending()).toBe(before);
  events.setListened(new Set(['contractor']));
  const listened = await statements(() => env.platform.records.create(ctx, 'contractor', { name: 'Listened' }));
  const listenedMany = await statements(() => env.platform.records.createMany(ctx, 'contractor', many('Listened')));
  expect(listened.writer).toBe(unlistened.writer);
  expect(listenedMany.writer).toBe(unlistenedMany.writer);
  // The events are there, in the order of the changes, with the change and its audit row.
  const rows = (await env.platform.knex('tessera.automation_events').whereNull('delivered_at').orderBy('id').select('entity', 'action', 'record_id', 'payload')) as { entity: string; action: string; record_id: string; payload: { recordId: string; record: { name: string }; changes: Record<string, unknown> } }[];
  expect(rows.map((r) => r.payload.record.name)).toEqual(['Listened', ...many('Listened').map((m) => m.name)]);
  for (const row of rows) {
    expect(row).toMatchObject({ entity: 'contractor', action: 'create', record_id: row.payload.recordId });
    expect(row.payload.changes).toHaveProperty('name');
  }
  const audited = await env.platform.knex('tessera.audit_log').whereIn('record_id', rows.map((r) => r.record_id)).where({ action: 'create' }).count('* as n').first();
  expect(Number((audited as { n: string }).n)).toBe(rows.length);
  await env.platform.knex('tessera.automation_events').whereNull('delivered_at').update({ delivered_at: env.platform.knex.fn.now() });
}, 60_000);

test('an event committed while a pass delivers is read by the statement marking the one before it', async () => {
  events.setListened(new Set());
  // No poll during the test: only wakes (commits) make statements.
  const own = new AutomationEvents(env.platform.knex, env.platform.records, { pollMs: 600_000 });
  own.setListened(new Set(['contractor']));
  try {
    const seen: string[] = [];
    own.subscribe('contractor', async (event) => {
      seen.push(String(event.record.name));
      // A flow reacting to the first event makes a change the same flow listens to.
      if (event.record.name === 'First') await env.platform.records.create(ctx, 'contractor', { name: 'Second' });
    });
    await env.platform.records.create(ctx, 'contractor', { name: 'First' });
    const counted = await statements(async () => {
      own.startDelivering();
      await eventually(async () => seen.length === 2 && (await pending()) === 0, 10_000, 'both events delivered and marked');
      await own.stopDelivering();
    });
    expect(seen).toEqual(['First', 'Second']);
    // Read First; mark First and read Second; mark Second and find nothing. (One pass each, a read and a mark apiece: 4.)
    expect(counted.delivery).toBe(3);
  } finally {
    await own.close();
  }
}, 60_000);
