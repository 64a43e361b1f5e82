// The version history of the metadata (GET /api/meta/versions): who applied each version, when and
// from where; a version's diff against the one before it, side by side with the plan it ran; and
// "Revert to this version", which shows the revert's plan and diff first (a dry run) and applies it
// as a new version only when confirmed, destructive steps needing the same explicit consent as the
// designer's apply.
import { useState } from 'react';
import { describeChange, type DiffGroup, type PackageDiff } from '../../../../metadata/browser.ts';
import { api, ApiError } from '../../api/client.ts';
import { formatDateTime } from '../../components/format.ts';
import { useI18n } from '../../app/i18n.tsx';
import type { MessageKey } from '../../app/messages.ts';
import { useMeta, useMetaState, useOptionalModel } from '../../app/meta.tsx';
import { useProblemWords } from '../../app/problems.ts';
import { Link, setQuery, useLocation } from '../../app/router.tsx';
import { ErrorBox, Modal, Spinner, useLoad, useNotify } from '../../components/ui.tsx';
import { PlanSteps, type PlanStep } from './PlanSteps.tsx';

interface VersionEntry {
  readonly version: number;
  readonly appliedAt: string;
  readonly source: string;
  readonly appliedBy: { readonly id: string; readonly name: string } | null;
  readonly changes: number;
}

interface VersionDetail extends VersionEntry {
  readonly diff: PackageDiff;
  readonly plan: readonly PlanStep[];
}

interface RevertPlan {
  readonly fromVersion: number;
  readonly destructive: boolean;
  readonly steps: readonly PlanStep[];
  readonly diff: PackageDiff;
}

const SOURCES = new Set(['seed', 'api', 'cli', 'platform', 'revert']);

