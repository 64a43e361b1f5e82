// Timer lateness: instances of a one-timer process whose timers come due over a few seconds, and how
// late each fired (the history's "left" time of the timer event minus its due time). Used by the
// workflow benchmark (one engine process) and by "embedded under load" (both databases, quiet and while
// data is being loaded). The process must be deployed (TIMER_PROCESS) and workflow workers running.
import type { Platform } from '../engine/platform.ts';
import { forEachLimit } from '../engine/workflows/runtime/jobs.ts';

const CTX = { actor: { userId: null, via: 'workflow' as const } };

export const TIMER_PROCESS = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="bench-timer-definitions" targetNamespace="https://tessera.dev/bench"><bpmn:process id="bench-timer" isExecutable="true">
    <bpmn:startEvent id="start" /><bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="wait" />
    <bpmn:intermediateCatchEvent id="wait"><bpmn:timerEventDefinition><bpmn:timeDate xsi:type="bpmn:tFormalExpression">=dueAt</bpmn:timeDate></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="wait" targetRef="end" /><bpmn:endEvent id="end" />
  </bpmn:process></bpmn:definitions>`;

export interface TimerLateness {
  readonly count: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly early: number;
  /** Timers that had not fired two minutes after the last was due (not in the percentiles). */
  readonly unfired: number;
}

export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
}

/**
 * Starts `timers` instances due over `spreadSeconds`, waits for all to fire, returns their lateness in
 * ms. The first is due once all are started (at the rate 50 pilot starts took, with room to spare):
 * what is measured is how late timers fire, not how fast instances start.
 */
export async function measureTimerLateness(
  platform: Platform,
  options: { timers: number; spreadSeconds: number; concurrency: number },
  /** Started once the timers are set, before the first is due; runs until `fired` settles (a load to measure under). */
  whileDue?: (fired: Promise<void>) => Promise<void>,
): Promise<TimerLateness> {
  const pilot = Math.min(50, options.timers);
  const pilotStarted = performance.now();
  const later = new Date(Date.now() + 3_600_000).toISOString();
  await forEachLimit(Array.from({ length: pilot }, (_, i) => i), options.concurrency, async () => {
    await platform.processes.startInstance(CTX, { processId: 'bench-timer', variables: { dueAt: later } });
  });
  const startMs = (performance.now() - pilotStarted) / pilot;
  const first = Date.now() + 3000 + 3 * startMs * options.timers;
  const ids: string[] = [];
  await forEachLimit(
    Array.from({ length: options.timers }, (_, i) => i),
    options.concurrency,
    async (i) => {
      const dueAt = new Date(first + Math.floor((i / options.timers) * options.spreadSeconds * 1000)).toISOString();
      ids.push(await platform.processes.startInstance(CTX, { processId: 'bench-timer', variables: { dueAt } }));
    },
  );
  if (Date.now() > first) throw new Error('starting the timers took past the first due time: lateness would include start time');
  const lastDue = first + options.spreadSeconds * 1000;
  let settle = () => undefined as void;
  const beside = whileDue?.(new Promise<void>((resolve) => (settle = resolve)));
  try {
    await allFired(platform, ids, lastDue);
  } finally {
    settle();
    await beside;
  }

  const { rows: late } = await platform.knex.raw(
    `SELECT extract(epoch FROM h.at - (i.state->'variables'->(i.state->>'rootElementInstanceId')->>'dueAt')::timestamptz) * 1000 AS ms
       FROM tessera.process_history h JOIN tessera.process_instances i ON i.id = h.instance_id
      WHERE i.id = ANY(?::uuid[]) AND h.element_id = 'wait' AND h.event = 'left'`,
    [ids],
  );
  const lateness = (late as { ms: number }[]).map((r) => Number(r.ms)).sort((a, b) => a - b);
  return { count: lateness.length, p50: percentile(lateness, 50), p99: percentile(lateness, 99), max: lateness.at(-1) ?? NaN, early: lateness.filter((ms) => ms < 0).length, unfired: ids.length - lateness.length };
}

/** Until every instance completed, or two minutes after the last was due. */
async function allFired(platform: Platform, ids: string[], lastDue: number): Promise<void> {
  for (;;) {
    const { rows: done } = await platform.knex.raw(`SELECT count(*)::int AS n FROM tessera.process_instances WHERE id = ANY(?::uuid[]) AND status = 'completed'`, [ids]);
    if (done[0].n >= ids.length || Date.now() > lastDue + 120_000) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

export function formatLateness(l: TimerLateness): string {
  return `p50 ${l.p50.toFixed(0)} ms, p99 ${l.p99.toFixed(0)} ms, max ${l.max.toFixed(0)} ms${l.early ? `, ${l.early} early` : ''}${l.unfired ? `; ${l.unfired} of ${l.count + l.unfired} not fired 2 min after the last was due` : ''}`;
}
