// A record's card: the generated form (create or edit with optimistic locking), the activity
// timeline with "log activity", related lists (records that reference this one) and the audit
// history. Server problems land on the fields their pointers name.
import { useCallback, useMemo, useState } from 'react';
import { formValues, initialValues, recordForm, writeValues, type FieldProblem } from '../../../forms/index.ts';
import { ACTIVITY_ENTITY, type EntityModel, type Model } from '../../../metadata/browser.ts';
import { ApiError } from '../api/client.ts';
import { listInstances } from '../api/workflows.ts';
import { createRecord, deleteRecord, getRecord, listRecords, recordActivities, recordHistory, updateRecord, type ApiRecord } from '../api/records.ts';
import { useI18n } from '../app/i18n.tsx';
import { problemMessage, readableEntry, useProblemWords } from '../app/problems.ts';
import type { Language } from '../app/messages.ts';
import { useMeta } from '../app/meta.tsx';
import { Link, navigate, useLocation } from '../app/router.tsx';
import { useSession } from '../app/session.tsx';
import { displayValue, formatDate, formatDateTime, recordTitle } from '../components/format.ts';
import { DuplicateWarning, MergeDialog, useDuplicates } from '../components/Duplicates.tsx';
import { InstanceTable } from '../components/InstanceTable.tsx';
import { RecordStream } from '../components/RecordStream.tsx';
import { Chip, ErrorBox, Modal, Spinner, useLoad, useNotify } from '../components/ui.tsx';
import { RecordFormView } from '../form/RecordFormView.tsx';
import { AssigneeLoadPanel } from './AssigneeLoadPanel.tsx';
import { EmailAction } from './EmailAction.tsx';
import { EmailThread, MailBody, timelineEntries } from './EmailThread.tsx';
import { LeadConversionDialog } from './LeadConversionDialog.tsx';
import { MarketingRunPanel } from './MarketingRunPanel.tsx';
import { FiscalReceiptAction } from './FiscalReceiptAction.tsx';
import { PrintAction } from './PrintAction.tsx';
import { RecordActions } from './RecordActions.tsx';
import { SmsComposeDialog, SmsState } from './SmsComposeDialog.tsx';
import { WorkflowTaskAction } from './WorkflowTaskAction.tsx';

type Values = Record<string, unknown>;

export default function RecordPage({ params }: { params: Record<string, string> }) {
  const { model } = useMeta();
  const { t } = useI18n();
  const entity = model.entities.get(params.type ?? '');
  if (!entity) return <div className="empty-state">{t('common.notFound')}</div>;
  return params.id ? <ExistingRecord key={`${entity.name}/${params.id}`} model={model} entity={entity} id={params.id} /> : <NewRecord model={model} entity={entity} />;
}

/** Values given in the query string (?contractor=<id>&kind=call) prefill a new record. */
function prefill(entity: EntityModel, query: URLSearchParams): Values {
  const values: Values = {};
  for (const [key, value] of query) {
    const field = entity.fieldsByName.get(key);
    if (!field || field.readOnly) continue;
    values[key] = field.type === 'integer' || field.type === 'decimal' || field.type === 'percent' ? Number(value) : field.type === 'boolean' ? value === 'true' : value;
  }
  return values;
}

/** The outcome of a failed write: problems for the fields (their parameters readable), or a message for the whole record. */
function problemsOf(error: unknown, model: Model, language: Language): { problems: FieldProblem[]; message: string | null; conflict: boolean } {
  if (!(error instanceof ApiError)) return { problems: [], message: String(error), conflict: false };
  const { problem } = error;
  if (problem.code === 'VERSION_CONFLICT') return { problems: [], message: problem.detail ?? null, conflict: true };
  const problems = (problem.errors ?? []).map((e) => readableEntry(model, e, language));
  if (problems.length === 0) problems.push({ pointer: '', detail: problemMessage(model, error, language, { entries: false }) });
  return { problems, message: null, conflict: false };
}

