// Tasks: "my tasks" (assigned to me, and the unassigned tasks of my teams' queues, which I can
// take), "tasks from me" (created by me for others), and daily tracking per operator (done / not
// done per day). Main tasks show their sub-tasks (the `parent` link), their own progress and priority;
// completing a task is one click (status resolved, 100 % done).
import { lazy, Suspense, useMemo, useState } from 'react';
import { ACTIVITY_ENTITY, type EntityModel, type Model } from '../../../metadata/browser.ts';
import { ApiError } from '../api/client.ts';
import { listAll, updateRecord, type ApiRecord } from '../api/records.ts';
import { workflowTaskOf } from '../api/workflows.ts';
import { MY_TASKS, taskKinds } from '../app/activities.ts';
import { useI18n } from '../app/i18n.tsx';
import { useMeta } from '../app/meta.tsx';
import { Link, navigate } from '../app/router.tsx';
import { useSession } from '../app/session.tsx';
import { displayValue, formatDateTime, recordTitle } from '../components/format.ts';
import { Chip, ErrorBox, Spinner, useLoad, useNotify } from '../components/ui.tsx';

type Tab = 'mine' | 'fromMe' | 'daily';

// The form library comes with the dialog, only when a workflow task is completed.
const WorkflowTaskDialog = lazy(() => import('../form/WorkflowTaskDialog.tsx'));

const day = (d: Date) => d.toISOString().slice(0, 10);

/** Filters of the tabs, in the API's filter language (`$me`: the signed-in user). */
const TAB_FILTERS = { mine: MY_TASKS, fromMe: { created_by: { eq: '$me' } } } as const;

/** The embedded user and team of a task (includes), or null. */
const embedded = (value: unknown): Record<string, unknown> | null => (value && typeof value === 'object' ? (value as Record<string, unknown>) : null);

export default function TasksPage() {
  const { model } = useMeta();
  const { t } = useI18n();
  const [tab, setTab] = useState<Tab>('mine');
  const activity = model.entities.get(ACTIVITY_ENTITY)!;
  return (
    <div className="page">
      <div className="page-head">
        <h1>{t('nav.tasks')}</h1>
        <div className="page-actions">
          <Link className="btn btn-primary" to={`/r/${ACTIVITY_ENTITY}/new?kind=${taskKinds(model)[0] ?? ''}`}>
            {t('common.new')}
          </Link>
        </div>
      </div>
      <div className="tabs" role="tablist">
        {(['mine', 'fromMe', 'daily'] as const).map((name) => (
          <button key={name} type="button" role="tab" aria-selected={tab === name} className={tab === name ? 'tab active' : 'tab'} onClick={() => setTab(name)}>
            {t(`tasks.${name}`)}
          </button>
        ))}
      </div>
      {tab === 'daily' ? <DailyTracking model={model} activity={activity} /> : <TaskList key={tab} model={model} activity={activity} tab={tab} />}
    </div>
  );
}

