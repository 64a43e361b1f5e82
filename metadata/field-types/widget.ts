// The form controls field types name: the UI provides a React widget (`ui:widget`) or custom field
// (`ui:field`) under each name, and the options each receives. Pure data; forms/ builds the uiSchema
// from it (and re-exports these types), the UI keys its widget maps by these names.
import { allowedTargets, labelText, platformTarget, type MachineModel, type Model } from '../model.ts';
import type { Language } from '../record-schema.ts';
import type { EnumValue, Field } from '../schema/types.generated.ts';

/** Names of the widgets (`ui:widget`) and custom fields (`ui:field`) a UI must provide. */
export type WidgetName =
  | 'text'
  | 'textarea'
  | 'integer'
  | 'number'
  | 'percent'
  | 'checkbox'
  | 'date'
  | 'datetime'
  | 'enum'
  | 'state'
  | 'email'
  | 'phone'
  | 'url'
  | 'taxId'
  | 'reference'
  | 'attachment'
  | 'secret';
export type CustomFieldName = 'money' | 'manyToMany' | 'json' | 'lines';

/** The control of a field type: a widget, or a custom field that replaces rjsf's own rendering. */
export type FormControl = { readonly widget: WidgetName } | { readonly field: CustomFieldName };

export interface ChoiceOption {
  readonly value: string;
  readonly label: string;
  readonly color?: string;
}

/** Options a widget receives (`ui:options`), by field type. */
export interface FieldUiOptions {
  readonly fieldType: Field['type'];
  /** enum values, state names, many-to-many roles: value, label in the form's language, colour. */
  readonly choices?: readonly ChoiceOption[];
  /** state fields: the states the record may be put in now (current + allowed targets, or the initial ones). */
  readonly allowed?: readonly string[];
  readonly machine?: string;
  /** money */
  readonly currencies?: readonly string[];
  readonly fixedCurrency?: string;
  /** reference and many-to-many: the target entity type (or a platform target, "user" or "team") and how its records are shown. */
  readonly target?: string;
  readonly targetLabel?: string;
  readonly displayField?: string;
  /** tax id: accepted countries */
  readonly countries?: readonly ('PL' | 'RO')[];
  /** attachment */
  readonly accept?: readonly string[];
  readonly maxBytes?: number;
  /** text */
  readonly rows?: number;
  readonly help?: string;
  /** lines: the grid's columns, in the line type's field order. */
  readonly lineColumns?: readonly LineColumn[];
  /** a computed field: read-only, recomputed as the form changes. */
  readonly computed?: boolean;
}

/** One column of a lines grid: a field of the line type with its own control and options. */
export interface LineColumn {
  readonly name: string;
  readonly title: string;
  readonly control: FormControl;
  readonly options: FieldUiOptions;
  readonly required: boolean;
  readonly computed: boolean;
}

export const choicesOf = (values: readonly EnumValue[] | undefined, language: Language): ChoiceOption[] =>
  (values ?? []).map((v) => ({ value: v.value, label: labelText(v.label, language), ...(v.color ? { color: v.color } : {}) }));

/** Reference and many-to-many: the target and how its records are shown. */
export function targetOptions(model: Model, target: string, language: Language): Partial<FieldUiOptions> {
  if (platformTarget(target)) return { target };
  const t = model.entities.get(target);
  return { target, ...(t ? { targetLabel: labelText(t.label, language), displayField: t.displayField } : {}) };
}

/** A state field: the machine's states, and those the record may be put in now. */
export function stateOptions(machine: MachineModel | undefined, mode: 'create' | 'update', current: unknown, language: Language): Partial<FieldUiOptions> {
  if (!machine) return { choices: [] };
  const allowed = mode === 'update' && typeof current === 'string' ? [current, ...allowedTargets(machine, current)] : [...machine.initial];
  return {
    machine: machine.name,
    choices: machine.states.map((s) => ({ value: s.name, label: labelText(s.label, language), ...(s.color ? { color: s.color } : {}) })),
    allowed,
  };
}
