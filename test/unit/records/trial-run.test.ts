// A sandbox's trial run (engine/records/trial-run.ts): code awaited inside it notes into it; code
// outside it sees none; and a callback begun inside it that runs after it ended is no part of it
// (it must not, say, look up triggers in a tried model long after the sandbox answered).
import type { Model } from '../../../metadata/index.ts';
import { currentTrial, TrialRun, withinTrial } from '../../../engine/records/index.ts';

const MODEL = { pkg: { triggers: [] } } as unknown as Model;

test('work awaited inside a trial notes into it; nothing outside it does', async () => {
  const trial = new TrialRun(MODEL);
  expect(currentTrial()).toBeUndefined();
  await withinTrial(trial, async () => {
    await Promise.resolve();
    currentTrial()?.jobsQueued('tessera.job.email_3asend', 2);
    await new Promise((resolve) => setImmediate(resolve));
    currentTrial()?.jobsQueued('tessera.job.email_3asend', 1);
    currentTrial()?.workflowStarted('welcome', 'approval', 3);
  });
  currentTrial()?.jobsQueued('tessera.timer', 1);
  expect(trial.fired()).toMatchObject({ jobs: { 'tessera.job.email_3asend': 3 }, workflows: [{ trigger: 'welcome', process: 'approval', version: 3 }] });
});

test('a callback begun inside a trial that runs after it ended sees no trial', async () => {
  const trial = new TrialRun(MODEL);
  let later: Promise<TrialRun | undefined> | undefined;
  await withinTrial(trial, async () => {
    later = new Promise((resolve) => setTimeout(() => resolve(currentTrial()), 5));
  });
  await expect(later).resolves.toBeUndefined();
});

test('two trials at once keep apart', async () => {
  const [a, b] = [new TrialRun(MODEL), new TrialRun(MODEL)];
  const note = (queue: string) => async () => {
    for (let i = 0; i < 3; i++) {
      await new Promise((resolve) => setImmediate(resolve));
      currentTrial()?.jobsQueued(queue, 1);
    }
  };
  await Promise.all([withinTrial(a, note('a')), withinTrial(b, note('b'))]);
  expect(a.fired().jobs).toEqual({ a: 3 });
  expect(b.fired().jobs).toEqual({ b: 3 });
});
