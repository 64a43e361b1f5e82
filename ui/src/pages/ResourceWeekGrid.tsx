// The resource calendar's week (#14): one row per resource, one column per day (Monday to Sunday),
// each day's reservations of the resource listed in its cell. "+" in a cell books the resource that
// day at 09:00–10:00 and opens the reservation; dragging a reservation to another day (and/or
// another resource's row) moves it there, keeping its hours (PATCH with If-Match).
import { useState, type DragEvent } from 'react';
import type { EntityModel } from '../../../metadata/browser.ts';
import { updateRecord, type ApiRecord } from '../api/records.ts';
import { useI18n } from '../app/i18n.tsx';
import { useProblemWords } from '../app/problems.ts';
import { Link } from '../app/router.tsx';
import { recordTitle } from '../components/format.ts';
import { useNotify } from '../components/ui.tsx';

export const dayKey = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
export const addDays = (d: Date, n: number) => new Date(d.getFullYear(), d.getMonth(), d.getDate() + n);
/** The Monday of a day's week. */
export const mondayOf = (d: Date) => addDays(new Date(d.getFullYear(), d.getMonth(), d.getDate()), -((d.getDay() + 6) % 7));

export interface WeekBooking {
  readonly entity: EntityModel;
  readonly link: string;
  readonly start: string;
  readonly end: string;
}

const linkedIds = (value: unknown): string[] =>
  Array.isArray(value) ? value.map((v) => (typeof v === 'string' ? v : String((v as { id?: unknown }).id))) : [];

/** The same wall-clock time `days` later (a DST change in between does not shift the hour). */
const shiftDays = (iso: string, days: number) => {
  const d = new Date(iso);
  return new Date(d.getFullYear(), d.getMonth(), d.getDate() + days, d.getHours(), d.getMinutes(), d.getSeconds()).toISOString();
};