export default function VersionsPage() {
  const { t, locale } = useI18n();
  const location = useLocation();
  const before = location.query.get('before');
  const { data, error, loading, reload } = useLoad((signal) => api.get<{ data: VersionEntry[] }>(`/meta/versions${before ? `?before=${encodeURIComponent(before)}` : ''}`, { signal }).then((r) => r.data.data), [before]);
  const current = useMetaState().meta?.version ?? 0;
  const versions = data ?? [];
  const selected = Number(location.query.get('v')) || versions[0]?.version;
  const oldest = versions.at(-1)?.version ?? 1;
  const sourceWord = (source: string) => (SOURCES.has(source) ? t(`versions.source.${source}` as MessageKey) : source);
  return (
    <div className="page">
      <div className="page-head">
        <h1>
          <Link to="/designer">{t('nav.designer')}</Link> · {t('designer.versions')}
        </h1>
      </div>
      {error ? <ErrorBox error={error} onRetry={reload} /> : null}
      {loading && !data && <Spinner />}
      <div className="versions">
        <table className="fields-table card" aria-label={t('versions.list')}>
          <thead>
            <tr>
              <th>{t('versions.version')}</th>
              <th>{t('versions.when')}</th>
              <th>{t('versions.who')}</th>
              <th>{t('versions.source')}</th>
              <th>{t('versions.changes')}</th>
            </tr>
          </thead>
          <tbody>
            {versions.map((v) => (
              <tr key={v.version} data-version={v.version} className={v.version === selected ? 'active' : ''} aria-current={v.version === selected}>
                <td>
                  <button type="button" className="btn btn-small" onClick={() => setQuery({ v: String(v.version) })}>
                    v{v.version}
                  </button>
                  {v.version === current && <span className="muted"> ({t('versions.current')})</span>}
                </td>
                <td>{formatDateTime(v.appliedAt, locale)}</td>
                <td>{v.appliedBy?.name ?? t('versions.system')}</td>
                <td>{sourceWord(v.source)}</td>
                <td>{v.changes}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <td colSpan={5}>
                {before && (
                  <button type="button" className="btn btn-small" onClick={() => setQuery({ before: null, v: null })}>
                    {t('versions.newest')}
                  </button>
                )}{' '}
                {oldest > 1 && versions.length > 0 && (
                  <button type="button" className="btn btn-small" onClick={() => setQuery({ before: String(oldest), v: null })}>
                    {t('versions.older')}
                  </button>
                )}
              </td>
            </tr>
          </tfoot>
        </table>
        {selected ? <VersionView key={selected} version={selected} current={current} onReverted={reload} /> : null}
      </div>
    </div>
  );
}

function VersionView({ version, current, onReverted }: { version: number; current: number; onReverted(): void }) {
  const { t } = useI18n();
  const { data, error, reload } = useLoad((signal) => api.get<VersionDetail>(`/meta/versions/${version}`, { signal }).then((r) => r.data), [version]);
  const [reverting, setReverting] = useState(false);
  if (error) return <ErrorBox error={error} onRetry={reload} />;
  if (!data) return <Spinner />;
  return (
    <section className="card" aria-label={`${t('versions.version')} ${version}`}>
      <div className="card-head">
        <h2>v{version}</h2>
        {version !== current && (
          <button type="button" className="btn" onClick={() => setReverting(true)}>
            {t('versions.revert')}
          </button>
        )}
      </div>
      <div className="version-columns">
        <div>
          <h3>{version > 1 ? t('versions.diff', { n: version - 1 }) : t('versions.firstDiff')}</h3>
          <DiffView diff={data.diff} label={t('versions.changes')} />
        </div>
        <div>
          <h3>{t('versions.planRan')}</h3>
          <PlanSteps steps={data.plan} label={t('versions.planRan')} />
        </div>
      </div>
      {reverting && (
        <RevertDialog
          version={version}
          onClose={() => setReverting(false)}
          onDone={() => {
            setReverting(false);
            onReverted();
          }}
        />
      )}
    </section>
  );
}

/** The changes grouped by entity type, each group under the entity type's label where the model has it. */
function DiffView({ diff, label: name }: { diff: PackageDiff; label: string }) {
  const { t, label, language } = useI18n();
  const model = useOptionalModel();
  const title = (group: DiffGroup) => {
    if (group.entity === null) return t('versions.package');
    const entity = model?.entities.get(group.entity);
    return entity ? `${label(entity.label)} (${group.entity})` : group.entity;
  };
  if (diff.count === 0) return <div className="muted">{t('versions.noChanges')}</div>;
  return (
    <div className="version-diff" aria-label={name}>
      {diff.groups.map((group) => (
        <div key={group.entity ?? ''} data-diff-group={group.entity ?? ''}>
          <h4>{title(group)}</h4>
          <ul>
            {group.changes.map((change, i) => (
              <li key={i} className={`diff-${change.op}`}>
                {describeChange(change, language)}
              </li>
            ))}
          </ul>
        </div>
      ))}
    </div>
  );
}

function RevertDialog({ version, onClose, onDone }: { version: number; onClose(): void; onDone(): void }) {
  const { t } = useI18n();
  const words = useProblemWords();
  const meta = useMeta();
  const notify = useNotify();
  const { data: plan, error } = useLoad((signal) => api.post<RevertPlan>(`/meta/versions/${version}/revert`, {}, { signal }).then((r) => r.data), [version]);
  const [allowDestructive, setAllowDestructive] = useState(false);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const apply = async () => {
    if (!plan) return;
    setBusy(true);
    try {
      const { data } = await api.post<{ version: number }>(`/meta/versions/${version}/revert`, { apply: true, expectedVersion: plan.fromVersion, ...(allowDestructive ? { allowDestructive: true } : {}) });
      await meta.reload();
      notify('success', t('versions.reverted', { from: version, n: data.version }));
      onDone();
    } catch (e) {
      setProblem(e instanceof ApiError ? words.message(e) : String(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      title={t('versions.revertTitle', { n: version })}
      wide
      onClose={onClose}
      footer={
        <>
          <button type="button" className="btn" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button type="button" className="btn btn-primary" disabled={!plan || busy || (plan.destructive && !allowDestructive)} onClick={() => void apply()}>
            {t('versions.revertApply')}
          </button>
        </>
      }
    >
      {error ? <ErrorBox error={error} /> : null}
      {problem && <div className="plan-errors">{problem}</div>}
      {!plan && !error && <Spinner />}
      {plan && (
        <div className="version-columns">
          <div>
            <h3>{t('versions.revertChanges')}</h3>
            <DiffView diff={plan.diff} label={t('versions.revertChanges')} />
          </div>
          <div>
            <h3>{t('designer.plan')}</h3>
            <PlanSteps steps={plan.steps} allowDestructive={allowDestructive} onAllow={setAllowDestructive} />
          </div>
        </div>
      )}
    </Modal>
  );
}
