// The board of a pipeline: one column per stage with its cards, count, sum and probability-weighted
// sum; dragging a card to another column is a PATCH of the stage with If-Match. The engine decides:
// an illegal move (or a missing required field) comes back as a problem and the card returns to
// its column with the engine's message. Moving to a stage that requires fields the deal lacks (and
// to a lost stage: its reason, and a comment) asks for them first, in the generated form's widgets.
import { useCallback, useEffect, useMemo, useState, type DragEvent } from 'react';
import { formValues, narrowForm, recordForm, stageFields, writeValues } from '../../../forms/index.ts';
import type { EntityModel, MachineModel, MachineState, Model, Field, View } from '../../../metadata/browser.ts';
import { listRecords, updateRecord, type ApiRecord } from '../api/records.ts';
import { useI18n } from '../app/i18n.tsx';
import { useProblemWords } from '../app/problems.ts';
import { useMeta } from '../app/meta.tsx';
import { Link, setQuery, useLocation } from '../app/router.tsx';
import { displayValue, formatMoney, formatNumber, recordTitle } from '../components/format.ts';
import { ErrorBox, Modal, Spinner, useNotify } from '../components/ui.tsx';
import { boardMachine, statesShown } from '../list/board.ts';
import { FilterEditor } from '../list/FilterEditor.tsx';
import { combinedFilter, filterOf, parseRows, rowsOf, rowsText, type FilterRow } from '../list/query.ts';
import { SavedViewActions, useSavedViews } from '../list/SavedViews.tsx';
import { RecordFormView } from '../form/RecordFormView.tsx';

const PER_STAGE = 200;

interface Column {
  readonly cards: ApiRecord[];
  readonly count: number;
}

export default function BoardPage({ params }: { params: Record<string, string> }) {
  const { model } = useMeta();
  const { t } = useI18n();
  const location = useLocation();
  // A pipeline's board, the board of a status machine (a board view of its type, e.g. service orders),
  // or a board view grouped by an enum (/board/<entity type>?view=<name>).
  const named = model.machines.find((m) => m.name === params.pipeline);
  const entity = model.entities.get(named?.entity ?? params.pipeline ?? '');
  const views = entity ? model.views.filter((v) => v.entity === entity.name && v.type === 'board') : [];
  const view = views.find((v) => v.name === location.query.get('view')) ?? views.find((v) => !v.groupBy || v.groupBy === named?.field);
  const machine = entity && (view?.groupBy || !named ? boardMachine(entity, view) : named);
  if (!machine || !entity) return <div className="empty-state">{t('common.notFound')}</div>;
  return <Board key={`${machine.name}.${view?.name ?? ''}`} model={model} machine={machine} entity={entity} boardView={view} />;
}


/** Sums of the cards' amounts per currency (a plain number counts in the default currency). */
function sums(cards: readonly ApiRecord[], field: string | undefined, fallback: string): Map<string, number> {
  const result = new Map<string, number>();
  if (!field) return result;
  for (const card of cards) {
    const value = card[field];
    const [amount, currency] = typeof value === 'number' ? [value, fallback] : value && typeof value === 'object' ? [(value as { amount: number }).amount, (value as { currency: string }).currency] : [0, fallback];
    if (typeof amount === 'number') result.set(currency, (result.get(currency) ?? 0) + amount);
  }
  if (result.size === 0) result.set(fallback, 0);
  return result;
}

