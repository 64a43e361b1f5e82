// state: the current stage or status of the pipeline or status machine bound to the field; its
// values are the machine's states (filter.ts checks filter values against them).
import { labelText } from '../model.ts';
import { anyText, columnValue, oneCsvColumn, writeAsGiven, ownColumn, type FieldOf, type FieldTypeModule } from './field-type.ts';
import { closedSet } from './enum.ts';
import { stateOptions } from './widget.ts';

export const stateType: FieldTypeModule<FieldOf<'state'>> = {
  type: 'state',
  columnType: () => ({ kind: 'varchar', length: 48 }),
  columnNames: ownColumn,
  columns: (field, { base, entity }) => {
    const machine = entity.machines.get(field.name);
    return [{ ...base, allowedValues: machine ? machine.states.map((s) => ({ id: s.id, value: s.name })) : [] }];
  },
  valueSchema: (field, { entity }) => {
    const machine = entity.machines.get(field.name);
    return closedSet(machine ? machine.states.map((s) => s.name) : []);
  },
  filter: { operand: 'text', text: anyText },
  fromRow: columnValue,
  toColumns: writeAsGiven,
  csv: oneCsvColumn,
  display: (field, value, { entity, language }) => {
    const s = entity.machines.get(field.name)?.states.find((x) => x.name === value);
    return s ? { text: labelText(s.label, language), ...(s.color ? { color: s.color } : {}) } : { text: String(value) };
  },
  form: { widget: 'state' },
  widgetOptions: (field, { entity, mode, record, language }) => stateOptions(entity.machines.get(field.name), mode, record?.[field.name], language),
};
