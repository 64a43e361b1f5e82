// Custom rjsf fields for values that are objects or lists in the API: money {amount, currency},
// many-to-many links [{id, role}], free JSON, and (designer) labels {en, pl, ro}.
import { useEffect, useState } from 'react';
import type { Field, FieldProps, RegistryFieldsType } from '@rjsf/utils';
import type { CustomFieldName, FieldUiOptions } from '../../../forms/index.ts';
import { getRecord } from '../api/records.ts';
import { Link } from '../app/router.tsx';
import { formatMoney, recordTitle } from '../components/format.ts';
import { RecordPicker } from '../components/RecordPicker.tsx';
import type { FormContext } from './context.ts';
import { LinesField } from './LinesField.tsx';

const ctx = (props: FieldProps) => props.registry.formContext as FormContext;
const uiOptions = (props: FieldProps) => (props.uiSchema?.['ui:options'] ?? {}) as unknown as FieldUiOptions;
const change = (props: FieldProps, value: unknown) => props.onChange(value, props.fieldPathId.path);

interface Money {
  amount?: number;
  currency?: string;
}

function MoneyField(props: FieldProps) {
  const { fieldPathId, readonly, disabled, rawErrors } = props;
  const options = uiOptions(props);
  const value = (props.formData ?? undefined) as Money | undefined;
  const currencies = options.currencies ?? ['PLN'];
  const currency = value?.currency ?? options.fixedCurrency ?? currencies[0]!;
  const set = (amount: string, nextCurrency: string) => change(props, amount === '' ? undefined : { amount: Number.isNaN(Number(amount)) ? amount : Number(amount), currency: nextCurrency });
  if (readonly && typeof value?.amount === 'number') {
    // Read-only money as the app's language writes it, with its currency ("12 345,00 zł").
    const shown = formatMoney({ amount: value.amount, currency }, ctx(props).i18n.locale);
    return <input id={fieldPathId.$id} className="input" type="text" value={shown} data-value={String(value.amount)} readOnly disabled={disabled} aria-invalid={(rawErrors?.length ?? 0) > 0} />;
  }
  return (
    <div className="money">
      <input
        id={fieldPathId.$id}
        className="input"
        type="number"
        step="0.01"
        inputMode="decimal"
        value={value?.amount ?? ''}
        readOnly={readonly}
        disabled={disabled}
        aria-invalid={(rawErrors?.length ?? 0) > 0}
        onChange={(e) => set(e.target.value, currency)}
      />
      <select className="input" aria-label="currency" value={currency} disabled={disabled || readonly || currencies.length === 1} onChange={(e) => value?.amount !== undefined && set(String(value.amount), e.target.value)}>
        {currencies.map((c) => (
          <option key={c}>{c}</option>
        ))}
      </select>
    </div>
  );
}

interface LinkValue {
  id: string;
  role?: string;
}

function LinkTitle({ model, target, id }: { model: FormContext['model']; target: string; id: string }) {
  const [title, setTitle] = useState(id.slice(0, 8));
  useEffect(() => {
    let live = true;
    getRecord(target, id).then((r) => live && setTitle(recordTitle(model?.entities.get(target), r)), () => undefined);
    return () => {
      live = false;
    };
  }, [target, id, model]);
  return <Link to={`/r/${target}/${id}`}>{title}</Link>;
}

function ManyToManyField(props: FieldProps) {
  const context = ctx(props);
  const { t } = context.i18n;
  const options = uiOptions(props);
  const links = (Array.isArray(props.formData) ? props.formData : []) as LinkValue[];
  const roles = options.choices;
  const target = options.target ?? '';
  const editable = !props.readonly && !props.disabled;
  return (
    <div className="links" id={props.fieldPathId.$id}>
      {links.map((link, i) => (
        <div key={`${link.id}.${i}`} className="link-row">
          <LinkTitle model={context.model} target={target} id={link.id} />
          {roles && (
            <select
              className="input input-small"
              aria-label={t('form.role')}
              value={link.role ?? ''}
              disabled={!editable}
              onChange={(e) => change(props, links.map((l, j) => (j === i ? { id: l.id, ...(e.target.value ? { role: e.target.value } : {}) } : l)))}
            >
              <option value="" />
              {roles.map((r) => (
                <option key={r.value} value={r.value}>
                  {r.label}
                </option>
              ))}
            </select>
          )}
          {editable && (
            <button type="button" className="icon-btn" aria-label={t('common.remove')} onClick={() => change(props, links.filter((_, j) => j !== i))}>
              ×
            </button>
          )}
        </div>
      ))}
      {editable && context.model && <RecordPicker model={context.model} target={target} value={null} clearOnPick exclude={links.map((l) => l.id)} onChange={(id) => id && change(props, [...links, { id, ...(roles?.[0] ? { role: roles[0].value } : {}) }])} />}
    </div>
  );
}

function JsonField(props: FieldProps) {
  const { t } = ctx(props).i18n;
  const [text, setText] = useState(() => (props.formData === undefined ? '' : JSON.stringify(props.formData, null, 2)));
  const [bad, setBad] = useState(false);
  return (
    <div>
      <textarea
        id={props.fieldPathId.$id}
        className="input mono"
        rows={4}
        value={text}
        readOnly={props.readonly}
        aria-invalid={bad}
        onChange={(e) => {
          setText(e.target.value);
          if (e.target.value.trim() === '') {
            setBad(false);
            return change(props, undefined);
          }
          try {
            change(props, JSON.parse(e.target.value));
            setBad(false);
          } catch {
            setBad(true);
          }
        }}
      />
      {bad && <div className="field-errors">{t('form.invalidJson')}</div>}
    </div>
  );
}

/** A label or help text: one input per language; empty languages are left out (they fall back to en). */
function LabelField(props: FieldProps) {
  const value = (props.formData ?? {}) as Record<string, string>;
  const set = (language: string, text: string) => {
    const next = { ...value };
    if (text) next[language] = text;
    else delete next[language];
    change(props, Object.keys(next).length ? next : undefined);
  };
  // Problems of one language (e.g. "en" missing or too long) arrive nested under it.
  const errors = (l: string) => ((props.errorSchema as Record<string, { __errors?: string[] }> | undefined)?.[l]?.__errors ?? []).map((e) => `${l}: ${e}`);
  const all = ['en', 'pl', 'ro'].flatMap(errors);
  return (
    <div>
      <div className="label-field" id={props.fieldPathId.$id}>
        {['en', 'pl', 'ro'].map((l) => (
          <label key={l} className="lang-input">
            <span>{l}</span>
            <input className="input" aria-label={`${props.name} ${l}`} aria-invalid={errors(l).length > 0} value={value[l] ?? ''} readOnly={props.readonly} onChange={(e) => set(l, e.target.value)} />
          </label>
        ))}
      </div>
      {all.length > 0 && <div className="field-errors">{all.join('; ')}</div>}
    </div>
  );
}

/** One custom field per name a field type's form control gives (typed exhaustively), plus the designer's label field. */
const fieldTypeFields: Record<CustomFieldName, Field> = { money: MoneyField, manyToMany: ManyToManyField, json: JsonField, lines: LinesField };

export const fields: RegistryFieldsType = { ...fieldTypeFields, label: LabelField };
