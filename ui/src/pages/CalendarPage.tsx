// The calendar: activities whose kind is shown in the calendar (tasks, events, meetings, calls…)
// and the records of every entity type with a calendar view (reservations…), in month, week and
// day views, for one operator or several. Drag an entry to another day or hour to reschedule it
// (start and end move together; PATCH with If-Match).
import { useEffect, useMemo, useState, type DragEvent } from 'react';
import { ACTIVITY_ENTITY, USER_TARGET, type EntityModel, type Model } from '../../../metadata/browser.ts';
import { listAll, updateRecord, type ApiRecord } from '../api/records.ts';
import { users, type DirectoryUser } from '../api/users.ts';
import { useI18n } from '../app/i18n.tsx';
import { useProblemWords } from '../app/problems.ts';
import { useMeta } from '../app/meta.tsx';
import { Link, navigate, setQuery, useLocation } from '../app/router.tsx';
import { useSession } from '../app/session.tsx';
import { recordTitle } from '../components/format.ts';
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

/** Where entries come from: an entity type, its start/end fields, a filter, whose entry it is. */
interface Source {
  readonly key: string;
  readonly entity: EntityModel;
  readonly label: MetadataLabel;
  readonly start: string;
  readonly end?: string;
  readonly filter?: unknown;
  /** A reference to a user (assignee, booked by): the operator filter applies to it. */
  readonly operator?: string;
  readonly color: (record: ApiRecord) => string | undefined;
  /** A date that comes back every year (a birthday): shown on its day and month, not movable. */
  readonly yearly?: boolean;
}

type MetadataLabel = EntityModel['label'];

interface Entry {
  readonly source: Source;
  readonly record: ApiRecord;
}

const PALETTE = ['#0d9488', '#b45309', '#7c3aed', '#be123c', '#1d4ed8'];

/** The day a yearly date (YYYY-MM-DD) falls on in [from, to), if any; 29 February is the 28th in other years. */
export function yearlyOccurrence(date: string, from: Date, to: Date): string | null {
  const m = /^\d{4}-(\d{2})-(\d{2})/.exec(date);
  if (!m) return null;
  for (let year = from.getFullYear(); year <= to.getFullYear(); year++) {
    const leap = new Date(year, 1, 29).getMonth() === 1;
    const day = m[1] === '02' && m[2] === '29' && !leap ? 28 : Number(m[2]);
    const at = new Date(year, Number(m[1]) - 1, day);
    if (at >= from && at < to) return dayKey(at);
  }
  return null;
}

function calendarSources(model: Model): Source[] {
  const activity = model.entities.get(ACTIVITY_ENTITY)!;
  const kinds = model.activityKinds.filter((k) => k.calendar);
  const kindNames = (kinds.length ? kinds : model.activityKinds).map((k) => k.name);
  const colors = new Map(model.activityKinds.map((k) => [k.name, k.color]));
  const sources: Source[] = [
    { key: ACTIVITY_ENTITY, entity: activity, label: activity.pluralLabel, start: 'start_at', end: 'end_at', filter: { and: [{ kind: { in: kindNames } }, { status: { ne: 'cancelled' } }] }, operator: 'assignee', color: (r) => colors.get(String(r.kind)) },
  ];
  // Other entity types take part through a view of type "calendar": its first two date-time (or
  // date) columns are start and end, its filter applies.
  for (const view of model.views.filter((v) => v.type === 'calendar' && v.entity !== ACTIVITY_ENTITY)) {
    const entity = model.entities.get(view.entity);
    if (!entity) continue;
    const times = (view.columns ?? []).filter((c) => ['datetime', 'date'].includes(entity.fieldsByName.get(c)?.type ?? ''));
    if (!times[0]) continue;
    const operator = entity.fields.find((f) => f.type === 'reference' && f.target === USER_TARGET)?.name;
    const color = PALETTE[(sources.length - 1) % PALETTE.length];
    const yearly = view.recurrence === 'yearly';
    sources.push({ key: `${view.entity}.${view.name}`, entity, label: view.label, start: times[0], ...(times[1] && !yearly ? { end: times[1] } : {}), ...(view.filter ? { filter: view.filter } : {}), ...(operator ? { operator } : {}), color: () => color, ...(yearly ? { yearly } : {}) });
  }
  return sources;
}

