// A generated record form: rjsf over the schema and uiSchema forms/ derives from the metadata, our
// templates and widgets, validation in the browser with the server's schema and wording, FEEL
// conditions re-evaluated on every change, and the server's problems (problem+json pointers) shown
// on the fields they point at.
import { useEffect, useMemo, useState, type ReactNode } from 'react';
import Form from '@rjsf/core';
import type { ErrorSchema, FormValidation, RJSFValidationError } from '@rjsf/utils';
import { conditionalProblems, evaluateConditions, pointerField, problemText, schemaProblems, type FieldProblem, type RecordForm } from '../../../forms/index.ts';
import type { Model } from '../../../metadata/model.ts';
import { useI18n } from '../app/i18n.tsx';
import type { FormContext } from './context.ts';
import { formKit, toSchemaError } from './kit.ts';

type Values = Record<string, unknown>;

export interface RecordFormViewProps {
  readonly model: Model;
  readonly form: RecordForm;
  readonly initial: Values;
  /** Problems from the last server response (errors[] of a problem+json). */
  readonly serverProblems?: readonly FieldProblem[];
  onSubmit(values: Values): void | Promise<void>;
  onChange?(values: Values): void;
  readonly busy?: boolean;
  /** Shown, not edited (the user may read the record but not change it). */
  readonly readonly?: boolean;
  /** Buttons; a type="submit" button submits the form. */
  readonly children?: ReactNode;
  readonly formId?: string;
}

const NO_PROBLEMS: readonly FieldProblem[] = [];

export function RecordFormView({ model, form, initial, serverProblems = NO_PROBLEMS, onSubmit, onChange, busy, readonly, children, formId }: RecordFormViewProps) {
  const i18n = useI18n();
  const { language, t } = i18n;
  const [values, setValues] = useState<Values>(initial);
  const [submitted, setSubmitted] = useState(false);
  const [clientErrorFields, setClientErrorFields] = useState<string[]>([]);
  // Server problems stay on a field until its value changes.
  const [touchedSinceServer, setTouchedSinceServer] = useState<ReadonlySet<string>>(new Set());
  useEffect(() => setTouchedSinceServer(new Set()), [serverProblems]);

  const conditions = useMemo(() => evaluateConditions(form.conditions, values), [form, values]);
  const context: FormContext = useMemo(() => ({ i18n, model, layout: form.layout, hidden: conditions.hidden, required: conditions.required }), [i18n, model, form, conditions]);

  const extraErrors = useMemo(() => {
    const schema: Record<string, { __errors: string[] }> = {};
    for (const p of serverProblems) {
      const { field } = pointerField(p.pointer);
      if (!field || !form.fields[field] || touchedSinceServer.has(field)) continue;
      (schema[field] ??= { __errors: [] }).__errors.push(problemText(p, language));
    }
    return schema as ErrorSchema;
  }, [serverProblems, form, language, touchedSinceServer]);
  const recordProblems = serverProblems.filter((p) => !form.fields[pointerField(p.pointer).field]);

  const transformErrors = (errors: RJSFValidationError[]): RJSFValidationError[] =>
    schemaProblems(errors.map(toSchemaError), form.entity).map((p) => {
      const { field } = pointerField(p.pointer);
      const message = problemText(p, language);
      return { name: p.code ?? 'error', property: field ? `.${field}` : '', message, stack: `${field} ${message}`, params: {}, schemaPath: '' };
    });

  const customValidate = (data: Values | undefined, errors: FormValidation<Values>) => {
    for (const p of conditionalProblems(evaluateConditions(form.conditions, data ?? {}), data ?? {})) {
      const field = pointerField(p.pointer).field;
      (errors as unknown as Record<string, { addError(m: string): void }>)[field]?.addError(problemText(p, language));
    }
    return errors;
  };

  const label = (field: string) => form.fields[field]?.['ui:title'] ?? field;
  const visibleErrorFields = [...new Set([...clientErrorFields, ...Object.keys(extraErrors)])];

  return (
    <div className="record-form">
      {(visibleErrorFields.length > 0 || recordProblems.length > 0) && (
        <div className="form-banner" role="alert">
          <strong>{t('record.fixErrors')}</strong>
          {visibleErrorFields.length > 0 && <span> {visibleErrorFields.map(label).join(', ')}</span>}
          {recordProblems.map((p, i) => (
            <div key={i}>{problemText(p, language)}</div>
          ))}
        </div>
      )}
      <Form
        id={formId}
        schema={form.schema}
        uiSchema={form.uiSchema}
        formData={values}
        {...formKit}
        formContext={context}
        focusOnFirstError
        liveValidate={submitted ? 'onChange' : undefined}
        extraErrors={extraErrors}
        transformErrors={transformErrors}
        customValidate={customValidate}
        disabled={busy}
        readonly={readonly}
        onChange={(e) => {
          const next = (e.formData ?? {}) as Values;
          const changed = Object.keys(form.fields).filter((f) => next[f] !== values[f]);
          if (changed.length) setTouchedSinceServer((s) => new Set([...s, ...changed]));
          setValues(next);
          if (submitted) setClientErrorFields([...new Set((e.errors ?? []).map((er) => (er.property ?? '').replace(/^\./, '').split('.')[0]!).filter(Boolean))]);
          onChange?.(next);
        }}
        onError={(errors) => {
          setSubmitted(true);
          setClientErrorFields([...new Set(errors.map((e) => (e.property ?? '').replace(/^\./, '').split('.')[0]!).filter(Boolean))]);
        }}
        onSubmit={(e) => {
          setSubmitted(true);
          setClientErrorFields([]);
          void onSubmit((e.formData ?? {}) as Values);
        }}
      >
        {children}
      </Form>
    </div>
  );
}
