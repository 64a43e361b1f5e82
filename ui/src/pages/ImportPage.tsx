// The import wizard of an entity type (docs/import.md): upload a CSV or XLSX file → check the column
// mapping (auto-matched by the server, every column changeable) and the duplicate key → dry run with
// the report per row and field in the user's language → import with a live progress bar (polled),
// cancel while it runs → undo. Everything is the server's: this page only shows it.
import { useEffect, useState } from 'react';
import type { EntityModel } from '../../../metadata/browser.ts';
import { problemDetail } from '../../../forms/index.ts';
import { cancelImport, getImport, previewImport, RUNNING, startImport, undoImport, uploadImportFile, type ImportPreview, type ImportReport } from '../api/imports.ts';
import { useI18n } from '../app/i18n.tsx';
import { useMeta } from '../app/meta.tsx';
import { useProblemWords } from '../app/problems.ts';
import { Link } from '../app/router.tsx';
import { ErrorBox } from '../components/ui.tsx';

const CURRENCY_SUFFIX = '_currency';

export default function ImportPage({ params }: { params: Record<string, string> }) {
  const { model } = useMeta();
  const { t } = useI18n();
  const entity = model.entities.get(params.type ?? '');
  if (!entity) return <div className="empty-state">{t('common.notFound')}</div>;
  return <ImportWizard key={entity.name} entity={entity} />;
}

/** Polls a running import until it stops. */
function usePolled(report: ImportReport | null, set: (r: ImportReport) => void, onError: (e: unknown) => void): void {
  useEffect(() => {
    if (!report || !RUNNING.has(report.status)) return;
    const timer = setTimeout(() => {
      getImport(report.id).then(set, onError);
    }, 400);
    return () => clearTimeout(timer);
  }, [report, set, onError]);
}

