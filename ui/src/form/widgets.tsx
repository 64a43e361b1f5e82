// Widgets by the names forms/ puts in the uiSchema (one per field type), plus replacements for
// rjsf's defaults used by the designer's forms. Empty inputs become undefined (the submit turns a
// cleared field into null for the server).
import { useEffect, useState, type ChangeEvent } from 'react';
import type { RegistryWidgetsType, Widget, WidgetProps } from '@rjsf/utils';
import type { FieldUiOptions, WidgetName } from '../../../forms/index.ts';
import { normalizeUrl, checkTaxId, formatDate, formatDateTime, SECRET_MASK } from '../../../metadata/browser.ts';
import { fileInfo, fileUrl, uploadFile, type FileInfo } from '../api/records.ts';
import { problemMessage } from '../app/problems.ts';
import { RecordPicker } from '../components/RecordPicker.tsx';
import { Chip } from '../components/ui.tsx';
import type { FormContext } from './context.ts';

const opts = (props: WidgetProps) => props.options as unknown as FieldUiOptions & { emptyValue?: unknown; enumOptions?: { value: unknown; label: string }[] };
const ctx = (props: WidgetProps) => props.registry.formContext as FormContext;
const invalid = (props: WidgetProps) => (props.rawErrors?.length ?? 0) > 0;
const describedBy = (props: WidgetProps) => (invalid(props) ? `${props.id}__error` : undefined);

/**
 * A read-only date, time or number as the app's language writes it ("25.11.2026", "1 234,5"), not
 * as the browser's own language would draw an <input type=date|number> (11/25/2026 in a Polish app
 * on an English browser). Editable inputs stay native: the browser's pickers and keyboards.
 */
function readText(type: string, value: unknown, locale: string): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (type === 'date' && typeof value === 'string') return formatDate(value, locale);
  if (type === 'datetime-local' && typeof value === 'string') return formatDateTime(value, locale);
  // 'min2': a year or a code of four digits stays "2019", not "2,019".
  if (type === 'number' && typeof value === 'number') return new Intl.NumberFormat(locale, { maximumFractionDigits: 6, useGrouping: 'min2' }).format(value);
  return undefined;
}

function Input(props: WidgetProps & { type: string; parse?: (text: string) => unknown; format?: (value: unknown) => string; step?: string; inputMode?: 'text' | 'decimal' | 'numeric' | 'tel' | 'email' | 'url' | 'none' | 'search' }) {
  const { id, value, readonly, disabled, autofocus, onChange, onBlur, onFocus, type, parse, format, step, inputMode } = props;
  const shown = readonly ? readText(type, value, ctx(props).i18n.locale) : undefined;
  if (shown !== undefined) {
    return <input id={id} name={id} className="input" type="text" value={shown} data-value={String(value)} readOnly disabled={disabled} aria-invalid={invalid(props)} aria-describedby={describedBy(props)} />;
  }
  return (
    <input
      id={id}
      name={id}
      className="input"
      // An empty date in a read view shows nothing, not the browser's "mm/dd/yyyy" placeholder.
      type={readonly && (value === undefined || value === null || value === '') ? 'text' : type}
      step={step}
      inputMode={inputMode}
      value={value === undefined || value === null ? '' : format ? format(value) : String(value)}
      readOnly={readonly}
      disabled={disabled}
      autoFocus={autofocus}
      aria-invalid={invalid(props)}
      aria-describedby={describedBy(props)}
      onChange={(e: ChangeEvent<HTMLInputElement>) => onChange(e.target.value === '' ? undefined : parse ? parse(e.target.value) : e.target.value)}
      onBlur={() => onBlur(id, value)}
      onFocus={() => onFocus(id, value)}
    />
  );
}

const numberOf = (text: string) => (Number.isNaN(Number(text)) ? text : Number(text));

/** ISO date-time (UTC) ↔ the value of an <input type=datetime-local> in the browser's time zone. */
function toLocalInput(value: unknown): string {
  const d = new Date(String(value));
  if (Number.isNaN(d.getTime())) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
const fromLocalInput = (text: string) => new Date(text).toISOString();

function Textarea(props: WidgetProps) {
  const { id, value, readonly, disabled, onChange, onBlur, onFocus } = props;
  // A read view shows the whole text at its own height (an empty one as one blank line), not a fixed
  // four-row box that hides a long text behind a scroll bar.
  if (readonly) {
    return (
      <div id={id} className="input read-text" role="textbox" aria-readonly="true" aria-multiline="true" tabIndex={0}>
        {value === undefined || value === null ? '' : String(value)}
      </div>
    );
  }
  return (
    <textarea
      id={id}
      name={id}
      className="input"
      rows={opts(props).rows ?? 4}
      value={value ?? ''}
      readOnly={readonly}
      disabled={disabled}
      aria-invalid={invalid(props)}
      onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value)}
      onBlur={() => onBlur(id, value)}
      onFocus={() => onFocus(id, value)}
    />
  );
}

