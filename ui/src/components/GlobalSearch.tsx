// The search box of the top bar (also Ctrl+K / ⌘K from anywhere): one text across every entity
// type the user may read, results grouped by type; ↑/↓ move, Enter opens, Esc closes. "+ New"
// next to it creates a record of any type the user may create, from any page.
import { useEffect, useId, useMemo, useRef, useState, type KeyboardEvent as ReactKeyboardEvent, type RefObject } from 'react';
import { ACTIVITY_ENTITY } from '../../../metadata/browser.ts';
import { searchAll, type SearchGroup, type SearchHit } from '../api/search.ts';
import { useI18n } from '../app/i18n.tsx';
import { useMetaState } from '../app/meta.tsx';
import { navigate } from '../app/router.tsx';
import { useSession } from '../app/session.tsx';

const MIN_LENGTH = 2;

/** Closes a popup on a click outside `root` or on Escape. */
function useDismiss(open: boolean, root: RefObject<HTMLElement | null>, close: () => void): void {
  useEffect(() => {
    if (!open) return;
    const outside = (e: MouseEvent) => !root.current?.contains(e.target as Node) && close();
    document.addEventListener('mousedown', outside);
    return () => document.removeEventListener('mousedown', outside);
  }, [open, root, close]);
}

export function GlobalSearch() {
  const { t, label } = useI18n();
  const { meta } = useMetaState();
  const [text, setText] = useState('');
  const [groups, setGroups] = useState<SearchGroup[] | null>(null);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const input = useRef<HTMLInputElement>(null);
  const root = useRef<HTMLDivElement>(null);
  const listId = useId();
  const term = text.trim();

  // Ctrl+K (⌘K on a Mac) focuses the box from anywhere, even from a form field.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'k') {
        e.preventDefault();
        input.current?.focus();
        input.current?.select();
        setOpen(true);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  // Debounced: one request per pause in typing; a newer text aborts the older request.
  useEffect(() => {
    if (term.length < MIN_LENGTH) {
      setGroups(null);
      return;
    }
    const controller = new AbortController();
    const timer = setTimeout(() => {
      searchAll(term, controller.signal).then(
        (data) => {
          setGroups(data);
          setActive(0);
        },
        () => !controller.signal.aborted && setGroups([]),
      );
    }, 180);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [term]);

  const close = useMemo(() => () => setOpen(false), []);
  useDismiss(open, root, close);
  const flat = useMemo(() => (groups ?? []).flatMap((g) => g.data.map((hit) => ({ entity: g.entity, hit }))), [groups]);

  const go = (entity: string, hit: SearchHit) => {
    setOpen(false);
    setText('');
    input.current?.blur();
    navigate(`/r/${entity}/${hit.id}`);
  };
  const onKeyDown = (e: ReactKeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      setOpen(true);
      if (flat.length) setActive((i) => (i + (e.key === 'ArrowDown' ? 1 : flat.length - 1)) % flat.length);
    } else if (e.key === 'Enter') {
      const chosen = flat[active];
      if (chosen) {
        e.preventDefault();
        go(chosen.entity, chosen.hit);
      }
    } else if (e.key === 'Escape') {
      e.preventDefault();
      if (open && term) setOpen(false);
      else {
        setText('');
        input.current?.blur();
      }
    }
  };
  const entityOf = (name: string) => meta?.model.entities.get(name);
  const fieldLabel = (entity: string, field: string) => {
    const f = entityOf(entity)?.fieldsByName.get(field);
    return f ? label(f.label) : field;
  };
  const showList = open && term.length >= MIN_LENGTH && groups !== null;
  let index = -1;
  return (
    <div className="global-search" ref={root}>
      <input
        ref={input}
        type="search"
        role="combobox"
        className="global-search-input"
        aria-label={t('search.label')}
        aria-expanded={showList}
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={showList && flat[active] ? `${listId}-${active}` : undefined}
        placeholder={t('search.placeholder')}
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          setOpen(true);
        }}
        onFocus={() => setOpen(true)}
        onKeyDown={onKeyDown}
        data-testid="global-search"
      />
      {showList && (
        <div className="global-search-panel" id={listId} role="listbox" aria-label={t('search.results')}>
          {groups.length === 0 && <div className="muted global-search-empty">{t('search.empty', { text: term })}</div>}
          {groups.map((g) => {
            const entity = entityOf(g.entity);
            return (
              <div key={g.entity} role="group" aria-label={entity ? label(entity.pluralLabel) : g.entity} className="global-search-group">
                <div className="global-search-type" aria-hidden>
                  {entity ? label(entity.pluralLabel) : g.entity}
                  {g.more && <span className="muted"> · {t('search.more')}</span>}
                </div>
                {g.data.map((hit) => {
                  index++;
                  const mine = index;
                  return (
                    <div
                      key={hit.id}
                      id={`${listId}-${mine}`}
                      role="option"
                      aria-selected={mine === active}
                      className={`global-search-hit${mine === active ? ' active' : ''}`}
                      onMouseEnter={() => setActive(mine)}
                      onMouseDown={(e) => e.preventDefault()}
                      onClick={() => go(g.entity, hit)}
                    >
                      <span className="global-search-title">{hit.title || (entity ? label(entity.label) : g.entity)}</span>
                      {Object.entries(hit.matched).map(([field, value]) => (
                        <span key={field} className="global-search-match muted">
                          {fieldLabel(g.entity, field)}: {value}
                        </span>
                      ))}
                    </div>
                  );
                })}
              </div>
            );
          })}
        </div>
      )}
    </div>
  );
}

/** "+ New": a new record of any type the user may create (activities by kind), from any page. */
export function QuickCreate() {
  const { t, label } = useI18n();
  const { meta } = useMetaState();
  const { may } = useSession();
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  const close = useMemo(() => () => setOpen(false), []);
  useDismiss(open, root, close);
  useEffect(() => {
    if (!open) return;
    const escape = (e: KeyboardEvent) => e.key === 'Escape' && setOpen(false);
    document.addEventListener('keydown', escape);
    return () => document.removeEventListener('keydown', escape);
  }, [open]);
  if (!meta) return null;
  const { model } = meta;
  const items = [...model.entities.values()]
    .filter((e) => e.name !== ACTIVITY_ENTITY && may(e.name, 'create'))
    .map((e) => ({ to: `/r/${e.name}/new`, text: label(e.label) }))
    .sort((a, b) => a.text.localeCompare(b.text));
  const kinds = may(ACTIVITY_ENTITY, 'create') ? model.activityKinds.map((k) => ({ to: `/r/${ACTIVITY_ENTITY}/new?kind=${encodeURIComponent(k.name)}`, text: label(k.label) })) : [];
  if (items.length === 0 && kinds.length === 0) return null;
  const item = (i: { to: string; text: string }) => (
    <button
      key={i.to}
      type="button"
      role="menuitem"
      className="quick-create-item"
      onClick={() => {
        setOpen(false);
        navigate(i.to);
      }}
    >
      {i.text}
    </button>
  );
  return (
    <div className="quick-create" ref={root}>
      <button type="button" className="btn btn-primary btn-small" aria-haspopup="menu" aria-expanded={open} onClick={() => setOpen((o) => !o)} data-testid="quick-create">
        + {t('common.new')}
      </button>
      {open && (
        <div className="quick-create-panel" role="menu" aria-label={t('search.newMenu')}>
          {items.map(item)}
          {kinds.length > 0 && <div className="quick-create-title">{t('nav.activities')}</div>}
          {kinds.map(item)}
        </div>
      )}
    </div>
  );
}
