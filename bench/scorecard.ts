// The issue's goals in one table at the end of `npm run bench`: each benchmark scores the goals it
// measured (in the same run, beside its baseline), and the runner prints what was met and by how
// much the rest is missed. A goal not measured in this run (its benchmark not selected) is listed
// as such rather than left out, so a partial run cannot read as a pass.

export interface GoalScore {
  /** What the goal is about, e.g. "HTTP create / raw HTTP server". */
  readonly goal: string;
  /** The figure measured, with its unit ("72 %", "p99 718 ms"). */
  readonly measured: string;
  /** The target as the issue states it ("≥ 80 %", "p99 < 1,000 ms"). */
  readonly target: string;
  readonly met: boolean;
  /** Where the figure comes from (database, conditions), when it matters. */
  readonly note?: string;
}

/** The goals of issue #19, in the issue's order; benchmarks score them by these keys. */
export const SCALE_GOALS = {
  httpCreate: 'HTTP create ≥ 80 % of a raw node:http + pg server',
  httpGet: 'HTTP get ≥ 80 % of a raw node:http + pg server',
  httpList: 'HTTP list ≥ 80 % of a raw node:http + pg server',
  workflowAction1: 'workflows, engine action, 1 process ≥ 50 % of the raw floor',
  workflowAction2: 'workflows, engine action, 2 processes ≥ 50 % of the raw floor',
  workflowJob1: 'workflows, connector job, 1 process ≥ 50 % of the raw floor',
  workflowJob2: 'workflows, connector job, 2 processes ≥ 50 % of the raw floor',
  timersServer: 'timer lateness p99 < 1 s, server, while data loads',
  timersEmbedded: 'timer lateness p99 < 1 s, embedded, while data loads',
  embeddedList: 'embedded list ≥ 50 % of the same code on a server',
  embeddedGet: 'embedded get ≥ 50 % of the same code on a server',
  embeddedCreate: 'embedded create ≥ 50 % of the same code on a server',
  largeList: 'large data: contractor list p95 < 20 ms',
  largeTimeline: 'large data: timeline first page p95 < 20 ms',
  largeSearch: 'large data: global search p95 < 100 ms',
  largeReport: 'large data: group-by report p95 < 300 ms',
  largeNullable: 'large data: nullable field added < 1 s',
  largeDefault: 'large data: field with a default, no rewrite',
} as const;

export type ScaleGoal = keyof typeof SCALE_GOALS;

const scores = new Map<ScaleGoal, GoalScore[]>();

/** Scores a goal; a goal measured more than once in a run (two databases, two rounds) keeps each. */
export function scoreGoal(key: ScaleGoal, score: Omit<GoalScore, 'goal'>): void {
  const list = scores.get(key) ?? [];
  list.push({ goal: SCALE_GOALS[key], ...score });
  scores.set(key, list);
}

/** Whether a ratio in percent meets "at least `target` %", worded for the table. */
export function ratioScore(percent: number, target: number, note?: string): Omit<GoalScore, 'goal'> {
  return { measured: `${percent.toFixed(0)} %`, target: `≥ ${target} %`, met: percent >= target, ...(note ? { note } : {}) };
}

/** The table; nothing when no benchmark of this run scored a goal. */
export function scorecardLines(): string[] {
  if (scores.size === 0) return [];
  const lines = ['issue #19 goals measured in this run:'];
  let met = 0;
  let measured = 0;
  for (const key of Object.keys(SCALE_GOALS) as ScaleGoal[]) {
    const list = scores.get(key);
    if (!list) {
      lines.push(`  ${'—'.padEnd(7)} ${SCALE_GOALS[key].padEnd(64)} not measured in this run`);
      continue;
    }
    for (const s of list) {
      measured++;
      if (s.met) met++;
      lines.push(`  ${(s.met ? 'met' : 'NOT met').padEnd(7)} ${s.goal.padEnd(64)} ${s.measured.padStart(14)}  (target ${s.target})${s.note ? `  ${s.note}` : ''}`);
    }
  }
  lines.push(`  ${met} of ${measured} measured goals met`);
  return lines;
}

/** Forgets every score (tests; a runner measuring twice). */
export function resetScorecard(): void {
  scores.clear();
}