function useSaveState() {
  const [problems, setProblems] = useState<readonly FieldProblem[]>([]);
  const [conflict, setConflict] = useState(false);
  const [busy, setBusy] = useState(false);
  return { problems, setProblems, conflict, setConflict, busy, setBusy };
}

/** `given`: values the caller sets (query string, the record a dialog is for), over the metadata's defaults. */
export function NewRecordForm({ model, entity, given, onCreated, formId, onDirtyChange }: { model: Model; entity: EntityModel; given: Values; onCreated(record: ApiRecord): void; formId: string; onDirtyChange?(dirty: boolean): void }) {
  const { language, t } = useI18n();
  const { fieldAccess, me } = useSession();
  const notify = useNotify();
  const access = fieldAccess(entity.name);
  const roles = me?.user.roles;
  const form = useMemo(() => recordForm(model, entity.name, { mode: 'create', language, ...(access ? { fieldAccess: access } : {}), ...(roles ? { roles } : {}) }), [model, entity, language, access, roles]);
  const userId = me?.user.id ?? null;
  const initial = useMemo(() => initialValues(form, given, { now: new Date(), timeZone: model.pkg.manifest.timeZone ?? 'UTC', userId }), [form, given, model, userId]);
  const state = useSaveState();
  // Values as typed, for the duplicate warning (asked only for the fields of the type's duplicate rules).
  const [typed, setTyped] = useState<Values>(initial);
  const duplicates = useDuplicates(entity, typed);
  const submit = async (values: Values) => {
    state.setBusy(true);
    try {
      const created = await createRecord(entity.name, writeValues(form, values));
      state.setProblems([]);
      notify('success', t('record.created'), recordTitle(entity, created));
      onCreated(created);
    } catch (error) {
      const { problems, message } = problemsOf(error, model, language);
      state.setProblems(problems);
      if (message) notify('error', t('common.error'), message);
    } finally {
      state.setBusy(false);
    }
  };
  return (
    <>
      <DuplicateWarning entity={entity} matches={duplicates} />
      {entity.name === ACTIVITY_ENTITY && <AssigneeLoadPanel values={typed} timeZone={model.pkg.manifest.timeZone ?? 'UTC'} />}
      <RecordFormView key={language} model={model} form={form} initial={initial} serverProblems={state.problems} onSubmit={submit} onChange={setTyped} busy={state.busy} formId={formId} {...(onDirtyChange ? { onDirtyChange } : {})} />
    </>
  );
}

function NewRecord({ model, entity }: { model: Model; entity: EntityModel }) {
  const { t, label } = useI18n();
  const location = useLocation();
  const given = useMemo(() => prefill(entity, location.query), [entity, location.query]);
  return (
    <div className="page record-page">
      <div className="page-head">
        <Link to={`/r/${entity.name}`} className="back">
          ← {label(entity.pluralLabel)}
        </Link>
        <h1>{t('record.new', { entity: label(entity.label) })}</h1>
        <div className="page-actions">
          <button type="submit" form="record-form" className="btn btn-primary">
            {t('common.save')}
          </button>
        </div>
      </div>
      <div className="card">
        <NewRecordForm model={model} entity={entity} given={given} formId="record-form" onCreated={(r) => navigate(`/r/${entity.name}/${r.id}`, { replace: true, force: true })} />
      </div>
    </div>
  );
}

