// What the Tessera nodes of Node-RED get from the engine (connectors/node-red): the embedding hands an object of
// this shape to the palette when Node-RED loads it. Every call names the identity it acts as; the
// engine resolves it to a user and acts with that user's rights (via `automation` in the audit).
import type { JsonObject, JsonValue } from '../connectors/contract.ts';

/** Who a node acts as: an API token of a Tessera user, or (none) the installation's `automation` user. */
export interface IdentityRef {
  readonly token?: string;
  /** The flow (its id and label) and the node acting: named in the audit trail of every write. */
  readonly flow?: string;
  readonly flowName?: string;
  readonly node?: string;
  readonly nodeName?: string;
}

export type EventAction = 'create' | 'update' | 'delete' | 'restore';

/** A committed record change, as a `tessera-event` node delivers it (at least once: `id` repeats on a redelivery). */
export interface RecordEvent {
  readonly id: string;
  readonly entity: string;
  readonly action: EventAction;
  readonly recordId: string;
  readonly record: JsonObject;
  readonly previous: JsonObject | null;
  readonly changes: JsonObject;
  readonly transitions: readonly JsonObject[];
  readonly actor: string | null;
  readonly occurredAt: string;
}

export interface ListQuery {
  readonly filter?: JsonValue;
  readonly sort?: string;
  readonly limit?: number;
  readonly search?: string;
}

/** A refusal or failure, with the platform's problem code (FORBIDDEN, VALIDATION, NOT_FOUND…). */
export interface TesseraNodeError extends Error {
  readonly code?: string;
}

export interface TesseraPorts {
  readonly records: {
    get(who: IdentityRef, entity: string, id: string): Promise<JsonObject>;
    list(who: IdentityRef, entity: string, query: ListQuery): Promise<{ data: JsonObject[]; next?: string }>;
    create(who: IdentityRef, entity: string, values: JsonObject): Promise<JsonObject>;
    update(who: IdentityRef, entity: string, id: string, values: JsonObject, expectedVersion?: number): Promise<JsonObject>;
    remove(who: IdentityRef, entity: string, id: string): Promise<JsonObject>;
  };
  readonly workflows: {
    start(who: IdentityRef, processId: string, variables: JsonObject, record?: { entity: string; id: string }): Promise<string>;
    publish(who: IdentityRef, message: string, correlationKey: string, variables: JsonObject): Promise<{ correlated: number; started: readonly string[] }>;
    /** Completes the user task of an activity with form data, as the identity (who must be allowed to resolve the activity). */
    complete(who: IdentityRef, activityId: string, formData: JsonObject): Promise<{ instanceId: string; activity: JsonObject }>;
  };
  readonly connectors: {
    /** Runs a connector's action (`email`/`send`, `sms`/`send`, `fiscal`/`print`) as the identity; the key makes a repeat do nothing. */
    act(who: IdentityRef, connectorId: string, action: string, input: JsonObject, idempotencyKey: string): Promise<JsonObject>;
  };
  readonly events: {
    /** Calls `deliver` for each committed change of `entity`; resolve it once the event is handed on (then it counts as delivered). */
    subscribe(entity: string, deliver: (event: RecordEvent) => Promise<void>): () => void;
  };
  /** Whether a FEEL condition holds on a record (`true` for an empty condition); throws on a syntax error. */
  feelHolds(condition: string, record: JsonObject): boolean;
}
