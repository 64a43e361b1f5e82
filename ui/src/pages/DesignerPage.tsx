// The analyst's metadata designer. It edits a working copy of the applied package (GET /api/meta):
// entity types and activity kinds (their properties and fields), pipelines, status machines (their
// stages, states and transitions as a graph: designer/StateGraphEditor.tsx), roles (the roles
// matrix), triggers and the manifest, each as a form cut from the meta-schema (forms/meta-forms.ts),
// or as JSON. Nothing
// reaches the database until the analyst reviews the migration plan (POST /api/meta/plan) and
// applies it (PUT /api/meta with the version the copy was taken from); the running app then reloads
// the model, so new fields appear in the forms at once.
import { useMemo, useRef, useState } from 'react';
import Form from '@rjsf/core';
import { metaFieldForm, metaFieldTypes, metaItemForm, type MetaItemKind, localizeDescriptions, problemText } from '../../../forms/index.ts';
import { canonicalJson, type Label, metaSchema, ownerOfFile, type Role, type Trigger, type View } from '../../../metadata/browser.ts';
import { api, ApiError, type ProblemEntry } from '../api/client.ts';
import { useI18n } from '../app/i18n.tsx';
import { useProblemWords } from '../app/problems.ts';
import type { MessageKey } from '../app/messages.ts';
import { useMeta } from '../app/meta.tsx';
import { Modal, useNotify } from '../components/ui.tsx';
import { type FormContext, EMPTY_SET } from '../form/context.ts';
import { formKit, wordErrors } from '../form/kit.ts';
import { LayoutEditor } from './designer/LayoutEditor.tsx';
import { PlanSteps, type PlanStep } from './designer/PlanSteps.tsx';
import { packageFromZip, packageZip } from './designer/package-zip.ts';
import { saveFile } from '../components/save-file.ts';
import { Link } from '../app/router.tsx';
import { NewViewDialog, VIEW_EDITED, ViewEditor } from './designer/ViewEditor.tsx';
import { RoleEditor } from './designer/RoleEditor.tsx';
import { NumberingEditor } from './designer/NumberingEditor.tsx';
import { SandboxDialog, type SandboxResult } from './designer/Sandbox.tsx';
import { TriggerEditor } from './designer/TriggerEditor.tsx';
import { StateGraphEditor } from './designer/StateGraphEditor.tsx';
import type { StateGraphItem } from '../../../forms/index.ts';

type Item = Record<string, unknown> & { kind: string; id?: string; name?: string; label?: Label };
type Files = Record<string, Item>;
type FieldDef = Record<string, unknown> & { name: string; type: string; id: string; label: Label };

interface Plan {
  readonly fromVersion: number | null;
  readonly destructive: boolean;
  readonly steps: readonly PlanStep[];
}

const GROUPS: readonly { kind: MetaItemKind; title: MessageKey }[] = [
  { kind: 'manifest', title: 'designer.manifest' },
  { kind: 'entity', title: 'designer.entities' },
  { kind: 'activityKind', title: 'designer.kinds' },
  { kind: 'pipeline', title: 'designer.pipelines' },
  { kind: 'statusMachine', title: 'designer.machines' },
  { kind: 'view', title: 'designer.views' },
  { kind: 'report', title: 'designer.reports' },
  { kind: 'dashboard', title: 'designer.dashboards' },
  { kind: 'role', title: 'designer.roles' },
  { kind: 'trigger', title: 'designer.triggers' },
];

const NEW_TITLE: Partial<Record<MetaItemKind, MessageKey>> = { entity: 'designer.newEntity', report: 'designer.newReport', trigger: 'designer.newTrigger', role: 'designer.newRole' };

const FOLDER: Partial<Record<MetaItemKind, string>> = { entity: 'entities', activityKind: 'activity-kinds', report: 'reports', trigger: 'triggers', role: 'roles' };

const QUIET_DEFAULTS = { emptyObjectFields: 'skipEmptyDefaults', arrayMinItems: { populate: 'never' } } as const;

