// The dashboard: the sales funnel and the deals by stage of the first pipeline (drawn in HTML,
// pages/dashboard/charts.tsx), and the tasks due today or overdue.
import { ACTIVITY_ENTITY, type EntityModel, type MachineModel, type Model } from '../../../metadata/browser.ts';
import { listAll, listRecords } from '../api/records.ts';
import { MY_TASKS, taskKinds } from '../app/activities.ts';
import { useI18n } from '../app/i18n.tsx';
import { useMeta } from '../app/meta.tsx';
import { Link } from '../app/router.tsx';
import { useSession } from '../app/session.tsx';
import { displayValue, formatDateTime, formatMoney } from '../components/format.ts';
import { Chip, ErrorBox, Spinner, useLoad } from '../components/ui.tsx';
import { Funnel, StageBars } from './dashboard/charts.tsx';
import type { StageFigures } from './dashboard/figures.ts';

async function stageFigures(machine: MachineModel, label: (l: MachineModel['label']) => string, currency: string): Promise<StageFigures[]> {
  return Promise.all(
    machine.states.map(async (s) => {
      const filter = { [machine.field]: { eq: s.name } };
      const amounts = new Map<string, number>();
      let count: number;
      if (machine.amountField) {
        const { data } = await listAll(machine.entity, { filter, fields: [machine.amountField] }, { max: 5000 });
        count = data.length;
        for (const r of data) {
          const v = r[machine.amountField];
          const [value, cur] = typeof v === 'number' ? [v, currency] : v && typeof v === 'object' ? [(v as { amount: number }).amount, (v as { currency: string }).currency] : [0, currency];
          if (value) amounts.set(cur, (amounts.get(cur) ?? 0) + value);
        }
      } else count = (await listRecords(machine.entity, { filter, limit: 1, count: true, fields: ['id'] })).count ?? 0;
      return { name: s.name, label: label(s.label), color: s.color, count, amounts, category: s.category };
    }),
  );
}

export default function DashboardPage() {
  const { model } = useMeta();
  const { t } = useI18n();
  const pipeline = model.machines.find((m) => m.kind === 'pipeline');
  return (
    <div className="page">
      <div className="page-head">
        <h1>{t('nav.dashboard')}</h1>
      </div>
      <div className="dashboard">
        {pipeline ? <PipelineCharts model={model} machine={pipeline} /> : <div className="card">{t('dashboard.noPipeline')}</div>}
        <TasksDue model={model} activity={model.entities.get(ACTIVITY_ENTITY)!} />
      </div>
    </div>
  );
}

function PipelineCharts({ model, machine }: { model: Model; machine: MachineModel }) {
  const { t, label, locale } = useI18n();
  const currency = model.pkg.manifest.defaultCurrency ?? 'PLN';
  const loaded = useLoad(() => stageFigures(machine, label, currency), [machine, label, currency]);
  if (loaded.error) return <ErrorBox error={loaded.error} onRetry={loaded.reload} />;
  if (!loaded.data) return <Spinner />;
  const figures = loaded.data;
  return (
    <>
      <section className="card" aria-label={t('dashboard.funnel')}>
        <div className="card-head">
          <h2>
            {t('dashboard.funnel')} · <Link to={`/board/${machine.name}`}>{label(machine.label)}</Link>
          </h2>
        </div>
        <Funnel stages={figures} label={t('dashboard.funnel')} />
        <table className="fields-table" data-testid="funnel-table">
          <tbody>
            {figures
              .filter((f) => f.category !== 'lost')
              .map((f) => (
                <tr key={f.name}>
                  <td>{f.label}</td>
                  <td>{f.count}</td>
                  <td>{f.amounts.size ? [...f.amounts].map(([cur, amount]) => formatMoney({ amount, currency: cur }, locale)).join(' + ') : formatMoney({ amount: 0, currency }, locale)}</td>
                </tr>
              ))}
          </tbody>
        </table>
      </section>
      <section className="card" aria-label={t('dashboard.byStage')}>
        <div className="card-head">
          <h2>{t('dashboard.byStage')}</h2>
        </div>
        <StageBars stages={figures} defaultCurrency={currency} label={t('dashboard.byStage')} />
      </section>
    </>
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