export function ResourceWeekGrid(props: {
  resource: EntityModel;
  booking: WeekBooking;
  monday: Date;
  resources: readonly ApiRecord[];
  bookings: readonly ApiRecord[];
  canCreate: boolean;
  canUpdate: boolean;
  colorOf(status: string): string;
  reserve(resource: ApiRecord, start: Date): void;
  onMoved(): void;
}) {
  const { resource, booking, monday, resources, canCreate, canUpdate, colorOf, reserve, onMoved } = props;
  const { t, label, locale } = useI18n();
  const words = useProblemWords();
  const notify = useNotify();
  const [moved, setMoved] = useState<ReadonlyMap<string, ApiRecord>>(new Map());
  const [over, setOver] = useState<string | null>(null);
  const bookings = props.bookings.map((b) => moved.get(b.id) ?? b);
  const days = Array.from({ length: 7 }, (_, i) => addDays(monday, i));
  const time = (iso: unknown) => new Date(String(iso)).toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit' });

  const move = async (record: ApiRecord, fromResource: string, toResource: string, toDay: Date) => {
    const start = new Date(String(record[booking.start]));
    const delta = Math.round(
      (new Date(toDay.getFullYear(), toDay.getMonth(), toDay.getDate()).getTime() -
        new Date(start.getFullYear(), start.getMonth(), start.getDate()).getTime()) /
        86_400_000,
    );
    const changes: Record<string, unknown> = {};
    if (delta !== 0) {
      changes[booking.start] = shiftDays(String(record[booking.start]), delta);
      changes[booking.end] = shiftDays(String(record[booking.end]), delta);
    }
    if (toResource !== fromResource)
      changes[booking.link] = [...new Set([...linkedIds(record[booking.link]).filter((id) => id !== fromResource), toResource])].map((id) => ({ id }));
    if (Object.keys(changes).length === 0) return;
    setMoved((m) => new Map(m).set(record.id, { ...record, ...changes }));
    try {
      const saved = await updateRecord(booking.entity.name, record.id, record.version, changes);
      setMoved((m) => new Map(m).set(record.id, saved));
      notify('success', t('calendar.moved'), recordTitle(booking.entity, record));
      onMoved();
    } catch (error) {
      setMoved((m) => {
        const next = new Map(m);
        next.delete(record.id);
        return next;
      });
      notify('error', t('common.error'), words.message(error, { entity: booking.entity.name }));
    }
  };

  const drop = (e: DragEvent, toResource: string, toDay: Date) => {
    e.preventDefault();
    setOver(null);
    const [id, fromResource] = e.dataTransfer.getData('text/plain').split('@');
    const record = bookings.find((b) => b.id === id);
    if (record && fromResource) void move(record, fromResource, toResource, toDay);
  };

  return (
    <div
      className="resource-grid resource-week"
      role="grid"
      aria-label={label(resource.pluralLabel ?? resource.label)}
      style={{ gridTemplateColumns: `minmax(6rem, 12rem) repeat(7, minmax(5.5rem, 1fr))` }}
    >
      <div className="resource-grid-corner" role="columnheader" style={{ gridRow: 1, gridColumn: 1 }} />
      {days.map((d, i) => (
        <div key={dayKey(d)} className="resource-grid-hour" role="columnheader" data-day={dayKey(d)} style={{ gridRow: 1, gridColumn: i + 2 }}>
          {d.toLocaleDateString(locale, { weekday: 'short', day: 'numeric', month: 'numeric' })}
        </div>
      ))}
      {resources.map((r, index) => {
        const row = index + 2;
        return [
          <div key={`${r.id}-name`} className="resource-grid-name" role="rowheader" style={{ gridRow: row, gridColumn: 1 }}>
            <Link to={`/r/${resource.name}/${r.id}`}>{recordTitle(resource, r)}</Link>
          </div>,
          ...days.map((d, i) => {
            const key = `${r.id}@${dayKey(d)}`;
            const from = d.getTime();
            const to = addDays(d, 1).getTime();
            const here = bookings.filter(
              (b) =>
                linkedIds(b[booking.link]).includes(r.id) &&
                new Date(String(b[booking.start])).getTime() < to &&
                new Date(String(b[booking.end])).getTime() > from,
            );
            return (
              <div
                key={key}
                role="gridcell"
                className={`resource-week-cell${over === key ? ' drop-target' : ''}`}
                data-cell={key}
                style={{ gridRow: row, gridColumn: i + 2 }}
                onDragOver={(e) => {
                  if (!canUpdate) return;
                  e.preventDefault();
                  setOver(key);
                }}
                onDragLeave={() => setOver((o) => (o === key ? null : o))}
                onDrop={(e) => drop(e, r.id, d)}
              >
                {here.map((b) => {
                  const status = String(b.status ?? '');
                  return (
                    <Link
                      key={b.id}
                      to={`/r/${booking.entity.name}/${b.id}`}
                      className={`resource-grid-booking${b.reservation_type === 'block' ? ' block' : ''}`}
                      data-id={b.id}
                      data-status={status}
                      draggable={canUpdate}
                      onDragStart={(e) => {
                        e.dataTransfer.setData('text/plain', `${b.id}@${r.id}`);
                        e.dataTransfer.effectAllowed = 'move';
                      }}
                      style={{ borderColor: colorOf(status), background: `${colorOf(status)}33` }}
                      title={`${recordTitle(booking.entity, b)} · ${status}`}
                    >
                      {time(b[booking.start])} {recordTitle(booking.entity, b)}
                    </Link>
                  );
                })}
                {canCreate && (
                  <button
                    type="button"
                    className="resource-week-add"
                    data-add={key}
                    aria-label={t('resourceCalendar.reserve', { name: recordTitle(resource, r), time: `${d.toLocaleDateString(locale)} 09:00` })}
                    onClick={() => reserve(r, new Date(d.getFullYear(), d.getMonth(), d.getDate(), 9))}
                  >
                    +
                  </button>
                )}
              </div>
            );
          }),
        ];
      })}
    </div>
  );
}