function MetaForm({ schema, uiSchema, data, onChange, onSubmit, id }: { schema: Record<string, unknown>; uiSchema: Record<string, unknown>; data: unknown; onChange(data: unknown): void; onSubmit?(data: unknown): void; id?: string }) {
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

export default function DesignerPage() {
  const words = useProblemWords();
  const meta = useMeta();
  const { t, label, language } = useI18n();
  const notify = useNotify();
  const [base, setBase] = useState(() => ({ version: meta.version, files: meta.files as Files }));
  const [files, setFiles] = useState<Files>(() => structuredClone(meta.files as Files));
  const [selected, setSelected] = useState<string>(() => Object.keys(meta.files).find((f) => (meta.files[f] as Item).kind === 'entity') ?? 'tessera.json');
  const [review, setReview] = useState<{ plan?: Plan; problems?: readonly ProblemEntry[]; message?: string } | null>(null);
  // The last review's problems stay at their pointers in the editors (the layout editor's sections) until the next review.
  const [problems, setProblems] = useState<readonly ProblemEntry[]>([]);
  const [allowDestructive, setAllowDestructive] = useState(false);
  const [busy, setBusy] = useState(false);
  const [creating, setCreating] = useState<MetaItemKind | null>(null);
  const [sandbox, setSandbox] = useState<SandboxResult | null>(null);

  // Key order is not a change: the designer's forms rebuild objects in their schema's order.
  const changed = (path: string) => canonicalJson(files[path]) !== canonicalJson(base.files[path]);
  const anyChange = Object.keys(base.files).some((p) => !(p in files)) || Object.keys(files).some(changed);
  const item = files[selected];
  const update = (path: string, next: Item) => setFiles((f) => ({ ...f, [path]: next }));

  const plan = async () => {
    setBusy(true);
    try {
      const { data } = await api.post<Plan>('/meta/plan', { files });
      setReview({ plan: data });
      setProblems([]);
      setAllowDestructive(false);
    } catch (e) {
      setReview(e instanceof ApiError ? { problems: e.problem.errors ?? [], message: words.message(e, { entries: false }) } : { message: String(e) });
      setProblems(e instanceof ApiError ? (e.problem.errors ?? []) : []);
    } finally {
      setBusy(false);
    }
  };

  const apply = async () => {
    setBusy(true);
    try {
      const { data } = await api.put<{ version: number; changed: boolean }>('/meta', { files, expectedVersion: base.version, ...(allowDestructive ? { allowDestructive: true } : {}) });
      await meta.reload();
      setBase({ version: data.version, files: structuredClone(files) });
      setReview(null);
      setProblems([]);
      notify('success', t('designer.applied', { n: data.version }));
    } catch (e) {
      setReview(e instanceof ApiError ? { ...review, problems: e.problem.errors ?? [], message: words.message(e, { entries: false }) } : { message: String(e) });
      setProblems(e instanceof ApiError ? (e.problem.errors ?? []) : []);
    } finally {
      setBusy(false);
    }
  };

  // The working copy tried on a rolled-back copy with sample records; an invalid one shows as a review does.
  const trySandbox = async () => {
    setBusy(true);
    try {
      setSandbox((await api.post<SandboxResult>('/meta/sandbox', { files })).data);
    } catch (e) {
      setReview(e instanceof ApiError ? { problems: e.problem.errors ?? [], message: words.message(e, { entries: false }) } : { message: String(e) });
    } finally {
      setBusy(false);
    }
  };

  // An imported package replaces the working copy only: it is reviewed and applied as any other edit.
  const importZip = async (input: HTMLInputElement) => {
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    const read = packageFromZip(new Uint8Array(await file.arrayBuffer()));
    if (!read.ok) {
      notify('error', t(`designer.zip.${read.problem.code}`, { file: read.problem.code === 'ZIP_BAD_JSON' ? read.problem.file : file.name }));
      return;
    }
    setFiles(read.files as Files);
    notify('info', t('designer.imported', { file: file.name }));
  };

  const create = (kind: MetaItemKind, name: string, text: string) => {
    const id = `custom.${name}`;
    const path = `${FOLDER[kind] ?? kind}/${name}.json`;
    const common = { id, name, label: { en: text } };
    const next: Item =
      kind === 'entity'
        ? { kind, ...common, pluralLabel: { en: text }, module: 'custom', fields: [{ id: `${id}.name`, name: 'name', type: 'string', label: { en: 'Name' }, required: true, searchable: true }] }
        : kind === 'report'
          ? // A count of the first entity type's records, to be shaped in the form and as JSON (docs/reports.md).
            { kind, ...common, entity: Object.values(files).find((x) => x.kind === 'entity')?.name ?? 'activity', type: 'table', groupBy: [], measures: ['count'] }
          : kind === 'trigger'
            ? { kind, ...common, entity: Object.values(files).find((x) => x.kind === 'entity')?.name ?? 'activity', on: 'created', start: { process: '' } }
            : kind === 'role'
              ? // No rights until the analyst gives them in the matrix.
                { kind, ...common, permissions: [] }
              : { kind, ...common, fields: [] };
    setFiles((f) => ({ ...f, [path]: next }));
    setSelected(path);
    setCreating(null);
  };

  return (
    <div className="page">
      <div className="page-head">
        <h1>{t('nav.designer')}</h1>
        <span className="muted">v{base.version}</span>
        <div className="page-actions">
          <Link to="/designer/versions" className="btn">
            {t('designer.versions')}
          </Link>
          <button type="button" className="btn" onClick={() => saveFile(`tessera-metadata-v${base.version}.zip`, new Blob([packageZip(base.files)], { type: 'application/zip' }))}>
            {t('designer.exportZip')}
          </button>
          <label className="btn">
            {t('designer.importZip')}
            <input type="file" accept=".zip,application/zip" hidden onChange={(e) => void importZip(e.target)} />
          </label>
        </div>
      </div>
      {anyChange && (
        <div className="pending-bar" role="status">
          <strong>{t('designer.pending')}</strong>
          <span className="muted">{Object.keys(files).filter(changed).join(', ')}</span>
          <div className="page-actions">
            <button type="button" className="btn" onClick={() => setFiles(structuredClone(base.files))}>
              {t('designer.discard')}
            </button>
            <button type="button" className="btn" disabled={busy} onClick={() => void trySandbox()}>
              {t('sandbox.try')}
            </button>
            <button type="button" className="btn btn-primary" disabled={busy} onClick={() => void plan()}>
              {t('designer.review')}
            </button>
          </div>
        </div>
      )}
      <div className="designer">
        <nav className="designer-nav card" aria-label={t('designer.items')}>
          {GROUPS.map((group) => {
            const paths = Object.keys(files)
              .filter((p) => files[p]!.kind === group.kind)
              .sort();
            return (
              <div key={group.kind}>
                <h3>{t(group.title)}</h3>
                <ul>
                  {paths.map((p) => (
                    <li key={p}>
                      <button type="button" className={`${p === selected ? 'active' : ''}${changed(p) ? ' changed' : ''}`} aria-current={p === selected} onClick={() => setSelected(p)}>
                        {files[p]!.label ? label(files[p]!.label) : (files[p]!.name ?? p)}
                      </button>
                    </li>
                  ))}
                </ul>
                {group.kind === 'view' && (
                  <button type="button" className="btn btn-small" onClick={() => setCreating('view')}>
                    + {t('designer.newView')}
                  </button>
                )}
                {(group.kind === 'entity' || group.kind === 'activityKind' || group.kind === 'report' || group.kind === 'trigger' || group.kind === 'role') && (
                  <button type="button" className="btn btn-small" onClick={() => setCreating(group.kind)}>
                    + {t(NEW_TITLE[group.kind] ?? 'designer.newKind')}
                  </button>
                )}
              </div>
            );
          })}
        </nav>
        <div className="card">{item ? <ItemEditor key={selected} path={selected} item={item} files={files} problems={problems} onChange={(next) => update(selected, next)} /> : null}</div>
      </div>
      {review && (
        <Modal
          title={review.plan ? t('designer.plan') : t('designer.invalid')}
          wide
          onClose={() => setReview(null)}
          footer={
            <>
              <button type="button" className="btn" onClick={() => setReview(null)}>
                {t('common.cancel')}
              </button>
              {review.plan && (
                <button type="button" className="btn btn-primary" disabled={busy || (review.plan.destructive && !allowDestructive)} onClick={() => void apply()}>
                  {t('designer.applyChanges')}
                </button>
              )}
            </>
          }
        >
          {review.message && <div className="plan-errors">{review.message}</div>}
          {review.problems && review.problems.length > 0 && (
            <ul className="plan-errors">
              {review.problems.map((p, i) => (
                <li key={i}>
                  {/* The user's words, with the engine's exact (English) detail for the analyst when they differ. */}
                  <code>{p.pointer}</code> {problemText({ ...words.entry(p), pointer: '' }, language)}
                  {problemText({ ...words.entry(p), pointer: '' }, language) !== p.detail && <span className="muted"> ({p.detail})</span>}
                </li>
              ))}
            </ul>
          )}
          {review.plan && <PlanSteps steps={review.plan.steps} allowDestructive={allowDestructive} onAllow={setAllowDestructive} />}
        </Modal>
      )}
      {creating === 'view' && (
        <NewViewDialog
          onCancel={() => setCreating(null)}
          onCreate={(view) => {
            const path = `views/${view.entity}.${view.name}.json`;
            setFiles((f) => ({ ...f, [path]: view as unknown as Item }));
            setSelected(path);
            setCreating(null);
          }}
        />
      )}
      {sandbox && <SandboxDialog result={sandbox} onClose={() => setSandbox(null)} />}
      {creating && creating !== 'view' && <NewItemDialog kind={creating} onCancel={() => setCreating(null)} onCreate={(name, text) => create(creating, name, text)} />}
    </div>
  );
}

function NewItemDialog({ kind, onCancel, onCreate }: { kind: MetaItemKind; onCancel(): void; onCreate(name: string, label: string): void }) {
  const { t } = useI18n();
  const [name, setName] = useState('');
  const [text, setText] = useState('');
  const valid = /^[a-z][a-z0-9_]{0,47}$/.test(name) && text.trim() !== '';
  return (
    <Modal
      title={t(NEW_TITLE[kind] ?? 'designer.newKind')}
      onClose={onCancel}
      footer={
        <button type="button" className="btn btn-primary" disabled={!valid} onClick={() => onCreate(name, text.trim())}>
          {t('common.add')}
        </button>
      }
    >
      <div className="form-grid">
        <label className="field">
          <span className="field-label">name</span>
          <input className="input mono" value={name} onChange={(e) => setName(e.target.value)} placeholder="service_visit" autoFocus />
        </label>
        <label className="field">
          <span className="field-label">label (en)</span>
          <input className="input" value={text} onChange={(e) => setText(e.target.value)} />
        </label>
      </div>
    </Modal>
  );
}

function ItemEditor({ path, item, files, problems, onChange }: { path: string; item: Item; files: Files; problems: readonly ProblemEntry[]; onChange(item: Item): void }) {
  const { t, language } = useI18n();
  const meta = useMeta();
  const [mode, setMode] = useState<'form' | 'json'>('form');
  const { files: applied } = useMeta();
  const kind = item.kind as MetaItemKind;
  // The help texts (the meta-schema's descriptions) in the analyst's language.
  const form = useMemo(() => withoutViewParts(localizeDescriptions(metaItemForm(metaSchema, kind), language), kind), [kind, language]);
  const hasFields = kind === 'entity' || kind === 'activityKind';
  // The form edits everything but the parts edited elsewhere; those are kept as they are.
  const own = useMemo(() => Object.fromEntries(Object.entries(item).filter(([k]) => k in (form.schema.properties as object))), [item, form]);
  // A connector's item (connectors/<id>/…) is shown, not edited: the server refuses changes to it.
  const owner = ownerOfFile(path);
  return (
    <div className="form-grid">
      <div className="card-head">
        <h2>
          {item.name ?? path} <span className="muted mono">{path}</span>
        </h2>
        <div className="tabs" role="tablist" style={{ marginBottom: 0 }}>
          <button type="button" role="tab" aria-selected={mode === 'form'} className={mode === 'form' ? 'tab active' : 'tab'} onClick={() => setMode('form')}>
            {t('record.details')}
          </button>
          <button type="button" role="tab" aria-selected={mode === 'json'} className={mode === 'json' ? 'tab active' : 'tab'} onClick={() => setMode('json')}>
            {t('designer.json')}
          </button>
        </div>
      </div>
      {owner && (
        <div className="owned-note" role="note">
          {t('designer.fromConnector', { owner })}
        </div>
      )}
      <fieldset className="plain-fieldset" disabled={owner !== null}>
        {mode === 'json' ? (
          <JsonEditor value={item} onChange={(next) => onChange(next as Item)} />
        ) : (
          <>
            <MetaForm schema={form.schema} uiSchema={form.uiSchema} data={own} onChange={(data) => onChange({ ...item, ...(data as Item) })} />
            {hasFields && <FieldsEditor item={item} onChange={onChange} />}
            {/* An activity kind's short form (`form`) is a list of names, edited in the form above; its full form (`layout`) here. */}
            {(kind === 'entity' || kind === 'activityKind') && <LayoutEditor path={path} item={item} files={files} problems={problems} disabled={owner !== null} onChange={onChange} />}
            {kind === 'entity' && <NumberingEditor item={item} applied={meta.model.entities.has(String(item.name))} timeZone={String(files['tessera.json']?.timeZone ?? 'UTC')} onChange={onChange} />}
            {kind === 'trigger' && <TriggerEditor trigger={item as unknown as Trigger} onChange={(next) => onChange(next as unknown as Item)} />}
            {kind === 'view' && <ViewEditor view={item as unknown as View} onChange={(next) => onChange(next as unknown as Item)} />}
            {kind === 'role' && <RoleEditor role={item as unknown as Role} applied={applied[path] as Role | undefined} onChange={(next) => onChange(next as unknown as Item)} />}
            {(kind === 'pipeline' || kind === 'statusMachine') && <StateGraphEditor item={item as unknown as StateGraphItem} files={files} disabled={owner !== null} onChange={(next) => onChange(next as unknown as Item)} />}
          </>
        )}
      </fieldset>
    </div>
  );
}

/** A view's form without the parts the view editor edits (columns, sort, filter, board settings). */
function withoutViewParts<T extends { schema: Record<string, unknown> }>(form: T, kind: MetaItemKind): T {
  if (kind !== 'view') return form;
  const properties = Object.fromEntries(Object.entries(form.schema.properties as object).filter(([k]) => !(VIEW_EDITED as readonly string[]).includes(k)));
  return { ...form, schema: { ...form.schema, properties } };
}

function JsonEditor({ value, onChange }: { value: unknown; onChange(value: unknown): void }) {
  const { t } = useI18n();
  const [text, setText] = useState(() => JSON.stringify(value, null, 2));
  const [bad, setBad] = useState(false);
  return (
    <div>
      <textarea
        className="input mono"
        rows={24}
        aria-label={t('designer.json')}
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          try {
            onChange(JSON.parse(e.target.value));
            setBad(false);
          } catch {
            setBad(true);
          }
        }}
      />
      {bad && <div className="field-errors">{t('form.invalidJson')}</div>}
    </div>
  );
}