function Checkbox(props: WidgetProps) {
  const { id, value, readonly, disabled, onChange, label, required } = props;
  return (
    <label className="checkbox" htmlFor={id}>
      <input id={id} name={id} type="checkbox" checked={value === true} disabled={disabled || readonly} onChange={(e) => onChange(e.target.checked)} />
      <span>
        {label}
        {required && <span className="required"> *</span>}
      </span>
    </label>
  );
}

/** Enum values and states, each with its colour; a state offers only the moves allowed from the current one. */
function Choice(props: WidgetProps) {
  const { id, value, readonly, disabled, onChange } = props;
  const o = opts(props);
  const choices = o.choices ?? [];
  const current = choices.find((c) => c.value === value);
  const allowed = o.allowed ? new Set(o.allowed) : null;
  return (
    <div className="choice">
      <select
        id={id}
        name={id}
        className="input"
        value={typeof value === 'string' ? value : ''}
        disabled={disabled || readonly}
        aria-invalid={invalid(props)}
        aria-describedby={describedBy(props)}
        onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value)}
      >
        {!(props.required && value) && <option value="" />}
        {choices.map((c) => (
          <option key={c.value} value={c.value} disabled={allowed !== null && !allowed.has(c.value)}>
            {c.label}
          </option>
        ))}
      </select>
      {current?.color && <Chip color={current.color}>{current.label}</Chip>}
    </div>
  );
}

function TaxId(props: WidgetProps) {
  const { t } = ctx(props).i18n;
  const countries = opts(props).countries ?? ['PL', 'RO'];
  const result = typeof props.value === 'string' && props.value.length >= 2 ? checkTaxId(props.value, countries) : null;
  return (
    <div className="taxid">
      <Input {...props} type="text" inputMode="text" />
      {result?.valid && <span className="taxid-ok">✓ {t('form.taxIdValid', { country: result.country ?? '' })}</span>}
    </div>
  );
}

/** A web address: a bare domain gets https:// when the field is left, as the server stores it. */
function Url(props: WidgetProps) {
  const onBlur = (id: string, value: unknown) => {
    const normal = typeof value === 'string' ? normalizeUrl(value) : null;
    if (normal && normal !== value) props.onChange(normal);
    props.onBlur(id, normal ?? value);
  };
  return <Input {...props} onBlur={onBlur} type="url" inputMode="url" />;
}

/**
 * A password or API key: never shown. A stored one reads as the mask; "Change" opens an empty input
 * (left empty, the stored secret stays), "Remove" clears it.
 */
function Secret(props: WidgetProps) {
  const { t } = ctx(props).i18n;
  const [editing, setEditing] = useState(false);
  const stored = props.value === SECRET_MASK;
  if (stored && !editing) {
    return (
      <div className="secret-field">
        <span className="mono" aria-label={t('secret.set')}>
          {SECRET_MASK}
        </span>
        {!props.readonly && !props.disabled && (
          <>
            <button type="button" className="btn btn-small" onClick={() => setEditing(true)}>
              {t('secret.change')}
            </button>
            <button type="button" className="btn btn-small" onClick={() => props.onChange(undefined)}>
              {t('secret.remove')}
            </button>
          </>
        )}
      </div>
    );
  }
  return (
    <input
      id={props.id}
      name={props.id}
      className="input"
      type="password"
      autoComplete="new-password"
      value={stored || props.value === undefined || props.value === null ? '' : String(props.value)}
      readOnly={props.readonly}
      disabled={props.disabled}
      aria-invalid={invalid(props)}
      aria-describedby={describedBy(props)}
      // Left empty after "Change", the stored secret is kept (the mask is sent back).
      onChange={(e: ChangeEvent<HTMLInputElement>) => props.onChange(e.target.value === '' ? (editing ? SECRET_MASK : undefined) : e.target.value)}
      onBlur={() => props.onBlur(props.id, props.value)}
      onFocus={() => props.onFocus(props.id, props.value)}
    />
  );
}

function Reference(props: WidgetProps) {
  const { model } = ctx(props);
  const target = opts(props).target ?? '';
  if (!model) return null;
  return <RecordPicker model={model} target={target} id={props.id} value={props.value as string | undefined} readonly={props.readonly} disabled={props.disabled} invalid={invalid(props)} onChange={(id) => props.onChange(id ?? undefined)} />;
}