function TaskList({ model, activity, tab }: { model: Model; activity: EntityModel; tab: 'mine' | 'fromMe' }) {
  const { t, language, locale } = useI18n();
  const { me } = useSession();
  const notify = useNotify();
  const [showDone, setShowDone] = useState(false);
  const [changed, setChanged] = useState<Map<string, ApiRecord>>(new Map());
  const [workflowTask, setWorkflowTask] = useState<{ task: ApiRecord } | null>(null);
  const userId = me?.user.id ?? '';
  const kinds = taskKinds(model);
  const loaded = useLoad(
    () =>
      listAll(
        ACTIVITY_ENTITY,
        {
          filter: { and: [{ kind: { in: kinds } }, TAB_FILTERS[tab], ...(showDone ? [] : [{ status: { eq: 'open' } }])] },
          sort: 'deadline,-created_at',
          include: ['assignee', 'team'],
        },
        { max: 1000 },
      ),
    [tab, userId, showDone, kinds.join(',')],
  );
  const tasks = useMemo(() => (loaded.data?.data ?? []).map((r) => changed.get(r.id) ?? r), [loaded.data, changed]);
  const byParent = useMemo(() => {
    const ids = new Set(tasks.map((r) => r.id));
    const children = new Map<string, ApiRecord[]>();
    const roots: ApiRecord[] = [];
    for (const task of tasks) {
      const parent = typeof task.parent === 'string' && ids.has(task.parent) ? task.parent : null;
      if (parent) children.set(parent, [...(children.get(parent) ?? []), task]);
      else roots.push(task);
    }
    return { roots, children };
  }, [tasks]);

  /** A saved task keeps the embedded assignee and team the list showed (the write returns ids). */
  const saved = (record: ApiRecord, task: ApiRecord, assignee: unknown = task.assignee): ApiRecord => ({ ...record, assignee, team: task.team });

  const report = (e: unknown) =>
    notify('error', t('common.error'), e instanceof ApiError ? [e.problem.detail, ...(e.problem.errors ?? []).map((p) => `${p.pointer.slice(1)}: ${p.detail}`)].join(' — ') : String(e));

  /** Taking a task of my team's queue: I become its assignee. */
  const take = async (task: ApiRecord) => {
    try {
      const record = await updateRecord(ACTIVITY_ENTITY, task.id, task.version, { assignee: userId });
      setChanged((m) => new Map(m).set(task.id, saved(record, task, { id: userId, display_name: me?.user.displayName ?? '' })));
      notify('success', t('tasks.taken'), String(task.subject));
    } catch (e) {
      report(e);
      loaded.reload();
    }
  };

  /** A workflow's open user task opens in its form (the process gets the data); true when it did. */
  const openWorkflowTask = async (task: ApiRecord): Promise<boolean> => {
    const workflow = await workflowTaskOf(task.id);
    if (!workflow || workflow.endedAt !== null) return false;
    setWorkflowTask({ task });
    return true;
  };

  /** Clicking a task: a workflow task opens its process form, any other its record. */
  const open = async (task: ApiRecord) => {
    try {
      if (task.status === 'open' && (await openWorkflowTask(task))) return;
    } catch (e) {
      return report(e);
    }
    navigate(`/r/${ACTIVITY_ENTITY}/${task.id}`);
  };

  const complete = async (task: ApiRecord) => {
    try {
      if (await openWorkflowTask(task)) return;
    } catch (e) {
      return report(e);
    }
    // Ticked at once; undone if the server refuses (e.g. a field the kind requires when resolved).
    setChanged((m) => new Map(m).set(task.id, { ...task, status: 'resolved', percent_done: 100 }));
    try {
      const record = await updateRecord(ACTIVITY_ENTITY, task.id, task.version, { status: 'resolved', percent_done: 100 });
      setChanged((m) => new Map(m).set(task.id, saved(record, task)));
      notify('success', t('tasks.completed'), String(task.subject));
    } catch (e) {
      setChanged((m) => new Map(m).set(task.id, task));
      report(e);
    }
  };

  const now = Date.now();
  const row = (task: ApiRecord, sub: boolean) => {
    const done = task.status !== 'open';
    const children = byParent.children.get(task.id) ?? [];
    const priority = displayValue(model, activity, activity.fieldsByName.get('priority'), task.priority, language, locale);
    const deadline = typeof task.deadline === 'string' ? task.deadline : null;
    const overdue = !done && deadline !== null && Date.parse(deadline) < now;
    // A main task's progress is its own (sub-tasks are counted beside it, "n/m sub-tasks").
    const percent = Number(task.percent_done ?? 0);
    const assignee = embedded(task.assignee);
    const team = embedded(task.team);
    // Unassigned in one of my teams' queues ("my tasks" lists only those): anyone of the team may take it.
    const takeable = tab === 'mine' && !done && task.assignee === null && team !== null;
    return (
      <li key={task.id} className={`task${done ? ' done' : ''}${sub ? ' task-sub' : ''}`} data-task={task.id}>
        <input type="checkbox" aria-label={`${t('tasks.complete')}: ${String(task.subject)}`} checked={done} disabled={done} onChange={() => void complete(task)} />
        <div className="task-main">
          <Link
            to={`/r/${ACTIVITY_ENTITY}/${task.id}`}
            className="task-subject"
            onClick={(e) => {
              if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
              e.preventDefault();
              void open(task);
            }}
          >
            {String(task.subject)}
          </Link>
          <div className="task-meta">
            <Chip color={priority.color}>{priority.text}</Chip>
            {deadline && (
              <span className={overdue ? 'overdue' : ''}>
                {overdue ? t('tasks.overdue') : t('tasks.due')}: {formatDateTime(deadline, locale)}
              </span>
            )}
            {assignee ? <span>{recordTitle(undefined, assignee)}</span> : null}
            {team && !assignee ? <span className="task-team">{t('tasks.teamQueue', { team: recordTitle(undefined, team) })}</span> : team ? <span>{recordTitle(undefined, team)}</span> : null}
            {takeable && (
              <button type="button" className="btn btn-small" onClick={() => void take(task)}>
                {t('tasks.take')}
              </button>
            )}
            {children.length > 0 && <span>{t('tasks.subtasks', { done: children.filter((c) => c.status !== 'open').length, n: children.length })}</span>}
          </div>
        </div>
        <div className="task-progress" title={`${percent} %`}>
          <span className="progress">
            <span style={{ width: `${percent}%` }} />
          </span>{' '}
          <span className="muted">{percent} %</span>
        </div>
      </li>
    );
  };

  return (
    <div className="card">
      <div className="toolbar">
        <label className="checkbox" style={{ paddingTop: 0 }}>
          <input type="checkbox" checked={showDone} onChange={(e) => setShowDone(e.target.checked)} />
          <span>{t('tasks.showDone')}</span>
        </label>
      </div>
      {loaded.error ? <ErrorBox error={loaded.error} onRetry={loaded.reload} /> : null}
      {loaded.loading && !loaded.data ? <Spinner /> : null}
      {loaded.data && tasks.length === 0 && <div className="empty-state">{t('list.empty')}</div>}
      <ul className="task-list">{byParent.roots.flatMap((task) => [row(task, false), ...(byParent.children.get(task.id) ?? []).map((c) => row(c, true))])}</ul>
      {workflowTask && (
        <Suspense fallback={null}>
          <WorkflowTaskDialog
            activity={workflowTask.task}
            onClose={() => setWorkflowTask(null)}
            onDone={() => {
              const { task } = workflowTask;
              setWorkflowTask(null);
              setChanged((m) => new Map(m).set(task.id, { ...task, status: 'resolved', percent_done: 100 }));
              notify('success', t('tasks.completed'), String(task.subject));
            }}
          />
        </Suspense>
      )}
    </div>
  );
}

