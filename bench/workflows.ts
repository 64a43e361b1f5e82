// Workflow benchmark: persisted instances per second, start → service task → user task → complete,
// with 1 and 2 engine processes (child processes running the workers and a load driver each), next to
// raw pg doing the floor of the same work in the same run (three transactions per instance, each
// writing one jsonb row); and timer lateness p50/p99 for timers due over a few seconds.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { Platform } from '../engine/platform.ts';
import type { PackageFiles } from '../metadata/index.ts';
import { forEachLimit } from '../engine/workflows/runtime/jobs.ts';
import { BENCH_PACKAGE } from './records.ts';
import { BENCH_TASK_TYPES } from './workflows-engine.ts';
import { formatLateness, measureTimerLateness, TIMER_PROCESS } from './timer-lateness.ts';
import { spread } from './records.ts';
import { ratioScore, scoreGoal, type ScaleGoal } from './scorecard.ts';

const ENGINE = fileURLToPath(new URL('./workflows-engine.ts', import.meta.url));

const definitions = (body: string) => `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="bench" targetNamespace="https://tessera.dev/bench">${body}</bpmn:definitions>`;

const serviceThenUserTask = (id: string, type: string) =>
  definitions(`<bpmn:process id="${id}" isExecutable="true">
    <bpmn:startEvent id="start" /><bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="service" />
    <bpmn:serviceTask id="service"><bpmn:extensionElements><zeebe:taskDefinition type="${type}" /></bpmn:extensionElements></bpmn:serviceTask>
    <bpmn:sequenceFlow id="f2" sourceRef="service" targetRef="approve" />
    <bpmn:userTask id="approve" name="Approve"><bpmn:extensionElements><zeebe:assignmentDefinition assignee="admin" /></bpmn:extensionElements></bpmn:userTask>
    <bpmn:sequenceFlow id="f3" sourceRef="approve" targetRef="end" /><bpmn:endEvent id="end" />
  </bpmn:process>`);

/** The records benchmark's package plus what user tasks need: an activity kind `task`. */
const WORKFLOW_BENCH_PACKAGE: PackageFiles = {
  files: { ...BENCH_PACKAGE.files, 'activity-kinds/task.json': { kind: 'activityKind', id: 'b.task', name: 'task', label: { en: 'Task' } } },
};

interface Engine {
  readonly child: ChildProcess;
  command(command: object): Promise<Record<string, number>>;
  stop(): Promise<void>;
}

async function startEngine(url: string): Promise<Engine> {
  const child = spawn(process.execPath, [ENGINE], { env: { ...process.env, DATABASE_URL: url }, stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const next = async (): Promise<string> => {
    const line = await lines.next();
    if (line.done) throw new Error('the engine process ended');
    return line.value;
  };
  while ((await next()) !== 'ready');
  return {
    child,
    async command(command) {
      child.stdin!.write(`${JSON.stringify(command)}\n`);
      return JSON.parse(await next()) as Record<string, number>;
    },
    async stop() {
      child.stdin!.write(`${JSON.stringify({ cmd: 'stop' })}\n`);
      await new Promise((resolve) => child.once('exit', resolve));
    },
  };
}

/** Instances per second over k engine processes sharing `total` instances. */
async function throughput(engines: Engine[], processId: string, total: number, concurrency: number): Promise<number> {
  const share = Math.floor(total / engines.length);
  const results = await Promise.all(engines.map((e) => e.command({ cmd: 'drive', processId, instances: share, concurrency })));
  const start = Math.min(...results.map((r) => r.startedAt!));
  const end = Math.max(...results.map((r) => r.finishedAt!));
  return (share * engines.length) / ((end - start) / 1000);
}

/** The floor: three transactions per instance (start, job result, completion), each writing a jsonb row, same concurrency. */
async function rawFloor(url: string, total: number, concurrency: number): Promise<number> {
  const pool = new pg.Pool({ connectionString: url, max: concurrency });
  pool.on('error', () => undefined);
  await pool.query('CREATE TABLE IF NOT EXISTS bench_raw_instance (id uuid PRIMARY KEY, state jsonb NOT NULL, status text NOT NULL)');
  const tx = async (statements: [string, unknown[]][]) => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      for (const [text, values] of statements) await client.query(text, values);
      await client.query('COMMIT');
    } finally {
      client.release();
    }
  };
  const state = (step: string) => JSON.stringify({ step, variables: { echoed: true }, waits: { [randomUUID()]: { kind: step } } });
  const started = performance.now();
  await forEachLimit(
    Array.from({ length: total }, () => randomUUID()),
    concurrency,
    async (id) => {
      await tx([[`INSERT INTO bench_raw_instance (id, state, status) VALUES ($1, $2, 'active')`, [id, state('job')]]]);
      await tx([[`UPDATE bench_raw_instance SET state = $2 WHERE id = $1`, [id, state('userTask')]]]);
      await tx([[`UPDATE bench_raw_instance SET state = $2, status = 'completed' WHERE id = $1`, [id, state('done')]]]);
    },
  );
  const rate = total / ((performance.now() - started) / 1000);
  await pool.query('DROP TABLE bench_raw_instance');
  await pool.end();
  return rate;
}

