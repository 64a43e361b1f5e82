// The summary of a workflow instance as the HTTP API returns it (GET /api/instances, the instances of
// a record) and the web app shows it: one type for the engine's read model and the app.
export type InstanceStatus = 'active' | 'completed' | 'terminated';

/** How an instance started: by a user, a record trigger, a message, a timer or a call activity. */
export type InstanceStartedVia = 'user' | 'trigger' | 'message' | 'timer' | 'call';

export interface InstanceSummary {
  readonly id: string;
  readonly processId: string;
  readonly version: number;
  readonly status: InstanceStatus;
  readonly record: { readonly entity: string; readonly id: string } | null;
  readonly parentInstanceId: string | null;
  /** The acting user: the starter, or the user whose change triggered the instance. */
  readonly startedBy: string | null;
  /** Null: started before instances kept it. */
  readonly startedVia: InstanceStartedVia | null;
  /** Whose rights its actions have: the starter's (`user`) or the platform's (docs/security.md). */
  readonly runAs: 'user' | 'platform';
  /** Owner of the records it creates. */
  readonly recordOwner: string | null;
  readonly startedAt: string;
  readonly updatedAt: string;
  readonly endedAt: string | null;
  readonly activeElementIds: readonly string[];
  readonly openIncidents: number;
}
