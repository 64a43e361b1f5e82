// One metadata item (or part of one) as a form cut from the meta-schema (forms/meta-forms.ts), in
// the analyst's language, with the designer's defaults: opening an item adds nothing to it.
import { useMemo } from 'react';
import Form from '@rjsf/core';
import { useI18n } from '../../app/i18n.tsx';
import { type FormContext, EMPTY_SET } from '../../form/context.ts';
import { formKit, wordErrors } from '../../form/kit.ts';

const QUIET_DEFAULTS = { emptyObjectFields: 'skipEmptyDefaults', arrayMinItems: { populate: 'never' } } as const;

export function MetaForm({ schema, uiSchema, data, onChange, onSubmit, id }: { schema: Record<string, unknown>; uiSchema: Record<string, unknown>; data: unknown; onChange(data: unknown): void; onSubmit?(data: unknown): void; id?: string }) {
  const i18n = useI18n();
  const context: FormContext = useMemo(() => ({ i18n, hidden: EMPTY_SET, required: EMPTY_SET }), [i18n]);
  return (
    <Form
      id={id}
      schema={schema}
      uiSchema={uiSchema}
      formData={data}
      {...formKit}
      formContext={context}
      transformErrors={wordErrors(i18n.language)}
      liveValidate="onBlur"
      // Opening an item adds nothing to it: no empty objects or arrays for optional parts left out (a
      // status machine's optional `initial`, filled with an empty entry, would not even validate).
      experimental_defaultFormStateBehavior={QUIET_DEFAULTS}
      onChange={(e) => onChange(e.formData)}
      onSubmit={(e) => onSubmit?.(e.formData)}
    />
  );
}
