// Entering a stage or state that asks for fields (its `requiredFields`, a lost stage's reason and
// comment): the fields a move must bring, and the generated form cut down to them, so a board asks
// for exactly what the engine would otherwise refuse the move for. Pure.
import type { MachineModel } from '../metadata/browser.ts';
import type { RecordForm } from './record-form.ts';

const isEmpty = (v: unknown) => v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0);

/** Fields to ask for when a record moves to `stateName`: required ones it lacks, and a lost stage's comment. */
export function stageFields(machine: MachineModel, stateName: string, record: Readonly<Record<string, unknown>>): { required: string[]; optional: string[] } {
  const state = machine.states.find((s) => s.name === stateName);
  if (!state) return { required: [], optional: [] };
  const required = [...state.requiredFields];
  const lost = state.category === 'lost';
  if (lost && machine.lostReasonField && !required.includes(machine.lostReasonField)) required.push(machine.lostReasonField);
  const optional = lost && machine.lostCommentField && !required.includes(machine.lostCommentField) ? [machine.lostCommentField] : [];
  return { required: required.filter((f) => isEmpty(record[f])), optional };
}

/** The form with only these fields on screen, the required ones required ("is required here" when empty). */
export function narrowForm(form: RecordForm, required: readonly string[], optional: readonly string[]): RecordForm {
  const fields = [...required, ...optional].filter((f) => form.fields[f]);
  return {
    ...form,
    layout: [{ tab: null, sections: [{ id: 'stage', label: '', columns: 1, fields }] }],
    conditions: { ...form.conditions, requiredWhen: { ...form.conditions.requiredWhen, ...Object.fromEntries(required.map((f) => [f, 'true'])) } },
  };
}
