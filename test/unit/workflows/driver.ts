// Test driver: loads fixtures and feeds events to the pure step function, playing the part of the
// persistence layer (it keeps the state, advances the clock and answers waits by element id).
import { readFileSync } from 'node:fs';
import { loadDefinitions, step, type Effect, type HistoryEntry, type InstanceEvent, type InstanceState, type JsonObject, type ProcessGraph, type StepResult, type Wait, type WaitKind } from '../../../engine/workflows/index.ts';

export function fixtureXml(name: string): string {
  return readFileSync(new URL(`../../fixtures/bpmn/${name}.bpmn`, import.meta.url), 'utf8');
}

export async function loadGraphs(name: string): Promise<readonly ProcessGraph[]> {
  const result = await loadDefinitions(fixtureXml(name));
  if (!result.ok) throw new Error(`fixture ${name} does not deploy: ${JSON.stringify(result.problems, null, 1)}`);
  return result.processes;
}

export async function loadGraph(name: string): Promise<ProcessGraph> {
  const [graph] = await loadGraphs(name);
  if (!graph) throw new Error(`fixture ${name} has no process`);
  return graph;
}

type EffectOf<T extends Effect['type']> = Extract<Effect, { type: T }>;

export class Driver {
  readonly graph: ProcessGraph;
  state: InstanceState | null = null;
  now: Date;
  readonly effects: Effect[] = [];
  readonly history: HistoryEntry[] = [];
  #nextId = 0;

  constructor(graph: ProcessGraph, now = new Date('2026-01-05T09:00:00.000Z')) {
    this.graph = graph;
    this.now = now;
  }

  get current(): InstanceState {
    if (!this.state) throw new Error('no instance started');
    return this.state;
  }

  tryStep(event: InstanceEvent): StepResult {
    return step(this.graph, this.state, event, { now: this.now, newId: () => `id${String(++this.#nextId).padStart(4, '0')}` });
  }

  send(event: InstanceEvent): readonly Effect[] {
    const result = this.tryStep(event);
    if (!result.ok) throw new Error(`${event.type} rejected: ${result.error.code} ${result.error.message}`);
    this.state = result.state;
    this.effects.push(...result.effects);
    this.history.push(...result.history);
    return result.effects;
  }

  start(variables: JsonObject = {}, startEventId?: string): readonly Effect[] {
    return this.send(startEventId === undefined ? { type: 'startInstance', variables } : { type: 'startInstance', variables, startEventId });
  }

  wait<K extends WaitKind>(kind: K, elementId: string): Extract<Wait, { kind: K }> {
    const found = this.waits(kind).filter((w) => w.elementId === elementId);
    if (found.length !== 1) throw new Error(`expected one ${kind} wait at ${elementId}, found ${found.length}: ${JSON.stringify(Object.values(this.current.waits))}`);
    return found[0] as Extract<Wait, { kind: K }>;
  }

  waits<K extends WaitKind>(kind: K): Extract<Wait, { kind: K }>[] {
    return Object.values(this.current.waits).filter((w): w is Extract<Wait, { kind: K }> => w.kind === kind);
  }

  completeJob(elementId: string, variables: JsonObject = {}): readonly Effect[] {
    return this.send({ type: 'jobCompleted', jobId: this.wait('job', elementId).id, variables });
  }

  completeUserTask(elementId: string, variables: JsonObject = {}): readonly Effect[] {
    return this.send({ type: 'userTaskCompleted', userTaskId: this.wait('userTask', elementId).id, variables });
  }

  fireTimer(elementId: string): readonly Effect[] {
    const timer = this.wait('timer', elementId);
    this.now = new Date(timer.dueAt);
    return this.send({ type: 'timerFired', timerId: timer.id });
  }

  correlate(elementId: string, variables: JsonObject = {}): readonly Effect[] {
    return this.send({ type: 'messageCorrelated', subscriptionId: this.wait('message', elementId).id, variables });
  }

  /** Element ids in the order they were left (completed normally), without the process itself. */
  completedElements(): string[] {
    return this.history.filter((h) => h.event === 'left' && h.elementType !== 'bpmn:Process' && h.elementType !== 'bpmn:MultiInstanceBody').map((h) => h.elementId);
  }

  cancelledElements(): string[] {
    return this.history.filter((h) => h.event === 'cancelled').map((h) => h.elementId);
  }

  effectsOf<T extends Effect['type']>(type: T): EffectOf<T>[] {
    return this.effects.filter((e): e is EffectOf<T> => e.type === type);
  }

  rootVariables(): JsonObject {
    return this.current.variables[this.current.rootElementInstanceId] ?? {};
  }
}
