// The list of an entity type: saved views from metadata (columns, filter, sort), ad-hoc filters,
// sort by column, text search, keyset paging loaded as the user scrolls, and only the visible rows
// rendered, so 10,000+ records scroll smoothly. Bulk delete / set value, and CSV export of the
// whole filtered list.
import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState, type UIEvent } from 'react';
import type { EntityModel, Model, View } from '../../../metadata/browser.ts';
import { deleteRecord, getRecord, listAll, listRecords, type ApiRecord } from '../api/records.ts';
import { useI18n } from '../app/i18n.tsx';
import { useProblemWords } from '../app/problems.ts';
import { useMeta } from '../app/meta.tsx';
import { Link, navigate, setQuery, useLocation } from '../app/router.tsx';
import { useSession } from '../app/session.tsx';
import { displayValue, recordTitle } from '../components/format.ts';
import { Chip, ErrorBox, Spinner, useNotify } from '../components/ui.tsx';
import { columnLabel } from '../list/columns.ts';
import { boardsOf } from '../list/board.ts';
import { FilterEditor } from '../list/FilterEditor.tsx';
import { inlineEditable } from '../list/editable.ts';
import { MassUpdateDialog } from '../list/MassUpdateDialog.tsx';
import { BulkPrintDialog } from '../list/BulkPrintDialog.tsx';
import { BulkWorkflowDialog } from '../list/BulkWorkflowDialog.tsx';
import { FanOutDialog, fanOutsTo } from '../list/FanOutDialog.tsx';
import { SmsComposeDialog } from './SmsComposeDialog.tsx';
import { useConnectorEnabled } from '../components/ConnectorOff.tsx';
import { ALL_RECORDS, combinedFilter, filterOf, parseColumns, parseFilterParam, parseRows, rowsOf, rowsText, sortText, SYSTEM_COLUMNS, type FilterRow } from '../list/query.ts';
import { SAVED_PREFIX, SavedViewActions, useSavedViews } from '../list/SavedViews.tsx';
import { saveFile } from '../components/save-file.ts';

// The cell editor comes with the problem wording of forms/: loaded at the first edit, not with the list.
const InlineEditor = lazy(() => import('../list/InlineEdit.tsx'));

const ROW_HEIGHT = 38;
const PAGE_SIZE = 100;
const OVERSCAN = 10;

function defaultColumns(entity: EntityModel): string[] {
  const skip = new Set(['text', 'json', 'manyToMany', 'attachment']);
  const cols = [entity.displayField, ...entity.fields.filter((f) => f.name !== entity.displayField && !skip.has(f.type)).map((f) => f.name)];
  return cols.filter((c) => entity.fieldsByName.has(c)).slice(0, 7);
}

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

