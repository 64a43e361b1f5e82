// A generated record form: rjsf over the schema and uiSchema forms/ derives from the metadata, our
// templates and widgets, validation in the browser with the server's schema and wording, FEEL
// conditions re-evaluated on every change, and the server's problems (problem+json pointers) shown
// on the fields they point at.
import { useEffect, useMemo, useState, type ReactNode } from 'react';
import Form from '@rjsf/core';
import type { ErrorSchema, FormValidation, RJSFValidationError } from '@rjsf/utils';
import { checkSchema, clearForQuote, conditionalProblems, mergeQuote, evaluateConditions, kindView, pointerField, problemText, schemaProblems, switchKind, writeValues, type FieldProblem, type RecordForm } from '../../../forms/index.ts';
import { computeRecord, hasComputed, type Model } from '../../../metadata/browser.ts';
import { quotePrices } from '../api/records.ts';
import { useI18n } from '../app/i18n.tsx';
import { useLeaveGuard } from '../app/router.tsx';
import { useSession } from '../app/session.tsx';
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
  /** Told whether the form holds unsaved edits (e.g. so a dialog can ask before closing). */
  onDirtyChange?(dirty: boolean): void;
}

const NO_PROBLEMS: readonly FieldProblem[] = [];
// rjsf does not fill schema defaults in: a new record starts from the metadata's defaults for its
// kind (forms/values.ts initialValues), so a call never carries a task's "billable: false".
const NO_SCHEMA_DEFAULTS = { emptyObjectFields: 'skipDefaults' } as const;

/** The top-level field an rjsf id (root_tax_id, root_turnover_amount) belongs to. */
function fieldOfId(form: RecordForm, id: string): string | null {
  const path = id.replace(/^root_/, '');
  let best: string | null = null;
  for (const name of Object.keys(form.fields)) if ((path === name || path.startsWith(`${name}_`)) && name.length > (best?.length ?? 0)) best = name;
  return best;
}

/** A tax id is checked as you type once it is as long as a NIP; other fields once you leave them. */
const completeTaxId = (value: unknown) => typeof value === 'string' && value.replace(/[^0-9A-Za-z]/g, '').length >= 10;

