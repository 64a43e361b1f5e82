import { afterEach, describe, expect, test } from '@jest/globals';
import { ratioScore, resetScorecard, SCALE_GOALS, scorecardLines, scoreGoal } from '../../../bench/scorecard.ts';

afterEach(() => resetScorecard());

describe('the goals table of npm run bench', () => {
  test('prints nothing when no benchmark scored a goal', () => {
    expect(scorecardLines()).toEqual([]);
  });

  test('lists every goal, measured or not, and counts only the measured ones', () => {
    scoreGoal('httpCreate', ratioScore(79.6, 80));
    scoreGoal('httpGet', ratioScore(80, 80));
    const lines = scorecardLines();
    expect(lines).toHaveLength(1 + Object.keys(SCALE_GOALS).length + 1);
    expect(lines.find((l) => l.includes(SCALE_GOALS.httpCreate))).toMatch(/^ {2}NOT met .* 80 %/);
    expect(lines.find((l) => l.includes(SCALE_GOALS.httpGet))).toMatch(/^ {2}met /);
    expect(lines.find((l) => l.includes(SCALE_GOALS.httpList))).toMatch(/not measured in this run/);
    expect(lines.at(-1)).toBe('  1 of 2 measured goals met');
  });

  test('keeps each score of a goal measured twice (two databases)', () => {
    scoreGoal('timersEmbedded', { measured: 'p99 900 ms', target: 'p99 < 1,000 ms', met: true });
    scoreGoal('timersEmbedded', { measured: 'p99 1300 ms', target: 'p99 < 1,000 ms', met: false });
    const lines = scorecardLines().filter((l) => l.includes(SCALE_GOALS.timersEmbedded));
    expect(lines.map((l) => l.trimStart().split(' ')[0])).toEqual(['met', 'NOT']);
    expect(scorecardLines().at(-1)).toBe('  1 of 2 measured goals met');
  });
});
