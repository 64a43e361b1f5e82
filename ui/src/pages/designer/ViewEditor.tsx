// The designer's list view and board editor: columns (drag or Alt+arrows to reorder, a width each),
// default sort, filters in the lists' own filter editor (with record pickers), and for a board its
// grouping field, card fields and column total. It edits the designer's working copy through the
// pure operations of forms/view-edit.ts; the preview is the app's own list or board showing the
// edited view with real records. Nothing is stored before the plan is applied (DesignerPage).
import { useState, type DragEvent, type KeyboardEvent } from 'react';
import { addColumn, columnChoices, groupChoices, moveColumn, newView, removeColumn, setFilter, setGroupBy, setSort, setTotal, setWidth, totalChoices } from '../../../../forms/index.ts';
import type { EntityModel, Model, View } from '../../../../metadata/browser.ts';
import { useI18n } from '../../app/i18n.tsx';
import { useMeta } from '../../app/meta.tsx';
import { Modal } from '../../components/ui.tsx';
import { boardMachine } from '../../list/board.ts';
import { columnLabel } from '../../list/columns.ts';
import { FilterEditor } from '../../list/FilterEditor.tsx';
import { combinedFilter, filterOf, rowsOf, type FilterRow } from '../../list/query.ts';
import { Board } from '../BoardPage.tsx';
import { EntityList } from '../ListPage.tsx';

/** The properties this editor edits; the designer's meta-schema form leaves them to it. */
export const VIEW_EDITED = ['columns', 'widths', 'sort', 'filter', 'groupBy', 'total'] as const;

export function ViewEditor({ view, onChange }: { view: View; onChange(view: View): void }) {
  const { t, label } = useI18n();
  const { model } = useMeta();
  const entity = model.entities.get(view.entity);
  if (!entity) return <div className="muted">{t('view.noPreview')}</div>;
  const board = view.type === 'board';
  return (
    <section aria-label={t('view.editor')} className="form-grid view-editor">
      <p className="muted">{t('view.help')}</p>
      <p className="muted" role="note">
        {t('view.sharing')}
      </p>
      {board && <BoardSettings entity={entity} view={view} onChange={onChange} />}
      <Columns entity={entity} view={view} title={board ? t('view.cardFields') : t('view.columns')} onChange={onChange} />
      <div className="toolbar">
        <label className="inline-field">
          {t('view.sort')}
          <select className="input" value={view.sort?.[0]?.field ?? ''} onChange={(e) => onChange(setSort(view, e.target.value || null, view.sort?.[0]?.direction ?? 'asc'))}>
            <option value="">{t('view.sortDefault')}</option>
            {columnChoices(entity).map((c) => (
              <option key={c} value={c}>
                {columnLabel(entity, c, { t, label })}
              </option>
            ))}
          </select>
        </label>
        {view.sort?.[0] && (
          <select className="input" aria-label={t('view.sort')} value={view.sort[0].direction ?? 'asc'} onChange={(e) => onChange(setSort(view, view.sort![0]!.field, e.target.value as 'asc' | 'desc'))}>
            <option value="asc">{t('view.ascending')}</option>
            <option value="desc">{t('view.descending')}</option>
          </select>
        )}
      </div>
      <Filters model={model} entity={entity} view={view} onChange={onChange} />
      <section aria-label={t('view.preview')}>
        <h3>{t('view.preview')}</h3>
        <div className="view-preview">
          <Preview model={model} entity={entity} view={view} />
        </div>
      </section>
    </section>
  );
}

function Preview({ model, entity, view }: { model: Model; entity: EntityModel; view: View }) {
  if (view.type !== 'board') return <EntityList model={model} entity={entity} preview={view} />;
  const machine = boardMachine(entity, view);
  return machine ? <Board model={model} machine={machine} entity={entity} boardView={view} /> : null;
}

function BoardSettings({ entity, view, onChange }: { entity: EntityModel; view: View; onChange(view: View): void }) {
  const { t } = useI18n();
  return (
    <div className="toolbar">
      <FieldChoice entity={entity} title={t('view.groupBy')} none={t('view.groupDefault')} fields={groupChoices(entity)} value={view.groupBy} onChange={(f) => onChange(setGroupBy(view, f))} />
      <FieldChoice entity={entity} title={t('view.total')} none={t('view.noTotal')} fields={totalChoices(entity)} value={view.total} onChange={(f) => onChange(setTotal(view, f))} />
    </div>
  );
}

