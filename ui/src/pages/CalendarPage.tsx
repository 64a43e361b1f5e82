// The calendar of activities whose kind is shown in the calendar (tasks, events, meetings, calls…):
// month, week and day views, one operator or several, drag an entry to another day or hour to
// reschedule it (start and end move together; PATCH with If-Match).
import { useEffect, useMemo, useState, type DragEvent } from 'react';
import { ACTIVITY_ENTITY } from '../../../metadata/activity.ts';
import { ApiError } from '../api/client.ts';
import { listAll, updateRecord, type ApiRecord } from '../api/records.ts';
import { users, type DirectoryUser } from '../api/users.ts';
import { useI18n } from '../app/i18n.tsx';
import { useMeta } from '../app/meta.tsx';
import { Link, setQuery, useLocation } from '../app/router.tsx';
import { ErrorBox, Spinner, useLoad, useNotify } from '../components/ui.tsx';

type Mode = 'month' | 'week' | 'day';
const HOURS = Array.from({ length: 14 }, (_, i) => i + 7); // 07:00–20:00

const startOfDay = (d: Date) => new Date(d.getFullYear(), d.getMonth(), d.getDate());
const addDays = (d: Date, n: number) => new Date(d.getFullYear(), d.getMonth(), d.getDate() + n);
const dayKey = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
const monday = (d: Date) => addDays(startOfDay(d), -((d.getDay() + 6) % 7));

function range(mode: Mode, anchor: Date): { from: Date; days: Date[] } {
  if (mode === 'day') return { from: startOfDay(anchor), days: [startOfDay(anchor)] };
  if (mode === 'week') {
    const from = monday(anchor);
    return { from, days: Array.from({ length: 7 }, (_, i) => addDays(from, i)) };
  }
  const from = monday(new Date(anchor.getFullYear(), anchor.getMonth(), 1));
  return { from, days: Array.from({ length: 42 }, (_, i) => addDays(from, i)) };
}

