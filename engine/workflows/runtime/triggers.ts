// Workflow triggers from metadata (`"kind": "trigger"`): which record changes start a process or
// correlate a message, decided here as pure logic over one RecordChange. The runtime runs the
// result in the transaction of the change. For one change, message correlations come before
// process starts, so a trigger that ends the previous instance's wait (e.g. "deal left its stage")
// cannot hit the instance another trigger starts for the same change.
import { evaluateFeel, type Trigger } from '../../../metadata/index.ts';
import type { RecordChange } from '../../records/index.ts';
import { toJsonValue, type JsonObject, type JsonValue } from '../expression.ts';

export interface TriggeredStart {
  readonly trigger: string;
  readonly processId: string;
  readonly variables: JsonObject;
}

export interface TriggeredMessage {
  readonly trigger: string;
  readonly name: string;
  readonly correlationKey: string;
  readonly variables: JsonObject;
}

export interface TriggerOutcome {
  readonly messages: readonly TriggeredMessage[];
  readonly starts: readonly TriggeredStart[];
  /** Triggers that matched but whose FEEL failed: reported, never fatal to the record change. */
  readonly problems: readonly string[];
}

const ACTIONS: Readonly<Record<RecordChange['action'], Trigger['on'] | null>> = { create: 'created', update: 'updated', delete: 'deleted', restore: null };

/** Whether a trigger's event matches the change, before its condition. */
export function triggerMatches(trigger: Trigger, change: RecordChange): boolean {
  if (trigger.entity !== change.entity) return false;
  switch (trigger.on) {
    case 'created':
    case 'updated':
    case 'deleted':
      return ACTIONS[change.action] === trigger.on && (trigger.on !== 'updated' || Object.keys(change.changes).length > 0);
    case 'fieldChanged': {
      const field = trigger.field ?? '';
      if (change.action === 'update') return Object.hasOwn(change.changes, field);
      return change.action === 'create' && change.record[field] !== null && change.record[field] !== undefined;
    }
    case 'stateEntered': {
      const field = trigger.field ?? '';
      const entered = (state: unknown) => state !== null && state !== undefined && (trigger.state === undefined || state === trigger.state);
      if (change.action === 'update') return change.transitions.some((t) => t.field === field && entered(t.to));
      return change.action === 'create' && entered(change.record[field]);
    }
  }
}

/**
 * The starts and correlations a change causes. A started process gets `entity`, `recordId`,
 * `record` and, when given, `language` (the business language, for the words it sends people).
 */
export function evaluateTriggers(triggers: readonly Trigger[], change: RecordChange, language?: string): TriggerOutcome {
  const messages: TriggeredMessage[] = [];
  const starts: TriggeredStart[] = [];
  const problems: string[] = [];
  const record = toJsonValue(change.record) as JsonObject;
  const context: JsonObject = { ...record, previous: change.previous ? toJsonValue(change.previous) : null, action: change.action };
  for (const trigger of triggers) {
    if (!triggerMatches(trigger, change)) continue;
    try {
      if (trigger.condition !== undefined && evaluateFeel(trigger.condition, context) !== true) continue;
      if (trigger.message) {
        const key = evaluateFeel(trigger.message.correlationKey, context);
        if (typeof key === 'string' || typeof key === 'number') {
          messages.push({ trigger: trigger.name, name: trigger.message.name, correlationKey: String(key), variables: evaluateVariables(trigger.message.variables, context) });
        } else problems.push(`trigger ${trigger.name}: correlation key gave ${JSON.stringify(toJsonValue(key))}, not a string or number`);
      }
      if (trigger.start) {
        const variables: JsonObject = { entity: change.entity, recordId: String(change.record.id), record, ...(language ? { language } : {}), ...evaluateVariables(trigger.start.variables, context) };
        starts.push({ trigger: trigger.name, processId: trigger.start.process, variables });
      }
    } catch (error) {
      problems.push(`trigger ${trigger.name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return { messages, starts, problems };
}

function evaluateVariables(variables: Readonly<Record<string, string>> | undefined, context: JsonObject): JsonObject {
  const result: JsonObject = {};
  for (const [name, expression] of Object.entries(variables ?? {})) result[name] = toJsonValue(evaluateFeel(expression, context)) as JsonValue;
  return result;
}