/** One of some fields of the type by their labels, or none (null). */
function FieldChoice({ entity, title, none, fields, value, onChange }: { entity: EntityModel; title: string; none: string; fields: readonly string[]; value: string | undefined; onChange(field: string | null): void }) {
  const { label } = useI18n();
  return (
    <label className="inline-field">
      {title}
      <select className="input" value={value ?? ''} onChange={(e) => onChange(e.target.value || null)}>
        <option value="">{none}</option>
        {fields.map((f) => (
          <option key={f} value={f}>
            {label(entity.fieldsByName.get(f)!.label)}
          </option>
        ))}
      </select>
    </label>
  );
}

function Columns({ entity, view, title, onChange }: { entity: EntityModel; view: View; title: string; onChange(view: View): void }) {
  const { t, label } = useI18n();
  const columns = view.columns ?? [];
  const [dragged, setDragged] = useState<string | null>(null);
  const [adding, setAdding] = useState('');
  const name = (c: string) => columnLabel(entity, c, { t, label });
  const free = columnChoices(entity).filter((c) => !columns.includes(c));
  const focusColumn = (c: string) => requestAnimationFrame(() => document.querySelector<HTMLElement>(`[data-view-column="${c}"]`)?.focus());
  // Alt+↑/↓ moves the focused column (and keeps the focus on it); ↑/↓ alone moves the focus.
  const onKey = (e: KeyboardEvent, c: string, i: number) => {
    if (e.target !== e.currentTarget || (e.key !== 'ArrowUp' && e.key !== 'ArrowDown')) return;
    e.preventDefault();
    const step = e.key === 'ArrowUp' ? -1 : 1;
    if (e.altKey) onChange(moveColumn(view, c, i + step));
    const target = e.altKey ? c : columns[i + step];
    if (target) focusColumn(target);
  };
  const onDrop = (e: DragEvent, index: number) => {
    e.preventDefault();
    const c = e.dataTransfer.getData('text/plain') || dragged;
    setDragged(null);
    if (!c) return;
    const from = columns.indexOf(c);
    onChange(moveColumn(view, c, from >= 0 && from < index ? index - 1 : index));
  };
  return (
    <section aria-label={title}>
      <h3>{title}</h3>
      <ol className="view-columns" onDragOver={(e) => e.preventDefault()} onDrop={(e) => onDrop(e, columns.length)}>
        {columns.map((c, i) => (
          <li
            key={c}
            tabIndex={0}
            draggable
            data-view-column={c}
            aria-label={name(c)}
            className={`view-column${dragged === c ? ' dragging' : ''}`}
            onKeyDown={(e) => onKey(e, c, i)}
            onDragStart={(e) => {
              e.dataTransfer.setData('text/plain', c);
              e.dataTransfer.effectAllowed = 'move';
              setDragged(c);
            }}
            onDragEnd={() => setDragged(null)}
            onDragOver={(e) => e.preventDefault()}
            onDrop={(e) => {
              e.stopPropagation();
              onDrop(e, i);
            }}
          >
            <span className="drag-handle" aria-hidden="true">
              ⋮⋮
            </span>
            <span className="view-column-name">{name(c)}</span>
            <input
              className="input input-small"
              type="number"
              min={40}
              max={800}
              step={10}
              aria-label={t('view.width', { name: name(c) })}
              value={view.widths?.[c] ?? ''}
              onChange={(e) => onChange(setWidth(view, c, e.target.value === '' ? null : Number(e.target.value)))}
            />
            <button type="button" className="icon-btn" aria-label={t('designer.moveUp')} disabled={i === 0} onClick={() => onChange(moveColumn(view, c, i - 1))}>
              ↑
            </button>
            <button type="button" className="icon-btn" aria-label={t('designer.moveDown')} disabled={i === columns.length - 1} onClick={() => onChange(moveColumn(view, c, i + 1))}>
              ↓
            </button>
            <button type="button" className="icon-btn" aria-label={`${t('common.remove')} ${name(c)}`} disabled={columns.length === 1} onClick={() => onChange(removeColumn(view, c))}>
              ×
            </button>
          </li>
        ))}
      </ol>
      <div className="toolbar">
        <select className="input" aria-label={t('view.addColumn')} value={adding} onChange={(e) => setAdding(e.target.value)}>
          <option value="" />
          {free.map((c) => (
            <option key={c} value={c}>
              {name(c)}
            </option>
          ))}
        </select>
        <button
          type="button"
          className="btn btn-small"
          disabled={!adding}
          onClick={() => {
            onChange(addColumn(view, adding));
            setAdding('');
          }}
        >
          + {t('view.addColumn')}
        </button>
      </div>
    </section>
  );
}

