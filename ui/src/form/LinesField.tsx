// The lines of a record (offer lines) as an editable grid inside its form: one row per line, one
// column per field of the line type (forms/ gives them with their controls), computed columns
// read-only and recomputed by the form as values change (metadata/computed.ts, the server's code).
// Keyboard: ↑/↓ move between rows in a column, Enter on the last row adds a line, Alt+↑/↓ moves
// the line, Ctrl+Delete removes it. Buttons do the same for the mouse.
import { useRef, type KeyboardEvent } from 'react';
import type { FieldProps } from '@rjsf/utils';
import type { FieldUiOptions, LineColumn } from '../../../forms/index.ts';
import { formatNumber } from '../components/format.ts';
import { RecordPicker } from '../components/RecordPicker.tsx';
import type { FormContext } from './context.ts';

type Line = Record<string, unknown>;

const NUMERIC = new Set(['integer', 'decimal', 'percent', 'money']);

/** A new line: the declared defaults of the line type's columns (e.g. quantity 1, VAT 23%). */
function newLine(columns: readonly LineColumn[], defaults: Readonly<Record<string, unknown>>): Line {
  const line: Line = {};
  for (const c of columns) if (!c.computed && defaults[c.name] !== undefined) line[c.name] = defaults[c.name];
  return line;
}

function Cell({ column, value, onChange, id, readonly, ctx, invalid }: { column: LineColumn; value: unknown; onChange(v: unknown): void; id: string; readonly: boolean; ctx: FormContext; invalid: boolean }) {
  const { i18n } = ctx;
  const type = column.options.fieldType;
  if (column.computed) {
    const text = value === null || value === undefined ? '' : NUMERIC.has(type) ? formatNumber(Number(value), i18n.locale, 2) : String(value);
    return <output id={id} className="lines-computed" aria-label={column.title}>{text}</output>;
  }
  const common = { id, 'aria-label': column.title, 'aria-invalid': invalid, disabled: readonly, 'data-column': column.name };
  if (column.options.choices) {
    return (
      <select className="input" {...common} value={typeof value === 'string' ? value : ''} onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value)}>
        {!column.required && <option value="" />}
        {column.options.choices.map((c) => (
          <option key={c.value} value={c.value}>{c.label}</option>
        ))}
      </select>
    );
  }
  if (type === 'reference' && ctx.model && column.options.target) {
    return <RecordPicker model={ctx.model} target={column.options.target} value={typeof value === 'string' ? value : null} onChange={(v) => onChange(v ?? undefined)} id={id} readonly={readonly} invalid={invalid} />;
  }
  if (NUMERIC.has(type)) {
    return (
      <input className="input" type="number" step="any" inputMode="decimal" {...common} value={value === undefined || value === null ? '' : String(value)}
        onChange={(e) => onChange(e.target.value === '' ? undefined : Number.isNaN(Number(e.target.value)) ? e.target.value : Number(e.target.value))} />
    );
  }
  return <input className="input" type="text" {...common} value={typeof value === 'string' ? value : ''} onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value)} />;
}

