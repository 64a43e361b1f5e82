// The index rows of one step session — timers, message and signal subscriptions, user tasks,
// incidents — kept until the flush writes them (session-flush.ts). The effects that only touch these
// rows (and the pg-boss timer and signal jobs beside them) are applied here; the session handles
// the effects that reach records, other instances or connectors.
import type { Effect } from '../events.ts';
import type { Wait } from '../state.ts';
import type { IsoDuration } from '../timer.ts';
import { SIGNAL_QUEUE, TIMER_QUEUE } from './jobs.ts';
import type { PendingJobs } from './pending-jobs.ts';
import { IndexTable } from './session-flush.ts';

export type UserTaskOutcome = 'completed' | 'cancelled';

export class SessionIndexes {
  readonly timers = new IndexTable();
  readonly messageSubscriptions = new IndexTable();
  readonly signalSubscriptions = new IndexTable();
  readonly userTasks = new IndexTable();
  readonly userTaskEnds = new Map<string, UserTaskOutcome>();
  readonly incidents = new IndexTable();
  readonly resolvedIncidents = new Set<string>();
  readonly #jobs: PendingJobs;

  constructor(jobs: PendingJobs) {
    this.#jobs = jobs;
  }

  /** Applies an effect that only writes index rows (and timer or signal jobs); false for any other. */
  apply(instanceId: string, effect: Effect): boolean {
    switch (effect.type) {
      case 'scheduleTimer':
        this.timers.add(effect.timerId, { instance_id: instanceId, element_instance_id: effect.elementInstanceId, element_id: effect.elementId, process_id: null, version: null, repetitions: null, cycle: null, due_at: effect.dueAt });
        this.#jobs.add(TIMER_QUEUE, { id: effect.timerId, data: { timerId: effect.timerId, instanceId }, startAfter: new Date(effect.dueAt) });
        return true;
      case 'cancelTimer':
        this.timers.remove(effect.timerId);
        this.#jobs.cancel(TIMER_QUEUE, effect.timerId);
        return true;
      case 'openMessageSubscription':
        this.messageSubscriptions.add(effect.subscriptionId, {
          instance_id: instanceId,
          element_instance_id: effect.elementInstanceId,
          element_id: effect.elementId,
          message_name: effect.messageName,
          correlation_key: effect.correlationKey,
          interrupting: effect.interrupting,
        });
        return true;
      case 'openSignalSubscription':
        this.signalSubscriptions.add(effect.subscriptionId, { instance_id: instanceId, element_instance_id: effect.elementInstanceId, element_id: effect.elementId, signal_name: effect.signalName });
        return true;
      case 'closeMessageSubscription':
        this.messageSubscriptions.remove(effect.subscriptionId);
        return true;
      case 'closeSignalSubscription':
        this.signalSubscriptions.remove(effect.subscriptionId);
        return true;
      case 'broadcastSignal':
        this.#jobs.add(SIGNAL_QUEUE, { data: { signalName: effect.signalName, variables: effect.variables } });
        return true;
      case 'raiseIncident':
        this.incidents.add(effect.incidentId, { instance_id: instanceId, element_instance_id: effect.elementInstanceId, element_id: effect.elementId, code: effect.code, message: effect.message });
        return true;
      case 'resolveIncident':
        if (!this.incidents.inserts.delete(effect.incidentId)) this.resolvedIncidents.add(effect.incidentId);
        return true;
      default:
        return false;
    }
  }

  /** A wait that ended in a step: its index row goes (consumed or cancelled alike). */
  waitEnded(wait: Wait, userTaskOutcome: (id: string) => UserTaskOutcome): void {
    if (wait.kind === 'timer') this.timers.remove(wait.id);
    else if (wait.kind === 'message') this.messageSubscriptions.remove(wait.id);
    else if (wait.kind === 'signal') this.signalSubscriptions.remove(wait.id);
    else if (wait.kind === 'userTask') this.endUserTask(wait.id, userTaskOutcome(wait.id));
  }

  endUserTask(id: string, outcome: UserTaskOutcome): void {
    const pending = this.userTasks.inserts.get(id);
    if (pending) pending.ended_outcome = outcome;
    else this.userTaskEnds.set(id, outcome);
  }

  /** A new process start timer (deploy, or the next cycle after a firing). */
  scheduleStartTimer(timer: { id: string; processId: string; version: number; startEventId: string; dueAt: string; repetitions: number | null; cycle: IsoDuration | null }): void {
    this.timers.add(timer.id, {
      instance_id: null,
      element_instance_id: null,
      element_id: timer.startEventId,
      process_id: timer.processId,
      version: timer.version,
      repetitions: timer.repetitions,
      cycle: timer.cycle,
      due_at: timer.dueAt,
    });
    this.#jobs.add(TIMER_QUEUE, { id: timer.id, data: { timerId: timer.id, instanceId: null }, startAfter: new Date(timer.dueAt) });
  }

  cancelStartTimers(ids: readonly string[]): void {
    for (const id of ids) {
      this.timers.remove(id);
      this.#jobs.cancel(TIMER_QUEUE, id);
    }
  }
}