export function RecordFormView({ model, form, initial, serverProblems = NO_PROBLEMS, onSubmit, onChange, busy, readonly, children, formId, onDirtyChange }: RecordFormViewProps) {
  const i18n = useI18n();
  const { language, t } = i18n;
  const { me } = useSession();
  // Computed fields follow the values as they change, by the server's own FEEL code: a total shown is the total stored.
  // Those reading other records (lookups) keep the stored value: only the server reads them, on save.
  const recompute = useMemo(() => {
    const entity = model.entities.get(form.entity);
    return entity && hasComputed(model, entity) ? (v: Values) => computeRecord(model, entity, v) : (v: Values) => v;
  }, [model, form.entity]);
  const [values, setValues] = useState<Values>(() => recompute(initial));
  const [submitted, setSubmitted] = useState(false);
  const [clientErrorFields, setClientErrorFields] = useState<string[]>([]);
  // Server problems stay on a field until its value changes.
  const [touchedSinceServer, setTouchedSinceServer] = useState<ReadonlySet<string>>(new Set());
  useEffect(() => setTouchedSinceServer(new Set()), [serverProblems]);
  // Fields the user has left (or a complete tax id): their values are checked as they change.
  const [left, setLeft] = useState<ReadonlySet<string>>(new Set());
  // A new activity opens on its kind's short form; "all fields" shows the rest of the kind's fields.
  const [expanded, setExpanded] = useState(false);

  const conditions = useMemo(() => evaluateConditions(form.conditions, values), [form, values]);
  const kind = useMemo(() => kindView(form.kinds, form.links, values, expanded), [form, values, expanded]);
  const hidden = useMemo(() => new Set([...conditions.hidden, ...kind.hidden]), [conditions, kind]);
  const context: FormContext = useMemo(() => ({ i18n, model, layout: kind.layout ?? form.layout, hidden, required: conditions.required }), [i18n, model, form, kind, hidden, conditions]);
  // A field the kind has but the short form leaves out: shown as soon as it has a problem.
  const kindFields = form.kinds?.[String(values.kind)]?.fields;
  const ofKind = (field: string) => !conditions.hidden.has(field) && (kindFields?.includes(field) ?? true);
  const behindAllFields = (field: string) => kind.short && kind.hidden.has(field) && ofKind(field);

  // Unsaved edits: leaving the page (or the dialog) asks first.
  const dirty = useMemo(() => !readonly && Object.keys(writeValues({ ...form, mode: 'update' }, values, initial)).length > 0, [form, values, initial, readonly]);
  useLeaveGuard(dirty ? t('form.leaveUnsaved') : null);
  useEffect(() => onDirtyChange?.(dirty), [dirty, onDirtyChange]);

  const live = useMemo(() => {
    const schema: Record<string, { __errors: string[] }> = {};
    if (submitted || left.size === 0) return schema;
    const problems = [...schemaProblems(checkSchema(form.schema, values), form.entity), ...conditionalProblems(conditions, values, form.conditions)];
    for (const p of problems) {
      const { field } = pointerField(p.pointer);
      if (!left.has(field) || p.code === 'REQUIRED' || hidden.has(field)) continue;
      (schema[field] ??= { __errors: [] }).__errors.push(problemText(p, language));
    }
    return schema;
  }, [submitted, left, form, values, conditions, hidden, language]);

  const extraErrors = useMemo(() => {
    const schema: Record<string, { __errors: string[] }> = { ...live };
    for (const p of serverProblems) {
      const { field } = pointerField(p.pointer);
      if (!field || !form.fields[field] || touchedSinceServer.has(field) || conditions.hidden.has(field) || !(kindFields?.includes(field) ?? true)) continue;
      (schema[field] ??= { __errors: [] }).__errors.push(problemText(p, language));
    }
    return schema as ErrorSchema;
  }, [serverProblems, form, language, touchedSinceServer, live, conditions, kindFields]);
  // Problems of no field on screen go to the banner, worded without naming a field the user cannot see.
  const recordProblems = serverProblems.filter((p) => {
    const { field } = pointerField(p.pointer);
    return !form.fields[field] || !ofKind(field);
  });

  const transformErrors = (errors: RJSFValidationError[]): RJSFValidationError[] =>
    schemaProblems(errors.map(toSchemaError), form.entity)
      // A hidden field's value is not sent: its problems are not the user's.
      .filter((p) => !hidden.has(pointerField(p.pointer).field) || behindAllFields(pointerField(p.pointer).field))
      .map((p) => {
        const { field } = pointerField(p.pointer);
        const message = problemText(p, language);
        return { name: p.code ?? 'error', property: field ? `.${field}` : '', message, stack: `${field} ${message}`, params: {}, schemaPath: '' };
      });

  const customValidate = (data: Values | undefined, errors: FormValidation<Values>) => {
    for (const p of conditionalProblems(evaluateConditions(form.conditions, data ?? {}), data ?? {}, form.conditions)) {
      const field = pointerField(p.pointer).field;
      (errors as unknown as Record<string, { addError(m: string): void }>)[field]?.addError(problemText(p, language));
    }
    return errors;
  };

  const label = (field: string) => form.fields[field]?.['ui:title'] ?? field;
  const errorFields = [...new Set([...clientErrorFields, ...Object.keys(extraErrors)])];
  // A problem on a field behind "all fields" opens them, so the banner names only fields on screen.
  const needsAll = errorFields.some(behindAllFields);
  useEffect(() => {
    if (needsAll) setExpanded(true);
  }, [needsAll]);
  const visibleErrorFields = errorFields.filter((f) => !hidden.has(f));

  const change = (next: Values) => {
    const changed = Object.keys(form.fields).filter((f) => next[f] !== values[f]);
    if (changed.length) setTouchedSinceServer((s) => new Set([...s, ...changed]));
    const taxIds = changed.filter((f) => form.fields[f]?.['ui:options'].fieldType === 'taxId' && completeTaxId(next[f]));
    if (taxIds.length) setLeft((s) => new Set([...s, ...taxIds]));
    const kindChanged = form.kinds && next.kind !== values.kind;
    const switched = kindChanged ? switchKind(form, next, values.kind, { now: new Date(), timeZone: model.pkg.manifest.timeZone ?? 'UTC', userId: me?.user.id ?? null }) : next;
    // A line's product picked (or its quantity changed): its price and discount come from the server's price lookup.
    const quote = clearForQuote(model, form.entity, values, switched);
    if (quote.ask) askPrices(quote.values);
    return recompute(quote.values);
  };

  const askPrices = (asked: Values) => {
    quotePrices(form.entity, asked).then(
      (answer) => setValues((current) => recompute(mergeQuote(model, form.entity, current, asked, answer))),
      // No quote (offline, no right to write): the user types the price, as without price lists.
      () => undefined,
    );
  };

  return (
    <div className="record-form">
      {(visibleErrorFields.length > 0 || recordProblems.length > 0) && (
        <div className="form-banner" role="alert">
          <strong>{t('record.fixErrors')}</strong>
          {visibleErrorFields.length > 0 && <span> {visibleErrorFields.map(label).join(', ')}</span>}
          {recordProblems.map((p, i) => (
            <div key={i}>{problemText({ ...p, pointer: '' }, language)}</div>
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
        experimental_defaultFormStateBehavior={NO_SCHEMA_DEFAULTS}
        onBlur={(id) => {
          const field = fieldOfId(form, id);
          if (field && !left.has(field)) setLeft((s) => new Set([...s, field]));
        }}
        onChange={(e) => {
          const next = change((e.formData ?? {}) as Values);
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
      {(kind.short || (expanded && form.kinds?.[String(values.kind)]?.short)) && (
        <button type="button" className="btn btn-small form-more" onClick={() => setExpanded(!expanded)}>
          {kind.short ? t('form.allFields') : t('form.fewerFields')}
        </button>
      )}
    </div>
  );
}