function ExistingRecord({ model, entity, id }: { model: Model; entity: EntityModel; id: string }) {
  const { t, label, language, locale } = useI18n();
  const words = useProblemWords();
  const { may, fieldAccess, me } = useSession();
  const roles = me?.user.roles;
  const canUpdate = may(entity.name, 'update');
  const access = fieldAccess(entity.name);
  const notify = useNotify();
  const loaded = useLoad(() => getRecord(entity.name, id), [entity.name, id]);
  const [record, setRecord] = useState<ApiRecord | null>(null);
  const current = record ?? loaded.data ?? null;
  const state = useSaveState();
  // The card opens as a read view; "Edit" turns the form editable until it is saved or cancelled.
  const [editing, setEditing] = useState(false);
  const [dirty, setDirty] = useState(false);
  // Values as edited, for the assignee's load while an activity is edited.
  const [typed, setTyped] = useState<Values | null>(null);
  const [tab, setTab] = useState<'related' | 'stream' | 'history' | 'processes'>('related');
  const [converting, setConverting] = useState(false);
  const [merging, setMerging] = useState(false);
  const [composing, setComposing] = useState(false);
  // Bumped after a merge: the timeline and related lists load again (records moved to this one).
  const [generation, setGeneration] = useState(0);
  const form = useMemo(() => (current ? recordForm(model, entity.name, { mode: 'update', language, record: current, ...(access ? { fieldAccess: access } : {}), ...(roles ? { roles } : {}) }) : null), [model, entity, language, current, access, roles]);
  const initial = useMemo(() => (form && current ? formValues(form, current) : {}), [form, current]);

  if (loaded.error) return <ErrorBox error={loaded.error} onRetry={loaded.reload} />;
  if (!current || !form) return <Spinner />;

  const submit = async (values: Values) => {
    const changes = writeValues(form, values, current);
    if (Object.keys(changes).length === 0) {
      setEditing(false);
      return notify('info', t('record.saved'));
    }
    state.setBusy(true);
    try {
      const saved = await updateRecord(entity.name, id, current.version, changes);
      setRecord(saved);
      state.setProblems([]);
      setEditing(false);
      notify('success', t('record.saved'), recordTitle(entity, saved));
    } catch (error) {
      const { problems, message, conflict } = problemsOf(error, model, language);
      state.setProblems(problems);
      state.setConflict(conflict);
      if (message && !conflict) notify('error', t('common.error'), message);
    } finally {
      state.setBusy(false);
    }
  };
  const remove = async () => {
    if (!window.confirm(`${t('common.delete')}: ${recordTitle(entity, current)}?`)) return;
    try {
      await deleteRecord(entity.name, id, current.version);
      notify('success', t('record.deleted'), recordTitle(entity, current));
      navigate(`/r/${entity.name}`, { force: true });
    } catch (error) {
      notify('error', t('common.error'), words.message(error, { entity: entity.name }));
    }
  };
  const cancelEdit = () => {
    if (dirty && !window.confirm(t('form.leaveUnsaved'))) return;
    setDirty(false);
    state.setProblems([]);
    setEditing(false);
  };
  const reload = async () => {
    setRecord(await getRecord(entity.name, id));
    state.setConflict(false);
    state.setProblems([]);
  };
  const states = [...entity.machines.values()].map((m) => ({ machine: m, value: displayValue(model, entity, entity.fieldsByName.get(m.field), current[m.field], language, locale) }));

  return (
    <div className="page record-page">
      <div className="page-head">
        <Link to={`/r/${entity.name}`} className="back">
          ← {label(entity.pluralLabel)}
        </Link>
        <h1 data-testid="record-title">{recordTitle(entity, current) || label(entity.label)}</h1>
        {states.map(({ machine, value }) => (
          <Chip key={machine.name} color={value.color}>
            {value.text}
          </Chip>
        ))}
        {/* An SMS activity shows its delivery state (read-only, kept by the SMS connector). */}
        {entity.name === ACTIVITY_ENTITY && current.kind === 'sms' && current.sms_status != null && entity.fieldsByName.has('sms_status') && <SmsState model={model} activity={entity} value={current.sms_status} />}
        <span className="muted">{t('record.version', { n: current.version })}</span>
        <div className="page-actions">
          {/* A lead still open converts into contractor, contact and deal in one step. */}
          {entity.name === 'lead' && canUpdate && !['converted', 'disqualified'].includes(String(current.status)) && (
            <button type="button" className="btn" onClick={() => setConverting(true)}>
              {t('convert.action')}
            </button>
          )}
          {/* Persons and contractors (anything with a phone field and a timeline) can be texted. */}
          {entity.activities && entity.fields.some((f) => f.type === 'phone') && may(ACTIVITY_ENTITY, 'create') && (
            <button type="button" className="btn" onClick={() => setComposing(true)}>
              {t('sms.compose')}
            </button>
          )}
          {canUpdate && may(entity.name, 'delete') && entity.name !== ACTIVITY_ENTITY && (
            <button type="button" className="btn" onClick={() => setMerging(true)}>
              {t('merge.button')}
            </button>
          )}
          {/* Printouts with the type's document templates (docs/metadata.md, Document templates). */}
          {!editing && <PrintAction model={model} entity={entity} record={current} canUpdate={canUpdate} onAttached={() => void reload()} />}
          {/* Declared record actions (metadata `actions`): a conversion, or a workflow about the record. */}
          {!editing && <RecordActions model={model} entity={entity} record={current} onStarted={() => setGeneration((g) => g + 1)} />}
          {!editing && <EmailAction model={model} entity={entity} record={current} />}
          {entity.name === ACTIVITY_ENTITY && <WorkflowTaskAction activity={current} onDone={() => void reload()} />}
          {/* A sale prints its fiscal receipt through the fiscal connector (docs/fiscal.md). */}
          {entity.name === 'sale' && !editing && <FiscalReceiptAction sale={current} canUpdate={canUpdate} onDone={() => void reload()} />}
          {may(entity.name, 'delete') && (
            <button type="button" className="btn btn-danger-outline" onClick={() => void remove()}>
              {t('common.delete')}
            </button>
          )}
          {canUpdate && !editing && (
            <button
              type="button"
              className="btn btn-primary"
              onClick={() => {
                setTyped(null);
                setEditing(true);
              }}
            >
              {t('common.edit')}
            </button>
          )}
          {canUpdate && editing && (
            <>
              <button type="button" className="btn" onClick={cancelEdit}>
                {t('common.cancel')}
              </button>
              <button type="submit" form="record-form" className="btn btn-primary" disabled={state.busy}>
                {state.busy ? t('common.saving') : t('common.save')}
              </button>
            </>
          )}
        </div>
      </div>
      {state.conflict && (
        <div className="form-banner" role="alert">
          {t('record.conflict')}{' '}
          <button type="button" className="btn btn-small" onClick={() => void reload()}>
            {t('record.reload')}
          </button>
        </div>
      )}
      {merging && (
        <MergeDialog
          model={model}
          entity={entity}
          record={current}
          onClose={() => setMerging(false)}
          onMerged={(result) => {
            setMerging(false);
            setRecord(result.record);
            setGeneration((g) => g + 1);
          }}
        />
      )}
      <div className={entity.activities ? 'record-columns' : ''}>
        <div className={`card${editing ? '' : ' record-read'}`} data-mode={editing ? 'edit' : 'read'}>
          {editing && entity.name === ACTIVITY_ENTITY && <AssigneeLoadPanel values={typed ?? initial} exclude={id} timeZone={model.pkg.manifest.timeZone ?? 'UTC'} />}
          <RecordFormView key={`${current.version}.${language}.${editing}`} model={model} form={form} initial={initial} serverProblems={state.problems} onSubmit={submit} onChange={setTyped} busy={state.busy} readonly={!canUpdate || !editing} formId="record-form" onDirtyChange={setDirty} />
        </div>
        {entity.activities && <Timeline key={generation} model={model} entity={entity} id={id} />}
        {entity.name === 'marketing_action' && <MarketingRunPanel id={id} onStarted={() => void reload()} />}
      </div>
      {entity.name === ACTIVITY_ENTITY && current.kind === 'email' && typeof current.html_body === 'string' && current.html_body && (
        <section className="card" aria-label={t('mail.body')}>
          <MailBody html={current.html_body} />
        </section>
      )}
      <div className="card">
        <div className="tabs" role="tablist">
          <button type="button" role="tab" aria-selected={tab === 'related'} className={tab === 'related' ? 'tab active' : 'tab'} onClick={() => setTab('related')}>
            {t('record.related')}
          </button>
          <button type="button" role="tab" aria-selected={tab === 'stream'} className={tab === 'stream' ? 'tab active' : 'tab'} onClick={() => setTab('stream')}>
            {t('record.stream')}
          </button>
          <button type="button" role="tab" aria-selected={tab === 'history'} className={tab === 'history' ? 'tab active' : 'tab'} onClick={() => setTab('history')}>
            {t('record.history')}
          </button>
          <button type="button" role="tab" aria-selected={tab === 'processes'} className={tab === 'processes' ? 'tab active' : 'tab'} onClick={() => setTab('processes')}>
            {t('record.processes')}
          </button>
        </div>
        {tab === 'related' && <RelatedLists key={generation} model={model} entity={entity} id={id} />}
        {tab === 'stream' && <RecordStream entity={entity} id={id} version={current.version} />}
        {tab === 'history' && <History model={model} entity={entity} id={id} version={current.version} />}
        {tab === 'processes' && <Processes entity={entity} id={id} />}
      </div>
      {composing && (
        <SmsComposeDialog
          entity={entity}
          records={[current]}
          title={recordTitle(entity, current) || label(entity.label)}
          onClose={() => setComposing(false)}
          onSent={() => {
            setComposing(false);
            notify('success', t('sms.compose.queued'), recordTitle(entity, current));
            setGeneration((g) => g + 1);
          }}
        />
      )}
      {converting && (
        <LeadConversionDialog
          model={model}
          lead={current}
          onClose={() => setConverting(false)}
          onConverted={(result) => {
            setConverting(false);
            notify('success', t('convert.done'), recordTitle(model.entities.get('deal'), result.deal));
            navigate(`/r/deal/${String(result.deal.id)}`);
          }}
        />
      )}
    </div>
  );
}

