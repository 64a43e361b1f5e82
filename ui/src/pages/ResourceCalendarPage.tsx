// Resource calendar (#14): one row per resource (rooms, cars, devices), one column per hour of the
// day (07:00–20:00), the reservations and blocks on it coloured by status. A click on a free slot
// creates a one-hour reservation of that resource and opens it. Reservations are the records of the
// entity type with a many-to-many link to `resource` and a calendar view (its first two date-time
// columns are start and end, its filter applies: cancelled ones are left out). `?mode=week`: the
// week grid (ResourceWeekGrid.tsx: days as columns, "+" to book, drag to move).
import { useMemo, useState } from 'react';
import type { EntityModel, Model } from '../../../metadata/browser.ts';
import { createRecord, listAll, type ApiRecord } from '../api/records.ts';
import { useI18n } from '../app/i18n.tsx';
import { useMeta } from '../app/meta.tsx';
import { useProblemWords } from '../app/problems.ts';
import { Link, navigate, setQuery, useLocation } from '../app/router.tsx';
import { useSession } from '../app/session.tsx';
import { recordTitle } from '../components/format.ts';
import { ErrorBox, Spinner, useLoad, useNotify } from '../components/ui.tsx';
import { addDays, dayKey, mondayOf, ResourceWeekGrid } from './ResourceWeekGrid.tsx';

const FIRST_HOUR = 7;
const HOURS = Array.from({ length: 14 }, (_, i) => i + FIRST_HOUR); // 07:00–20:00

interface Booking {
  readonly entity: EntityModel;
  readonly link: string;
  readonly start: string;
  readonly end: string;
  readonly filter?: unknown;
}

/** Where reservations come from, or null when the model has no resources to book. */
function bookingSource(model: Model): { resource: EntityModel; booking: Booking } | null {
  const resource = model.entities.get('resource');
  if (!resource) return null;
  for (const view of model.views.filter((v) => v.type === 'calendar')) {
    const entity = model.entities.get(view.entity);
    const link = entity?.fields.find((f) => f.type === 'manyToMany' && f.target === 'resource');
    if (!entity || !link) continue;
    const times = (view.columns ?? []).filter((c) => entity.fieldsByName.get(c)?.type === 'datetime');
    if (times.length < 2) continue;
    return { resource, booking: { entity, link: link.name, start: times[0]!, end: times[1]!, ...(view.filter ? { filter: view.filter } : {}) } };
  }
  return null;
}

const linkedIds = (value: unknown): string[] =>
  Array.isArray(value) ? value.map((v) => (typeof v === 'string' ? v : String((v as { id?: unknown }).id))) : [];