function FieldsEditor({ item, onChange }: { item: Item; onChange(item: Item): void }) {
  const { t, label } = useI18n();
  const fields = (item.fields as FieldDef[] | undefined) ?? [];
  const [editing, setEditing] = useState<{ index: number | null; field: FieldDef } | null>(null);
  const [type, setType] = useState('string');
  const types = useMemo(() => metaFieldTypes(metaSchema), []);
  const setFields = (next: FieldDef[]) => onChange({ ...item, fields: next });
  const move = (i: number, by: number) => {
    const next = [...fields];
    const [f] = next.splice(i, 1);
    next.splice(i + by, 0, f!);
    setFields(next);
  };
  return (
    <section aria-label={t('designer.fields')}>
      <div className="card-head">
        <h3>{t('designer.fields')}</h3>
        <div className="toolbar">
          <select className="input input-small" aria-label={t('designer.fieldType')} value={type} onChange={(e) => setType(e.target.value)}>
            {types.map((ty) => (
              <option key={ty}>{ty}</option>
            ))}
          </select>
          <button type="button" className="btn btn-small" onClick={() => setEditing({ index: null, field: { id: '', name: '', type, label: { en: '' } } })}>
            + {t('designer.addField')}
          </button>
        </div>
      </div>
      <table className="fields-table">
        <thead>
          <tr>
            <th>name</th>
            <th>type</th>
            <th>label</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {fields.map((f, i) => (
            <tr key={`${f.id}.${i}`} data-field-row={f.name}>
              <td className="mono">
                {f.name}
                {f.required ? ' *' : ''}
              </td>
              <td>{f.type}</td>
              <td>{label(f.label)}</td>
              <td style={{ whiteSpace: 'nowrap', textAlign: 'right' }}>
                <button type="button" className="icon-btn" aria-label={t('designer.moveUp')} disabled={i === 0} onClick={() => move(i, -1)}>
                  ↑
                </button>
                <button type="button" className="icon-btn" aria-label={t('designer.moveDown')} disabled={i === fields.length - 1} onClick={() => move(i, 1)}>
                  ↓
                </button>
                <button type="button" className="btn btn-small" onClick={() => setEditing({ index: i, field: f })}>
                  {t('common.edit')}
                </button>
                <button type="button" className="icon-btn" aria-label={`${t('common.remove')} ${f.name}`} onClick={() => setFields(fields.filter((_, j) => j !== i))}>
                  ×
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {editing && (
        <FieldDialog
          ownerId={String(item.id ?? '')}
          field={editing.field}
          isNew={editing.index === null}
          onCancel={() => setEditing(null)}
          onSave={(field) => {
            setFields(editing.index === null ? [...fields, field] : fields.map((f, j) => (j === editing.index ? field : f)));
            setEditing(null);
          }}
        />
      )}
    </section>
  );
}

/** One field definition as a form over its type's meta-schema branch; the id follows the name until edited. */
function FieldDialog({ ownerId, field, isNew, onCancel, onSave }: { ownerId: string; field: FieldDef; isNew: boolean; onCancel(): void; onSave(field: FieldDef): void }) {
  const { t, language } = useI18n();
  const form = useMemo(() => localizeDescriptions(metaFieldForm(metaSchema, field.type), language), [field.type, language]);
  const [data, setData] = useState<FieldDef>(field);
  const autoId = (name: string) => `${ownerId}.${name}`;
  // Ids this dialog derived from the name; any other id was typed by the analyst and is kept.
  const derived = useRef(new Set<string>(['']));
  return (
    <Modal
      title={isNew ? `${t('designer.addField')}: ${field.type}` : t('designer.editField', { name: field.name })}
      wide
      onClose={onCancel}
      footer={
        <>
          <button type="button" className="btn" onClick={onCancel}>
            {t('common.cancel')}
          </button>
          <button type="submit" form="field-form" className="btn btn-primary">
            {isNew ? t('common.add') : t('common.apply')}
          </button>
        </>
      }
    >
      <MetaForm
        id="field-form"
        schema={form.schema}
        uiSchema={{ ...form.uiSchema, ...(isNew ? {} : { id: { 'ui:readonly': true } }) }}
        data={data}
        onChange={(next) => {
          const n = { ...(next as FieldDef) };
          // A new field's stable id is derived from its name until the analyst sets one.
          if (isNew && derived.current.has(n.id ?? '')) {
            n.id = n.name ? autoId(n.name) : '';
            derived.current.add(n.id);
          }
          setData({ ...n, type: field.type });
        }}
        onSubmit={(submitted) => onSave({ ...(submitted as FieldDef), type: field.type })}
      />
    </Modal>
  );
}
