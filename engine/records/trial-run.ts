// A trial run (the designer's sandbox, engine/sandbox): the real write path runs inside a
// transaction that is rolled back, and what would have left that transaction is noted here rather
// than assumed — the outbox messages (mail, SMS, webhooks) and pg-boss jobs queued (connector
// tasks, timers, signals), the workflows triggers start, the record events kept for automations.
// The run is carried by AsyncLocalStorage, so the code on the write path (records service, workflow
// runtime, outbox, job queue) notes into it without a parameter through every layer; outside a
// trial nothing is noted.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Model, TrialFired } from '../../metadata/index.ts';
import type { ChangeRows } from './change-rows.ts';
import type { RecordChange } from './service.ts';

export type { TrialFired };

export class TrialRun {
  /** The model tried: triggers are looked up in it, not in the applied one. */
  readonly model: Model;
  /** False once its work has ended: a timer or callback begun inside it that runs later is no part of it. */
  open = true;
  #audited = 0;
  readonly #workflows: { trigger: string; process: string; version: number | null }[] = [];
  readonly #messages: { trigger: string; name: string; correlationKey: string }[] = [];
  readonly #jobs = new Map<string, number>();
  readonly #automationEvents = new Map<string, number>();
  readonly #outbox = new Map<string, number>();
  readonly #problems: string[] = [];

  constructor(model: Model) {
    this.model = model;
  }

  /** Changes audited with the rows kept for them (the automation's record events, engine/records/change-rows.ts). */
  changesWritten(changes: readonly RecordChange[], kept: readonly ChangeRows[]): void {
    this.#audited += changes.length;
    for (const change of changes) if (kept.some((table) => table.row(change) !== null)) this.automationEvent(change.entity, change.action);
  }
  workflowStarted(trigger: string, process: string, version: number | null): void {
    this.#workflows.push({ trigger, process, version });
  }
  messagePublished(trigger: string, name: string, correlationKey: string): void {
    this.#messages.push({ trigger, name, correlationKey });
  }
  jobsQueued(queue: string, count: number): void {
    this.#jobs.set(queue, (this.#jobs.get(queue) ?? 0) + count);
  }
  outboxQueued(channel: string): void {
    this.#outbox.set(channel, (this.#outbox.get(channel) ?? 0) + 1);
  }
  automationEvent(entity: string, action: string): void {
    const key = `${entity}.${action}`;
    this.#automationEvents.set(key, (this.#automationEvents.get(key) ?? 0) + 1);
  }
  problem(text: string): void {
    this.#problems.push(text);
  }

  /** What was noted so far. */
  fired(): TrialFired {
    return {
      audited: this.#audited,
      workflows: [...this.#workflows],
      messages: [...this.#messages],
      jobs: Object.fromEntries(this.#jobs),
      outbox: Object.fromEntries(this.#outbox),
      automationEvents: Object.fromEntries(this.#automationEvents),
      problems: [...this.#problems],
    };
  }
}

const current = new AsyncLocalStorage<TrialRun>();

/** Runs `work` as part of `trial` (everything it awaits notes into it). */
export async function withinTrial<T>(trial: TrialRun, work: () => Promise<T>): Promise<T> {
  try {
    return await current.run(trial, work);
  } finally {
    trial.open = false;
  }
}

/** The trial this code runs in, if any (never one that has ended, whose context a lazily started timer may have kept). */
export function currentTrial(): TrialRun | undefined {
  const trial = current.getStore();
  return trial?.open ? trial : undefined;
}
