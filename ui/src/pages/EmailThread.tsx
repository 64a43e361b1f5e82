// E-mail on a record's timeline as threads: the messages of one thread (the connector's `thread_id`,
// from Message-ID / In-Reply-To / References) are one entry, newest first, each opened in place.
// A body is the stored, already sanitised HTML shown in a sandboxed iframe (sandbox="": no scripts,
// forms, popups or navigation of the app) under a Content-Security-Policy that lets no remote image
// load until the reader asks for them ("show images"): a second fence behind the sanitiser, which
// moved remote sources to data-blocked-src.
import { useMemo, useState } from 'react';
import { ACTIVITY_ENTITY } from '../../../metadata/browser.ts';
import type { ApiRecord } from '../api/records.ts';
import { useI18n } from '../app/i18n.tsx';
import { Link } from '../app/router.tsx';
import { formatDateTime } from '../components/format.ts';

export type TimelineEntry = { readonly kind: 'activity'; readonly activity: ApiRecord } | { readonly kind: 'thread'; readonly id: string; readonly messages: readonly ApiRecord[] };

/** Timeline activities (newest first) with each thread's e-mails gathered at its newest message. Pure. */
export function timelineEntries(activities: readonly ApiRecord[]): TimelineEntry[] {
  const threads = new Map<string, ApiRecord[]>();
  const entries: TimelineEntry[] = [];
  for (const a of activities) {
    const thread = a.kind === 'email' ? String(a.thread_id ?? a.id) : null;
    if (thread === null) {
      entries.push({ kind: 'activity', activity: a });
      continue;
    }
    const messages = threads.get(thread);
    if (messages) messages.push(a);
    else {
      const list = [a];
      threads.set(thread, list);
      entries.push({ kind: 'thread', id: thread, messages: list });
    }
  }
  return entries;
}

const REMOTE_SRC = /\sdata-blocked-src=/g;

/** The document for the frame: the CSP first, remote images allowed only when asked for. Pure. */
export function frameDocument(html: string, showImages: boolean, appOrigin: string): string {
  const images = showImages ? 'img-src * data:' : `img-src data: ${appOrigin}`;
  const body = showImages ? html.replace(REMOTE_SRC, ' src=') : html;
  return `<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; ${images}; style-src 'unsafe-inline'"><base target="_blank"></head><body>${body}</body></html>`;
}

export function MailBody({ html }: { html: string }) {
  const { t } = useI18n();
  const [showImages, setShowImages] = useState(false);
  const blocked = useMemo(() => (html.match(REMOTE_SRC) ?? []).length, [html]);
  return (
    <div className="mail-body">
      {blocked > 0 && !showImages && (
        <div className="mail-images-blocked">
          <span className="muted">{t('mail.imagesBlocked', { n: blocked })}</span>
          <button type="button" className="btn btn-small" onClick={() => setShowImages(true)}>
            {t('mail.showImages')}
          </button>
        </div>
      )}
      <iframe className="mail-body-frame" sandbox="" referrerPolicy="no-referrer" title={t('mail.body')} srcDoc={frameDocument(html, showImages, window.location.origin)} />
    </div>
  );
}

export function EmailThread({ messages }: { messages: readonly ApiRecord[] }) {
  const { t, locale } = useI18n();
  const [open, setOpen] = useState<string | null>(null);
  const newest = messages[0]!;
  return (
    <div className="mail-thread" data-thread={String(newest.thread_id ?? newest.id)}>
      <Link to={`/r/${ACTIVITY_ENTITY}/${newest.id}`} className="timeline-subject">
        {String(newest.subject ?? '')}
      </Link>
      {messages.length > 1 && <span className="muted"> · {t('mail.threadCount', { n: messages.length })}</span>}
      <ol className="mail-thread-messages" aria-label={t('mail.thread')}>
        {messages.map((m) => {
          const id = String(m.id);
          const expanded = open === id;
          return (
            <li key={id} className="mail-thread-message">
              <button type="button" className="mail-thread-head" aria-expanded={expanded} onClick={() => setOpen(expanded ? null : id)}>
                <span>{m.direction === 'outbound' ? `${t('mail.to')}: ${String(m.to_addresses ?? '')}` : `${t('mail.from')}: ${String(m.from_address ?? '')}`}</span>
                <span className="muted">{typeof m.start_at === 'string' ? formatDateTime(m.start_at, locale) : ''}</span>
              </button>
              {expanded &&
                (typeof m.html_body === 'string' && m.html_body ? (
                  <MailBody html={m.html_body} />
                ) : (
                  <pre className="mail-preview-text">{typeof m.description === 'string' ? m.description : ''}</pre>
                ))}
            </li>
          );
        })}
      </ol>
    </div>
  );
}
