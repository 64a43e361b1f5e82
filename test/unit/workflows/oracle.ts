// bpmn-engine as a test oracle: runs the same diagram and reports what it completed and where it waits.
// It does not speak FEEL or Zeebe, so three adapters bridge the gap:
// - expressions starting with `=` are evaluated with the same FEEL evaluator over the instance variables;
// - service/send tasks wait like jobs until the scenario completes them;
// - timers are captured instead of scheduled, so a scenario fires them by element id.
// Manual tasks wait for a signal in bpmn-engine but pass through in BPMN/Zeebe: they are signalled at once.
import { EventEmitter } from 'node:events';
import { Engine, type BpmnEngineOptions } from 'bpmn-engine';
import { evaluateFeel } from '../../../metadata/index.ts';

interface CapturedTimer {
  readonly ownerId: string;
  readonly fire: () => void;
}

interface ActivityApi {
  readonly id: string;
  readonly type: string;
}

interface ExtensionActivity {
  readonly id: string;
  readonly type: string;
  readonly behaviour: { Service?: unknown };
}

const feelExpressions = {
  resolveExpression(expression: unknown, context: { environment?: { variables?: Record<string, unknown> } }): unknown {
    if (typeof expression !== 'string' || !expression.trim().startsWith('=')) return expression;
    return evaluateFeel(expression.trim().slice(1), context.environment?.variables ?? {});
  },
  isExpression: (text: unknown): boolean => typeof text === 'string' && text.trim().startsWith('='),
  hasExpression: (text: unknown): boolean => typeof text === 'string' && text.trim().startsWith('='),
};

export class OracleRun {
  readonly completed: string[] = [];
  readonly waiting = new Set<string>();
  ended = false;
  readonly #timers: CapturedTimer[] = [];
  readonly #services = new Map<string, () => void>();
  #engine: Engine | null = null;

  static async start(xml: string, variables: Record<string, unknown>): Promise<OracleRun> {
    const run = new OracleRun();
    await run.#start(xml, variables);
    return run;
  }

  async #start(xml: string, variables: Record<string, unknown>): Promise<void> {
    const timers = this.#timers;
    const capture = (ownerId: string) => ({
      setTimeout: (callback: (...args: unknown[]) => void, _delay: number, ...args: unknown[]): CapturedTimer => {
        const timer = { ownerId, fire: () => callback(...args) };
        timers.push(timer);
        return timer;
      },
      clearTimeout: (timer: CapturedTimer): void => {
        const index = timers.indexOf(timer);
        if (index >= 0) timers.splice(index, 1);
      },
    });
    const services = this.#services;
    const waiting = this.waiting;
    const listener = new EventEmitter();
    listener.on('activity.wait', (api: ActivityApi) => {
      if (api.type === 'bpmn:UserTask') waiting.add(api.id);
      if (api.type === 'bpmn:ManualTask') setImmediate(() => this.#engine?.execution.signal({ id: api.id }));
    });
    listener.on('activity.end', (api: ActivityApi) => this.completed.push(api.id));
    listener.on('activity.leave', (api: ActivityApi) => waiting.delete(api.id));
    const options = {
      source: xml,
      expressions: feelExpressions,
      timers: { ...capture('?'), register: (owner: { id?: string } | undefined) => capture(owner?.id ?? '?'), executing: timers },
      extensions: {
        jobs(activity: ExtensionActivity) {
          if (activity.type !== 'bpmn:ServiceTask' && activity.type !== 'bpmn:SendTask') return;
          activity.behaviour.Service = function JobService(this: { execute: unknown }) {
            this.execute = (_message: unknown, done: () => void) => {
              services.set(activity.id, done);
              waiting.add(activity.id);
            };
          };
        },
      },
    };
    // The fakes cover only what bpmn-engine calls; its declared types ask for more.
    const engine = new Engine(options as unknown as BpmnEngineOptions);
    this.#engine = engine;
    engine.once('end', () => {
      this.ended = true;
    });
    await engine.execute({ listener, variables });
    await settle();
  }

  /** Completes a waiting user task or service task. */
  async complete(elementId: string): Promise<void> {
    const service = this.#services.get(elementId);
    if (service) {
      this.#services.delete(elementId);
      service();
    } else {
      this.#engine?.execution.signal({ id: elementId });
    }
    await settle();
  }

  async fireTimer(elementId: string): Promise<void> {
    const timer = this.#timers.find((t) => t.ownerId === elementId);
    if (!timer) throw new Error(`bpmn-engine has no timer for ${elementId}; it has ${this.#timers.map((t) => t.ownerId).join(', ')}`);
    timer.fire();
    await settle();
  }

  stop(): void {
    this.#engine?.stop();
  }
}

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
}
