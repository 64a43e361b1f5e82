// "View as this role": a list and a form of an entity type as a user holding only this role sees
// them (GET /api/meta/roles/:name/preview): the rows the role's scope and conditions let through,
// without hidden fields, read-only fields read-only. The server computes it with the records
// service and the role's rights, for the analyst's own identity or a user's login, and never shows
// more than the analyst may read. While the role has unapplied changes, the draft package goes with
// the request (POST) and the preview is of the role as the draft defines it.
import { useEffect, useMemo, useState } from 'react';
import { formValues, recordForm } from '../../../../forms/index.ts';
import type { EntityModel, Model } from '../../../../metadata/browser.ts';
import { api } from '../../api/client.ts';
import { useI18n } from '../../app/i18n.tsx';
import type { MessageKey } from '../../app/messages.ts';
import { useMeta } from '../../app/meta.tsx';
import type { EntityRights } from '../../app/session.tsx';
import { displayValue } from '../../components/format.ts';
import { ErrorBox, Spinner, useLoad } from '../../components/ui.tsx';
import { RecordFormView } from '../../form/RecordFormView.tsx';

interface Preview {
  readonly as: string;
  readonly rights: Readonly<Record<string, EntityRights>>;
  readonly data: readonly Record<string, unknown>[];
}

const SKIPPED = new Set(['json', 'attachment', 'lines', 'secret', 'manyToMany']);
const NO_SUBMIT = () => undefined;

/** A draft is sent this long after its last change (the matrix and the condition input change it at each keystroke). */
const DRAFT_PAUSE_MS = 400;

export function RolePreview({ role, draft, entity: initial }: { role: string; draft: Readonly<Record<string, unknown>> | null; entity: string | null }) {
  const { t, label } = useI18n();
  const { model } = useMeta();
  const [picked, setPicked] = useState<string | null>(null);
  const entityName = picked ?? initial;
  const [login, setLogin] = useState('');
  const [as, setAs] = useState('');
  const query = new URLSearchParams({ ...(entityName ? { entity: entityName } : {}), ...(as ? { as } : {}), limit: '10' });
  const [sent, setSent] = useState(draft);
  useEffect(() => {
    if (draft === null) return setSent(null);
    const timer = setTimeout(() => setSent(draft), DRAFT_PAUSE_MS);
    return () => clearTimeout(timer);
  }, [draft]);
  const path = `/meta/roles/${encodeURIComponent(role)}/preview?${query.toString()}`;
  const loaded = useLoad(async (signal) => (sent ? await api.post<Preview>(path, { files: sent }, { signal }) : await api.get<Preview>(path, { signal })).data, [role, entityName, as, sent]);
  const entity = entityName ? model.entities.get(entityName) : undefined;
  // While another user or type loads, the previous answer is not shown as if it were the new one.
  const shown = loaded.loading ? undefined : loaded.data;
  const rights = entityName ? shown?.rights[entityName] : undefined;
  return (
    <section aria-label={t('roles.preview')} className="form-grid role-preview">
      <h3>{t('roles.preview')}</h3>
      <p className="muted">{t('roles.previewHelp')}</p>
      {sent && (
        <p className="owned-note" role="note">
          {t('roles.pendingPreview')}
        </p>
      )}
      <form
        className="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          setAs(login.trim());
        }}
      >
        <label className="inline-field">
          {t('roles.entity')}
          <select className="input" value={entityName ?? ''} onChange={(e) => setPicked(e.target.value)}>
            {[...model.entities.values()].map((e) => (
              <option key={e.name} value={e.name}>
                {label(e.pluralLabel)}
              </option>
            ))}
          </select>
        </label>
        <label className="inline-field">
          {t('roles.previewAs')}
          <input className="input" value={login} placeholder={t('roles.previewAsHint')} onChange={(e) => setLogin(e.target.value)} />
        </label>
        <button type="submit" className="btn btn-small">
          {t('roles.show')}
        </button>
      </form>
      {loaded.error ? <ErrorBox error={loaded.error} onRetry={loaded.reload} /> : !shown || !entity || !rights ? (
        <Spinner />
      ) : (
        <>
          <p className="muted" data-testid="role-preview-as">
            {t('roles.previewOf', { login: shown.as })}
          </p>
          <PreviewBody key={`${entity.name}:${shown.as}`} model={model} entity={entity} role={role} rights={rights} rows={shown.data} />
        </>
      )}
    </section>
  );
}

function PreviewBody({ model, entity, role, rights, rows }: { model: Model; entity: EntityModel; role: string; rights: EntityRights; rows: readonly Record<string, unknown>[] }) {
  const { t, label, language, locale } = useI18n();
  const scope = (right: 'read' | 'update' | 'delete' | 'export') => `${t(`roles.right.${right}` as MessageKey)}: ${t(`roles.scope.${rights[right] ?? 'none'}` as MessageKey)}`;
  const columns = entity.fields.filter((f) => !SKIPPED.has(f.type) && rights.fields?.[f.name] !== 'none').slice(0, 6);
  const record = rows[0];
  const fieldAccess = rights.fields ?? {};
  const form = useMemo(() => recordForm(model, entity.name, { mode: record ? 'update' : 'create', language, ...(record ? { record } : {}), fieldAccess, roles: [role] }), [model, entity, record, language, fieldAccess, role]);
  const initial = useMemo(() => formValues(form, record ?? {}), [form, record]);
  const readable = rights.read !== undefined && rights.read !== 'none';
  return (
    <>
      <p className="role-preview-rights" data-testid="role-preview-rights">
        {[scope('read'), `${t('roles.right.create')}: ${rights.create ? t('roles.yes') : t('roles.no')}`, scope('update'), scope('delete'), scope('export')].join(' · ')}
      </p>
      {!readable ? (
        <p className="muted">{t('roles.noRead', { entity: label(entity.pluralLabel) })}</p>
      ) : (
        <>
          <h4>{t('roles.previewList')}</h4>
          <table className="fields-table" aria-label={t('roles.previewList')}>
            <thead>
              <tr>
                {columns.map((f) => (
                  <th key={f.name} scope="col">
                    {label(f.label)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.length === 0 && (
                <tr>
                  <td colSpan={columns.length} className="muted">
                    {t('roles.noRows')}
                  </td>
                </tr>
              )}
              {rows.map((row) => (
                <tr key={String(row.id)}>
                  {columns.map((f) => (
                    <td key={f.name}>{displayValue(model, entity, f, row[f.name], language, locale).text}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      {(record || rights.create) && (
        <section aria-label={t('roles.previewForm')}>
          <h4>{t('roles.previewForm')}</h4>
          <RecordFormView model={model} form={form} initial={initial} onSubmit={NO_SUBMIT} readonly={record ? rights.update === 'none' || rights.update === undefined : false} />
        </section>
      )}
    </>
  );
}