function ImportWizard({ entity }: { entity: EntityModel }) {
  const { t, label, language, locale } = useI18n();
  const words = useProblemWords();
  const [fileId, setFileId] = useState<string | null>(null);
  const [preview, setPreview] = useState<ImportPreview | null>(null);
  const [mapping, setMapping] = useState<Record<string, string | null>>({});
  const [key, setKey] = useState<string>('');
  const [onDuplicate, setOnDuplicate] = useState<'skip' | 'update' | 'create'>('skip');
  const [dry, setDry] = useState<ImportReport | null>(null);
  const [run, setRun] = useState<ImportReport | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  usePolled(dry, setDry, setError);
  usePolled(run, setRun, setError);

  const { model } = useMeta();
  const ownLabel = (of: EntityModel, target: string): string => {
    const field = of.fieldsByName.get(target);
    if (field) return label(field.label);
    const money = of.fieldsByName.get(target.slice(0, -CURRENCY_SUFFIX.length));
    return money ? `${label(money.label)} — ${t('import.currency')}` : target;
  };
  // A related type's field (`person.email`: the row's contractor's person) under that type's name.
  const targetLabel = (target: string): string => {
    const dot = target.indexOf('.');
    const related = dot > 0 ? model.entities.get(target.slice(0, dot)) : undefined;
    return related ? t('import.relatedField', { entity: label(related.label), field: ownLabel(related, target.slice(dot + 1)) }) : ownLabel(entity, target);
  };

  const act = async (work: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await work();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const choose = (file: File) =>
    act(async () => {
      setPreview(null);
      setDry(null);
      setRun(null);
      const id = await uploadImportFile(file);
      const p = await previewImport(entity.name, id);
      setFileId(id);
      setPreview(p);
      setMapping({ ...p.mapping });
      const mappedKey = Object.values(p.mapping).find((f) => f && ['taxId', 'email'].includes(entity.fieldsByName.get(f)?.type ?? ''));
      setKey(mappedKey ?? '');
    });

  const settings = () => ({ type: entity.name, fileId: fileId!, mapping, key: key || null, onDuplicate });
  const problemLine = (p: ImportReport['problems'][number]) => {
    const [, first = '', index, rest = ''] = p.pointer.split('/');
    const field = entity.fieldsByName.get(first);
    // A related record's field (`/person/0/email`) under its type's name, as in the mapping.
    const related = index === '0' && model.entities.get(first)?.fieldsByName.has(rest) ? targetLabel(`${first}.${rest}`) : null;
    const detail = problemDetail(words.entry({ pointer: p.pointer, detail: p.detail, ...(p.code ? { code: p.code } : {}), ...(p.params ? { params: p.params } : {}) }), language);
    return `${t('import.row', { n: p.row.toLocaleString(locale) })} ${related ?? (field ? label(field.label) : p.pointer || '/')}: ${detail}`;
  };

  const summary = (r: ImportReport) => (
    <p data-testid={r.dryRun ? 'dry-summary' : 'import-summary'}>
      {t(r.dryRun ? 'import.drySummary' : 'import.summary', { total: r.total, created: r.created, updated: r.updated, skipped: r.skipped, failed: r.failed })}
    </p>
  );
  const problems = (r: ImportReport) =>
    r.problems.length > 0 && (
      <ul className="import-problems" data-testid="import-problems">
        {r.problems.map((p, i) => (
          <li key={i}>{problemLine(p)}</li>
        ))}
        {r.problemCount > r.problems.length && <li>{t('import.moreProblems', { n: r.problemCount - r.problems.length })}</li>}
      </ul>
    );

  return (
    <div className="page">
      <div className="page-head">
        <Link to={`/r/${entity.name}`} className="back">
          ← {label(entity.pluralLabel)}
        </Link>
        <h1>{t('import.title', { entity: label(entity.pluralLabel) })}</h1>
      </div>
      {error ? <ErrorBox error={error} /> : null}

      <section className="card">
        <h2>1. {t('import.stepFile')}</h2>
        <label className="field">
          <span>{t('import.file')}</span>
          <input type="file" accept=".csv,.txt,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" disabled={busy} onChange={(e) => e.target.files?.[0] && void choose(e.target.files[0])} />
        </label>
        {preview && <p className="muted" data-testid="import-detected">{t('import.detected', { format: preview.format.toUpperCase(), encoding: preview.encoding ?? '—', delimiter: preview.delimiter === '\t' ? 'TAB' : (preview.delimiter ?? '—'), rows: preview.total })}</p>}
      </section>

      {preview && (
        <section className="card">
          <h2>2. {t('import.stepMapping')}</h2>
          <div className="table-scroll">
            <table className="import-mapping">
              <thead>
                <tr>
                  <th>{t('import.column')}</th>
                  <th>{t('import.sample')}</th>
                  <th>{t('import.field')}</th>
                </tr>
              </thead>
              <tbody>
                {preview.headers.map((header, i) => (
                  <tr key={header}>
                    <td>{header}</td>
                    <td className="muted">{preview.sample[0]?.[i] ?? ''}</td>
                    <td>
                      <select aria-label={header} value={mapping[header] ?? ''} onChange={(e) => setMapping({ ...mapping, [header]: e.target.value || null })}>
                        <option value="">{t('import.skipColumn')}</option>
                        {preview.targets.map((target) => (
                          <option key={target} value={target}>
                            {targetLabel(target)}
                          </option>
                        ))}
                      </select>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <div className="import-options">
            <label className="field">
              <span>{t('import.key')}</span>
              <select value={key} onChange={(e) => setKey(e.target.value)}>
                <option value="">{t('import.noKey')}</option>
                {[...new Set(Object.values(mapping).filter((f): f is string => !!f && entity.fieldsByName.has(f)))].map((f) => (
                  <option key={f} value={f}>
                    {targetLabel(f)}
                  </option>
                ))}
              </select>
            </label>
            {key && (
              <label className="field">
                <span>{t('import.onDuplicate')}</span>
                <select value={onDuplicate} onChange={(e) => setOnDuplicate(e.target.value as 'skip' | 'update' | 'create')}>
                  <option value="skip">{t('import.dupSkip')}</option>
                  <option value="update">{t('import.dupUpdate')}</option>
                  <option value="create">{t('import.dupCreate')}</option>
                </select>
              </label>
            )}
          </div>
          <button type="button" className="btn" disabled={busy || (dry !== null && RUNNING.has(dry.status))} onClick={() => void act(async () => setDry(await startImport(settings(), true)))}>
            {t('import.dryRun')}
          </button>
        </section>
      )}

      {dry && (
        <section className="card" data-testid="dry-report">
          <h2>3. {t('import.stepCheck')}</h2>
          {RUNNING.has(dry.status) ? <Progress report={dry} /> : summary(dry)}
          {problems(dry)}
          {!RUNNING.has(dry.status) && !run && (
            <button type="button" className="btn primary" disabled={busy} onClick={() => void act(async () => setRun(await startImport(settings(), false)))}>
              {dry.failed > 0 ? t('import.importValid', { n: dry.total - dry.failed }) : t('import.import')}
            </button>
          )}
        </section>
      )}

      {run && (
        <section className="card" data-testid="import-run">
          <h2>4. {t('import.stepImport')}</h2>
          <Progress report={run} />
          {RUNNING.has(run.status) ? (
            <button type="button" className="btn" disabled={run.status === 'cancelling'} onClick={() => void act(async () => setRun(await cancelImport(run.id)))}>
              {t('import.cancel')}
            </button>
          ) : (
            <>
              {summary(run)}
              {run.status === 'cancelled' && <p>{t('import.cancelled')}</p>}
              {run.status === 'undone' ? (
                <p role="status">{t('import.undone')}</p>
              ) : (
                (run.created > 0 || run.updated > 0) && (
                  <button type="button" className="btn danger" disabled={busy} onClick={() => void act(async () => setRun(await undoImport(run.id)))}>
                    {t('import.undo')}
                  </button>
                )
              )}
            </>
          )}
        </section>
      )}
    </div>
  );
}

function Progress({ report }: { report: ImportReport }) {
  const { t } = useI18n();
  const percent = report.total ? Math.round((report.processed / report.total) * 100) : 100;
  return (
    <div className="import-progress">
      <progress max={report.total || 1} value={report.processed} aria-label={t('import.progress')} />
      <span>{t('import.progressText', { done: report.processed, total: report.total, percent })}</span>
    </div>
  );
}
