// The flush of a step session: everything pending becomes one statement of data-modifying CTEs, rows
// added and removed within the session are never written, and the pending writes are drained.
import { flushStatement, IndexTable, type LoadedInstance, type PendingWrites } from '../../../engine/workflows/runtime/session-flush.ts';

function pending(instances: LoadedInstance[] = []): PendingWrites {
  return {
    instances,
    history: [],
    timers: new IndexTable(),
    messageSubscriptions: new IndexTable(),
    signalSubscriptions: new IndexTable(),
    userTasks: new IndexTable(),
    userTaskEnds: new Map(),
    incidents: new IndexTable(),
    resolvedIncidents: new Set(),
    audits: [],
    notifications: [],
    statements: [],
  };
}

const ID = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

test('nothing pending: no statement', () => {
  expect(flushStatement(pending())).toBeNull();
});

test('a new instance, a timer kept, a timer added and removed, a deleted subscription: one statement, drained', () => {
  const instance = {
    meta: { id: ID(1), processId: 'p', version: 1, record: null, parentInstanceId: null, startedBy: null, startedVia: 'user', owner: null, runAs: 'user' },
    graph: {},
    state: { status: 'active' },
    isNew: true,
    dirty: true,
  } as unknown as LoadedInstance;
  const writes = pending([instance]);
  writes.timers.add(ID(2), { instance_id: ID(1), due_at: '2026-12-03T10:00:00Z' });
  writes.timers.add(ID(3), { instance_id: ID(1) });
  writes.timers.remove(ID(3));
  writes.messageSubscriptions.remove(ID(4));
  writes.resolvedIncidents.add(ID(5));

  const statement = flushStatement(writes)!;
  expect(statement.text.startsWith('WITH w0 AS (')).toBe(true);
  expect(statement.text).toContain('INSERT INTO tessera.process_timers');
  expect(statement.text).toContain('DELETE FROM tessera.process_message_subscriptions');
  expect(statement.text).toContain('UPDATE tessera.process_incidents SET resolved_at');
  expect(statement.text).toContain('INSERT INTO tessera.process_instances');
  // One parameter per CTE, numbered in order.
  expect(statement.values).toHaveLength((statement.text.match(/ AS \(/g) ?? []).length);
  expect(statement.text).toContain(`$${statement.values.length}::jsonb`);
  const timers = JSON.parse(statement.values[0] as string) as { id: string }[];
  expect(timers.map((t) => t.id)).toEqual([ID(2)]);
  // Drained: the instance is no longer new or dirty, the tables are empty.
  expect({ isNew: instance.isNew, dirty: instance.dirty, timers: writes.timers.empty, resolved: writes.resolvedIncidents.size }).toEqual({ isNew: false, dirty: false, timers: true, resolved: 0 });
  expect(flushStatement(writes)).toBeNull();
});

test('notifications held for the flush: one more CTE with their rows in order, in-app ones delivered, outbox ones pending; drained', () => {
  const writes = pending();
  writes.notifications.push(
    { channel: 'in-app', kind: 'assigned', userId: ID(6), subject: 'Approve', record: { entity: 'activity', id: ID(7) } },
    { channel: 'email', address: 'a@example.com', subject: 'Hello' },
  );
  const statement = flushStatement(writes)!;
  expect(statement.text).toContain('INSERT INTO tessera.notifications');
  expect(statement.text).toContain('WITH ORDINALITY');
  expect(JSON.parse(statement.values[0] as string)).toEqual([
    { channel: 'in-app', user_id: ID(6), recipient_entity: null, recipient_id: null, address: null, subject: 'Approve', body: null, record_entity: 'activity', record_id: ID(7), instance_id: null, status: 'delivered', kind: 'assigned' },
    { channel: 'email', user_id: null, recipient_entity: null, recipient_id: null, address: 'a@example.com', subject: 'Hello', body: null, record_entity: null, record_id: null, instance_id: null, status: 'pending', kind: null },
  ]);
  expect(writes.notifications).toEqual([]);
  expect(flushStatement(writes)).toBeNull();
});

test("a statement built elsewhere (pg-boss's job insert) rides along as a CTE, its parameters numbered after the flush's own", () => {
  const writes = pending();
  writes.history.push({ instanceId: ID(1), elementInstanceId: ID(2), elementId: 'start', elementType: 'startEvent', event: 'entered', at: '2026-01-01T00:00:00.000Z' });
  writes.statements.push({ text: `INSERT INTO q.job (name, data) SELECT 'q', data FROM json_to_recordset($1::text::json) AS x (data jsonb) WHERE $2::int > 0`, values: ['[{"data":{}}]', 1] });
  const statement = flushStatement(writes)!;
  expect(statement.values).toHaveLength(3);
  expect(statement.values.slice(1)).toEqual(['[{"data":{}}]', 1]);
  expect(statement.text).toContain(`w1 AS (INSERT INTO q.job (name, data) SELECT 'q', data FROM json_to_recordset($2::text::json) AS x (data jsonb) WHERE $3::int > 0)`);
  expect(writes.statements).toEqual([]);
});
