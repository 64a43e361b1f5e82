// Dashboards (/dashboards, /dashboards/:name): those of the user's roles and their own, built from
// report widgets, with the filters the dashboard offers applied to every widget that declares them.
// The user's own dashboard is edited here: reports to show, full width or not, filters.
import { useState } from 'react';
import type { DashboardWidget, Model } from '../../../metadata/browser.ts';
import { listDashboards, removeOwnDashboard, saveOwnDashboard, type DashboardFilter, type DashboardView } from '../api/reports.ts';
import { useI18n } from '../app/i18n.tsx';
import { useMeta } from '../app/meta.tsx';
import { Link, navigate, useLocation } from '../app/router.tsx';
import { ErrorBox, Modal, Spinner, useLoad, useNotify } from '../components/ui.tsx';
import { DashboardBody } from './reports/DashboardBody.tsx';
import { filterQuery, filtersOf } from './reports/ReportCard.tsx';

export default function DashboardsPage({ params }: { params: Record<string, string> }) {
  const { model } = useMeta();
  const { t, label } = useI18n();
  const location = useLocation();
  const loaded = useLoad((signal) => listDashboards(signal), []);
  const [editing, setEditing] = useState(false);
  if (loaded.error) return <ErrorBox error={loaded.error} onRetry={loaded.reload} />;
  if (!loaded.data) return <Spinner />;
  const dashboards = loaded.data;
  const current = dashboards.find((d) => d.name === params.name) ?? dashboards.find((d) => d.default) ?? dashboards[0];
  const title = (d: DashboardView) => (d.source === 'user' ? t('dashboards.mine') : d.label ? label(d.label) : d.name);
  const filters = filtersOf(location.query);
  return (
    <div className="page">
      <div className="page-head">
        <h1>{t('dashboards.title')}</h1>
        <button type="button" className="btn btn-small" onClick={() => setEditing(true)}>
          {t('dashboards.edit')}
        </button>
      </div>
      <nav className="tabs" aria-label={t('dashboards.title')}>
        {dashboards.map((d) => (
          <Link key={d.name} to={`/dashboards/${d.name}${filterQuery(filters)}`} className={`tab${d === current ? ' active' : ''}`} aria-current={d === current ? 'page' : undefined}>
            {title(d)}
          </Link>
        ))}
      </nav>
      {!current && <div className="empty-state">{t('dashboards.none')}</div>}
      {current && <DashboardBody model={model} dashboard={current} filters={filters} onFilters={(f) => navigate(`/dashboards/${current.name}${filterQuery(f)}`, { replace: true, force: true })} />}
      {editing && <EditOwn model={model} current={dashboards.find((d) => d.source === 'user')} onClose={() => setEditing(false)} onSaved={() => (setEditing(false), loaded.reload(), navigate('/dashboards/mine', { force: true }))} />}
    </div>
  );
}

function EditOwn({ model, current, onClose, onSaved }: { model: Model; current: DashboardView | undefined; onClose(): void; onSaved(): void }) {
  const { t, label } = useI18n();
  const notify = useNotify();
  const [widgets, setWidgets] = useState<DashboardWidget[]>([...(current?.widgets ?? [])]);
  const [filters, setFilters] = useState<DashboardFilter[]>([...(current?.filters ?? ['period'])]);
  const [error, setError] = useState<unknown>(null);
  const save = async () => {
    try {
      await saveOwnDashboard({ widgets, filters });
      notify('success', t('dashboards.saved'));
      onSaved();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <Modal
      title={t('dashboards.edit')}
      onClose={onClose}
      footer={
        <>
          {current && (
            <button type="button" className="btn" onClick={() => void removeOwnDashboard().then(onSaved, setError)}>
              {t('dashboards.removeMine')}
            </button>
          )}
          <button type="button" className="btn btn-primary" onClick={() => void save()} disabled={widgets.length === 0}>
            {t('common.save')}
          </button>
        </>
      }
    >
      {error ? <ErrorBox error={error} /> : null}
      <ul className="report-list">
        {widgets.map((w, i) => (
          <li key={`${w.report}.${i}`}>
            {label(model.pkg.reports.find((r) => r.name === w.report)?.label ?? { en: w.report })}{' '}
            <label>
              <input type="checkbox" checked={w.wide === true} onChange={(e) => setWidgets(widgets.map((x, j) => (j === i ? { report: x.report, ...(x.type ? { type: x.type } : {}), ...(e.target.checked ? { wide: true } : {}) } : x)))} /> {t('dashboards.wide')}
            </label>{' '}
            <button type="button" className="btn btn-small" onClick={() => setWidgets(widgets.filter((_, j) => j !== i))}>
              {t('common.remove')}
            </button>
          </li>
        ))}
      </ul>
      <label>
        {t('dashboards.addWidget')}{' '}
        <select value="" onChange={(e) => e.target.value && setWidgets([...widgets, { report: e.target.value }])}>
          <option value="" />
          {model.pkg.reports.map((r) => (
            <option key={r.name} value={r.name}>
              {label(r.label)}
            </option>
          ))}
        </select>
      </label>
      <fieldset className="report-filters">
        {(['period', 'owner', 'campaign'] as const).map((f) => (
          <label key={f}>
            <input type="checkbox" checked={filters.includes(f)} onChange={(e) => setFilters(e.target.checked ? [...filters, f] : filters.filter((x) => x !== f))} /> {t(`report.filter.${f}`)}
          </label>
        ))}
      </fieldset>
    </Modal>
  );
}
