// What one sample of the designer's sandbox set off (docs/api.md, POST /api/meta/sandbox), as the
// server sends it (engine/records/trial-run.ts) and the app shows it: one definition for both sides.

/** What one trial set off (counts by name keep the answer short whatever the package does). */
export interface TrialFired {
  /** Audit rows written (the changes the samples made, cascades included). */
  readonly audited: number;
  /** Workflows triggers started: trigger, process and deployed version (null: not deployed, nothing started). */
  readonly workflows: readonly { readonly trigger: string; readonly process: string; readonly version: number | null }[];
  /** Messages triggers published (correlated with waiting instances, or kept for a later start). */
  readonly messages: readonly { readonly trigger: string; readonly name: string; readonly correlationKey: string }[];
  /** Jobs queued per queue: work done after a commit, outside the transaction (not done in a trial). */
  readonly jobs: Readonly<Record<string, number>>;
  /** Messages written to the outbox per channel (e-mail, SMS, webhooks…): what would be sent (not sent in a trial). */
  readonly outbox: Readonly<Record<string, number>>;
  /** Record events kept for automation flows, per `<entity>.<action>`. */
  readonly automationEvents: Readonly<Record<string, number>>;
  /** Triggers that matched but failed (their FEEL), as a real change logs them. */
  readonly problems: readonly string[];
}
