// The trash of an entity type: its soft-deleted records, newest deletion first, each restorable
// (POST /api/records/:type/:id/restore brings back the record and what its deletion cascaded to;
// it takes the delete right). A restored record opens from the notice.
import { useCallback, useEffect, useState } from 'react';
import type { EntityModel, Model } from '../../../metadata/browser.ts';
import { ApiError } from '../api/client.ts';
import { listRecords, restoreRecord, type ApiRecord } from '../api/records.ts';
import { useI18n } from '../app/i18n.tsx';
import { useMeta } from '../app/meta.tsx';
import { Link } from '../app/router.tsx';
import { useSession } from '../app/session.tsx';
import { displayValue, formatDateTime, recordTitle } from '../components/format.ts';
import { ErrorBox, Spinner, useNotify } from '../components/ui.tsx';

export default function TrashPage({ params }: { params: Record<string, string> }) {
  const { model } = useMeta();
  const { t } = useI18n();
  const entity = model.entities.get(params.type ?? '');
  if (!entity) return <div className="empty-state">{t('common.notFound')}</div>;
  return <Trash key={entity.name} model={model} entity={entity} />;
}

function Trash({ model, entity }: { model: Model; entity: EntityModel }) {
  const { t, label, language, locale } = useI18n();
  const { may } = useSession();
  const notify = useNotify();
  const [rows, setRows] = useState<ApiRecord[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [restored, setRestored] = useState<ApiRecord[]>([]);
  // One more column beside the title and the time of deletion: the type's first state, choice or date.
  const extra = entity.fields.find((f) => f.name !== entity.displayField && ['state', 'enum', 'date'].includes(f.type));

  const load = useCallback(
    async (after: string | null) => {
      try {
        const page = await listRecords(entity.name, { deleted: 'only', sort: '-deleted_at', limit: 100, after });
        setRows((list) => (after === null ? [...page.data] : [...(list ?? []), ...page.data]));
        setNext(page.next);
        setError(null);
      } catch (e) {
        setError(e);
      }
    },
    [entity],
  );
  useEffect(() => {
    void load(null);
  }, [load]);

  const restore = async (record: ApiRecord) => {
    try {
      const back = await restoreRecord(entity.name, record.id);
      setRows((list) => (list ?? []).filter((r) => r.id !== record.id));
      setRestored((list) => [back, ...list]);
      notify('success', t('list.restored'), recordTitle(entity, back));
    } catch (e) {
      notify('error', t('common.error'), e instanceof ApiError ? (e.problem.detail ?? e.message) : String(e));
    }
  };

  return (
    <div className="page">
      <div className="page-head">
        <Link to={`/r/${entity.name}`} className="back">
          ← {label(entity.pluralLabel)}
        </Link>
        <h1>{t('list.trashTitle', { entity: label(entity.pluralLabel) })}</h1>
      </div>
      {error ? <ErrorBox error={error} onRetry={() => void load(null)} /> : null}
      {restored.length > 0 && (
        <div className="card" role="status">
          {t('list.restored')}:{' '}
          {restored.map((r, i) => (
            <span key={r.id}>
              {i > 0 && ', '}
              <Link to={`/r/${entity.name}/${r.id}`}>{recordTitle(entity, r)}</Link>
            </span>
          ))}
        </div>
      )}
      {rows === null && !error && <Spinner />}
      {rows && rows.length === 0 && <div className="empty-state">{t('list.trashEmpty')}</div>}
      {rows && rows.length > 0 && (
        <table className="fields-table card" aria-label={t('list.trashTitle', { entity: label(entity.pluralLabel) })}>
          <thead>
            <tr>
              <th>{label(entity.fieldsByName.get(entity.displayField)?.label)}</th>
              {extra && <th>{label(extra.label)}</th>}
              <th>{t('column.deleted_at')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id} data-id={r.id}>
                <td>{recordTitle(entity, r) || '—'}</td>
                {extra && <td>{displayValue(model, entity, extra, r[extra.name], language, locale).text}</td>}
                <td>{typeof r.deleted_at === 'string' ? formatDateTime(r.deleted_at, locale) : ''}</td>
                <td style={{ textAlign: 'right' }}>
                  {may(entity.name, 'delete') && (
                    <button type="button" className="btn btn-small" onClick={() => void restore(r)}>
                      {t('list.restore')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {next && (
        <button type="button" className="btn" onClick={() => void load(next)}>
          {t('list.more')}
        </button>
      )}
    </div>
  );
}
