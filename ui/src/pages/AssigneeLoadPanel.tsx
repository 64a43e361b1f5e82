// Scheduling help on an activity's form: the assignee's planned hours on the day of the start against
// their available hours, and a warning when this activity would overload them or overlaps one of
// theirs (GET /api/connectors/calendar/load). Shows nothing while the calendar connector is off.
import { useEffect, useState } from 'react';
import { calendarApi, type AssigneeLoad } from '../api/calendar.ts';
import { useI18n } from '../app/i18n.tsx';

type Values = Readonly<Record<string, unknown>>;

const hours = (minutes: number) => String(Math.round((minutes / 60) * 10) / 10);
const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : null);

/** The load for the form's assignee and times, asked again after each pause in editing. */
function useAssigneeLoad(values: Values, exclude: string | undefined): AssigneeLoad | null {
  const user = text(values.assignee);
  const start = text(values.start_at);
  const end = text(values.end_at);
  const [load, setLoad] = useState<AssigneeLoad | null>(null);
  useEffect(() => {
    if (!user || !start || Number.isNaN(new Date(start).getTime())) {
      setLoad(null);
      return;
    }
    const controller = new AbortController();
    const timer = setTimeout(() => {
      const query = { user, start: new Date(start).toISOString(), ...(end && !Number.isNaN(new Date(end).getTime()) ? { end: new Date(end).toISOString() } : {}), ...(exclude ? { exclude } : {}) };
      calendarApi.load(query, controller.signal).then(setLoad, () => setLoad(null));
    }, 300);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [user, start, end, exclude]);
  return load;
}

/** `timeZone`: the business zone (the server counts the day in it; times are shown in it too). */
export function AssigneeLoadPanel({ values, exclude, timeZone }: { values: Values; exclude?: string; timeZone: string }) {
  const { t, locale } = useI18n();
  const load = useAssigneeLoad(values, exclude);
  if (!load) return null;
  const time = (iso: string) => new Date(iso).toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit', timeZone });
  const day = new Date(`${load.day}T12:00:00Z`).toLocaleDateString(locale, { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
  const warn = load.overloaded || load.conflicts.length > 0;
  const busy = hours(load.busyMinutes);
  return (
    <div className={`assignee-load${warn ? ' warn' : ''}`} role="status" aria-live="polite" data-testid="assignee-load">
      <strong>{load.capacityMinutes === null ? t('load.titleNoCapacity', { day, busy }) : t('load.title', { day, busy, capacity: hours(load.capacityMinutes) })}</strong>
      {load.overloaded && load.capacityMinutes !== null && <p data-testid="assignee-overload">{t('load.overloaded', { total: hours(load.busyMinutes + load.proposedMinutes), capacity: hours(load.capacityMinutes) })}</p>}
      {load.conflicts.length > 0 && (
        <p data-testid="assignee-conflicts">
          {t('load.conflict')} {load.conflicts.map((c) => `${c.subject ?? t('load.busy')} (${time(c.start)}–${c.end ? time(c.end) : ''})`).join(', ')}
        </p>
      )}
      {load.items.length === 0 ? (
        <p className="muted">{t('load.free')}</p>
      ) : (
        <ul className="assignee-load-items">
          {load.items.map((item) => (
            <li key={item.id}>
              {time(item.start)}
              {item.end ? `–${time(item.end)}` : ''} {item.subject ?? t('load.busy')}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
