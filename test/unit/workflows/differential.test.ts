// Differential tests: the same diagram and the same outside events in Tessera's step function and in
// bpmn-engine (oracle.ts). After every event both must have completed the same elements and wait at the
// same tasks; a scenario without parallelism must also agree on the order of completion.
import type { JsonObject } from '../../../engine/workflows/index.ts';
import { Driver, fixtureXml, loadGraph } from './driver.ts';
import { OracleRun } from './oracle.ts';

type Action = { readonly complete: string } | { readonly fireTimer: string };

interface Scenario {
  readonly name: string;
  readonly fixture: string;
  /** A bpmn-engine-only copy of the diagram (e.g. JavaScript conditions instead of FEEL). */
  readonly oracleFixture?: string;
  readonly variables: JsonObject;
  readonly actions: readonly Action[];
  /** True when the completion order is fixed by the model (no parallel branches). */
  readonly ordered: boolean;
}

const scenarios: readonly Scenario[] = [
  ...[5000, 500, 5].map((amount) => ({
    name: `exclusive gateway, amount ${amount}`,
    fixture: 'exclusive-gateway',
    variables: { amount },
    actions: [{ complete: amount > 1000 ? 'bigDeal' : amount > 100 ? 'mediumDeal' : 'smallDeal' }],
    ordered: true,
  })),
  ...[5000, 500, 5].map((amount) => ({
    name: `exclusive gateway against JavaScript conditions, amount ${amount}`,
    fixture: 'exclusive-gateway',
    oracleFixture: 'oracle-exclusive-gateway-js',
    variables: { amount },
    actions: [{ complete: amount > 1000 ? 'bigDeal' : amount > 100 ? 'mediumDeal' : 'smallDeal' }],
    ordered: true,
  })),
  { name: 'parallel gateway, user task first', fixture: 'parallel-gateway', variables: {}, actions: [{ complete: 'legal' }, { complete: 'credit' }], ordered: false },
  { name: 'parallel gateway, service task first', fixture: 'parallel-gateway', variables: {}, actions: [{ complete: 'credit' }, { complete: 'legal' }], ordered: false },
  { name: 'inclusive gateway, one condition holds', fixture: 'inclusive-gateway', variables: { wantsEmail: false, wantsSms: true }, actions: [{ complete: 'sms' }], ordered: true },
  { name: 'inclusive gateway, default flow', fixture: 'inclusive-gateway', variables: { wantsEmail: false, wantsSms: false }, actions: [], ordered: true },
  { name: 'embedded sub-process with user and service task', fixture: 'subprocess', variables: { customer: { name: 'Ana' } }, actions: [{ complete: 'welcome' }, { complete: 'createAccount' }], ordered: true },
  { name: 'boundary timer fires', fixture: 'boundary-timer', variables: {}, actions: [{ fireTimer: 'expired' }], ordered: true },
  { name: 'boundary timer loses against the task', fixture: 'boundary-timer', variables: {}, actions: [{ complete: 'review' }], ordered: true },
  { name: 'user task', fixture: 'user-task', variables: { owner: 'ana', dueDate: '2026-01-09T17:00:00Z' }, actions: [{ complete: 'approve' }], ordered: true },
  { name: 'service task', fixture: 'service-task', variables: { lead: { amount: 1 } }, actions: [{ complete: 'score' }], ordered: true },
  { name: 'error end event caught by a sub-process boundary', fixture: 'end-error', variables: {}, actions: [], ordered: false },
  // bpmn-engine completes the gateway after the winning event, Zeebe (and Tessera) before it: compare sets.
  { name: 'event-based gateway decided by its timer', fixture: 'event-based-gateway', variables: { ticket: 'T' }, actions: [{ fireTimer: 'timeout' }], ordered: false },
  { name: 'intermediate timers', fixture: 'catch-timer', variables: { waitFor: 'PT5M' }, actions: [{ fireTimer: 'wait' }, { fireTimer: 'until' }], ordered: true },
];

describe('differential against bpmn-engine', () => {
  test.each(scenarios)('$name', async (scenario) => {
    const ours = new Driver(await loadGraph(scenario.fixture));
    const oracle = await OracleRun.start(fixtureXml(scenario.oracleFixture ?? scenario.fixture), scenario.variables);
    try {
      ours.start(scenario.variables);
      compare(ours, oracle, scenario.ordered, 'after start');
      for (const action of scenario.actions) {
        if ('complete' in action) {
          const job = ours.waits('job').find((w) => w.elementId === action.complete);
          if (job) ours.completeJob(action.complete);
          else ours.completeUserTask(action.complete);
          await oracle.complete(action.complete);
        } else {
          ours.fireTimer(action.fireTimer);
          await oracle.fireTimer(action.fireTimer);
        }
        compare(ours, oracle, scenario.ordered, `after ${JSON.stringify(action)}`);
      }
      expect({ completed: ours.current.status === 'completed' }).toEqual({ completed: oracle.ended });
      expect(ours.current.status).toBe('completed');
    } finally {
      oracle.stop();
    }
  });

  // bpmn-engine's inclusive gateway never synchronises (only its parallel gateway joins), so each
  // arriving branch passes the join. Tessera waits for every branch that can still arrive (BPMN 2.0 §13.3.2).
  test('known divergence: bpmn-engine lets each branch pass an inclusive join', async () => {
    const variables = { wantsEmail: true, wantsSms: true };
    const ours = new Driver(await loadGraph('inclusive-gateway'));
    const oracle = await OracleRun.start(fixtureXml('inclusive-gateway'), variables);
    try {
      ours.start(variables);
      ours.completeUserTask('email');
      await oracle.complete('email');
      expect({ ours: ours.completedElements().includes('sent'), oracle: oracle.completed.includes('sent') }).toEqual({ ours: false, oracle: true });
      ours.completeUserTask('sms');
      await oracle.complete('sms');
      expect({ ours: count(ours.completedElements(), 'sent'), oracle: count(oracle.completed, 'sent') }).toEqual({ ours: 1, oracle: 2 });
    } finally {
      oracle.stop();
    }
  });
});

function count(ids: readonly string[], id: string): number {
  return ids.filter((x) => x === id).length;
}

function compare(ours: Driver, oracle: OracleRun, ordered: boolean, when: string): void {
  const ourCompleted = ours.completedElements();
  const ourWaiting = [...ours.waits('job'), ...ours.waits('userTask')].map((w) => w.elementId).sort();
  expect({ when, completed: ordered ? ourCompleted : [...ourCompleted].sort(), waiting: ourWaiting }).toEqual({
    when,
    completed: ordered ? oracle.completed : [...oracle.completed].sort(),
    waiting: [...oracle.waiting].sort(),
  });
}