export function LinesField(props: FieldProps) {
  const ctx = props.registry.formContext as FormContext;
  const { t } = ctx.i18n;
  const options = (props.uiSchema?.['ui:options'] ?? {}) as unknown as FieldUiOptions;
  const columns = options.lineColumns ?? [];
  const lines = (Array.isArray(props.formData) ? props.formData : []) as Line[];
  const readonly = Boolean(props.readonly || props.disabled);
  const base = props.fieldPathId.$id;
  const grid = useRef<HTMLTableElement>(null);
  const target = options.target ? ctx.model?.entities.get(options.target) : undefined;
  const defaults = Object.fromEntries((target?.fields ?? []).filter((f) => f.default !== undefined).map((f) => [f.name, f.default]));
  const errors = (props.errorSchema ?? {}) as Record<string, Record<string, { __errors?: string[] }> | undefined>;

  const set = (next: Line[]) => props.onChange(next, props.fieldPathId.path);
  const focus = (row: number, column: string) => requestAnimationFrame(() => grid.current?.querySelector<HTMLElement>(`[data-row="${row}"] [data-column="${column}"]`)?.focus());
  // A new line opens on its first typed cell (a record picker takes the focus differently).
  const firstEditable = columns.find((c) => !c.computed && c.options.fieldType !== 'reference')?.name ?? '';
  const add = () => {
    set([...lines, newLine(columns, defaults)]);
    focus(lines.length, firstEditable);
  };
  const move = (from: number, to: number, column?: string) => {
    if (to < 0 || to >= lines.length) return;
    const next = [...lines];
    const [line] = next.splice(from, 1);
    next.splice(to, 0, line!);
    set(next);
    if (column) focus(to, column);
  };
  const remove = (row: number, column?: string) => {
    set(lines.filter((_, i) => i !== row));
    if (column && lines.length > 1) focus(Math.min(row, lines.length - 2), column);
  };

  const onKey = (row: number, column: string) => (e: KeyboardEvent<HTMLTableCellElement>) => {
    const inSelect = (e.target as HTMLElement).tagName === 'SELECT';
    if (e.altKey && (e.key === 'ArrowUp' || e.key === 'ArrowDown')) {
      e.preventDefault();
      move(row, e.key === 'ArrowUp' ? row - 1 : row + 1, column);
    } else if (e.ctrlKey && e.key === 'Delete') {
      e.preventDefault();
      remove(row, column);
    } else if (!inSelect && !e.altKey && (e.key === 'ArrowUp' || e.key === 'ArrowDown')) {
      const to = e.key === 'ArrowUp' ? row - 1 : row + 1;
      if (to >= 0 && to < lines.length) {
        e.preventDefault();
        focus(to, column);
      }
    } else if (e.key === 'Enter' && !inSelect) {
      // Enter never submits the form from the grid: on the last line it opens a new one.
      e.preventDefault();
      if (row === lines.length - 1) add();
      else focus(row + 1, column);
    }
  };

  return (
    <div className="lines">
      <table className="lines-grid" ref={grid} aria-label={props.uiSchema?.['ui:title'] as string | undefined}>
        <thead>
          <tr>
            <th scope="col">#</th>
            {columns.map((c) => (
              <th key={c.name} scope="col" className={c.computed ? 'lines-computed' : undefined}>{c.title}</th>
            ))}
            {!readonly && <th scope="col" className="lines-actions"><span className="lines-hidden">{t('lines.actions')}</span></th>}
          </tr>
        </thead>
        <tbody>
          {lines.map((line, row) => (
            <tr key={row} data-row={row}>
              <td className="lines-no">{row + 1}</td>
              {columns.map((c) => {
                const problems = errors[String(row)]?.[c.name]?.__errors ?? [];
                return (
                  <td key={c.name} onKeyDown={readonly ? undefined : onKey(row, c.name)} className={c.computed ? 'lines-computed' : undefined}>
                    <Cell column={c} value={line[c.name]} id={`${base}_${row}_${c.name}`} readonly={readonly} ctx={ctx} invalid={problems.length > 0}
                      onChange={(v) => set(lines.map((l, i) => (i === row ? { ...l, [c.name]: v } : l)))} />
                    {problems.map((p) => (
                      <div key={p} className="field-error">{p}</div>
                    ))}
                  </td>
                );
              })}
              {!readonly && (
                <td className="lines-actions">
                  <button type="button" className="btn btn-small" aria-label={t('lines.up', { n: row + 1 })} disabled={row === 0} onClick={() => move(row, row - 1)}>↑</button>
                  <button type="button" className="btn btn-small" aria-label={t('lines.down', { n: row + 1 })} disabled={row === lines.length - 1} onClick={() => move(row, row + 1)}>↓</button>
                  <button type="button" className="btn btn-small" aria-label={t('lines.remove', { n: row + 1 })} onClick={() => remove(row)}>✕</button>
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      {lines.length === 0 && <p className="muted">{t('lines.empty')}</p>}
      {!readonly && (
        <div className="lines-footer">
          <button type="button" className="btn btn-small" onClick={add}>{t('lines.add')}</button>
          <span className="muted lines-keys">{t('lines.keys')}</span>
        </div>
      )}
    </div>
  );
}