export function Board({ model, machine, entity, boardView }: { model: Model; machine: MachineModel; entity: EntityModel; boardView: View | undefined }) {
  const { t, label, language, locale } = useI18n();
  const words = useProblemWords();
  const notify = useNotify();
  const [columns, setColumns] = useState<Map<string, Column> | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [dragging, setDragging] = useState<string | null>(null);
  const [over, setOver] = useState<string | null>(null);
  const [asking, setAsking] = useState<{ record: ApiRecord; stage: MachineState; required: string[]; optional: string[] } | null>(null);
  // The column total: the view's field, else the pipeline's amount.
  const amountField = boardView?.total ?? machine.amountField;
  const currency = model.pkg.manifest.defaultCurrency ?? 'PLN';
  // What a card shows: the columns of the entity's board view (a view with "type": "board"), else
  // the first reference, a date and the amount. The view's filter applies to every column.
  const states = useMemo(() => statesShown(machine, boardView?.filter), [machine, boardView]);
  // The user's filters ("my deals") and saved board views, in the address as on lists.
  const location = useLocation();
  const filters = useMemo(() => parseRows(location.query.get('filters')), [location.query]);
  const setFilters = (change: (rows: FilterRow[]) => FilterRow[]) => setQuery({ filters: rowsText(change(filters)) });
  const saved = useSavedViews(entity.name, 'board');
  const savedView = saved.views.find((v) => v.id === location.query.get('saved'));
  const savedBase = savedView && rowsOf(savedView.filter, entity) === null ? savedView.filter : undefined;
  const userFilter = useMemo(() => combinedFilter([...(boardView?.filter ? [boardView.filter] : []), ...(savedBase ? [savedBase] : []), ...filterOf(filters, entity)]), [boardView, savedBase, filters, entity]);
  const chooseSaved = (id: string) => {
    const picked = saved.views.find((v) => v.id === id);
    setQuery({ saved: id || null, filters: picked ? rowsText(rowsOf(picked.filter, entity) ?? []) : null });
  };
  const cardFields = useMemo(() => {
    const fromView = (boardView?.columns ?? []).map((c) => entity.fieldsByName.get(c)).filter((f): f is Field => Boolean(f) && f!.name !== entity.displayField && f!.name !== machine.field);
    if (fromView.length) return fromView.slice(0, 4);
    const reference = entity.fields.find((f) => f.type === 'reference');
    return [...(reference ? [reference] : []), ...entity.fields.filter((f) => f.type === 'date' || f.name === amountField)].filter((f) => f.name !== machine.field).slice(0, 3);
  }, [boardView, entity, machine, amountField]);
  const includes = useMemo(() => cardFields.filter((f) => f.type === 'reference').map((f) => f.name), [cardFields]);
  const sort = boardView?.sort?.length ? boardView.sort.map((k) => `${k.direction === 'desc' ? '-' : ''}${k.field}`).join(',') : '-updated_at';

  const load = useCallback(async () => {
    try {
      const result = new Map<string, Column>();
      await Promise.all(
        states.map(async (s) => {
          const own = { [machine.field]: { eq: s.name } };
          const page = await listRecords(entity.name, { filter: userFilter ? { and: [own, userFilter] } : own, limit: PER_STAGE, count: true, sort, include: includes });
          result.set(s.name, { cards: [...page.data], count: page.count ?? page.data.length });
        }),
      );
      setColumns(result);
      setError(null);
    } catch (e) {
      setError(e);
    }
  }, [entity, includes, sort, states, machine, userFilter]);

  useEffect(() => {
    void load();
  }, [load]);

  const place = (record: ApiRecord, from: string, to: string) =>
    setColumns((cols) => {
      if (!cols) return cols;
      const next = new Map(cols);
      const source = next.get(from)!;
      const target = next.get(to)!;
      next.set(from, { cards: source.cards.filter((c) => c.id !== record.id), count: source.count - 1 });
      next.set(to, { cards: [record, ...target.cards.filter((c) => c.id !== record.id)], count: target.count + 1 });
      return next;
    });

  const move = async (record: ApiRecord, to: string, extra: Record<string, unknown> = {}) => {
    const from = String(record[machine.field]);
    if (from === to) return;
    place({ ...record, [machine.field]: to }, from, to); // optimistic; undone if the engine refuses
    try {
      const saved = await updateRecord(entity.name, record.id, record.version, { [machine.field]: to, ...extra });
      // Keep the included (titled) references of the card; the PATCH answer has plain ids.
      const shown = { ...saved, ...Object.fromEntries(includes.map((name) => [name, record[name]])) };
      setColumns((cols) => {
        if (!cols) return cols;
        const next = new Map(cols);
        const col = next.get(to)!;
        next.set(to, { ...col, cards: col.cards.map((c) => (c.id === saved.id ? shown : c)) });
        return next;
      });
    } catch (e) {
      place(record, to, from);
      // The engine's refusal in the user's words; the stage field's own entry repeats the main sentence.
      notify('error', t('board.refused'), words.message(e, { entity: entity.name, skipPointers: [`/${machine.field}`] }));
    }
  };

  const onDrop = (e: DragEvent, stage: MachineState) => {
    e.preventDefault();
    setOver(null);
    const id = e.dataTransfer.getData('text/plain') || dragging;
    setDragging(null);
    const record = [...(columns?.values() ?? [])].flatMap((c) => c.cards).find((c) => c.id === id);
    if (!record || record[machine.field] === stage.name) return;
    const { required, optional } = stageFields(machine, stage.name, record);
    if (required.length || optional.length) setAsking({ record, stage, required, optional });
    else void move(record, stage.name);
  };

  if (error) return <ErrorBox error={error} onRetry={() => void load()} />;
  if (!columns) return <Spinner />;

  return (
    <div className="page">
      <div className="page-head">
        <h1>{boardView && machine.kind !== 'pipeline' ? label(boardView.label) : label(machine.label)}</h1>
        <span className="muted">{label(entity.pluralLabel)}</span>
        <div className="page-actions">
          <Link className="btn" to={`/r/${entity.name}`}>
            {label(entity.pluralLabel)}
          </Link>
          <Link className="btn btn-primary" to={`/r/${entity.name}/new`}>
            {t('common.new')}
          </Link>
        </div>
      </div>
      <div className="toolbar">
        <label className="inline-field">
          {t('list.view')}
          <select className="input" value={savedView?.id ?? ''} onChange={(e) => chooseSaved(e.target.value)}>
            <option value="">{t('list.defaultView')}</option>
            {saved.views.map((v) => (
              <option key={v.id} value={v.id}>
                {v.team ? `${v.name} · ${v.team.label}` : v.name}
              </option>
            ))}
          </select>
        </label>
        <button type="button" className="btn" onClick={() => setFilters((f) => [...f, { field: entity.displayField, op: 'contains', value: '' }])}>
          + {t('list.addFilter')}
        </button>
        <SavedViewActions
          entity={entity}
          kind="board"
          definition={{ filter: combinedFilter([...(savedBase ? [savedBase] : []), ...filterOf(filters, entity)]) ?? null, sort: null, columns: null, search: null }}
          current={savedView}
          onSaved={(v) => {
            saved.add(v);
            saved.reload();
            setQuery({ saved: v.id, filters: rowsText(rowsOf(v.filter, entity) ?? []) });
          }}
          onDeleted={() => {
            saved.reload();
            setQuery({ saved: null, filters: null });
          }}
        />
      </div>
      {filters.length > 0 && (
        <div className="filters">
          {filters.map((row, i) => (
            <FilterEditor key={i} model={model} entity={entity} row={row} onChange={(r) => setFilters((f) => f.map((x, j) => (j === i ? r : x)))} onRemove={() => setFilters((f) => f.filter((_, j) => j !== i))} />
          ))}
        </div>
      )}
      <div className="board">
        {states.map((stage) => {
          const column = columns.get(stage.name) ?? { cards: [], count: 0 };
          const totals = [...sums(column.cards, amountField, currency)];
          const money = (factor: number) => totals.map(([cur, amount]) => (entity.fieldsByName.get(amountField ?? '')?.type === 'money' ? formatMoney({ amount: amount * factor, currency: cur }, locale) : formatNumber(amount * factor, locale))).join(' + ');
          return (
            <section
              key={stage.name}
              className={`board-column${over === stage.name ? ' drop-target' : ''}`}
              style={stage.color ? { ['--stage' as string]: stage.color } : undefined}
              aria-label={label(stage.label)}
              data-stage={stage.name}
              onDragOver={(e) => {
                e.preventDefault();
                e.dataTransfer.dropEffect = 'move';
                setOver(stage.name);
              }}
              onDragLeave={() => setOver((o) => (o === stage.name ? null : o))}
              onDrop={(e) => onDrop(e, stage)}
            >
              <header className="board-column-head">
                <div className="board-column-title">
                  <span>{label(stage.label)}</span>
                  <span className="muted" data-testid="stage-count">
                    {column.count}
                  </span>
                </div>
                {amountField && (
                  <div className="board-figures">
                    <span data-testid="stage-sum">
                      {t('board.sum')}: {money(1)}
                    </span>
                    {machine.kind === 'pipeline' && (
                      <span data-testid="stage-weighted">
                        {t('board.weighted')} ({formatNumber(stage.probability ?? 0, locale)} %): {money((stage.probability ?? 0) / 100)}
                      </span>
                    )}
                    {column.count > column.cards.length && <span>{t('board.truncated', { n: column.cards.length })}</span>}
                  </div>
                )}
              </header>
              <div className="board-cards">
                {column.cards.map((card) => (
                  <article
                    key={card.id}
                    className={`board-card${dragging === card.id ? ' dragging' : ''}`}
                    draggable
                    data-id={card.id}
                    aria-label={recordTitle(entity, card)}
                    onDragStart={(e) => {
                      e.dataTransfer.setData('text/plain', card.id);
                      e.dataTransfer.effectAllowed = 'move';
                      setDragging(card.id);
                    }}
                    onDragEnd={() => setDragging(null)}
                  >
                    <Link to={`/r/${entity.name}/${card.id}`} className="board-card-title" draggable={false}>
                      {recordTitle(entity, card)}
                    </Link>
                    {cardFields.map((f) => {
                      const d = displayValue(model, entity, f, card[f.name], language, locale);
                      return d.text ? <span key={f.name}>{d.text}</span> : null;
                    })}
                  </article>
                ))}
              </div>
            </section>
          );
        })}
      </div>
      {asking && (
        <StageFieldsDialog
          model={model}
          entity={entity}
          record={{ ...asking.record, [machine.field]: asking.stage.name }}
          includes={includes}
          required={asking.required}
          optional={asking.optional}
          stageLabel={label(asking.stage.label)}
          onCancel={() => setAsking(null)}
          onConfirm={(values) => {
            const { record, stage } = asking;
            setAsking(null);
            void move(record, stage.name, values);
          }}
        />
      )}
    </div>
  );
}