/** Per operator and day: tasks due that day, done and not done (last week and the next one). */
function DailyTracking({ model, activity }: { model: Model; activity: EntityModel }) {
  const { t, locale } = useI18n();
  const days = useMemo(() => {
    const start = new Date();
    start.setHours(0, 0, 0, 0);
    start.setDate(start.getDate() - 6);
    return Array.from({ length: 14 }, (_, i) => {
      const d = new Date(start);
      d.setDate(start.getDate() + i);
      return d;
    });
  }, []);
  const kinds = taskKinds(model);
  const loaded = useLoad(
    () =>
      listAll(ACTIVITY_ENTITY, { filter: { and: [{ kind: { in: kinds } }, { deadline: { between: [days[0]!.toISOString(), new Date(days[13]!.getTime() + 86_400_000).toISOString()] } }] }, include: ['assignee'], fields: ['id', 'status', 'deadline', 'assignee'] }, { max: 5000 }),
    [kinds.join(',')],
  );
  void activity;
  if (loaded.error) return <ErrorBox error={loaded.error} />;
  if (!loaded.data) return <Spinner />;
  const operators = new Map<string, { name: string; cells: Map<string, { done: number; open: number }> }>();
  for (const task of loaded.data.data) {
    const assignee = task.assignee && typeof task.assignee === 'object' ? (task.assignee as Record<string, unknown>) : null;
    const key = assignee ? String(assignee.id) : '';
    const entry = operators.get(key) ?? { name: assignee ? recordTitle(undefined, assignee) : t('tasks.unassigned'), cells: new Map() };
    const date = day(new Date(String(task.deadline)));
    const cell = entry.cells.get(date) ?? { done: 0, open: 0 };
    if (task.status === 'open') cell.open++;
    else cell.done++;
    entry.cells.set(date, cell);
    operators.set(key, entry);
  }
  return (
    <div className="card" style={{ overflowX: 'auto' }}>
      <table className="daily">
        <thead>
          <tr>
            <th>{t('tasks.operator')}</th>
            {days.map((d) => (
              <th key={day(d)}>{d.toLocaleDateString(locale, { weekday: 'short', day: 'numeric', month: 'numeric' })}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {[...operators.values()].map((op) => (
            <tr key={op.name}>
              <td>{op.name}</td>
              {days.map((d) => {
                const cell = op.cells.get(day(d));
                return (
                  <td key={day(d)} title={cell ? `${cell.done} ${t('tasks.done')}, ${cell.open} ${t('tasks.notDone')}` : ''}>
                    {cell ? (
                      <>
                        <span className="ok">✓{cell.done}</span> <span className="ko">✗{cell.open}</span>
                      </>
                    ) : (
                      ''
                    )}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
      {operators.size === 0 && <div className="empty-state">{t('list.empty')}</div>}
    </div>
  );
}
