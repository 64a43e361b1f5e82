// The progress and results of a run over a set of records (a bulk workflow run, a marketing action's
// members), as the server sends it and the app shows it (docs/api.md).
export interface RunProgress {
  readonly total: number;
  /** Instances still waiting or working. */
  readonly running: number;
  readonly completed: number;
  /** Terminated instances and members whose instance did not start. */
  readonly failed: number;
  /** Finished instances per their `outcome` variable ("none" without one). */
  readonly outcomes: Readonly<Record<string, number>>;
}
