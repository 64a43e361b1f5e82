// Which board a list offers and which columns a board view shows. Pure.
import type { EntityModel, MachineModel, MachineState, Model, View } from '../../../metadata/browser.ts';

/**
 * The boards of a type: one per board view (docs/metadata.md#views), else its pipeline's. A board
 * grouped by an enum has no machine of its own: its address names the entity type.
 */
export function boardsOf(model: Model, entity: string): { to: string; view?: View }[] {
  const type = model.entities.get(entity);
  if (!type) return [];
  const views = model.views.filter((v) => v.entity === entity && v.type === 'board');
  const pipeline = model.machines.find((m) => m.kind === 'pipeline' && m.entity === entity);
  if (!views.length) return pipeline ? [{ to: `/board/${pipeline.name}` }] : [];
  return views.flatMap((view) => {
    const machine = boardMachine(type, view);
    if (!machine) return [];
    const at = type.machines.get(machine.field) ? machine.name : entity;
    return [{ to: `/board/${at}?view=${encodeURIComponent(view.name)}`, view }];
  });
}

/** The board of a type as the list offers it: its first board. */
export function boardOf(model: Model, entity: string): { to: string } | null {
  return boardsOf(model, entity)[0] ?? null;
}

/**
 * The columns of a board view: the machine of its `groupBy` state field, or an enum field's values as
 * a machine whose every value may follow any other; without `groupBy`, the type's pipeline, else its
 * first status machine.
 */
export function boardMachine(entity: EntityModel, view: View | undefined): MachineModel | null {
  const machines = [...entity.machines.values()];
  if (!view?.groupBy) return machines.find((m) => m.kind === 'pipeline') ?? machines[0] ?? null;
  const machine = entity.machines.get(view.groupBy);
  if (machine) return machine;
  const field = entity.fieldsByName.get(view.groupBy);
  if (field?.type !== 'enum') return null;
  const states = field.values.map((v): MachineState => ({ id: `${field.id}.${v.value}`, name: v.value, label: v.label, ...(v.color ? { color: v.color } : {}), category: 'open', final: false, requiredFields: [] }));
  return { id: field.id, name: entity.name, kind: 'statusMachine', label: view.label, entity: entity.name, field: field.name, states, transitions: null, initial: states.map((s) => s.name) };
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
