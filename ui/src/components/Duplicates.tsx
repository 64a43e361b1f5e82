// Duplicates in the app: the warning a new record's form shows while its values match existing
// records under the type's duplicate rules (POST /api/records/:type/duplicates), and merging a
// duplicate into the record on screen from its card (POST /api/records/:type/:id/merge).
import { useEffect, useMemo, useState } from 'react';
import type { EntityModel, Model } from '../../../metadata/browser.ts';
import { ApiError } from '../api/client.ts';
import { findDuplicates, mergeRecord, type ApiRecord, type DuplicateMatches, type MergeResult } from '../api/records.ts';
import { useI18n } from '../app/i18n.tsx';
import { Link } from '../app/router.tsx';
import { recordTitle } from './format.ts';
import { RecordPicker } from './RecordPicker.tsx';
import { Modal, useLoad, useNotify } from './ui.tsx';

type Values = Readonly<Record<string, unknown>>;

/** Matches for the values of the rules' fields, asked again after each pause in typing. */
export function useDuplicates(entity: EntityModel, values: Values, exclude?: string): readonly DuplicateMatches[] {
  const fields = useMemo(() => [...new Set(entity.duplicates.flatMap((r) => r.fields))], [entity]);
  const key = JSON.stringify(fields.map((f) => values[f] ?? null));
  const [matches, setMatches] = useState<readonly DuplicateMatches[]>([]);
  useEffect(() => {
    const given = Object.fromEntries(fields.map((f) => [f, values[f]]).filter(([, v]) => v !== null && v !== undefined && v !== ''));
    if (Object.keys(given).length === 0) {
      setMatches([]);
      return;
    }
    const controller = new AbortController();
    const timer = setTimeout(() => {
      findDuplicates(entity.name, given, exclude, controller.signal).then(setMatches, () => undefined);
    }, 350);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
    // The key stands for the values of the rule fields: other edits do not ask again.
  }, [entity.name, key, exclude]);
  return matches;
}

export function DuplicateWarning({ entity, matches }: { entity: EntityModel; matches: readonly DuplicateMatches[] }) {
  const { t, label } = useI18n();
  if (matches.length === 0) return null;
  const refused = matches.some((m) => m.action === 'refuse');
  return (
    <div className={`duplicate-warning${refused ? ' refused' : ''}`} role="status" aria-live="polite" data-testid="duplicate-warning">
      <strong>{refused ? t('dup.refused') : t('dup.title')}</strong>
      <ul>
        {matches.map((m) => (
          <li key={m.rule}>
            <span className="muted">{m.label ? label(m.label) : m.fields.map((f) => label(entity.fieldsByName.get(f)?.label)).join(', ')}:</span>{' '}
            {m.records.map((r, i) => (
              <span key={r.id}>
                {i > 0 && ', '}
                <Link to={`/r/${entity.name}/${r.id}`}>{recordTitle(entity, r) || r.id}</Link>
              </span>
            ))}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** "Merge duplicate…" on a record's card: choose the duplicate (the likely ones first), confirm, merge into this record. */
export function MergeDialog({ model, entity, record, onClose, onMerged }: { model: Model; entity: EntityModel; record: ApiRecord; onClose(): void; onMerged(result: MergeResult): void }) {
  const { t } = useI18n();
  const notify = useNotify();
  const [chosen, setChosen] = useState<{ id: string; title: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const likely = useLoad(async (signal) => (entity.duplicates.length ? findDuplicates(entity.name, record, record.id, signal) : []), [entity.name, record.id]);
  const candidates = [...new Map((likely.data ?? []).flatMap((m) => m.records).map((r) => [r.id, r])).values()];
  const merge = async () => {
    if (!chosen) return;
    setBusy(true);
    setError(null);
    try {
      const result = await mergeRecord(entity.name, record.id, record.version, chosen.id);
      notify('success', t('merge.done', { title: chosen.title }), t('merge.moved', { n: result.moved.reduce((n, m) => n + m.count, 0) }));
      onMerged(result);
    } catch (e) {
      setError(e instanceof ApiError ? (e.problem.detail ?? e.message) : String(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      title={t('merge.title')}
      onClose={onClose}
      footer={
        <>
          <button type="button" className="btn" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button type="button" className="btn btn-primary" disabled={!chosen || busy} onClick={() => void merge()}>
            {t('merge.confirm')}
          </button>
        </>
      }
    >
      <p>{t('merge.explain', { title: recordTitle(entity, record) })}</p>
      {candidates.length > 0 && (
        <fieldset className="merge-candidates">
          <legend>{t('merge.likely')}</legend>
          {candidates.map((r) => (
            <label key={r.id} className="merge-candidate">
              <input type="radio" name="merge-candidate" checked={chosen?.id === r.id} onChange={() => setChosen({ id: r.id, title: recordTitle(entity, r) })} /> {recordTitle(entity, r)}
            </label>
          ))}
        </fieldset>
      )}
      <label className="merge-pick">
        <span>{t('merge.pick')}</span>
        <RecordPicker model={model} target={entity.name} value={chosen?.id ?? null} exclude={[record.id]} onChange={(id, r) => setChosen(id ? { id, title: r ? recordTitle(entity, r) : id } : null)} />
      </label>
      {chosen && <p className="merge-summary">{t('merge.summary', { duplicate: chosen.title, kept: recordTitle(entity, record) })}</p>}
      {error && (
        <div className="form-banner" role="alert">
          {error}
        </div>
      )}
    </Modal>
  );
}