export interface WorkflowBenchOptions {
  readonly instances: number;
  readonly concurrency: number;
  /** Runs of every path and process count (the goal is for every run). */
  readonly runs: number;
  readonly timers: number;
  /** Seconds over which the timers come due. */
  readonly timerSpreadSeconds: number;
  readonly log: (line: string) => void;
}

export async function workflowsBenchmark(platform: Platform, options: WorkflowBenchOptions): Promise<void> {
  const { log } = options;
  const url = platform.db.url;
  await platform.applyMetadata(WORKFLOW_BENCH_PACKAGE, { source: 'cli' });
  for (const type of BENCH_TASK_TYPES) await platform.processes.registerTaskType(type);
  await platform.processes.deploy(serviceThenUserTask('bench-job', 'bench:echo'), { source: 'cli' });
  await platform.processes.deploy(serviceThenUserTask('bench-inline', 'bench:inline'), { source: 'cli' });
  await platform.processes.deploy(TIMER_PROCESS, { source: 'cli' });
  await platform.knex('tessera.users').insert({ login: 'admin', display_name: 'Admin' }).onConflict().ignore();

  const n = options.instances;
  const c = options.concurrency;
  // Before the engines connect: the server's connection limit is shared.
  const floor = await rawFloor(url, n, c);
  const engines = [await startEngine(url), await startEngine(url)];
  try {
    // Warm-up: JIT, pools, graph caches, pg-boss queues.
    await throughput(engines, 'bench-job', Math.min(200, n), c);
    const paths = [
      ['service task = connector job (pg-boss worker)', 'bench-job', ['workflowJob1', 'workflowJob2']],
      ['service task = engine action (inline)', 'bench-inline', ['workflowAction1', 'workflowAction2']],
    ] as const;
    // The goal holds for every run: runs alternate between the paths and the process counts, so a
    // change in the machine's load reaches each alike; min / median / max are printed, not the best.
    const rates = new Map<ScaleGoal, number[]>();
    for (let run = 0; run < options.runs; run++) {
      for (const [, processId, goals] of paths) {
        for (const [i, goal] of goals.entries()) {
          const rate = await throughput(i === 0 ? engines.slice(0, 1) : engines, processId, n, c);
          rates.set(goal, [...(rates.get(goal) ?? []), rate]);
        }
      }
    }
    const fixed = (v: number) => v.toFixed(0);
    log(`workflow instances/s (start → service task → user task → complete, ${n} instances, ${c} concurrent per engine process; min / median / max of ${options.runs} runs):`);
    for (const [label, , goals] of paths) {
      for (const [i, goal] of goals.entries()) {
        const r = spread(rates.get(goal)!);
        const share = (v: number) => fixed((100 * v) / floor);
        log(`  ${`${label}, ${i + 1} engine process${i ? 'es' : ''}`.padEnd(66)} ${`${fixed(r.min)}/${fixed(r.median)}/${fixed(r.max)}`.padStart(16)}/s  ${`${share(r.min)}/${share(r.median)}/${share(r.max)}`.padStart(10)} % of raw`);
        // "Every run": the goal is scored on the slowest run.
        scoreGoal(goal, ratioScore((100 * r.min) / floor, 50, `slowest of ${options.runs} runs, ${fixed(r.min)}/s of ${fixed(floor)}/s`));
      }
    }
    log(`  ${'raw pg floor: 3 transactions per instance, one jsonb row each'.padEnd(66)} ${floor.toFixed(0).padStart(16)}/s  (target ≥ 50 % of it)`);

    // Timer lateness: timers due over the next few seconds, fired by one engine process.
    await engines[1]!.stop();
    engines.pop();
    const lateness = await measureTimerLateness(platform, { timers: options.timers, spreadSeconds: options.timerSpreadSeconds, concurrency: c });
    log(`timer lateness (${lateness.count} timers due over ${options.timerSpreadSeconds} s, 1 engine process): ${formatLateness(lateness)} (target p99 < 1000 ms)`);
  } finally {
    for (const engine of engines) await engine.stop();
  }
}
