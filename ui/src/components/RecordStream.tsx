// The stream of a record card: comments and the record's changes, newest first, and a box to
// write a comment; typing @ offers the users (↑/↓, Enter or Tab to insert, Esc to close), and the
// users mentioned get a notification (the server sends it to those who may read the record).
import { useEffect, useId, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { EntityModel } from '../../../metadata/browser.ts';
import { ApiError } from '../api/client.ts';
import { postComment, recordStream } from '../api/records.ts';
import { searchUsers, users, type DirectoryUser } from '../api/users.ts';
import { useI18n } from '../app/i18n.tsx';
import { formatDateTime } from './format.ts';
import { ErrorBox, Spinner, useLoad, useNotify } from './ui.tsx';

// The server's @login pattern (engine/workflows/runtime/activity-notifications.ts), for highlighting.
const MENTION = /(?<![\w@])(@[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9_-])?)/g;
/** The @-token being typed just before the caret, if any. */
const TYPING_MENTION = /(?:^|[^\w@])@([A-Za-z0-9._-]*)$/;

function CommentBody({ text }: { text: string }) {
  const parts = text.split(MENTION);
  return (
    <div className="stream-text">
      {parts.map((part, i) =>
        i % 2 === 1 ? (
          <span key={i} className="mention">
            {part}
          </span>
        ) : (
          part
        ),
      )}
    </div>
  );
}

function Composer({ onPost }: { onPost(body: string): Promise<boolean> }) {
  const { t } = useI18n();
  const [text, setText] = useState('');
  const [directory, setDirectory] = useState<readonly DirectoryUser[]>([]);
  const [query, setQuery] = useState<string | null>(null);
  const [active, setActive] = useState(0);
  const [busy, setBusy] = useState(false);
  const area = useRef<HTMLTextAreaElement>(null);
  const caretAfterInsert = useRef<number | null>(null);
  const listId = useId();
  useEffect(() => {
    users().then(setDirectory, () => undefined);
  }, []);
  const options = useMemo(() => (query === null ? [] : searchUsers(directory, query).slice(0, 6)), [directory, query]);

  const track = (value: string, caret: number) => {
    const match = TYPING_MENTION.exec(value.slice(0, caret));
    setQuery(match ? match[1]! : null);
    setActive(0);
  };
  const insert = (user: DirectoryUser) => {
    const el = area.current;
    const caret = el?.selectionStart ?? text.length;
    const before = text.slice(0, caret).replace(/@[A-Za-z0-9._-]*$/, `@${user.login} `);
    const next = before + text.slice(caret);
    setText(next);
    setQuery(null);
    caretAfterInsert.current = before.length;
  };
  // The caret goes after the inserted mention as soon as React has put the new text in the box, before
  // the browser handles another key: set later (a frame later, under load), it jumped back over
  // what the user had typed meanwhile.
  useLayoutEffect(() => {
    const el = area.current;
    const caret = caretAfterInsert.current;
    if (el === null || caret === null) return;
    caretAfterInsert.current = null;
    el.focus();
    el.setSelectionRange(caret, caret);
  }, [text]);
  const submit = async () => {
    if (!text.trim() || busy) return;
    setBusy(true);
    if (await onPost(text)) setText('');
    setBusy(false);
  };
  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (options.length) {
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        setActive((i) => (i + (e.key === 'ArrowDown' ? 1 : options.length - 1)) % options.length);
        return;
      }
      if (e.key === 'Enter' || e.key === 'Tab') {
        e.preventDefault();
        insert(options[active]!);
        return;
      }
      if (e.key === 'Escape') {
        e.preventDefault();
        setQuery(null);
        return;
      }
    }
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      void submit();
    }
  };
  return (
    <div className="stream-composer">
      <div className="stream-input">
        <textarea
          ref={area}
          aria-label={t('stream.write')}
          placeholder={t('stream.placeholder')}
          value={text}
          rows={3}
          role="combobox"
          aria-expanded={options.length > 0}
          aria-controls={listId}
          aria-autocomplete="list"
          aria-activedescendant={options.length ? `${listId}-${active}` : undefined}
          onChange={(e) => {
            setText(e.target.value);
            track(e.target.value, e.target.selectionStart);
          }}
          onClick={(e) => track(e.currentTarget.value, e.currentTarget.selectionStart)}
          onKeyDown={onKeyDown}
          onBlur={() => setTimeout(() => setQuery(null), 150)}
        />
        {options.length > 0 && (
          <div className="mention-list" id={listId} role="listbox" aria-label={t('stream.mentionUsers')}>
            {options.map((u, i) => (
              <div
                key={u.id}
                id={`${listId}-${i}`}
                role="option"
                aria-selected={i === active}
                className={`mention-option${i === active ? ' active' : ''}`}
                onMouseDown={(e) => e.preventDefault()}
                onClick={() => insert(u)}
              >
                <strong>{u.displayName}</strong> <span className="muted">@{u.login}</span>
              </div>
            ))}
          </div>
        )}
      </div>
      <div className="stream-actions">
        <span className="muted">{t('stream.hint')}</span>
        <button type="button" className="btn btn-primary btn-small" disabled={!text.trim() || busy} onClick={() => void submit()}>
          {t('stream.post')}
        </button>
      </div>
    </div>
  );
}

export function RecordStream({ entity, id, version }: { entity: EntityModel; id: string; version: number }) {
  const { t, label, locale } = useI18n();
  const notify = useNotify();
  const loaded = useLoad((signal) => recordStream(entity.name, id, signal), [entity.name, id, version]);
  const post = async (body: string) => {
    try {
      await postComment(entity.name, id, body);
      loaded.reload();
      return true;
    } catch (error) {
      notify('error', t('common.error'), error instanceof ApiError ? error.problem.detail : String(error));
      return false;
    }
  };
  const fieldLabel = (name: string) => {
    const f = entity.fieldsByName.get(name);
    return f ? label(f.label) : name;
  };
  const verb = (action: string) => (['create', 'update', 'delete', 'restore', 'merge'].includes(action) ? t(`history.${action}` as 'history.update') : action);
  return (
    <section className="stream" aria-label={t('record.stream')}>
      <Composer onPost={post} />
      {loaded.error ? <ErrorBox error={loaded.error} onRetry={loaded.reload} /> : null}
      {!loaded.data && !loaded.error && <Spinner />}
      {loaded.data?.length === 0 && <div className="muted">{t('stream.empty')}</div>}
      <ol className="stream-list">
        {loaded.data?.map((item) =>
          item.kind === 'comment' ? (
            <li key={`c${item.id}`} className="stream-item stream-comment">
              <div className="stream-meta">
                <strong>{item.author?.displayName ?? '—'}</strong> <span className="muted">{formatDateTime(item.at, locale)}</span>
              </div>
              <CommentBody text={item.body} />
            </li>
          ) : (
            <li key={`h${item.id}`} className="stream-item stream-change">
              <div className="stream-meta">
                <strong>{item.actorName ?? '—'}</strong> <span>{verb(item.action)}</span>
                {item.action === 'update' && item.fields.length > 0 && <span>: {item.fields.map(fieldLabel).join(', ')}</span>}{' '}
                <span className="muted">{formatDateTime(item.at, locale)}</span>
              </div>
            </li>
          ),
        )}
      </ol>
    </section>
  );
}
