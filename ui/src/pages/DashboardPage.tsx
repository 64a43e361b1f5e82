// The home page: the user's dashboard (their own, else their role's default from metadata, the same
// widgets as /dashboards: what it shows is the analyst's choice) and the tasks due today or overdue.
import { ACTIVITY_ENTITY, type EntityModel, type Model } from '../../../metadata/browser.ts';
import { listRecords } from '../api/records.ts';
import { listDashboards } from '../api/reports.ts';
import { MY_TASKS, taskKinds } from '../app/activities.ts';
import { useI18n } from '../app/i18n.tsx';
import { useMeta } from '../app/meta.tsx';
import { Link, navigate, useLocation } from '../app/router.tsx';
import { useSession } from '../app/session.tsx';
import { displayValue, formatDateTime } from '../components/format.ts';
import { Chip, ErrorBox, Spinner, useLoad } from '../components/ui.tsx';
import { DashboardBody } from './reports/DashboardBody.tsx';
import { filterQuery, filtersOf } from './reports/ReportCard.tsx';

export default function DashboardPage() {
  const { model } = useMeta();
  const { t, label } = useI18n();
  const location = useLocation();
  const loaded = useLoad((signal) => listDashboards(signal), []);
  // The user's own dashboard when they made one, else their role's default (the seed's for a new user).
  const current = loaded.data && (loaded.data.find((d) => d.source === 'user') ?? loaded.data.find((d) => d.default) ?? loaded.data[0]);
  const filters = filtersOf(location.query);
  return (
    <div className="page">
      <div className="page-head">
        <h1>
          {t('nav.dashboard')}
          {current && <span className="muted"> · {current.source === 'user' ? t('dashboards.mine') : current.label ? label(current.label) : current.name}</span>}
        </h1>
        <Link to={current ? `/dashboards/${current.name}` : '/dashboards'} className="btn btn-small">
          {t('nav.dashboards')}
        </Link>
      </div>
      {loaded.error ? <ErrorBox error={loaded.error} onRetry={loaded.reload} /> : null}
      {!loaded.data && !loaded.error ? <Spinner /> : null}
      {loaded.data && !current && <div className="card muted">{t('dashboards.none')}</div>}
      {current && <DashboardBody model={model} dashboard={current} filters={filters} onFilters={(f) => navigate(`/${filterQuery(f)}`, { replace: true, force: true })} />}
      <div className="dashboard">
        <TasksDue model={model} activity={model.entities.get(ACTIVITY_ENTITY)!} />
      </div>
    </div>
  );
}

function TasksDue({ model, activity }: { model: Model; activity: EntityModel }) {
  const { t, language, locale } = useI18n();
  const { me } = useSession();
  const endOfToday = new Date();
  endOfToday.setHours(23, 59, 59, 999);
  const loaded = useLoad(
    () => listRecords(ACTIVITY_ENTITY, { filter: { and: [{ kind: { in: taskKinds(model) } }, { status: { eq: 'open' } }, { deadline: { lte: endOfToday.toISOString() } }, MY_TASKS] }, sort: 'deadline', limit: 20, count: true }),
    [me?.user.id],
  );
  return (
    <section className="card" aria-label={t('dashboard.tasksDue')}>
      <div className="card-head">
        <h2>
          {t('dashboard.tasksDue')} {loaded.data?.count !== undefined && <span className="muted">({loaded.data.count})</span>}
        </h2>
        <Link to="/tasks" className="btn btn-small">
          {t('nav.tasks')}
        </Link>
      </div>
      {loaded.error ? <ErrorBox error={loaded.error} /> : null}
      {!loaded.data && !loaded.error ? <Spinner /> : null}
      {loaded.data && loaded.data.data.length === 0 && <div className="muted">{t('list.empty')}</div>}
      <ul className="due-list">
        {loaded.data?.data.map((task) => {
          const priority = displayValue(model, activity, activity.fieldsByName.get('priority'), task.priority, language, locale);
          const overdue = Date.parse(String(task.deadline)) < Date.now();
          return (
            <li key={task.id}>
              <Link to={`/r/${ACTIVITY_ENTITY}/${task.id}`}>{String(task.subject)}</Link>
              <span>
                <Chip color={priority.color}>{priority.text}</Chip> <span className={overdue ? 'overdue' : 'muted'}>{formatDateTime(String(task.deadline), locale)}</span>
              </span>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