/** "On deal: …" for an activity that reached the timeline through a related record, not a link to this one. */
function TimelineSource({ model, activity, own, id, includes }: { model: Model; activity: ApiRecord; own: string; id: string; includes: readonly string[] }) {
  const { t, label } = useI18n();
  if (activity[own] === id) return null;
  for (const from of includes) {
    const value = activity[from];
    if (value == null) continue;
    const target = model.entities.get(from);
    const related = typeof value === 'object' ? (value as ApiRecord) : null;
    const relatedId = related ? String(related.id) : String(value);
    return (
      <div className="timeline-source muted">
        {t('record.timelineOn', { type: target ? label(target.label) : from })}{' '}
        <Link to={`/r/${from}/${relatedId}`}>{related && target ? recordTitle(target, related) : relatedId}</Link>
      </div>
    );
  }
  return null;
}

function Timeline({ model, entity, id }: { model: Model; entity: EntityModel; id: string }) {
  const { t, label, locale, language } = useI18n();
  const activity = model.entities.get(ACTIVITY_ENTITY)!;
  // Related records rolled into the timeline (a contractor's deals, offers…): their links are included to name them.
  const rolled = entity.timelineIncludes.filter((i) => activity.fieldsByName.has(i.from));
  const [kindFilter, setKindFilter] = useState('');
  const [more, setMore] = useState<ApiRecord[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const loaded = useLoad(async () => {
    const page = await recordActivities(entity.name, id, { limit: 50, include: ['assignee', ...rolled.map((i) => i.from)], ...(kindFilter ? { kinds: [kindFilter] } : {}) });
    setMore([]);
    setNext(page.next ?? null);
    return page;
  }, [entity.name, id, kindFilter]);
  const loadMore = async () => {
    if (!next) return;
    const page = await recordActivities(entity.name, id, { limit: 50, after: next, include: ['assignee', ...rolled.map((i) => i.from)], ...(kindFilter ? { kinds: [kindFilter] } : {}) });
    setMore((m) => [...m, ...page.data]);
    setNext(page.next ?? null);
  };
  const rows = [...(loaded.data?.data ?? []), ...more];
  const [logging, setLogging] = useState(false);
  const [loggingDirty, setLoggingDirty] = useState(false);
  const given = useMemo(() => ({ [entity.name]: id, kind: model.activityKinds[0]?.name }), [entity, id, model]);
  const kinds = new Map(model.activityKinds.map((k) => [k.name, k]));
  // Closing the dialog with edits in it asks first, as leaving a page does.
  const closeLogging = () => {
    if (loggingDirty && !window.confirm(t('form.leaveUnsaved'))) return;
    setLoggingDirty(false);
    setLogging(false);
  };
  return (
    <aside className="card timeline" aria-label={t('record.activities')}>
      <div className="card-head">
        <h2>{t('record.activities')}</h2>
        <button type="button" className="btn btn-small" onClick={() => setLogging(true)}>
          + {t('record.logActivity')}
        </button>
      </div>
      {loaded.loading && !loaded.data && <Spinner />}
      {loaded.error ? <ErrorBox error={loaded.error} onRetry={loaded.reload} /> : null}
      <label className="timeline-filter">
        <span className="muted">{t('record.timelineKind')}</span>{' '}
        <select className="input" value={kindFilter} onChange={(e) => setKindFilter(e.target.value)} aria-label={t('record.timelineKind')}>
          <option value="">{t('record.timelineAllKinds')}</option>
          {model.activityKinds.map((k) => (
            <option key={k.name} value={k.name}>
              {label(k.label)}
            </option>
          ))}
        </select>
      </label>
      {loaded.data && rows.length === 0 && <div className="muted">{t('record.noActivities')}</div>}
      <ol className="timeline-list">
        {timelineEntries(rows).map((entry) => {
          if (entry.kind === 'thread') {
            const kind = kinds.get('email');
            return (
              <li key={`thread:${entry.id}`} className="timeline-item" style={kind?.color ? { ['--kind' as string]: kind.color } : undefined}>
                <div className="timeline-meta">
                  <Chip color={kind?.color}>{kind ? label(kind.label) : 'e-mail'}</Chip>
                  <span className="muted">{formatDateTime(String(entry.messages[0]!.start_at ?? entry.messages[0]!.created_at), locale)}</span>
                </div>
                <EmailThread messages={entry.messages} />
              </li>
            );
          }
          const a = entry.activity;
          const kind = kinds.get(String(a.kind));
          const status = displayValue(model, activity, activity.fieldsByName.get('status'), a.status, language, locale);
          const when = (a.start_at ?? a.deadline ?? a.created_at) as string;
          return (
            <li key={a.id} className="timeline-item" style={kind?.color ? { ['--kind' as string]: kind.color } : undefined}>
              <div className="timeline-meta">
                <Chip color={kind?.color}>{kind ? label(kind.label) : String(a.kind)}</Chip>
                <span className="muted">{formatDateTime(when, locale)}</span>
                <Chip color={status.color}>{status.text}</Chip>
                {/* An SMS shows its delivery state (queued, sent, delivered, failed), kept by the SMS connector. */}
                {a.kind === 'sms' && a.sms_status != null && activity.fieldsByName.has('sms_status') && <SmsState model={model} activity={activity} value={a.sms_status} />}
              </div>
              <Link to={`/r/${ACTIVITY_ENTITY}/${a.id}`} className="timeline-subject">
                {String(a.subject)}
              </Link>
              <TimelineSource model={model} activity={a} own={entity.name} id={id} includes={rolled.map((i) => i.from)} />
              {typeof a.description === 'string' && a.description && <div className="timeline-text">{a.description.slice(0, 200)}</div>}
            </li>
          );
        })}
      </ol>
      {next && (
        <button type="button" className="btn btn-small" onClick={() => void loadMore()}>
          {t('record.timelineMore')}
        </button>
      )}
      {logging && (
        <Modal
          title={t('record.logActivity')}
          onClose={closeLogging}
          wide
          footer={
            <>
              <button type="button" className="btn" onClick={closeLogging}>
                {t('common.cancel')}
              </button>
              <button type="submit" form="activity-form" className="btn btn-primary">
                {t('common.save')}
              </button>
            </>
          }
        >
          <NewRecordForm
            model={model}
            entity={activity}
            formId="activity-form"
            given={given}
            onDirtyChange={setLoggingDirty}
            onCreated={() => {
              setLoggingDirty(false);
              setLogging(false);
              loaded.reload();
            }}
          />
        </Modal>
      )}
    </aside>
  );
}

/** Entity types with a reference or many-to-many field pointing at this one. */
function relations(model: Model, entity: EntityModel): { entity: EntityModel; field: string; fieldLabel: string }[] {
  const result: { entity: EntityModel; field: string; fieldLabel: string }[] = [];
  for (const other of model.entities.values()) {
    if (other.name === ACTIVITY_ENTITY) continue;
    for (const f of other.fields) if ((f.type === 'reference' || f.type === 'manyToMany') && f.target === entity.name) result.push({ entity: other, field: f.name, fieldLabel: f.label.en });
  }
  return result;
}

function RelatedLists({ model, entity, id }: { model: Model; entity: EntityModel; id: string }) {
  const { t, label } = useI18n();
  const { may } = useSession();
  // Lines (an offer's positions) are shown and edited in their record's grid, never as a related list
  // with its own "new" (a line is written only with its record).
  const related = useMemo(() => relations(model, entity).filter((r) => !r.entity.lineOf && may(r.entity.name, 'read')), [model, entity, may]);
  if (related.length === 0) return <div className="muted">{t('list.empty')}</div>;
  return (
    <div className="related">
      {related.map((r) => (
        <RelatedList key={`${r.entity.name}.${r.field}`} model={model} entity={r.entity} field={r.field} id={id} title={`${label(r.entity.pluralLabel)} · ${label(r.entity.fieldsByName.get(r.field)!.label)}`} />
      ))}
    </div>
  );
}

function RelatedList({ model, entity, field, id, title }: { model: Model; entity: EntityModel; field: string; id: string; title: string }) {
  const { t, language, locale } = useI18n();
  const loaded = useLoad(() => listRecords(entity.name, { filter: { [field]: { eq: id } }, limit: 20, sort: entity.defaultSort.map((k) => `${k.direction === 'desc' ? '-' : ''}${k.field}`).join(',') }), [entity.name, field, id]);
  const extra = entity.fields.filter((f) => f.name !== entity.displayField && f.name !== field && ['state', 'enum', 'money', 'date'].includes(f.type)).slice(0, 3);
  const { may } = useSession();
  const isReference = entity.fieldsByName.get(field)?.type === 'reference' && may(entity.name, 'create');
  return (
    <section className="related-list" aria-label={title}>
      <div className="card-head">
        <h3>{title}</h3>
        {isReference && (
          <Link className="btn btn-small" to={`/r/${entity.name}/new?${field}=${id}`}>
            + {t('common.new')}
          </Link>
        )}
      </div>
      {loaded.error ? <ErrorBox error={loaded.error} /> : null}
      {loaded.data && loaded.data.data.length === 0 && <div className="muted">{t('common.none')}</div>}
      <ul>
        {loaded.data?.data.map((r) => (
          <li key={r.id}>
            <Link to={`/r/${entity.name}/${r.id}`}>{recordTitle(entity, r)}</Link>
            {extra.map((f) => {
              const d = displayValue(model, entity, f, r[f.name], language, locale);
              return d.text ? (
                <span key={f.name} className="related-extra">
                  {d.color ? <Chip color={d.color}>{d.text}</Chip> : d.text}
                </span>
              ) : null;
            })}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** A declared conversion's label for the history ("Sales order from offer"), its name when no longer declared. */
function conversionLabel(model: Model, origin: { conversion: string; source: { entity: string } }, label: (l: EntityModel['label']) => string): string {
  const declared = model.entities.get(origin.source.entity)?.conversions.find((c) => c.name === origin.conversion);
  return declared ? label(declared.label) : origin.conversion;
}

function History({ model, entity, id, version }: { model: Model; entity: EntityModel; id: string; version: number }) {
  const { t, label, language, locale } = useI18n();
  const loaded = useLoad(() => recordHistory(entity.name, id), [entity.name, id, version]);
  const show = useCallback(
    (field: string, value: unknown, names: Readonly<Record<string, string | null>> = {}) => {
      const def = entity.fieldsByName.get(field);
      // A reference names its record as the server gave it to this reader; never an id fragment.
      const named = (ref: unknown) => {
        const refId = typeof ref === 'string' ? ref : ref && typeof ref === 'object' ? (ref as { id?: unknown }).id : undefined;
        return typeof refId === 'string' ? (names[refId] ?? t('history.unavailable')) : String(ref);
      };
      if (def?.type === 'reference' && value !== null && value !== undefined && value !== '') return named(value);
      if (def?.type === 'manyToMany' && Array.isArray(value)) return value.length ? value.map(named).join(', ') : '∅';
      return displayValue(model, entity, def, value, language, locale).text || '∅';
    },
    [model, entity, language, locale, t],
  );
  if (loaded.error) return <ErrorBox error={loaded.error} />;
  if (!loaded.data) return <Spinner />;
  const { data, archived } = loaded.data;
  // Months past the audit retention were archived: this record's trail here begins after its create.
  const archivedNote = archived && !archived.complete ? <div className="muted">{t('history.archived', { date: formatDate(archived.before.slice(0, 10), locale) })}</div> : null;
  if (data.length === 0) return archivedNote ?? <div className="muted">{t('record.noHistory')}</div>;
  return (
    <>
      <ol className="history">
        {[...data].reverse().map((h) => (
          <li key={String(h.id)}>
            <div className="history-head">
              <strong>{['create', 'update', 'delete', 'restore', 'merge'].includes(h.action) ? t(`history.${h.action}` as 'history.update') : h.action}</strong> <span className="muted">{formatDateTime(h.at, locale)}</span>
              {typeof h.actor_name === 'string' && <span className="muted"> · {t('record.by', { who: h.actor_name })}</span>}
              {h.via && <span className="muted"> · {t('record.via', { via: h.via })}</span>}
              {h.origin && 'flow' in h.origin && <span className="muted"> · {t('record.flow', { flow: h.origin.flowName || h.origin.flow })}</span>}
              {h.origin && 'conversion' in h.origin && <span className="muted"> · {t('record.conversion', { conversion: conversionLabel(model, h.origin, label) })}</span>}
            </div>
            {h.action === 'merge' && Array.isArray(h.changes?.merged) ? (
              <ul className="history-changes">
                <li>
                  {(h.changes.merged as { title?: unknown }[]).map((m) => `«${String(m?.title ?? '∅')}»`).join(' → ')}
                </li>
              </ul>
            ) : h.changes && (
              <ul className="history-changes">
                {Object.entries(h.changes as Record<string, [unknown, unknown]>)
                  .map(([field, pair]) => [field, show(field, pair?.[0], h.names), show(field, pair?.[1], h.names)] as const)
                  // A change the reader cannot see (an empty set where there was none: "∅ → ∅") says nothing.
                  .filter(([, before, after]) => before !== after)
                  .map(([field, before, after]) => (
                    <li key={field}>
                      {entity.fieldsByName.get(field) ? label(entity.fieldsByName.get(field)!.label) : field}: <s>{before}</s> → {after}
                    </li>
                  ))}
              </ul>
            )}
          </li>
        ))}
      </ol>
      {archivedNote}
    </>
  );
}

/** Workflow instances about the record, each opening on its diagram with the active elements marked. */
function Processes({ entity, id }: { entity: EntityModel; id: string }) {
  const { t } = useI18n();
  const loaded = useLoad(() => listInstances({ record: `${entity.name}:${id}`, limit: 50 }), [entity.name, id]);
  if (loaded.error instanceof ApiError && loaded.error.status === 404) return <div className="muted">{t('modeler.noApi')}</div>;
  if (loaded.error) return <ErrorBox error={loaded.error} />;
  if (!loaded.data) return <Spinner />;
  if (loaded.data.length === 0) return <div className="muted">{t('common.none')}</div>;
  return <InstanceTable instances={loaded.data} />;
}
