// Editing one cell of a list in place: the cell's ✎ opens an input fitting the field (text, number,
// date, choice, yes/no, the record picker for references); Enter or leaving it saves through the
// records API (PATCH with the row's version: the server's validation, rights and audit as in the
// form), Escape cancels. A refusal stays on the cell, worded in the user's language.
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { pointerField, problemText } from '../../../forms/index.ts';
import type { EntityModel, Field, Model } from '../../../metadata/browser.ts';
import { ApiError } from '../api/client.ts';
import { updateRecord, type ApiRecord } from '../api/records.ts';
import { useI18n } from '../app/i18n.tsx';
import { referenceId } from '../components/format.ts';
import { RecordPicker } from '../components/RecordPicker.tsx';

import { NUMBER } from './editable.ts';

function initialText(field: Field, value: unknown): string {
  if (value === null || value === undefined) return '';
  if (field.type === 'reference') return referenceId(value) ?? '';
  return String(value);
}

function valueOf(field: Field, text: string): unknown {
  if (text === '') return null;
  if (NUMBER.has(field.type)) return Number(text);
  if (field.type === 'boolean') return text === 'true';
  return text;
}

// Loaded on demand (the first ✎ click): it brings the problem wording of forms/, which the list
// page itself does not need.
export default function InlineEditor({ model, entity, field, record, onSaved, onCancel }: { model: Model; entity: EntityModel; field: Field; record: ApiRecord; onSaved(record: ApiRecord): void; onCancel(): void }) {
  const { t, label, language } = useI18n();
  const [text, setText] = useState(() => initialText(field, record[field.name]));
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const done = useRef(false);
  const input = useRef<HTMLInputElement & HTMLSelectElement>(null);
  useEffect(() => input.current?.focus(), []);

  const save = async (value: string = text) => {
    if (busy || done.current) return;
    if (value === initialText(field, record[field.name])) {
      done.current = true;
      return onCancel();
    }
    setBusy(true);
    try {
      const saved = await updateRecord(entity.name, record.id, record.version, { [field.name]: valueOf(field, value) });
      done.current = true;
      onSaved(saved);
    } catch (e) {
      if (e instanceof ApiError) {
        const own = (e.problem.errors ?? []).filter((p) => pointerField(p.pointer).field === field.name);
        setError(own.length ? own.map((p) => problemText({ pointer: '', detail: p.detail, ...(p.code ? { code: p.code } : {}) }, language)).join('; ') : (e.problem.detail ?? e.message));
      } else setError(String(e));
    } finally {
      setBusy(false);
    }
  };
  const keys = (e: KeyboardEvent) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      void save();
    } else if (e.key === 'Escape') {
      done.current = true;
      onCancel();
    }
  };
  const common = { 'aria-label': t('list.inlineEdit', { field: label(field.label) }), 'aria-invalid': error ? true : undefined, disabled: busy, onKeyDown: keys } as const;
  let control;
  if (field.type === 'reference') {
    control = (
      <div onKeyDown={keys} aria-label={common['aria-label']}>
        <RecordPicker model={model} target={field.target} value={text || null} invalid={Boolean(error)} onChange={(id) => { setText(id ?? ''); void save(id ?? ''); }} />
      </div>
    );
  } else if (field.type === 'enum' || field.type === 'boolean') {
    const options = field.type === 'enum' ? field.values.map((v) => [v.value, label(v.label)] as const) : ([['true', t('common.yes')], ['false', t('common.no')]] as const);
    control = (
      <select ref={input} className="input" {...common} value={text} onChange={(e) => { setText(e.target.value); void save(e.target.value); }}>
        <option value="" />
        {options.map(([v, l]) => (
          <option key={v} value={v}>
            {l}
          </option>
        ))}
      </select>
    );
  } else {
    control = <input ref={input} className="input" {...common} type={NUMBER.has(field.type) ? 'number' : field.type === 'date' ? 'date' : 'text'} value={text} onChange={(e) => setText(e.target.value)} onBlur={() => void save()} />;
  }
  return (
    <div className="inline-editor" onClick={(e) => e.stopPropagation()}>
      {control}
      {error && (
        <div className="inline-error" role="alert">
          {error}
        </div>
      )}
    </div>
  );
}
