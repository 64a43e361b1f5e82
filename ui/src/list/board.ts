// Which board a list offers and which columns a board view shows. Pure.
import type { MachineModel, MachineState, Model } from '../../../metadata/browser.ts';

/** The board of a type: its pipeline, else its first status machine, with the board view to open. */
export function boardOf(model: Model, entity: string): { to: string } | null {
  const machine = model.machines.find((m) => m.kind === 'pipeline' && m.entity === entity) ?? model.machines.find((m) => m.entity === entity && model.views.some((v) => v.entity === entity && v.type === 'board'));
  if (!machine) return null;
  const view = model.views.find((v) => v.entity === entity && v.type === 'board');
  return { to: `/board/${machine.name}${view ? `?view=${encodeURIComponent(view.name)}` : ''}` };
}

/**
 * The states a view's filter leaves on the board: a condition on the machine's field ({in: […]},
 * {nin: […]}, {ne: …}, a value) at the top of the filter or of its "and" hides the other columns.
 */
export function statesShown(machine: MachineModel, filter: unknown): MachineState[] {
  const parts = !isObject(filter) ? [] : Array.isArray(filter.and) ? [filter, ...filter.and] : [filter];
  let states = [...machine.states];
  for (const part of parts) {
    if (!isObject(part) || !(machine.field in part)) continue;
    const spec = part[machine.field];
    const ops: Record<string, unknown> = isObject(spec) ? spec : { eq: spec };
    for (const [op, value] of Object.entries(ops)) {
      if (op === 'eq') states = states.filter((s) => s.name === value);
      if (op === 'ne') states = states.filter((s) => s.name !== value);
      if (op === 'in' && Array.isArray(value)) states = states.filter((s) => value.includes(s.name));
      if (op === 'nin' && Array.isArray(value)) states = states.filter((s) => !value.includes(s.name));
    }
  }
  return states;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