export default function CalendarPage() {
  const { model } = useMeta();
  const { t, label, locale } = useI18n();
  const words = useProblemWords();
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
  const { may } = useSession();
  const sources = useMemo(() => calendarSources(model).filter((s) => may(s.entity.name, 'read')), [model, may]);
  const [hiddenSources, setHiddenSources] = useState<ReadonlySet<string>>(new Set());
  const [operators, setOperators] = useState<string[]>([]);
  const [directory, setDirectory] = useState<DirectoryUser[]>([]);
  const [moved, setMoved] = useState<Map<string, Entry>>(new Map());
  const [over, setOver] = useState<string | null>(null);
  useEffect(() => {
    users().then(setDirectory, () => setDirectory([]));
  }, []);

  const shown = sources.filter((src) => !hiddenSources.has(src.key));
  const loaded = useLoad(
    async () =>
      (
        await Promise.all(
          shown.map(async (source): Promise<Entry[]> => {
            if (source.yearly) {
              // Every record with the date, placed on its day of this period's year(s).
              const { data } = await listAll(source.entity.name, { filter: { and: [source.filter, { [source.start]: { isNull: false } }].filter(Boolean) } }, { max: 3000 });
              return data.flatMap((record) => {
                const day = yearlyOccurrence(String(record[source.start] ?? ''), from, to);
                return day ? [{ source, record: { ...record, [source.start]: day } }] : [];
              });
            }
            const byDate = source.entity.fieldsByName.get(source.start)?.type === 'date';
            const period = byDate ? [dayKey(from), dayKey(addDays(to, -1))] : [from.toISOString(), to.toISOString()];
            const filters = [source.filter, { [source.start]: { between: period } }, ...(operators.length && source.operator ? [{ [source.operator]: { in: operators } }] : [])].filter(Boolean);
            const { data } = await listAll(source.entity.name, { filter: { and: filters }, sort: source.start }, { max: 3000 });
            return data.map((record) => ({ source, record }));
          }),
        )
      ).flat(),
    [from.getTime(), to.getTime(), operators.join(','), shown.map((src) => src.key).join(',')],
  );
  const entries = useMemo(() => (loaded.data ?? []).map((e) => moved.get(e.record.id) ?? e), [loaded.data, moved]);

  const go = (step: number) => {
    const next = mode === 'month' ? new Date(anchor.getFullYear(), anchor.getMonth() + step, 1) : addDays(anchor, step * (mode === 'week' ? 7 : 1));
    setQuery({ date: dayKey(next) });
  };

  /** Moves an entry to a day (keeping its time) or to a day and hour; date fields move by days. */
  const reschedule = async (entry: Entry, target: Date, hour?: number) => {
    const { source, record } = entry;
    const isDate = (field: string) => source.entity.fieldsByName.get(field)?.type === 'date';
    const start = new Date(isDate(source.start) ? `${String(record[source.start])}T00:00:00` : String(record[source.start]));
    const next = new Date(target.getFullYear(), target.getMonth(), target.getDate(), hour ?? start.getHours(), start.getMinutes());
    const delta = next.getTime() - start.getTime();
    if (delta === 0) return;
    const shift = (field: string, value: unknown) => (isDate(field) ? dayKey(new Date(Date.parse(`${String(value)}T00:00:00`) + delta)) : new Date(Date.parse(String(value)) + delta).toISOString());
    const changes: Record<string, unknown> = { [source.start]: shift(source.start, record[source.start]) };
    if (source.end && typeof record[source.end] === 'string') changes[source.end] = shift(source.end, record[source.end]);
    setMoved((m) => new Map(m).set(record.id, { source, record: { ...record, ...changes } }));
    try {
      const saved = await updateRecord(source.entity.name, record.id, record.version, changes);
      setMoved((m) => new Map(m).set(record.id, { source, record: saved }));
      notify('success', t('calendar.moved'), recordTitle(source.entity, record));
    } catch (e) {
      setMoved((m) => new Map(m).set(record.id, entry));
      notify('error', t('common.error'), words.message(e, { entity: source.entity.name }));
    }
  };

  const drop = (e: DragEvent, target: Date, hour?: number) => {
    e.preventDefault();
    setOver(null);
    const entry = entries.find((x) => x.record.id === e.dataTransfer.getData('text/plain'));
    if (entry) void reschedule(entry, target, hour);
  };
  /** A click on an empty part of a day or an hour: a new activity there (an hour long; 09:00 on a day). */
  const newKind = model.activityKinds.find((k) => k.name === 'meeting' && k.calendar) ?? model.activityKinds.find((k) => k.calendar);
  const createAt = (target: Date, hour?: number) => (e: { target: EventTarget; currentTarget: EventTarget }) => {
    if (e.target !== e.currentTarget || !newKind || !may(ACTIVITY_ENTITY, 'create')) return;
    const start = new Date(target.getFullYear(), target.getMonth(), target.getDate(), hour ?? 9);
    const query = new URLSearchParams({ kind: newKind.name, start_at: start.toISOString(), end_at: new Date(start.getTime() + 3_600_000).toISOString() });
    navigate(`/r/${ACTIVITY_ENTITY}/new?${query.toString()}`);
  };
  const dropZone = (key: string, target: Date, hour?: number) => ({
    onClick: createAt(target, hour),
    onDragOver: (e: DragEvent) => {
      e.preventDefault();
      setOver(key);
    },
    onDragLeave: () => setOver((o) => (o === key ? null : o)),
    onDrop: (e: DragEvent) => drop(e, target, hour),
  });

  const startOf = ({ source, record }: Entry) => {
    const value = String(record[source.start]);
    return new Date(source.entity.fieldsByName.get(source.start)?.type === 'date' ? `${value}T00:00:00` : value);
  };
  const chip = (entry: Entry) => {
    const { source, record } = entry;
    const title = recordTitle(source.entity, record);
    const timed = source.entity.fieldsByName.get(source.start)?.type !== 'date';
    return (
      <div
        key={record.id}
        className={source.yearly ? 'calendar-event yearly' : 'calendar-event'}
        draggable={!source.yearly}
        data-source={source.key}
        data-id={record.id}
        title={`${label(source.label)}: ${title}`}
        style={{ ['--kind' as string]: source.color(record) ?? '#2f5bea' }}
        onDragStart={(e) => {
          e.dataTransfer.setData('text/plain', record.id);
          e.dataTransfer.effectAllowed = 'move';
        }}
      >
        <Link to={`/r/${source.entity.name}/${record.id}`} draggable={false}>
          {timed ? `${startOf(entry).toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit' })} ` : ''}
          {source.yearly ? `${label(source.label)}: ${title}` : title}
        </Link>
      </div>
    );
  };

  const byDay = new Map<string, Entry[]>();
  for (const entry of entries) {
    const key = dayKey(startOf(entry));
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
        <div className="toolbar" role="group" aria-label={t('calendar.sources')}>
          {sources.map((src) => (
            <label key={src.key} className="checkbox" style={{ paddingTop: 0 }}>
              <input
                type="checkbox"
                checked={!hiddenSources.has(src.key)}
                onChange={(e) =>
                  setHiddenSources((h) => {
                    const next = new Set(h);
                    if (e.target.checked) next.delete(src.key);
                    else next.add(src.key);
                    return next;
                  })
                }
              />
              <span>{label(src.label)}</span>
            </label>
          ))}
        </div>
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
                const h = startOf(e).getHours();
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
