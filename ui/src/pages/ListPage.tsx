// The list of an entity type: saved views from metadata (columns, filter, sort), ad-hoc filters,
// sort by column, text search, keyset paging loaded as the user scrolls, and only the visible rows
// rendered, so 10,000+ records scroll smoothly. Bulk delete / set value, and CSV export of the
// whole filtered list.
import { useCallback, useEffect, useMemo, useRef, useState, type UIEvent } from 'react';
import { filterableType } from '../../../metadata/filter.ts';
import type { EntityModel, Model } from '../../../metadata/model.ts';
import type { Field, View } from '../../../metadata/schema/types.generated.ts';
import { deleteRecord, listAll, listRecords, updateRecord, type ApiRecord } from '../api/records.ts';
import { useI18n } from '../app/i18n.tsx';
import { useProblemWords } from '../app/problems.ts';
import type { MessageKey } from '../app/messages.ts';
import { useMeta } from '../app/meta.tsx';
import { Link, navigate, setQuery, useLocation } from '../app/router.tsx';
import { useSession } from '../app/session.tsx';
import { displayValue } from '../components/format.ts';
import { Chip, ErrorBox, Modal, Spinner, useNotify } from '../components/ui.tsx';

const ROW_HEIGHT = 38;
const PAGE_SIZE = 100;
const OVERSCAN = 10;

interface FilterRow {
  readonly field: string;
  readonly op: string;
  readonly value: string;
}

const OPS: Record<string, readonly string[]> = {
  text: ['contains', 'eq', 'ne', 'startsWith', 'isNull', 'notNull'],
  number: ['eq', 'gt', 'gte', 'lt', 'lte', 'isNull', 'notNull'],
  date: ['eq', 'gte', 'lte', 'isNull', 'notNull'],
  datetime: ['gte', 'lte', 'isNull', 'notNull'],
  boolean: ['eq'],
  uuid: ['eq', 'isNull', 'notNull'],
  choice: ['eq', 'ne', 'isNull', 'notNull'],
};

function opsFor(field: Field): readonly string[] {
  if (field.type === 'enum' || field.type === 'state') return OPS.choice!;
  return OPS[filterableType(field) ?? 'text'] ?? OPS.text!;
}

function filterOf(rows: readonly FilterRow[], entity: EntityModel): unknown[] {
  const result: unknown[] = [];
  for (const row of rows) {
    const field = entity.fieldsByName.get(row.field);
    if (!field) continue;
    if (row.op === 'isNull') result.push({ [row.field]: { isNull: true } });
    else if (row.op === 'notNull') result.push({ [row.field]: { isNull: false } });
    else if (row.value !== '') {
      const type = filterableType(field);
      const value = type === 'number' ? Number(row.value) : type === 'boolean' ? row.value === 'true' : row.value;
      result.push({ [row.field]: { [row.op]: value } });
    }
  }
  return result;
}

function defaultColumns(entity: EntityModel): string[] {
  const skip = new Set(['text', 'json', 'manyToMany', 'attachment']);
  const cols = [entity.displayField, ...entity.fields.filter((f) => f.name !== entity.displayField && !skip.has(f.type)).map((f) => f.name)];
  return cols.filter((c) => entity.fieldsByName.has(c)).slice(0, 7);
}

const sortText = (keys: readonly { field: string; direction?: 'asc' | 'desc' }[]) => keys.map((k) => `${k.direction === 'desc' ? '-' : ''}${k.field}`).join(',');