export default function CalendarPage() {
  const { model } = useMeta();
  const { t, label, locale } = useI18n();
  const notify = useNotify();
  const location = useLocation();
  const mode = (['month', 'week', 'day'].includes(location.query.get('mode') ?? '') ? location.query.get('mode') : 'month') as Mode;
  const anchor = useMemo(() => {
    const text = location.query.get('date');
    const d = text ? new Date(`${text}T00:00:00`) : new Date();
    return Number.isNaN(d.getTime()) ? new Date() : d;
  }, [location.query]);
  const { from, days } = range(mode, anchor);
  const to = addDays(days[days.length - 1]!, 1);
  const kinds = model.activityKinds.filter((k) => k.calendar);
  const kindNames = (kinds.length ? kinds : model.activityKinds).map((k) => k.name);
  const colors = new Map(model.activityKinds.map((k) => [k.name, k.color]));
  const [operators, setOperators] = useState<string[]>([]);
  const [directory, setDirectory] = useState<DirectoryUser[]>([]);
  const [moved, setMoved] = useState<Map<string, ApiRecord>>(new Map());
  const [over, setOver] = useState<string | null>(null);
  useEffect(() => {
    users().then(setDirectory, () => setDirectory([]));
  }, []);

  const loaded = useLoad(
    () =>
      listAll(
        ACTIVITY_ENTITY,
        {
          filter: { and: [{ kind: { in: kindNames } }, { start_at: { between: [from.toISOString(), to.toISOString()] } }, { status: { ne: 'cancelled' } }, ...(operators.length ? [{ assignee: { in: operators } }] : [])] },
          sort: 'start_at',
          fields: ['id', 'version', 'subject', 'kind', 'start_at', 'end_at', 'assignee', 'status'],
        },
        { max: 3000 },
      ),
    [from.getTime(), to.getTime(), operators.join(','), kindNames.join(',')],
  );
  const entries = useMemo(() => (loaded.data?.data ?? []).map((r) => moved.get(r.id) ?? r), [loaded.data, moved]);

  const go = (step: number) => {
    const next = mode === 'month' ? new Date(anchor.getFullYear(), anchor.getMonth() + step, 1) : addDays(anchor, step * (mode === 'week' ? 7 : 1));
    setQuery({ date: dayKey(next) });
  };

  /** Moves an entry to a day (keeping its time) or to a day and hour. */
  const reschedule = async (entry: ApiRecord, target: Date, hour?: number) => {
    const start = new Date(String(entry.start_at));
    const next = new Date(target.getFullYear(), target.getMonth(), target.getDate(), hour ?? start.getHours(), start.getMinutes());
    const delta = next.getTime() - start.getTime();
    if (delta === 0) return;
    const changes: Record<string, unknown> = { start_at: next.toISOString() };
    if (typeof entry.end_at === 'string') changes.end_at = new Date(Date.parse(entry.end_at) + delta).toISOString();
    setMoved((m) => new Map(m).set(entry.id, { ...entry, ...changes }));
    try {
      const saved = await updateRecord(ACTIVITY_ENTITY, entry.id, entry.version, changes);
      setMoved((m) => new Map(m).set(entry.id, saved));
      notify('success', t('calendar.moved'), String(entry.subject));
    } catch (e) {
      setMoved((m) => new Map(m).set(entry.id, entry));
      notify('error', t('common.error'), e instanceof ApiError ? e.problem.detail : String(e));
    }
  };

  const drop = (e: DragEvent, target: Date, hour?: number) => {
    e.preventDefault();
    setOver(null);
    const entry = entries.find((r) => r.id === e.dataTransfer.getData('text/plain'));
    if (entry) void reschedule(entry, target, hour);
  };
  const dropZone = (key: string, target: Date, hour?: number) => ({
    onDragOver: (e: DragEvent) => {
      e.preventDefault();
      setOver(key);
    },
    onDragLeave: () => setOver((o) => (o === key ? null : o)),
    onDrop: (e: DragEvent) => drop(e, target, hour),
  });

  const chip = (entry: ApiRecord) => {
    const start = new Date(String(entry.start_at));
    return (
      <div
        key={entry.id}
        className="calendar-event"
        draggable
        data-id={entry.id}
        title={String(entry.subject)}
        style={{ ['--kind' as string]: colors.get(String(entry.kind)) ?? '#2f5bea' }}
        onDragStart={(e) => {
          e.dataTransfer.setData('text/plain', entry.id);
          e.dataTransfer.effectAllowed = 'move';
        }}
      >
        <Link to={`/r/${ACTIVITY_ENTITY}/${entry.id}`} draggable={false}>
          {start.toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit' })} {String(entry.subject)}
        </Link>
      </div>
    );
  };

  const byDay = new Map<string, ApiRecord[]>();
  for (const entry of entries) {
    const key = dayKey(new Date(String(entry.start_at)));
    byDay.set(key, [...(byDay.get(key) ?? []), entry]);
  }
  const today = dayKey(new Date());
  const title = mode === 'month' ? anchor.toLocaleDateString(locale, { month: 'long', year: 'numeric' }) : mode === 'week' ? `${days[0]!.toLocaleDateString(locale)} – ${days[6]!.toLocaleDateString(locale)}` : anchor.toLocaleDateString(locale, { dateStyle: 'full' });

  return (
    <div className="page">
      <div className="page-head">
        <h1>{t('nav.calendar')}</h1>
        <span className="muted" data-testid="calendar-title">
          {title}
        </span>
      </div>
      <div className="calendar-head">
        <button type="button" className="btn" onClick={() => go(-1)} aria-label={t('calendar.prev')}>
          ‹
        </button>
        <button type="button" className="btn" onClick={() => setQuery({ date: null })}>
          {t('common.today')}
        </button>
        <button type="button" className="btn" onClick={() => go(1)} aria-label={t('calendar.next')}>
          ›
        </button>
        <div className="lang-switch" role="group" aria-label="view">
          {(['day', 'week', 'month'] as const).map((m) => (
            <button key={m} type="button" className={m === mode ? 'active' : ''} aria-pressed={m === mode} onClick={() => setQuery({ mode: m === 'month' ? null : m })}>
              {t(`calendar.${m}`)}
            </button>
          ))}
        </div>
        <details className="dropdown">
          <summary className="btn">
            {t('calendar.operators')}: {operators.length === 0 ? t('common.all') : directory.filter((u) => operators.includes(u.id)).map((u) => u.displayName).join(', ')}
          </summary>
          <div className="dropdown-panel" role="group" aria-label={t('calendar.operators')}>
            {directory.filter((u) => u.active).map((u) => (
              <label key={u.id} className="checkbox">
                <input type="checkbox" checked={operators.includes(u.id)} onChange={(e) => setOperators((ops) => (e.target.checked ? [...ops, u.id] : ops.filter((o) => o !== u.id)))} />
                <span>{u.displayName}</span>
              </label>
            ))}
            {operators.length > 0 && (
              <button type="button" className="btn btn-small" onClick={() => setOperators([])}>
                {t('common.all')}
              </button>
            )}
          </div>
        </details>
        <span className="muted">{kinds.map((k) => label(k.label)).join(' · ')}</span>
      </div>
      {loaded.error ? <ErrorBox error={loaded.error} onRetry={loaded.reload} /> : null}
      {loaded.loading && !loaded.data ? <Spinner /> : null}
      {mode === 'month' ? (
        <div className="calendar-grid" style={{ gridTemplateColumns: 'repeat(7, minmax(0, 1fr))' }}>
          {days.slice(0, 7).map((d) => (
            <div key={`h${dayKey(d)}`} className="calendar-weekday">
              {d.toLocaleDateString(locale, { weekday: 'short' })}
            </div>
          ))}
          {days.map((d) => {
            const key = dayKey(d);
            return (
              <div key={key} data-day={key} className={`calendar-cell${d.getMonth() !== anchor.getMonth() ? ' other-month' : ''}${key === today ? ' today' : ''}${over === key ? ' drop-target' : ''}`} {...dropZone(key, d)}>
                <span className="calendar-day">{d.getDate()}</span>
                {(byDay.get(key) ?? []).map(chip)}
              </div>
            );
          })}
        </div>
      ) : (
        <div className="calendar-hours" style={{ ['--days' as string]: days.length }}>
          <div className="calendar-weekday" />
          {days.map((d) => (
            <div key={`h${dayKey(d)}`} className="calendar-weekday">
              {d.toLocaleDateString(locale, { weekday: 'short', day: 'numeric', month: 'numeric' })}
            </div>
          ))}
          {HOURS.map((hour) => [
            <div key={`l${hour}`} className="calendar-hour-label">
              {String(hour).padStart(2, '0')}:00
            </div>,
            ...days.map((d) => {
              const key = `${dayKey(d)}T${hour}`;
              const inSlot = (byDay.get(dayKey(d)) ?? []).filter((e) => {
                const h = new Date(String(e.start_at)).getHours();
                return h === hour || (hour === HOURS[0] && h < hour) || (hour === HOURS[HOURS.length - 1] && h > hour);
              });
              return (
                <div key={key} data-slot={key} className={`calendar-slot${over === key ? ' drop-target' : ''}`} {...dropZone(key, d, hour)}>
                  {inSlot.map(chip)}
                </div>
              );
            }),
          ])}
        </div>
      )}
    </div>
  );
}