/** The list of a type; `preview` shows that view instead of the one in the address (the designer's view editor). */
export function EntityList({ model, entity, preview }: { model: Model; entity: EntityModel; preview?: View }) {
  const { t, label, language, locale } = useI18n();
  const words = useProblemWords();
  const { may, fieldAccess } = useSession();
  const notify = useNotify();
  const location = useLocation();
  const views = useMemo(() => model.views.filter((v) => v.entity === entity.name && (v.type ?? 'table') === 'table'), [model, entity]);
  // "All records" is a choice of its own (ALL_RECORDS): no view in the address means the default view.
  // A saved view (the user's or their team's) is "saved:<id>".
  const chosen = location.query.get('view');
  const saved = useSavedViews(entity.name, 'list');
  const savedView = chosen?.startsWith(SAVED_PREFIX) ? saved.views.find((v) => `${SAVED_PREFIX}${v.id}` === chosen) : undefined;
  const viewName = chosen === ALL_RECORDS || chosen?.startsWith(SAVED_PREFIX) ? '' : (chosen ?? views.find((v) => v.default)?.name ?? '');
  const view: View | undefined = preview ?? views.find((v) => v.name === viewName);
  // A saved filter the editor can show as rows is put in the address as rows when the view is chosen;
  // any other applies as it is.
  const savedBase = savedView && rowsOf(savedView.filter, entity) === null ? savedView.filter : undefined;
  const [search, setSearch] = useState(location.query.get('search') ?? '');
  const [debounced, setDebounced] = useState(search);
  // Sort, ad-hoc filters and columns live in the address: they survive a reload and can be shared.
  const filters = useMemo(() => parseRows(location.query.get('filters')), [location.query]);
  const setFilters = (change: (rows: FilterRow[]) => FilterRow[]) => setQuery({ filters: rowsText(change(filters)) });
  const sort = location.query.get('sort');
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
  const [bulkSms, setBulkSms] = useState(false);
  const [bulkRun, setBulkRun] = useState(false);
  const [bulkConvert, setBulkConvert] = useState(false);
  const [bulkFanOut, setBulkFanOut] = useState(false);
  const fanOuts = useMemo(() => fanOutsTo(model, entity.name), [model, entity.name]);
  const [bulkPrint, setBulkPrint] = useState(false);
  const smsEnabled = useConnectorEnabled('sms');
  const [editing, setEditing] = useState<{ id: string; column: string } | null>(null);
  const scroller = useRef<HTMLDivElement>(null);
  const generation = useRef(0);

  const columnsText = location.query.get('columns');
  const columns = useMemo(
    () => parseColumns(columnsText, entity) ?? (savedView?.columns ?? view?.columns ?? defaultColumns(entity)).filter((c) => entity.fieldsByName.has(c) || (SYSTEM_COLUMNS as readonly string[]).includes(c)),
    [columnsText, view, savedView, entity],
  );
  const includes = useMemo(() => columns.filter((c) => ['reference', 'manyToMany'].includes(entity.fieldsByName.get(c)?.type ?? '')), [columns, entity]);
  const effectiveSort = sort ?? savedView?.sort ?? (view?.sort?.length ? sortText(view.sort) : sortText(entity.defaultSort));
  // A filter in the address as it is (?filter=<JSON>): a report's drill-down to the records behind a cell.
  const filterText = location.query.get('filter');
  const addressFilter = useMemo(() => parseFilterParam(filterText), [filterText]);
  const filter = useMemo(
    () => combinedFilter([...(view?.filter ? [view.filter] : []), ...(savedBase ? [savedBase] : []), ...(addressFilter !== undefined ? [addressFilter] : []), ...filterOf(filters, entity)]),
    [view, savedBase, addressFilter, filters, entity],
  );
  const chooseView = (value: string) => {
    const picked = value.startsWith(SAVED_PREFIX) ? saved.views.find((v) => `${SAVED_PREFIX}${v.id}` === value) : undefined;
    setQuery({ view: value, sort: picked?.sort ?? null, filters: picked ? rowsText(rowsOf(picked.filter, entity) ?? []) : null, columns: picked?.columns?.join(',') ?? null });
    if (picked) setSearch(picked.search ?? '');
  };
  const query = useMemo(() => ({ filter, sort: effectiveSort, ...(debounced ? { search: debounced } : {}), include: includes }), [filter, effectiveSort, debounced, includes]);

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
        if (gen !== generation.current) return;
        setError(e);
        // No count over a list that failed to load (it would describe another query).
        if (after === null) setCount(null);
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
    setQuery({ sort: current === column ? `-${column}` : column });
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
      const head = columns.map((c) => csvCell(columnLabel(entity, c, { t, label }))).join(';');
      const body = data.map((r) => columns.map((c) => csvCell(displayValue(model, entity, entity.fieldsByName.get(c), r[c], language, locale).text)).join(';'));
      const blob = new Blob(['\ufeff', [head, ...body].join('\r\n')], { type: 'text/csv;charset=utf-8' });
      saveFile(`${entity.name}.csv`, blob);
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

  const boards = boardsOf(model, entity.name);
  const canEdit = may(entity.name, 'update');
  const access = fieldAccess(entity.name);
  // A saved cell: the row again with its included references (titled), in place.
  const inlineSaved = async (saved: ApiRecord) => {
    setEditing(null);
    notify('success', t('list.inlineSaved'), recordTitle(entity, saved));
    const shown = includes.length ? await getRecord(entity.name, saved.id, includes).catch(() => saved) : saved;
    setRows((list) => list.map((r) => (r.id === saved.id ? shown : r)));
  };
  const allSelected = rows.length > 0 && selected.size === rows.length;
  // A view's column widths (px) where it sets them; the other columns share the rest.
  const widths = columnsText === null ? (savedView ? undefined : view?.widths) : undefined;
  const template = `40px ${columns.map((c) => (widths?.[c] ? `${widths[c]}px` : 'minmax(120px, 1fr)')).join(' ')}`;

  return (
    <div className="page list-page">
      <div className="page-head">
        <h1>{label(entity.pluralLabel)}</h1>
        <span className="muted" data-testid="list-count">
          {count !== null ? t('list.records', { n: count }) : ''}
        </span>
        <div className="page-actions">
          {boards.map((board) => (
            <Link key={board.to} className="btn" to={board.to}>
              {board.view && boards.length > 1 ? label(board.view.label) : t('list.board')}
            </Link>
          ))}
          {may(entity.name, 'delete') && (
            <Link className="btn" to={`/r/${entity.name}/trash`}>
              {t('list.trash')}
            </Link>
          )}
          {may(entity.name, 'create') && (
            <Link className="btn" to={`/r/${entity.name}/import`}>
              {t('list.import')}
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
        <label className="inline-field">
          {t('list.view')}
          <select className="input" value={savedView ? chosen! : viewName || ALL_RECORDS} onChange={(e) => chooseView(e.target.value)}>
            <option value={ALL_RECORDS}>{t('list.defaultView')}</option>
            {views.map((v) => (
              <option key={v.name} value={v.name}>
                {label(v.label)}
              </option>
            ))}
            {saved.views.length > 0 && (
              <optgroup label={t('list.savedViews')}>
                {saved.views.map((v) => (
                  <option key={v.id} value={`${SAVED_PREFIX}${v.id}`}>
                    {v.team ? `${v.name} · ${v.team.label}` : v.name}
                  </option>
                ))}
              </optgroup>
            )}
          </select>
        </label>
        <button type="button" className="btn" onClick={() => setFilters((f) => [...f, { field: entity.displayField, op: 'contains', value: '' }])}>
          + {t('list.addFilter')}
        </button>
        <SavedViewActions
          entity={entity}
          kind="list"
          definition={{ filter: filter ?? null, sort: effectiveSort, columns, search: debounced || null }}
          current={savedView}
          onSaved={(v) => {
            saved.add(v);
            saved.reload();
            setQuery({ view: `${SAVED_PREFIX}${v.id}`, filters: rowsText(rowsOf(v.filter, entity) ?? []), sort: v.sort, columns: v.columns?.join(',') ?? null });
          }}
          onDeleted={() => {
            saved.reload();
            setQuery({ view: null, filters: null, sort: null, columns: null });
          }}
        />
        {selected.size > 0 && (
          <div className="bulk-actions">
            <span>{t('list.selected', { n: selected.size })}</span>
            {may(entity.name, 'update') && (
              <button type="button" className="btn" onClick={() => setBulkSet(true)}>
                {t('list.setValue')}
              </button>
            )}
            {/* A workflow per selected record, with progress (list/BulkWorkflowDialog.tsx). */}
            {may(entity.name, 'update') && (
              <button type="button" className="btn" onClick={() => setBulkRun(true)}>
                {t('bulk.runWorkflow')}
              </button>
            )}
            {/* A declared conversion per selected record (offers → orders), with progress (list/BulkWorkflowDialog.tsx). */}
            {entity.conversions.some((c) => c.recipients === undefined) && may(entity.name, 'read') && (
              <button type="button" className="btn" onClick={() => setBulkConvert(true)}>
                {t('bulk.convert')}
              </button>
            )}
            {/* A template converted once per selected record (offers for many contractors), with progress (list/FanOutDialog.tsx). */}
            {fanOuts.some((f) => may(f.source.name, 'read') && may(f.conversion.target, 'create')) && (
              <button type="button" className="btn" onClick={() => setBulkFanOut(true)}>
                {t('bulk.fromTemplate')}
              </button>
            )}
            {/* Serial printing (letters): the selection in one PDF with a document template of the type (list/BulkPrintDialog.tsx). */}
            {model.pkg.documentTemplates.some((d) => d.entity === entity.name) && (
              <button type="button" className="btn" onClick={() => setBulkPrint(true)}>
                {t('bulk.print')}
              </button>
            )}
            {/* Serial SMS: one request, one merged SMS per selected record (pages/SmsComposeDialog.tsx), where the SMS connector is on. */}
            {smsEnabled === true && entity.activities && entity.fields.some((f) => f.type === 'phone') && may('activity', 'create') && (
              <button type="button" className="btn" onClick={() => setBulkSms(true)}>
                {t('sms.bulk.action')}
              </button>
            )}
            {/* Serial e-mail to the selection (pages/MailMergePage.tsx), where the e-mail connector is installed. */}
            {model.entities.has('email_template') && entity.activities && entity.fieldsByName.get('email')?.type === 'email' && (
              <Link className="btn" to={`/mail/merge?entity=${entity.name}&ids=${[...selected].join(',')}`}>
                {t('mailMerge.title')}
              </Link>
            )}
            <button type="button" className="btn btn-danger" hidden={!may(entity.name, 'delete')} onClick={() => window.confirm(t('list.confirmDelete', { n: selected.size })) && void bulk((r) => deleteRecord(entity.name, r.id, r.version))}>
              {t('list.deleteSelected')}
            </button>
          </div>
        )}
      </div>
      {addressFilter !== undefined && (
        <div className="filters" data-testid="address-filter">
          <span className="chip">{t('list.reportFilter')}</span>
          <button type="button" className="btn btn-small" onClick={() => setQuery({ filter: null })}>
            {t('common.clear')}
          </button>
        </div>
      )}
      {filters.length > 0 && (
        <div className="filters">
          {filters.map((row, i) => (
            <FilterEditor key={i} model={model} entity={entity} row={row} onChange={(r) => setFilters((f) => f.map((x, j) => (j === i ? r : x)))} onRemove={() => setFilters((f) => f.filter((_, j) => j !== i))} />
          ))}
        </div>
      )}
      {error ? <ErrorBox error={error} onRetry={() => void load(null)} /> : null}
      {/* As wide as its columns need (--grid-min): a narrow screen scrolls the table sideways, never the page. */}
      <div className="grid" role="table" aria-label={label(entity.pluralLabel)} aria-rowcount={count ?? rows.length} style={{ ['--grid-min' as string]: `${40 + columns.length * 120}px` }}>
        <div className="grid-row grid-head" role="row" style={{ gridTemplateColumns: template }}>
          <div role="columnheader">
            <input type="checkbox" aria-label="select all" checked={allSelected} onChange={() => setSelected(allSelected ? new Set() : new Set(rows.map((r) => r.id)))} />
          </div>
          {columns.map((c) => (
            <div key={c} role="columnheader" className={sortable(c) ? 'sortable' : ''} onClick={() => sortable(c) && toggleSort(c)}>
              {columnLabel(entity, c, { t, label })}
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
                className={`grid-row${selected.has(record.id) ? ' selected' : ''}${editing?.id === record.id ? ' editing' : ''}`}
                style={{ position: 'absolute', top: (first + i) * ROW_HEIGHT, height: ROW_HEIGHT, left: 0, right: 0, gridTemplateColumns: template }}
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
                {columns.map((c, ci) => {
                  const field = entity.fieldsByName.get(c);
                  if (editing?.id === record.id && editing.column === c && field) {
                    return (
                      <div role="cell" key={c} className="cell-editing">
                        <Suspense fallback={cell(record, c)}>
                          <InlineEditor model={model} entity={entity} field={field} record={record} onCancel={() => setEditing(null)} onSaved={(saved) => void inlineSaved(saved)} />
                        </Suspense>
                      </div>
                    );
                  }
                  return (
                    <div role="cell" key={c} className="cell">
                      <span className="cell-text">{ci === 0 ? <Link to={`/r/${entity.name}/${record.id}`}>{cell(record, c) || '—'}</Link> : cell(record, c)}</span>
                      {canEdit && inlineEditable(field, access) && (
                        <button
                          type="button"
                          className="cell-edit"
                          aria-label={t('list.inlineEdit', { field: label(field.label) })}
                          title={t('list.inlineEdit', { field: label(field.label) })}
                          onClick={(e) => {
                            e.stopPropagation();
                            setEditing({ id: record.id, column: c });
                          }}
                        />
                      )}
                    </div>
                  );
                })}
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
      {bulkSms && (
        <SmsComposeDialog
          entity={entity}
          records={rows.filter((r) => selected.has(r.id))}
          title={label(entity.pluralLabel)}
          onClose={() => setBulkSms(false)}
          onSent={() => {
            setBulkSms(false);
            setSelected(new Set());
          }}
        />
      )}
      {bulkPrint && <BulkPrintDialog model={model} entity={entity} ids={[...selected]} onClose={() => setBulkPrint(false)} />}
      {bulkRun && <BulkWorkflowDialog entity={entity} targets={rows.filter((r) => selected.has(r.id))} onClose={() => setBulkRun(false)} />}
      {bulkFanOut && <FanOutDialog model={model} entity={entity} targets={rows.filter((r) => selected.has(r.id))} onClose={() => setBulkFanOut(false)} />}
      {bulkConvert && <BulkWorkflowDialog convert entity={entity} targets={rows.filter((r) => selected.has(r.id))} onClose={() => setBulkConvert(false)} />}
      {bulkSet && (
        <MassUpdateDialog
          model={model}
          entity={entity}
          targets={rows.filter((r) => selected.has(r.id))}
          onClose={() => setBulkSet(false)}
          onDone={(n) => {
            setBulkSet(false);
            notify('success', t('list.massUpdated', { n }));
            generation.current++;
            setSelected(new Set());
            void load(null);
          }}
        />
      )}
    </div>
  );
}