/** The fields a stage needs (and a lost stage's comment), in the generated form's widgets; the move sends them with the stage. */
function StageFieldsDialog(props: { model: Model; entity: EntityModel; record: ApiRecord; includes: readonly string[]; required: readonly string[]; optional: readonly string[]; stageLabel: string; onCancel(): void; onConfirm(values: Record<string, unknown>): void }) {
  const { model, entity, required, optional, stageLabel, onCancel, onConfirm } = props;
  const { t, language } = useI18n();
  // `record` is the card as it would be in the stage (so conditions such as visibleWhen: stage = "lost"
  // hold); included references are records on the card, ids in the form.
  const record = useMemo(() => {
    const plain: Record<string, unknown> = { ...props.record };
    for (const name of props.includes) {
      const value = plain[name];
      if (value && typeof value === 'object' && 'id' in value) plain[name] = (value as { id: unknown }).id;
    }
    return plain;
  }, [props.record, props.includes]);
  const form = useMemo(() => narrowForm(recordForm(model, entity.name, { mode: 'update', language, record }), required, optional), [model, entity, language, record, required, optional]);
  const initial = useMemo(() => formValues(form, record), [form, record]);
  const [dirty, setDirty] = useState(false);
  const cancel = () => {
    if (dirty && !window.confirm(t('form.leaveUnsaved'))) return;
    onCancel();
  };
  return (
    <Modal
      title={t('board.moveTo', { stage: stageLabel })}
      onClose={cancel}
      footer={
        <>
          <button type="button" className="btn" onClick={cancel}>
            {t('common.cancel')}
          </button>
          <button type="submit" form="stage-form" className="btn btn-primary">
            {t('common.apply')}
          </button>
        </>
      }
    >
      <p className="muted">{t('board.stageNeeds', { stage: stageLabel })}</p>
      <RecordFormView model={model} form={form} initial={initial} formId="stage-form" onDirtyChange={setDirty} onSubmit={(values) => onConfirm(writeValues(form, values, initial))} />
    </Modal>
  );
}
