// The reports of the metadata, grouped by module (/reports), and one report with its filters
// (/reports/:name): each cell opens the list of the records behind it.
import { useI18n } from '../app/i18n.tsx';
import { useMeta } from '../app/meta.tsx';
import { Link, navigate, useLocation } from '../app/router.tsx';
import { useSession } from '../app/session.tsx';
import { FilterBar, filterQuery, filtersOf, parameterTargets, ReportCard } from './reports/ReportCard.tsx';
import { reportHasMoney } from './reports/figures.ts';

export default function ReportsPage({ params }: { params: Record<string, string> }) {
  return params.name ? <OneReport name={params.name} /> : <ReportList />;
}

function ReportList() {
  const { model } = useMeta();
  const { t, label } = useI18n();
  const { may } = useSession();
  const modules = model.pkg.manifest.modules ?? {};
  const groups = new Map<string, typeof model.pkg.reports>();
  for (const report of model.pkg.reports) {
    if (!may(report.entity, 'read')) continue;
    const key = report.module ?? '';
    groups.set(key, [...(groups.get(key) ?? []), report]);
  }
  return (
    <div className="page">
      <div className="page-head">
        <h1>{t('report.title')}</h1>
      </div>
      {groups.size === 0 && <div className="empty-state">{t('report.none')}</div>}
      {[...groups].map(([key, reports]) => (
        <section key={key} className="card">
          <h2>{modules[key] ? label(modules[key].label) : key || t('nav.other')}</h2>
          <ul className="report-list">
            {reports.map((r) => (
              <li key={r.name}>
                <Link to={`/reports/${r.name}`}>{label(r.label)}</Link>
                {r.description && <div className="muted">{label(r.description)}</div>}
              </li>
            ))}
          </ul>
        </section>
      ))}
    </div>
  );
}

function OneReport({ name }: { name: string }) {
  const { model } = useMeta();
  const { t, label } = useI18n();
  const location = useLocation();
  const report = model.pkg.reports.find((r) => r.name === name);
  if (!report) return <div className="empty-state">{t('common.notFound')}</div>;
  const filters = filtersOf(location.query);
  const targets = parameterTargets(model, report);
  const entity = model.entities.get(report.entity);
  // Money can be converted to one currency (at today's central bank rates) in any report measuring it.
  const offered = [...(['period', 'owner', 'campaign'] as const).filter((p) => report.parameters?.[p]), ...(entity && reportHasMoney(report, entity) ? (['currency'] as const) : [])];
  return (
    <div className="page">
      <div className="page-head">
        <h1>
          <Link to="/reports">{t('report.title')}</Link> · {label(report.label)}
        </h1>
      </div>
      {offered.length > 0 && <FilterBar model={model} offered={offered} filters={filters} onChange={(f) => navigate(`/reports/${name}${filterQuery(f)}`, { replace: true, force: true })} ownerTarget={targets.owner} campaignTarget={targets.campaign} />}
      <ReportCard model={model} report={report} filters={filters} />
    </div>
  );
}
