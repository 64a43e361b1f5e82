// Pipelines and status machines at write time: a change of a state field must follow an allowed
// transition, pass its guard (FEEL over the record after the change) and bring the fields the
// target state requires. Pure: the records service calls it inside the write transaction.
import { allowedTargets, labelText, transitionsBetween, type EntityModel, type MachineModel } from '../../metadata/index.ts';
import { TesseraError, type Problem } from '../errors.ts';
import { guardHolds } from './lookups.ts';

type Values = Readonly<Record<string, unknown>>;

const isEmpty = (v: unknown) => v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0);

function requiredProblems(entity: EntityModel, machine: MachineModel, stateName: string, record: Values): Problem[] {
  const state = machine.states.find((s) => s.name === stateName);
  if (!state) return [];
  const required = [...state.requiredFields];
  if (state.category === 'lost' && machine.lostReasonField && !required.includes(machine.lostReasonField)) required.push(machine.lostReasonField);
  return required
    .filter((name) => isEmpty(record[name]))
    .map((name) => ({ pointer: `/${name}`, detail: `is required to enter "${labelText(state.label, 'en')}"`, code: 'STATE_REQUIRES_FIELD', params: { entity: entity.name, stateField: machine.field, state: stateName } }));
}

/** Checks the initial state of a new record (already defaulted). */
export function checkInitialStates(entity: EntityModel, record: Values): void {
  for (const [field, machine] of entity.machines) {
    const value = record[field];
    if (typeof value !== 'string') continue;
    if (!machine.initial.includes(value)) {
      throw new TesseraError('ILLEGAL_TRANSITION', `a new ${entity.name} cannot start in "${value}"; it may start in: ${machine.initial.join(', ')}`, {
        problems: [{ pointer: `/${field}`, detail: `not an initial state (allowed: ${machine.initial.join(', ')})`, code: 'ILLEGAL_INITIAL_STATE', params: { entity: entity.name, stateField: field, state: value } }],
        extensions: { allowed: machine.initial, params: { entity: entity.name, field, stateField: field, to: value } },
      });
    }
    const missing = requiredProblems(entity, machine, value, record);
    if (missing.length) throw new TesseraError('VALIDATION_FAILED', `fields required by "${value}" are missing`, { problems: missing });
  }
}

/**
 * Checks every state field that changes between `previous` and `next`. `lookups`: the values the
 * transitions' lookups read from other records (engine/rules/lookups.ts), given to the guards.
 */
export function checkTransitions(entity: EntityModel, previous: Values, next: Values, lookups: Values = {}): { field: string; from: string; to: string }[] {
  const moves: { field: string; from: string; to: string }[] = [];
  for (const [field, machine] of entity.machines) {
    const from = previous[field];
    const to = next[field];
    if (from === to || typeof to !== 'string') continue;
    const fromState = typeof from === 'string' ? from : machine.initial[0]!;
    const candidates = transitionsBetween(machine, fromState, to);
    if (candidates.length === 0) {
      const allowed = allowedTargets(machine, fromState);
      throw new TesseraError('ILLEGAL_TRANSITION', `${entity.name}.${field} cannot move from "${fromState}" to "${to}"; allowed: ${allowed.join(', ') || 'none'}`, {
        problems: [{ pointer: `/${field}`, detail: `illegal transition ${fromState} → ${to}; allowed: ${allowed.join(', ') || 'none'}`, code: 'ILLEGAL_TRANSITION', params: { entity: entity.name, field, stateField: field, from: fromState, to } }],
        extensions: { from: fromState, to, allowed, params: { entity: entity.name, field, stateField: field, from: fromState, to } },
      });
    }
    const passing = candidates.find((t) => t.guard === undefined || guardHolds(t.guard, next, previous, lookups));
    if (!passing) {
      const failed = candidates[0]!;
      const message = failed.guardMessage ? labelText(failed.guardMessage, 'en') : `condition not met: ${failed.guard}`;
      throw new TesseraError('TRANSITION_GUARD_FAILED', `${entity.name}.${field} cannot move to "${to}": ${message}`, {
        // The guard's message in every language the metadata gives it (the app picks the user's).
        problems: [{ pointer: `/${field}`, detail: message, code: 'TRANSITION_GUARD_FAILED', params: { entity: entity.name, field, stateField: field, from: fromState, to, ...(failed.guardMessage ? { message: failed.guardMessage } : {}) } }],
        extensions: { from: fromState, to, guard: failed.guard, ...(failed.lookups ? { lookups: Object.fromEntries(Object.keys(failed.lookups).map((name) => [name, lookups[name] ?? null])) } : {}), params: { entity: entity.name, field, stateField: field, from: fromState, to, ...(failed.guardMessage ? { message: failed.guardMessage } : {}) } },
      });
    }
    const missing = requiredProblems(entity, machine, to, next);
    if (missing.length) throw new TesseraError('VALIDATION_FAILED', `fields required by "${to}" are missing`, { problems: missing });
    moves.push({ field, from: fromState, to });
  }
  return moves;
}
