// Our own rjsf templates (no Bootstrap): a field is label + control + errors; the root object of a
// record form is laid out as the metadata says (tabs → sections → columns) and hides fields whose
// visibleWhen does not hold; arrays are simple stacked rows with text buttons.
import { useState, type ChangeEvent, type ReactElement } from 'react';
import type {
  ArrayFieldItemTemplateProps,
  ArrayFieldTemplateProps,
  BaseInputTemplateProps,
  DescriptionFieldProps,
  ErrorSchema,
  FieldErrorProps,
  FieldTemplateProps,
  IconButtonProps,
  ObjectFieldTemplateProps,
  TemplatesType,
  TitleFieldProps,
} from '@rjsf/utils';
import type { FormContext } from './context.ts';

const ctx = (registry: { formContext: unknown }) => registry.formContext as FormContext;

function FieldTemplate(props: FieldTemplateProps) {
  const { id, label, children, rawErrors, hidden, required, displayLabel, rawDescription, classNames, registry, fieldPathId, uiSchema } = props;
  if (hidden) return <div className="hidden">{children}</div>;
  const { required: conditional } = ctx(registry);
  const name = String(fieldPathId.path[fieldPathId.path.length - 1] ?? '');
  const isRequired = required || (fieldPathId.path.length === 1 && conditional.has(name));
  const errors = (rawErrors ?? []).filter(Boolean);
  const isCheckbox = uiSchema?.['ui:widget'] === 'checkbox' || props.schema.type === 'boolean' || (Array.isArray(props.schema.type) && props.schema.type[0] === 'boolean');
  // rjsf hides labels of custom fields (money, links, labels); ours render only the control.
  const showLabel = (displayLabel || Boolean(uiSchema?.['ui:field'])) && !isCheckbox;
  return (
    <div className={`field ${classNames ?? ''}${errors.length ? ' has-error' : ''}`} data-field={name}>
      {showLabel && (
        <label className="field-label" htmlFor={id}>
          {label}
          {isRequired && <span className="required" aria-hidden> *</span>}
        </label>
      )}
      {children}
      {showLabel && rawDescription && <div className="field-help">{rawDescription}</div>}
      {errors.length > 0 && (
        <ul className="field-errors" id={`${id}__error`} role="alert">
          {errors.map((e, i) => (
            <li key={i}>{e}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

function countErrors(schema: ErrorSchema | undefined): number {
  if (!schema) return 0;
  let n = (schema.__errors as string[] | undefined)?.length ?? 0;
  for (const [key, value] of Object.entries(schema)) if (key !== '__errors' && value && typeof value === 'object') n += countErrors(value as ErrorSchema);
  return n;
}

function ObjectFieldTemplate(props: ObjectFieldTemplateProps) {
  const { properties, registry, fieldPathId, title, description, errorSchema } = props;
  const context = ctx(registry);
  const [tab, setTab] = useState(0);
  const byName = new Map(properties.map((p) => [p.name, p]));
  const isRoot = fieldPathId.path.length === 0;
  if (!isRoot || !context.layout) {
    // An item of a list (an enum's values, a pipeline's states) is headed by its number and what it
    // is ("2. won — Wygrana"), not by rjsf's "values-2".
    const last = fieldPathId.path[fieldPathId.path.length - 1];
    const heading = typeof last === 'number' ? itemHeading(last, props.formData, context.i18n) : title;
    return (
      <fieldset className="object-field">
        {!isRoot && heading && <legend>{heading}</legend>}
        {description && <div className="field-help">{description}</div>}
        <div className="object-fields">{properties.filter((p) => !p.hidden).map((p) => p.content)}</div>
      </fieldset>
    );
  }
  const layout = context.layout;
  const current = layout[Math.min(tab, layout.length - 1)]!;
  const shown = (name: string) => byName.has(name) && !context.hidden.has(name);
  return (
    <div className="record-form-layout">
      {layout.length > 1 && (
        <div className="tabs" role="tablist">
          {layout.map((t, i) => {
            const errors = t.sections.flatMap((s) => s.fields).reduce((n, f) => n + countErrors(errorSchema?.[f] as ErrorSchema | undefined), 0);
            return (
              <button key={t.tab ?? ''} type="button" role="tab" aria-selected={i === tab} className={i === tab ? 'tab active' : 'tab'} onClick={() => setTab(i)}>
                {t.tab ?? context.i18n.t('form.tabMain')}
                {errors > 0 && <span className="tab-errors">{errors}</span>}
              </button>
            );
          })}
        </div>
      )}
      {current.sections.map((section) => {
        const fields = section.fields.filter(shown);
        if (fields.length === 0) return null;
        return (
          <section key={section.id} className="form-section" aria-label={section.label || undefined}>
            {section.label && <h3 className="section-title">{section.label}</h3>}
            <div className="section-grid" style={{ gridTemplateColumns: `repeat(${section.columns}, minmax(0, 1fr))` }}>
              {fields.map((f) => (
                <div key={f} className="section-cell">
                  {byName.get(f)!.content}
                </div>
              ))}
            </div>
          </section>
        );
      })}
      {/* Fields of other tabs stay mounted (hidden) so their values and errors are kept. */}
      <div className="hidden">{layout.flatMap((t, i) => (t === current ? [] : t.sections.flatMap((s) => s.fields.filter((f) => byName.has(f)).map((f) => <div key={`${i}.${f}`}>{byName.get(f)!.content}</div>))))}</div>
    </div>
  );
}

/** "3. in_repair — W naprawie": the item's number, its name (or value) and its label in the user's language. */
function itemHeading(index: number, data: unknown, i18n: FormContext['i18n']): string {
  const item = data && typeof data === 'object' ? (data as Record<string, unknown>) : {};
  const key = [item.name, item.value, item.field, item.entity].find((v) => typeof v === 'string' && v !== '') as string | undefined;
  const label = item.label && typeof item.label === 'object' ? i18n.label(item.label as { en: string }) : '';
  const text = [key, label && label !== key ? label : ''].filter(Boolean).join(' — ');
  return text ? `${index + 1}. ${text}` : i18n.t('designer.item', { n: index + 1 });
}

function ArrayFieldTemplate(props: ArrayFieldTemplateProps) {
  const { items, canAdd, onAddClick, title, disabled, readonly, registry } = props;
  return (
    <div className="array-field">
      {title && <div className="array-title">{title}</div>}
      <div className="array-items">{items}</div>
      {canAdd && !readonly && (
        <button type="button" className="btn btn-small" onClick={onAddClick} disabled={disabled}>
          + {ctx(registry).i18n.t('common.add')}
        </button>
      )}
    </div>
  );
}

function ArrayFieldItemTemplate(props: ArrayFieldItemTemplateProps) {
  const { children, buttonsProps, hasToolbar, registry } = props;
  const { t } = ctx(registry).i18n;
  return (
    <div className="array-item">
      <div className="array-item-body">{children}</div>
      {hasToolbar && (
        <div className="array-item-tools">
          {buttonsProps.hasMoveUp && (
            <button type="button" className="icon-btn" title={t('designer.moveUp')} aria-label={t('designer.moveUp')} onClick={buttonsProps.onMoveUpItem}>
              ↑
            </button>
          )}
          {buttonsProps.hasMoveDown && (
            <button type="button" className="icon-btn" title={t('designer.moveDown')} aria-label={t('designer.moveDown')} onClick={buttonsProps.onMoveDownItem}>
              ↓
            </button>
          )}
          {buttonsProps.hasRemove && (
            <button type="button" className="icon-btn" title={t('common.remove')} aria-label={t('common.remove')} onClick={buttonsProps.onRemoveItem}>
              ×
            </button>
          )}
        </div>
      )}
    </div>
  );
}

/** Plain inputs of designer forms (record forms use the typed widgets in widgets.tsx). */
function BaseInputTemplate(props: BaseInputTemplateProps) {
  const { id, value, type, readonly, disabled, autofocus, onChange, onChangeOverride, onBlur, onFocus, options, schema, rawErrors, placeholder } = props;
  const inputType = type ?? (schema.type === 'number' || schema.type === 'integer' ? 'number' : 'text');
  const change = (e: ChangeEvent<HTMLInputElement>) => {
    const text = e.target.value;
    onChange(text === '' ? options.emptyValue : inputType === 'number' ? Number(text) : text);
  };
  return (
    <input
      id={id}
      name={id}
      className="input"
      type={inputType}
      value={value ?? ''}
      readOnly={readonly}
      disabled={disabled}
      autoFocus={autofocus}
      // A read-only empty value reads as "—" (the record card's read view), not as a blank box.
      placeholder={readonly || disabled ? '—' : placeholder}
      aria-invalid={(rawErrors?.length ?? 0) > 0}
      onChange={onChangeOverride ?? change}
      onBlur={(e) => onBlur(id, e.target.value)}
      onFocus={(e) => onFocus(id, e.target.value)}
    />
  );
}

const TitleFieldTemplate = ({ title, id }: TitleFieldProps) => (title ? <h4 id={id}>{title}</h4> : null);
const DescriptionFieldTemplate = ({ description, id }: DescriptionFieldProps) => (description ? <div id={id} className="field-help">{description}</div> : null);
// Errors and help are rendered by FieldTemplate itself.
const FieldErrorTemplate = (_props: FieldErrorProps) => null;
const None = () => null;

function TextButton(label: string) {
  return function Button({ onClick, disabled, className }: IconButtonProps): ReactElement {
    return (
      <button type="button" className={`icon-btn ${className ?? ''}`} onClick={onClick} disabled={disabled} aria-label={label}>
        {label === 'add' ? '+' : label === 'remove' ? '×' : label === 'up' ? '↑' : label === 'down' ? '↓' : '⧉'}
      </button>
    );
  };
}

export const templates: Partial<TemplatesType> = {
  FieldTemplate,
  ObjectFieldTemplate,
  ArrayFieldTemplate,
  ArrayFieldItemTemplate,
  BaseInputTemplate,
  TitleFieldTemplate,
  DescriptionFieldTemplate,
  FieldErrorTemplate,
  FieldHelpTemplate: None,
  ErrorListTemplate: None,
  ButtonTemplates: {
    SubmitButton: None,
    AddButton: TextButton('add'),
    CopyButton: TextButton('copy'),
    MoveDownButton: TextButton('down'),
    MoveUpButton: TextButton('up'),
    RemoveButton: TextButton('remove'),
    ClearButton: TextButton('remove'),
  },
};
