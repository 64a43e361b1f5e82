// The analyst's metadata designer. It edits a working copy of the applied package (GET /api/meta):
// entity types and activity kinds (their properties and fields), pipelines, status machines (their
// stages, states and transitions as a graph: designer/StateGraphEditor.tsx), roles (the roles
// matrix), triggers and the manifest, each as a form cut from the meta-schema (forms/meta-forms.ts),
// or as JSON (designer/ItemEditor.tsx). This page keeps the working copy, the list of items and the
// actions on the whole copy (review, sandbox, zip export/import, new items). Nothing reaches the database until the analyst reviews the migration plan (POST /api/meta/plan) and
// applies it (PUT /api/meta with the version the copy was taken from); the running app then reloads
// the model, so new fields appear in the forms at once.
import { useState } from 'react';
import type { MetaItemKind } from '../../../forms/index.ts';
import { canonicalJson } from '../../../metadata/browser.ts';
import { api, ApiError, type ProblemEntry } from '../api/client.ts';
import { useI18n } from '../app/i18n.tsx';
import { useProblemWords } from '../app/problems.ts';
import type { MessageKey } from '../app/messages.ts';
import { useMeta } from '../app/meta.tsx';
import { useNotify } from '../components/ui.tsx';
import { saveFile } from '../components/save-file.ts';
import { Link } from '../app/router.tsx';
import { ItemEditor } from './designer/ItemEditor.tsx';
import type { DesignerItem } from './designer/LayoutEditor.tsx';
import { NEW_TITLE, NewItemDialog, newItem } from './designer/NewItem.tsx';
import { packageFromZip, packageZip } from './designer/package-zip.ts';
import { ReviewDialog, type Plan, type Review } from './designer/ReviewDialog.tsx';
import { SandboxDialog, type SandboxResult } from './designer/Sandbox.tsx';
import { NewViewDialog } from './designer/ViewEditor.tsx';

type Item = DesignerItem;
type Files = Record<string, Item>;

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

export default function DesignerPage() {
  const words = useProblemWords();
  const meta = useMeta();
  const { t, label } = useI18n();
  const notify = useNotify();
  const [base, setBase] = useState(() => ({ version: meta.version, files: meta.files as Files }));
  const [files, setFiles] = useState<Files>(() => structuredClone(meta.files as Files));
  const [selected, setSelected] = useState<string>(() => Object.keys(meta.files).find((f) => (meta.files[f] as Item).kind === 'entity') ?? 'tessera.json');
  const [review, setReview] = useState<Review | null>(null);
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
    const { path, item: next } = newItem(kind, name, text, files);
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
      {review && <ReviewDialog review={review} busy={busy} allowDestructive={allowDestructive} onAllow={setAllowDestructive} onApply={() => void apply()} onClose={() => setReview(null)} />}
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
