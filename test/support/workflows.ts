// Drives process instances through the persisted runtime in tests: the same moves as the unit
// Driver (complete a job, a user task, fire a timer, correlate a message), but each one is a step
// transaction against the database, and what is checked is read back from the tables.
import { readFileSync } from 'node:fs';
import type { Platform } from '../../engine/platform.ts';
import type { InstanceState, JsonObject, Wait, WaitKind } from '../../engine/workflows/index.ts';
import type { RecordContext } from '../../engine/records/index.ts';

export const WORKFLOW_CTX: RecordContext = { actor: { userId: null, via: 'workflow' } };

export function bpmnFixture(name: string): string {
  return readFileSync(new URL(`../fixtures/bpmn/${name}.bpmn`, import.meta.url), 'utf8');
}

export async function deployFixture(platform: Platform, name: string): Promise<void> {
  await platform.processes.deploy(bpmnFixture(name), { source: 'test', resourceName: `${name}.bpmn` });
}

export interface HistoryRow {
  readonly element_id: string;
  readonly element_type: string;
  readonly event: string;
  readonly element_instance_id: string;
}

export class InstanceDriver {
  readonly platform: Platform;
  readonly id: string;

  constructor(platform: Platform, id: string) {
    this.platform = platform;
    this.id = id;
  }

  static async start(platform: Platform, processId: string, variables: JsonObject = {}, startEventId?: string): Promise<InstanceDriver> {
    const id = await platform.processes.startInstance(WORKFLOW_CTX, { processId, variables, ...(startEventId ? { startEventId } : {}) });
    return new InstanceDriver(platform, id);
  }

  async row(): Promise<{ status: string; state: InstanceState }> {
    const row = (await this.platform.knex('tessera.process_instances').where({ id: this.id }).first('status', 'state')) as { status: string; state: InstanceState } | undefined;
    if (!row) throw new Error(`instance ${this.id} is not stored`);
    return row;
  }

  async status(): Promise<string> {
    return (await this.row()).status;
  }

  async waits<K extends WaitKind>(kind: K): Promise<Extract<Wait, { kind: K }>[]> {
    const { state } = await this.row();
    return Object.values(state.waits).filter((w): w is Extract<Wait, { kind: K }> => w.kind === kind);
  }

  async wait<K extends WaitKind>(kind: K, elementId: string): Promise<Extract<Wait, { kind: K }>> {
    const found = (await this.waits(kind)).filter((w) => w.elementId === elementId);
    if (found.length !== 1) throw new Error(`expected one ${kind} wait at ${elementId}, found ${found.length}`);
    return found[0]!;
  }

  async rootVariables(): Promise<JsonObject> {
    const { state } = await this.row();
    return state.variables[state.rootElementInstanceId] ?? {};
  }

  async completeJob(elementId: string, variables: JsonObject = {}): Promise<void> {
    const job = await this.wait('job', elementId);
    expectOk(await this.platform.processes.deliver(this.id, { type: 'jobCompleted', jobId: job.id, variables }));
  }

  async throwError(elementId: string, errorCode: string, variables?: JsonObject): Promise<void> {
    const job = await this.wait('job', elementId);
    expectOk(await this.platform.processes.deliver(this.id, { type: 'jobErrorThrown', jobId: job.id, errorCode, ...(variables ? { variables } : {}) }));
  }

  /** Completes the user task through its activity, as the API does. */
  async completeUserTask(elementId: string, variables: JsonObject = {}): Promise<void> {
    const task = await this.wait('userTask', elementId);
    const row = (await this.platform.knex('tessera.process_user_tasks').where({ id: task.id }).first('activity_id')) as { activity_id: string };
    await this.platform.processes.completeActivity(WORKFLOW_CTX, row.activity_id, variables);
  }

  /** Fires a timer now, as its pg-boss job would. */
  async fireTimer(elementId: string): Promise<void> {
    const timer = await this.wait('timer', elementId);
    expectOk(await this.platform.processes.deliver(this.id, { type: 'timerFired', timerId: timer.id }));
  }

  /** Publishes the message the subscription at `elementId` waits for. */
  async correlate(elementId: string, variables: JsonObject = {}): Promise<void> {
    const subscription = await this.wait('message', elementId);
    const result = await this.platform.processes.publishMessage(subscription.messageName, subscription.correlationKey, variables);
    if (result.correlated < 1) throw new Error(`message ${subscription.messageName} did not correlate`);
  }

  async history(): Promise<HistoryRow[]> {
    return (await this.platform.knex('tessera.process_history').where({ instance_id: this.id }).orderBy('id').select('element_id', 'element_type', 'event', 'element_instance_id')) as HistoryRow[];
  }

  /** Element ids left normally, in order, without the process and multi-instance bodies. */
  async completedElements(): Promise<string[]> {
    return (await this.history()).filter((h) => h.event === 'left' && h.element_type !== 'bpmn:Process' && h.element_type !== 'bpmn:MultiInstanceBody').map((h) => h.element_id);
  }

  async cancelledElements(): Promise<string[]> {
    return (await this.history()).filter((h) => h.event === 'cancelled').map((h) => h.element_id);
  }
}

function expectOk(outcome: { ok: boolean; error?: { code: string; message: string } } | null): void {
  if (outcome && !outcome.ok) throw new Error(`rejected: ${outcome.error?.code} ${outcome.error?.message}`);
}

/** Polls until `check` returns a value (not undefined/false) or the time is up. */
export async function eventually<T>(check: () => Promise<T | undefined | false>, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