function csvCell(text: string): string {
  return /[",\n;]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export default function ListPage({ params }: { params: Record<string, string> }) {
  const { model } = useMeta();
  const entity = model.entities.get(params.type ?? '');
  const { t } = useI18n();
  if (!entity) return <div className="empty-state">{t('common.notFound')}</div>;
  return <EntityList key={entity.name} model={model} entity={entity} />;
}

function EntityList({ model, entity }: { model: Model; entity: EntityModel }) {
  const { t, label, language, locale } = useI18n();
  const words = useProblemWords();
  const { may } = useSession();
  const notify = useNotify();
  const location = useLocation();
  const views = useMemo(() => model.views.filter((v) => v.entity === entity.name && (v.type ?? 'table') === 'table'), [model, entity]);
  const viewName = location.query.get('view') ?? views.find((v) => v.default)?.name ?? '';
  const view: View | undefined = views.find((v) => v.name === viewName);
  const [search, setSearch] = useState(location.query.get('search') ?? '');
  const [debounced, setDebounced] = useState(search);
  const [filters, setFilters] = useState<FilterRow[]>([]);
  const [sort, setSort] = useState<string | null>(null);
  const [rows, setRows] = useState<ApiRecord[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [count, setCount] = useState<number | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(600);
  const [exporting, setExporting] = useState<number | null>(null);
  const [bulkSet, setBulkSet] = useState(false);
  const scroller = useRef<HTMLDivElement>(null);
  const generation = useRef(0);

  const columns = useMemo(() => (view?.columns ?? defaultColumns(entity)).filter((c) => entity.fieldsByName.has(c) || ['created_at', 'updated_at'].includes(c)), [view, entity]);
  const includes = useMemo(() => columns.filter((c) => ['reference', 'manyToMany'].includes(entity.fieldsByName.get(c)?.type ?? '')), [columns, entity]);
  const effectiveSort = sort ?? (view?.sort?.length ? sortText(view.sort) : sortText(entity.defaultSort));
  const filter = useMemo(() => {
    const parts = [...(view?.filter ? [view.filter] : []), ...filterOf(filters, entity)];
    return parts.length === 0 ? undefined : parts.length === 1 ? parts[0] : { and: parts };
  }, [view, filters, entity]);
  const query = useMemo(() => ({ filter, sort: effectiveSort, ...(debounced ? { search: debounced } : {}), include: includes }), [filter, effectiveSort, debounced, includes]);

  // Another view brings its own sort and filter.
  useEffect(() => {
    setSort(null);
    setFilters([]);
  }, [viewName]);

  useEffect(() => {
    const id = setTimeout(() => {
      setDebounced(search);
      setQuery({ search: search || null });
    }, 250);
    return () => clearTimeout(id);
  }, [search]);

  const load = useCallback(
    async (after: string | null) => {
      const gen = generation.current;
      setLoading(true);
      try {
        const page = await listRecords(entity.name, { ...query, limit: PAGE_SIZE, after, count: after === null });
        if (gen !== generation.current) return;
        setRows((r) => (after === null ? [...page.data] : [...r, ...page.data]));
        setNext(page.next);
        if (page.count !== undefined) setCount(page.count);
        setError(null);
      } catch (e) {
        if (gen === generation.current) setError(e);
      } finally {
        if (gen === generation.current) setLoading(false);
      }
    },
    [entity, query],
  );

  useEffect(() => {
    generation.current++;
    setRows([]);
    setNext(null);
    setSelected(new Set());
    scroller.current?.scrollTo({ top: 0 });
    void load(null);
  }, [load]);

  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const observer = new ResizeObserver(() => setHeight(el.clientHeight));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  const onScroll = (e: UIEvent<HTMLDivElement>) => {
    const el = e.currentTarget;
    setScrollTop(el.scrollTop);
    if (next && !loading && el.scrollTop + el.clientHeight > el.scrollHeight - ROW_HEIGHT * 20) void load(next);
  };

  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(rows.length, Math.ceil((scrollTop + height) / ROW_HEIGHT) + OVERSCAN);
  const visible = rows.slice(first, last);

  const toggleSort = (column: string) => {
    const current = effectiveSort.split(',')[0];
    setSort(current === column ? `-${column}` : column);
  };
  const sortIndicator = (column: string) => {
    const current = effectiveSort.split(',')[0];
    return current === column ? ' ▲' : current === `-${column}` ? ' ▼' : '';
  };
  const sortable = (column: string) => {
    const f = entity.fieldsByName.get(column);
    return !f || !['json', 'manyToMany'].includes(f.type);
  };

  const cell = (record: ApiRecord, column: string) => {
    const field = entity.fieldsByName.get(column);
    const d = displayValue(model, entity, field, record[column], language, locale);
    if (d.color) return <Chip color={d.color}>{d.text}</Chip>;
    return d.text;
  };

  const exportCsv = async () => {
    setExporting(0);
    try {
      const { data } = await listAll(entity.name, query, { onProgress: setExporting });
      const head = columns.map((c) => { const f = entity.fieldsByName.get(c); return csvCell(f ? label(f.label) : c); }).join(';');
      const body = data.map((r) => columns.map((c) => csvCell(displayValue(model, entity, entity.fieldsByName.get(c), r[c], language, locale).text)).join(';'));
      const blob = new Blob(['\ufeff', [head, ...body].join('\r\n')], { type: 'text/csv;charset=utf-8' });
      const a = document.createElement('a');
      a.href = URL.createObjectURL(blob);
      a.download = `${entity.name}.csv`;
      a.click();
      URL.revokeObjectURL(a.href);
    } catch (e) {
      notify('error', t('common.error'), words.message(e));
    } finally {
      setExporting(null);
    }
  };

  const bulk = async (work: (r: ApiRecord) => Promise<unknown>) => {
    const targets = rows.filter((r) => selected.has(r.id));
    const failures: string[] = [];
    for (const r of targets) {
      try {
        await work(r);
      } catch (e) {
        failures.push(words.message(e, { entity: entity.name }));
      }
    }
    if (failures.length) notify('error', t('common.error'), failures.slice(0, 3).join('; '));
    generation.current++;
    setSelected(new Set());
    void load(null);
  };

  const pipeline = model.machines.find((m) => m.kind === 'pipeline' && m.entity === entity.name);
  const allSelected = rows.length > 0 && selected.size === rows.length;

  return (
    <div className="page list-page">
      <div className="page-head">
        <h1>{label(entity.pluralLabel)}</h1>
        <span className="muted" data-testid="list-count">
          {count !== null ? t('list.records', { n: count }) : ''}
        </span>
        <div className="page-actions">
          {pipeline && (
            <Link className="btn" to={`/board/${pipeline.name}`}>
              {t('list.board')}
            </Link>
          )}
          {may(entity.name, 'export') && (
            <button type="button" className="btn" onClick={() => void exportCsv()} disabled={exporting !== null}>
              {exporting !== null ? t('list.exporting', { n: exporting }) : t('list.export')}
            </button>
          )}
          {may(entity.name, 'create') && (
            <Link className="btn btn-primary" to={`/r/${entity.name}/new`}>
              {t('common.new')}
            </Link>
          )}
        </div>
      </div>
      <div className="toolbar">
        <input className="input search" type="search" placeholder={t('common.search')} aria-label={t('common.search')} value={search} onChange={(e) => setSearch(e.target.value)} />
        {views.length > 0 && (
          <label className="inline-field">
            {t('list.view')}
            <select className="input" value={viewName} onChange={(e) => setQuery({ view: e.target.value || null })}>
              <option value="">{t('list.defaultView')}</option>
              {views.map((v) => (
                <option key={v.name} value={v.name}>
                  {label(v.label)}
                </option>
              ))}
            </select>
          </label>
        )}
        <button type="button" className="btn" onClick={() => setFilters((f) => [...f, { field: entity.displayField, op: 'contains', value: '' }])}>
          + {t('list.addFilter')}
        </button>
        {selected.size > 0 && (
          <div className="bulk-actions">
            <span>{t('list.selected', { n: selected.size })}</span>
            {may(entity.name, 'update') && (
              <button type="button" className="btn" onClick={() => setBulkSet(true)}>
                {t('list.setValue')}
              </button>
            )}
            <button type="button" className="btn btn-danger" hidden={!may(entity.name, 'delete')} onClick={() => window.confirm(t('list.confirmDelete', { n: selected.size })) && void bulk((r) => deleteRecord(entity.name, r.id, r.version))}>
              {t('list.deleteSelected')}
            </button>
          </div>
        )}
      </div>
      {filters.length > 0 && (
        <div className="filters">
          {filters.map((row, i) => (
            <FilterEditor key={i} entity={entity} row={row} onChange={(r) => setFilters((f) => f.map((x, j) => (j === i ? r : x)))} onRemove={() => setFilters((f) => f.filter((_, j) => j !== i))} />
          ))}
        </div>
      )}
      {error ? <ErrorBox error={error} onRetry={() => void load(null)} /> : null}
      <div className="grid" role="table" aria-label={label(entity.pluralLabel)} aria-rowcount={count ?? rows.length}>
        <div className="grid-row grid-head" role="row" style={{ gridTemplateColumns: `40px repeat(${columns.length}, minmax(120px, 1fr))` }}>
          <div role="columnheader">
            <input type="checkbox" aria-label="select all" checked={allSelected} onChange={() => setSelected(allSelected ? new Set() : new Set(rows.map((r) => r.id)))} />
          </div>
          {columns.map((c) => (
            <div key={c} role="columnheader" className={sortable(c) ? 'sortable' : ''} onClick={() => sortable(c) && toggleSort(c)}>
              {entity.fieldsByName.get(c) ? label(entity.fieldsByName.get(c)!.label) : c}
              {sortIndicator(c)}
            </div>
          ))}
        </div>
        <div className="grid-body" ref={scroller} onScroll={onScroll}>
          <div style={{ height: rows.length * ROW_HEIGHT, position: 'relative' }}>
            {visible.map((record, i) => (
              <div
                key={record.id}
                role="row"
                className={`grid-row${selected.has(record.id) ? ' selected' : ''}`}
                style={{ position: 'absolute', top: (first + i) * ROW_HEIGHT, height: ROW_HEIGHT, left: 0, right: 0, gridTemplateColumns: `40px repeat(${columns.length}, minmax(120px, 1fr))` }}
                onClick={() => navigate(`/r/${entity.name}/${record.id}`)}
              >
                <div role="cell" onClick={(e) => e.stopPropagation()}>
                  <input
                    type="checkbox"
                    aria-label="select"
                    checked={selected.has(record.id)}
                    onChange={() =>
                      setSelected((s) => {
                        const copy = new Set(s);
                        if (copy.has(record.id)) copy.delete(record.id);
                        else copy.add(record.id);
                        return copy;
                      })
                    }
                  />
                </div>
                {columns.map((c, ci) => (
                  <div role="cell" key={c}>
                    {ci === 0 ? <Link to={`/r/${entity.name}/${record.id}`}>{cell(record, c) || '—'}</Link> : cell(record, c)}
                  </div>
                ))}
              </div>
            ))}
          </div>
          {loading && <Spinner />}
          {!loading && rows.length === 0 && !error && <div className="empty-state">{t('list.empty')}</div>}
        </div>
        <div className="grid-foot muted">
          {t('list.loaded', { n: rows.length })}
          {next && !loading && (
            <button type="button" className="btn btn-small" onClick={() => void load(next)}>
              {t('list.more')}
            </button>
          )}
        </div>
      </div>
      {bulkSet && <BulkSetDialog entity={entity} onClose={() => setBulkSet(false)} onApply={(field, value) => void bulk((r) => updateRecord(entity.name, r.id, r.version, { [field]: value })).then(() => setBulkSet(false))} />}
    </div>
  );
}

function FilterEditor({ entity, row, onChange, onRemove }: { entity: EntityModel; row: FilterRow; onChange(row: FilterRow): void; onRemove(): void }) {
  const { t, label } = useI18n();
  const field = entity.fieldsByName.get(row.field);
  const fields = entity.fields.filter((f) => filterableType(f) && filterableType(f) !== 'json');
  const choices = field?.type === 'enum' ? field.values.map((v) => [v.value, label(v.label)] as const) : field?.type === 'state' ? (entity.machines.get(field.name)?.states ?? []).map((s) => [s.name, label(s.label)] as const) : null;
  const type = field ? filterableType(field) : 'text';
  return (
    <div className="filter-row">
      <select className="input" aria-label="field" value={row.field} onChange={(e) => onChange({ field: e.target.value, op: opsFor(entity.fieldsByName.get(e.target.value)!)[0]!, value: '' })}>
        {fields.map((f) => (
          <option key={f.name} value={f.name}>
            {label(f.label)}
          </option>
        ))}
      </select>
      <select className="input" aria-label="operator" value={row.op} onChange={(e) => onChange({ ...row, op: e.target.value })}>
        {(field ? opsFor(field) : OPS.text!).map((op) => (
          <option key={op} value={op}>
            {t(`op.${op}` as MessageKey)}
          </option>
        ))}
      </select>
      {row.op !== 'isNull' && row.op !== 'notNull' &&
        (choices ? (
          <select className="input" aria-label="value" value={row.value} onChange={(e) => onChange({ ...row, value: e.target.value })}>
            <option value="" />
            {choices.map(([v, l]) => (
              <option key={v} value={v}>
                {l}
              </option>
            ))}
          </select>
        ) : type === 'boolean' ? (
          <select className="input" aria-label="value" value={row.value} onChange={(e) => onChange({ ...row, value: e.target.value })}>
            <option value="" />
            <option value="true">{t('common.yes')}</option>
            <option value="false">{t('common.no')}</option>
          </select>
        ) : (
          <input
            className="input"
            aria-label="value"
            type={type === 'number' ? 'number' : type === 'date' ? 'date' : type === 'datetime' ? 'datetime-local' : 'text'}
            value={row.value}
            onChange={(e) => onChange({ ...row, value: type === 'datetime' && e.target.value ? new Date(e.target.value).toISOString() : e.target.value })}
          />
        ))}
      <button type="button" className="icon-btn" aria-label={t('common.remove')} onClick={onRemove}>
        ×
      </button>
    </div>
  );
}

function BulkSetDialog({ entity, onClose, onApply }: { entity: EntityModel; onClose(): void; onApply(field: string, value: unknown): void }) {
  const { t, label } = useI18n();
  const candidates = entity.fields.filter((f) => (f.type === 'enum' || f.type === 'boolean') && !f.readOnly);
  const [fieldName, setFieldName] = useState(candidates[0]?.name ?? '');
  const [value, setValue] = useState('');
  const field = entity.fieldsByName.get(fieldName);
  return (
    <Modal
      title={t('list.setValue')}
      onClose={onClose}
      footer={
        <>
          <button type="button" className="btn" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button type="button" className="btn btn-primary" disabled={!field || value === ''} onClick={() => onApply(fieldName, field?.type === 'boolean' ? value === 'true' : value)}>
            {t('common.apply')}
          </button>
        </>
      }
    >
      <div className="form-grid">
        <select className="input" aria-label="field" value={fieldName} onChange={(e) => setFieldName(e.target.value)}>
          {candidates.map((f) => (
            <option key={f.name} value={f.name}>
              {label(f.label)}
            </option>
          ))}
        </select>
        <select className="input" aria-label="value" value={value} onChange={(e) => setValue(e.target.value)}>
          <option value="" />
          {field?.type === 'enum' &&
            field.values.map((v) => (
              <option key={v.value} value={v.value}>
                {label(v.label)}
              </option>
            ))}
          {field?.type === 'boolean' && (
            <>
              <option value="true">{t('common.yes')}</option>
              <option value="false">{t('common.no')}</option>
            </>
          )}
        </select>
      </div>
    </Modal>
  );
}
