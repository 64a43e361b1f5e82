// One engine process of the workflow benchmark: the platform with its workflow workers (and the
// bench connector `bench:echo`), plus a load driver, run in a child process so that "1 engine" and
// "2 engines" are really one and two Node processes. Commands arrive as JSON lines on stdin:
//   {"cmd":"drive","processId":"…","instances":n,"concurrency":c} → starts n instances, completes
//   their user tasks as they appear, answers {"startedAt","finishedAt"} on stdout.
import { createInterface } from 'node:readline';
import { runWorker } from '../engine/worker.ts';
import { forEachLimit } from '../engine/workflows/runtime/jobs.ts';
import { withConnection } from '../engine/workflows/runtime/sql.ts';
import type { Platform } from '../engine/platform.ts';
import type { TaskType } from '../engine/workflows/runtime/index.ts';

export const BENCH_TASK_TYPES: readonly TaskType[] = [
  { type: 'bench:echo', mode: 'job', concurrency: 16, handler: async () => ({ echoed: true }) },
  { type: 'bench:inline', mode: 'inline', readOnly: true, handler: async () => ({ echoed: true }) },
];

const CTX = { actor: { userId: null, via: 'workflow' as const } };

/**
 * Starts `instances` instances (at most `concurrency` starts at once) and, meanwhile, completes
 * their user tasks as they appear: the time from the first start to the last completion.
 */
export async function drive(platform: Platform, processId: string, instances: number, concurrency: number): Promise<{ startedAt: number; finishedAt: number }> {
  const startedAt = Date.now();
  const pending = new Set<string>();
  let completed = 0;
  const starter = forEachLimit(
    Array.from({ length: instances }, (_, i) => i),
    concurrency,
    async () => {
      pending.add(await platform.processes.startInstance(CTX, { processId }));
    },
  );
  const completer = (async () => {
    while (completed < instances) {
      const ids = [...pending];
      const tasks = ids.length === 0 ? [] : await withConnection(platform.knex, (sql) => sql<{ activity_id: string; instance_id: string }>(`SELECT activity_id, instance_id FROM tessera.process_user_tasks WHERE ended_at IS NULL AND instance_id = ANY($1::uuid[]) LIMIT 1000`, [ids]));
      if (tasks.length === 0) {
        await new Promise((resolve) => setTimeout(resolve, 10));
        continue;
      }
      for (const task of tasks) pending.delete(task.instance_id);
      await forEachLimit(tasks, concurrency, async (task) => {
        await platform.processes.completeActivity(CTX, task.activity_id, {});
        completed++;
      });
    }
  })();
  await Promise.all([starter, completer]);
  return { startedAt, finishedAt: Date.now() };
}

if (import.meta.main) {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is required');
  const worker = await runWorker({ url, poolSize: Number(process.env.TESSERA_DB_POOL_SIZE ?? 12), concurrency: 16 });
  for (const type of BENCH_TASK_TYPES) await worker.platform.processes.registerTaskType(type);
  process.stdout.write('ready\n');
  for await (const line of createInterface({ input: process.stdin })) {
    const command = JSON.parse(line) as { cmd: string; processId: string; instances: number; concurrency: number };
    if (command.cmd === 'drive') process.stdout.write(`${JSON.stringify(await drive(worker.platform, command.processId, command.instances, command.concurrency))}\n`);
    if (command.cmd === 'stop') break;
  }
  await worker.stop();
  process.exit(0);
}