function Attachment(props: WidgetProps) {
  const { t, language } = ctx(props).i18n;
  const { accept, maxBytes } = opts(props);
  const [info, setInfo] = useState<FileInfo | null>(null);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const value = props.value as string | undefined;
  useEffect(() => {
    if (!value) return setInfo(null);
    let live = true;
    fileInfo(value).then((i) => live && setInfo(i), () => live && setInfo(null));
    return () => {
      live = false;
    };
  }, [value]);
  const upload = async (file: File | undefined) => {
    if (!file) return;
    if (maxBytes && file.size > maxBytes) return setProblem(t('form.tooLarge', { n: maxBytes }));
    setBusy(true);
    setProblem(null);
    try {
      const uploaded = await uploadFile(file);
      setInfo(uploaded);
      props.onChange(uploaded.id);
    } catch (e) {
      setProblem(problemMessage(null, e, language));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="attachment">
      {value && (
        <a href={fileUrl(value)} target="_blank" rel="noreferrer">
          {info ? `${info.name} (${Math.ceil(info.size / 1024)} KB)` : value.slice(0, 8)}
        </a>
      )}
      {!props.readonly && !props.disabled && (
        <>
          <label className="btn btn-small">
            {busy ? t('form.uploading') : t('form.upload')}
            <input id={props.id} type="file" hidden accept={accept?.join(',')} onChange={(e) => void upload(e.target.files?.[0])} />
          </label>
          {value && (
            <button type="button" className="icon-btn" aria-label={t('common.clear')} onClick={() => props.onChange(undefined)}>
              ×
            </button>
          )}
        </>
      )}
      {problem && <div className="field-errors">{problem}</div>}
    </div>
  );
}

/** rjsf's default select, for designer forms: single or multiple values from the schema's enum. */
function Select(props: WidgetProps) {
  const { id, value, readonly, disabled, onChange, multiple } = props;
  const options = opts(props).enumOptions ?? [];
  const index = (v: unknown) => options.findIndex((o) => o.value === v);
  if (multiple) {
    const values = Array.isArray(value) ? value : [];
    return (
      <div className="checkbox-group" id={id}>
        {options.map((o) => (
          <label key={String(o.value)} className="checkbox">
            <input type="checkbox" disabled={disabled || readonly} checked={values.includes(o.value)} onChange={(e) => onChange(e.target.checked ? [...values, o.value] : values.filter((v) => v !== o.value))} />
            <span>{o.label}</span>
          </label>
        ))}
      </div>
    );
  }
  return (
    <select id={id} name={id} className="input" value={index(value)} disabled={disabled || readonly} onChange={(e) => onChange(e.target.value === '-1' ? undefined : options[Number(e.target.value)]?.value)}>
      <option value={-1} />
      {options.map((o, i) => (
        <option key={i} value={i}>
          {o.label}
        </option>
      ))}
    </select>
  );
}

function Color(props: WidgetProps) {
  return (
    <div className="color-input">
      <input type="color" aria-label={props.label} value={typeof props.value === 'string' ? props.value : '#64748b'} disabled={props.readonly || props.disabled} onChange={(e) => props.onChange(e.target.value)} />
      <Input {...props} type="text" />
    </div>
  );
}

const Feel = (props: WidgetProps) => (
  <div className="feel-input">
    <Input {...props} type="text" />
  </div>
);

/** One widget per name a field type's form control gives (typed exhaustively: a new name needs its widget). */
const fieldWidgets: Record<WidgetName, Widget> = {
  text: (p) => <Input {...p} type="text" />,
  textarea: Textarea,
  integer: (p) => <Input {...p} type="number" step="1" inputMode="numeric" parse={numberOf} />,
  number: (p) => <Input {...p} type="number" step="any" inputMode="decimal" parse={numberOf} />,
  percent: (p) => (
    <div className="suffixed">
      <Input {...p} type="number" step="any" parse={numberOf} />
      <span>%</span>
    </div>
  ),
  checkbox: Checkbox,
  date: (p) => <Input {...p} type="date" />,
  datetime: (p) => <Input {...p} type="datetime-local" format={toLocalInput} parse={fromLocalInput} />,
  enum: Choice,
  state: Choice,
  email: (p) => <Input {...p} type="email" inputMode="email" />,
  phone: (p) => <Input {...p} type="tel" inputMode="tel" />,
  url: Url,
  taxId: TaxId,
  reference: Reference,
  attachment: Attachment,
  secret: Secret,
};

export const widgets: RegistryWidgetsType = {
  ...fieldWidgets,
  feel: Feel,
  color: Color,
  // rjsf defaults, restyled (designer forms)
  TextareaWidget: Textarea,
  CheckboxWidget: Checkbox,
  SelectWidget: Select,
  CheckboxesWidget: (p) => <Select {...p} multiple />,
};
