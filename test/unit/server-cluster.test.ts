// How long the primary of `tessera start --processes N` waits before replacing a dead worker.
import { restartDelayMs } from '../../engine/server-cluster.ts';

test('a worker that had run a while is replaced at once; quick deaths in a row back off, capped', () => {
  expect(restartDelayMs(0)).toBe(0);
  expect([1, 2, 3, 4].map(restartDelayMs)).toEqual([250, 500, 1000, 2000]);
  expect(restartDelayMs(8)).toBe(30_000);
  expect(restartDelayMs(50)).toBe(30_000);
});
