// The notification centre in the top bar: a bell with the unread count, kept live by the server's
// event stream (GET /api/notifications/stream), and a list of the latest notifications (task
// reminders, assignments, mentions, workflow messages); opening one marks it read.
import { useEffect, useRef, useState } from 'react';
import { notificationsApi, type AppNotification, type NotificationSummary } from '../api/account.ts';
import { useI18n } from '../app/i18n.tsx';
import { navigate } from '../app/router.tsx';
import { formatDateTime } from './format.ts';

const KIND_LABELS = { assigned: 'notif.assigned', mention: 'notif.mention', connector: 'notif.connector' } as const;

export function NotificationBell() {
  const { t, locale } = useI18n();
  const [summary, setSummary] = useState<NotificationSummary>({ unread: 0, newest: 0 });
  const [open, setOpen] = useState(false);
  const [list, setList] = useState<AppNotification[] | null>(null);
  const root = useRef<HTMLDivElement>(null);

  useEffect(() => notificationsApi.stream(setSummary), []);
  // The list follows the stream while it is open: news or reads elsewhere (another tab) show at once.
  useEffect(() => {
    if (!open) return;
    let current = true;
    notificationsApi.list().then((data) => current && setList(data), () => current && setList([]));
    return () => {
      current = false;
    };
  }, [open, summary.newest, summary.unread]);
  useEffect(() => {
    if (!open) return;
    const outside = (e: MouseEvent) => !root.current?.contains(e.target as Node) && setOpen(false);
    const escape = (e: KeyboardEvent) => e.key === 'Escape' && setOpen(false);
    document.addEventListener('mousedown', outside);
    document.addEventListener('keydown', escape);
    return () => {
      document.removeEventListener('mousedown', outside);
      document.removeEventListener('keydown', escape);
    };
  }, [open]);

  const openOne = async (n: AppNotification) => {
    setOpen(false);
    if (!n.readAt) await notificationsApi.markRead(n.id).catch(() => undefined);
    if (n.record) navigate(`/r/${n.record.entity}/${n.record.id}`);
  };
  return (
    <div className="bell" ref={root}>
      <button type="button" className="icon-btn bell-button" aria-label={t('notif.bell', { n: summary.unread })} aria-expanded={open} onClick={() => setOpen((o) => !o)} data-testid="bell">
        <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden>
          <path fill="currentColor" d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2Z" />
        </svg>
        {summary.unread > 0 && (
          <span className="bell-count" data-testid="bell-count">
            {summary.unread > 99 ? '99+' : summary.unread}
          </span>
        )}
      </button>
      {open && (
        <div className="bell-panel" role="dialog" aria-label={t('notif.title')}>
          <div className="bell-head">
            <strong>{t('notif.title')}</strong>
            <button type="button" className="btn btn-small" disabled={summary.unread === 0} onClick={() => void notificationsApi.markAllRead()}>
              {t('notif.markAll')}
            </button>
          </div>
          {list === null ? (
            <div className="muted bell-empty">{t('common.loading')}</div>
          ) : list.length === 0 ? (
            <div className="muted bell-empty">{t('notif.empty')}</div>
          ) : (
            <ul className="bell-list">
              {list.map((n) => (
                <li key={n.id}>
                  <button type="button" className={`bell-item${n.readAt ? '' : ' unread'}`} onClick={() => void openOne(n)}>
                    {n.kind && n.kind in KIND_LABELS && <span className="bell-kind">{t(KIND_LABELS[n.kind as keyof typeof KIND_LABELS])}</span>}
                    <span className="bell-subject">{n.subject}</span>
                    {n.body && <span className="bell-body muted">{n.body}</span>}
                    <span className="bell-time muted">{formatDateTime(n.createdAt, locale)}</span>
                  </button>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}
