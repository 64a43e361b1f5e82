// User task forms. An analyst binds a form in the modeler with `zeebe:formDefinition formKey`; a key
// `camunda-forms:bpmn:<id>` names a Camunda Form (JSON) embedded in the process as
// `zeebe:userTaskForm id="<id>"`. Submitted data is checked before the task completes with the JSON
// Schema the browser renders and checks the form with (forms/camunda-form.ts), compiled by the same
// ajv as record writes and worded by the same forms/problems.ts: the engine and the form accept,
// refuse and word alike. Other keys are hints for the UI: the data must still be a JSON object.
import type { ValidateFunction } from 'ajv/dist/2020.js';
import { camundaTaskForm, embeddedFormId, isCamundaForm, schemaProblems, type CamundaForm } from '../../../forms/index.ts';
import { createRecordAjv } from '../../records/index.ts';
import type { Problem } from '../../errors.ts';
import type { JsonObject } from '../expression.ts';

export type { CamundaForm };

export function formOf(formKey: string | null, forms: Readonly<Record<string, unknown>>): CamundaForm | null {
  const id = embeddedFormId(formKey);
  if (id === null || !Object.hasOwn(forms, id)) return null;
  const form = forms[id];
  return isCamundaForm(form) ? form : null;
}

const ajv = createRecordAjv();
// Deployed forms never change (a definition version is immutable) and the runtime caches them, so the
// compiled check lives as long as the form object does.
const compiled = new WeakMap<CamundaForm, ValidateFunction>();

/** The problems of submitted data against a form; empty when it passes. */
export function checkFormData(form: CamundaForm, data: JsonObject): Problem[] {
  let validate = compiled.get(form);
  if (!validate) {
    validate = ajv.compile(camundaTaskForm(form)!.schema);
    compiled.set(form, validate);
  }
  return validate(data) ? [] : schemaProblems(validate.errors ?? [], 'form');
}