export default function ResourceCalendarPage() {
  const { model } = useMeta();
  const { t, label, locale } = useI18n();
  const words = useProblemWords();
  const notify = useNotify();
  const location = useLocation();
  const { may } = useSession();
  const source = useMemo(() => bookingSource(model), [model]);
  const day = useMemo(() => {
    const text = location.query.get('date');
    const d = text ? new Date(`${text}T00:00:00`) : new Date();
    return Number.isNaN(d.getTime()) ? new Date(new Date().setHours(0, 0, 0, 0)) : new Date(d.setHours(0, 0, 0, 0));
  }, [location.query]);
  const week = location.query.get('mode') === 'week';
  const first = week ? mondayOf(day) : day;
  const [busy, setBusy] = useState<string | null>(null);
  const loaded = useLoad(async () => {
    if (!source) return { resources: [] as ApiRecord[], bookings: [] as ApiRecord[] };
    const { resource, booking } = source;
    const from = first.toISOString();
    const to = addDays(first, week ? 7 : 1).toISOString();
    const [resources, bookings] = await Promise.all([
      listAll(resource.name, { sort: resource.displayField ?? 'created_at' }, { max: 500 }),
      listAll(
        booking.entity.name,
        { filter: { and: [booking.filter, { [booking.start]: { lt: to } }, { [booking.end]: { gt: from } }].filter(Boolean) }, sort: booking.start },
        { max: 3000 },
      ),
    ]);
    return { resources: resources.data, bookings: bookings.data };
  }, [first.getTime(), week, source?.booking.entity.name]);

  if (!source || !may(source.resource.name, 'read') || !may(source.booking.entity.name, 'read')) {
    return (
      <div className="page">
        <div className="page-head">
          <h1>{t('resourceCalendar.title')}</h1>
        </div>
        <p className="muted">{t('resourceCalendar.none')}</p>
      </div>
    );
  }
  const { resource, booking } = source;
  const stateColors = new Map((booking.entity.machines.get('status')?.states ?? []).map((s) => [s.name, s.color]));
  const canCreate = may(booking.entity.name, 'create');

  /** The columns a booking covers on this day's grid (clipped to 07:00–21:00), or null when outside. */
  const span = (record: ApiRecord): [number, number] | null => {
    const start = new Date(String(record[booking.start]));
    const end = new Date(String(record[booking.end]));
    const hourOf = (d: Date) => (d.getTime() - day.getTime()) / 3_600_000;
    const from = Math.max(FIRST_HOUR, Math.floor(hourOf(start)));
    const to = Math.min(FIRST_HOUR + HOURS.length, Math.ceil(hourOf(end)));
    return to > from ? [from, to] : null;
  };

  const reserve = async (resourceRecord: ApiRecord, start: Date) => {
    const key = `${resourceRecord.id}T${start.toISOString()}`;
    setBusy(key);
    try {
      const made = await createRecord(booking.entity.name, {
        [booking.entity.displayField ?? 'title']: t('resourceCalendar.newReservation'),
        [booking.start]: start.toISOString(),
        [booking.end]: new Date(start.getTime() + 3_600_000).toISOString(),
        [booking.link]: [{ id: resourceRecord.id }],
      });
      notify('success', t('resourceCalendar.created'), recordTitle(booking.entity, made));
      navigate(`/r/${booking.entity.name}/${made.id}`);
    } catch (error) {
      notify('error', t('common.error'), words.message(error, { entity: booking.entity.name }));
      setBusy(null);
    }
  };

  const resources = loaded.data?.resources ?? [];
  const bookings = loaded.data?.bookings ?? [];
  const title = week
    ? `${first.toLocaleDateString(locale, { day: 'numeric', month: 'long' })} – ${addDays(first, 6).toLocaleDateString(locale, { day: 'numeric', month: 'long', year: 'numeric' })}`
    : day.toLocaleDateString(locale, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
  const step = week ? 7 : 1;
  return (
    <div className="page">
      <div className="page-head">
        <h1>{t('resourceCalendar.title')}</h1>
        <span className="muted" data-testid="resource-calendar-day">
          {title}
        </span>
      </div>
      <div className="calendar-head">
        <button type="button" className="btn" onClick={() => setQuery({ date: dayKey(addDays(day, -step)) })} aria-label={t('calendar.prev')}>
          ‹
        </button>
        <button type="button" className="btn" onClick={() => setQuery({ date: null })}>
          {t('common.today')}
        </button>
        <button type="button" className="btn" onClick={() => setQuery({ date: dayKey(addDays(day, step)) })} aria-label={t('calendar.next')}>
          ›
        </button>
        <div className="lang-switch" role="group" aria-label="view">
          {(['day', 'week'] as const).map((m) => (
            <button
              key={m}
              type="button"
              className={(m === 'week') === week ? 'active' : ''}
              aria-pressed={(m === 'week') === week}
              onClick={() => setQuery({ mode: m === 'day' ? null : m })}
            >
              {t(`calendar.${m}`)}
            </button>
          ))}
        </div>
        <Link to="/calendar" className="btn">
          {t('nav.calendar')}
        </Link>
      </div>
      {loaded.error ? <ErrorBox error={loaded.error} onRetry={loaded.reload} /> : null}
      {loaded.loading && !loaded.data ? <Spinner /> : null}
      {week ? (
        <ResourceWeekGrid
          resource={resource}
          booking={booking}
          monday={first}
          resources={resources}
          bookings={bookings}
          canCreate={canCreate && busy === null}
          canUpdate={may(booking.entity.name, 'update')}
          colorOf={(status) => stateColors.get(status) ?? '#2563eb'}
          reserve={(r, start) => void reserve(r, start)}
          onMoved={() => undefined}
        />
      ) : (
        <div
          className="resource-grid"
          role="grid"
          aria-label={label(resource.pluralLabel ?? resource.label)}
          style={{ gridTemplateColumns: `minmax(8rem, 14rem) repeat(${HOURS.length}, minmax(2.5rem, 1fr))` }}
        >
          <div className="resource-grid-corner" role="columnheader" style={{ gridRow: 1, gridColumn: 1 }} />
          {HOURS.map((h) => (
            <div key={h} className="resource-grid-hour" role="columnheader" data-hour={h} style={{ gridRow: 1, gridColumn: h - FIRST_HOUR + 2 }}>
              {String(h).padStart(2, '0')}:00
            </div>
          ))}
          {resources.map((r, index) => {
            const row = index + 2;
            const mine = bookings.filter((b) => linkedIds(b[booking.link]).includes(r.id));
            return [
              <div key={`${r.id}-name`} className="resource-grid-name" role="rowheader" style={{ gridRow: row, gridColumn: 1 }}>
                <Link to={`/r/${resource.name}/${r.id}`}>{recordTitle(resource, r)}</Link>
              </div>,
              ...HOURS.map((h) => (
                <button
                  key={`${r.id}-${h}`}
                  type="button"
                  className="resource-grid-slot"
                  data-slot={`${r.id}T${h}`}
                  style={{ gridRow: row, gridColumn: h - FIRST_HOUR + 2 }}
                  disabled={!canCreate || busy !== null}
                  aria-label={t('resourceCalendar.reserve', { name: recordTitle(resource, r), time: `${String(h).padStart(2, '0')}:00` })}
                  onClick={() => void reserve(r, new Date(day.getTime() + h * 3_600_000))}
                />
              )),
              ...mine.map((b) => {
                const cols = span(b);
                if (!cols) return null;
                const status = String(b.status ?? '');
                const block = b.reservation_type === 'block';
                return (
                  <Link
                    key={`${r.id}-${b.id}`}
                    to={`/r/${booking.entity.name}/${b.id}`}
                    className={`resource-grid-booking${block ? ' block' : ''}`}
                    data-id={b.id}
                    data-status={status}
                    style={{
                      gridRow: row,
                      gridColumn: `${cols[0] - FIRST_HOUR + 2} / ${cols[1] - FIRST_HOUR + 2}`,
                      borderColor: stateColors.get(status) ?? '#2563eb',
                      background: `${stateColors.get(status) ?? '#2563eb'}33`,
                    }}
                    title={`${recordTitle(booking.entity, b)} · ${status}`}
                  >
                    {recordTitle(booking.entity, b)}
                  </Link>
                );
              }),
            ];
          })}
        </div>
      )}
      {!loaded.loading && resources.length === 0 ? <p className="muted">{t('resourceCalendar.noResources')}</p> : null}
    </div>
  );
}