/** The view's filter as the lists' filter rows (the same editor, with record pickers); a filter rows cannot show stays JSON. */
function Filters({ model, entity, view, onChange }: { model: Model; entity: EntityModel; view: View; onChange(view: View): void }) {
  const { t } = useI18n();
  // The rows are this editor's from the first render on (an unfinished row has no filter yet).
  const [initial] = useState(() => rowsOf(view.filter, entity));
  const [rows, setRows] = useState<FilterRow[]>(initial ?? []);
  if (initial === null) return <p className="muted">{t('view.filterAsJson')}</p>;
  const change = (next: FilterRow[]) => {
    setRows(next);
    onChange(setFilter(view, combinedFilter(filterOf(next, entity)) ?? undefined));
  };
  return (
    <section aria-label={t('view.filters')}>
      <h3>{t('view.filters')}</h3>
      <div className="filters">
        {rows.map((row, i) => (
          <FilterEditor key={i} model={model} entity={entity} row={row} onChange={(r) => change(rows.map((x, j) => (j === i ? r : x)))} onRemove={() => change(rows.filter((_, j) => j !== i))} />
        ))}
      </div>
      <button type="button" className="btn btn-small" onClick={() => change([...rows, { field: entity.displayField, op: 'contains', value: '' }])}>
        + {t('list.addFilter')}
      </button>
    </section>
  );
}

/** A new view or board of an entity type: its name, kind and English label (the rest in the editor). */
export function NewViewDialog({ onCancel, onCreate }: { onCancel(): void; onCreate(view: View): void }) {
  const { t, label } = useI18n();
  const { model } = useMeta();
  const entities = [...model.entities.values()];
  const [entity, setEntity] = useState(entities[0]?.name ?? '');
  const [type, setType] = useState<'table' | 'board'>('table');
  const [name, setName] = useState('');
  const [text, setText] = useState('');
  const chosen = model.entities.get(entity);
  const valid = chosen !== undefined && /^[a-z][a-z0-9_]{0,47}$/.test(name) && text.trim() !== '';
  return (
    <Modal
      title={t('designer.newView')}
      onClose={onCancel}
      footer={
        <button type="button" className="btn btn-primary" disabled={!valid} onClick={() => chosen && onCreate(newView(chosen, name, type, text.trim()))}>
          {t('common.add')}
        </button>
      }
    >
      <div className="form-grid">
        <label className="field">
          <span className="field-label">{t('view.entity')}</span>
          <select className="input" value={entity} onChange={(e) => setEntity(e.target.value)}>
            {entities.map((e) => (
              <option key={e.name} value={e.name}>
                {label(e.pluralLabel)}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span className="field-label">{t('view.type')}</span>
          <select className="input" value={type} onChange={(e) => setType(e.target.value as 'table' | 'board')}>
            <option value="table">{t('view.table')}</option>
            <option value="board">{t('view.board')}</option>
          </select>
        </label>
        <label className="field">
          <span className="field-label">{t('view.name')}</span>
          <input className="input mono" value={name} onChange={(e) => setName(e.target.value)} placeholder="by_segment" autoFocus />
        </label>
        <label className="field">
          <span className="field-label">{t('view.labelEn')}</span>
          <input className="input" value={text} onChange={(e) => setText(e.target.value)} />
        </label>
      </div>
    </Modal>
  );
}
