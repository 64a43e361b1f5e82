// Choosing a record of an entity type with server-side search (GET /api/records/:type?search=…),
// or a user from the directory (GET /api/users) or a team (GET /api/teams); used by reference and
// many-to-many fields and by the board's lost-reason dialog.
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { TEAM_TARGET, USER_TARGET, type EntityModel, type Model } from '../../../metadata/browser.ts';
import { getRecord, listRecords, type ApiRecord } from '../api/records.ts';
import { searchTeams, searchUsers, teams, users } from '../api/users.ts';
import { useI18n } from '../app/i18n.tsx';
import { Link } from '../app/router.tsx';
import { recordTitle } from './format.ts';

export interface RecordPickerProps {
  readonly model: Model;
  readonly target: string;
  readonly value: string | null | undefined;
  onChange(id: string | null, record?: ApiRecord): void;
  readonly id?: string;
  readonly readonly?: boolean;
  readonly disabled?: boolean;
  readonly invalid?: boolean;
  /** Records not to offer (e.g. already linked). */
  readonly exclude?: readonly string[];
  /** Keep the input empty after choosing (for adding several). */
  readonly clearOnPick?: boolean;
}

interface Option {
  readonly id: string;
  readonly title: string;
  readonly record?: ApiRecord;
}

/** Where the options come from: an entity type's records, the user directory or the teams. */
interface Source {
  search(text: string, signal: AbortSignal): Promise<Option[]>;
  title(id: string): Promise<string>;
  readonly href?: (id: string) => string;
  readonly placeholder: string;
}

/** A platform list loaded once (users, teams): searched and titled in the browser. */
function directorySource<T extends { readonly id: string }>(load: () => Promise<T[]>, search: (list: readonly T[], text: string) => T[], titleOf: (item: T) => string, placeholder: string): Source {
  return {
    search: async (text) => search(await load(), text).map((item) => ({ id: item.id, title: titleOf(item) })),
    title: async (id) => {
      const item = (await load()).find((i) => i.id === id);
      return item ? titleOf(item) : id.slice(0, 8);
    },
    placeholder,
  };
}

function useSource(model: Model, target: string): Source | null {
  const { t, label } = useI18n();
  return useMemo(() => {
    if (target === USER_TARGET) return directorySource(users, searchUsers, (u) => u.displayName, t('form.pick', { entity: t('form.user') }));
    if (target === TEAM_TARGET) return directorySource(teams, searchTeams, (team) => team.label, t('form.pick', { entity: t('form.team') }));
    const entity = model.entities.get(target);
    if (!entity) return null;
    return {
      search: async (text, signal) => {
        const page = await listRecords(target, { ...(text ? { search: text } : {}), limit: 10, fields: [entity.displayField], sort: entity.displayField }, signal);
        return page.data.map((r) => ({ id: r.id, title: recordTitle(entity, r), record: r }));
      },
      title: async (id) => recordTitle(entity, await getRecord(target, id)),
      href: (id) => `/r/${target}/${id}`,
      placeholder: t('form.pick', { entity: label(entity.label) }),
    } satisfies Source;
  }, [model, target, t, label]);
}

export function RecordPicker({ model, target, value, onChange, id, readonly, disabled, invalid, exclude, clearOnPick }: RecordPickerProps) {
  const { t } = useI18n();
  const source = useSource(model, target);
  const [title, setTitle] = useState('');
  const [text, setText] = useState('');
  const [open, setOpen] = useState(false);
  const [results, setResults] = useState<Option[]>([]);
  const [active, setActive] = useState(0);
  const listId = useId();
  const box = useRef<HTMLDivElement>(null);

  // The title of the current value.
  useEffect(() => {
    if (!value || !source) return setTitle(value ? value.slice(0, 8) : '');
    let live = true;
    source.title(value).then(
      (title) => live && setTitle(title),
      () => live && setTitle(value.slice(0, 8)),
    );
    return () => {
      live = false;
    };
  }, [value, source]);

  // Server-side search while the user types (debounced).
  useEffect(() => {
    if (!open || !source) return;
    const controller = new AbortController();
    const timer = setTimeout(() => {
      source.search(text, controller.signal).then(
        (options) => {
          setResults(options.filter((o) => !exclude?.includes(o.id)));
          setActive(0);
        },
        () => undefined,
      );
    }, 200);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [text, open, source, exclude]);

  useEffect(() => {
    const close = (e: MouseEvent) => box.current && !box.current.contains(e.target as Node) && setOpen(false);
    document.addEventListener('mousedown', close);
    return () => document.removeEventListener('mousedown', close);
  }, []);

  if (!source) return <input id={id} className="input" value={value ?? ''} readOnly disabled />;

  const pick = (option: Option) => {
    onChange(option.id, option.record);
    setTitle(option.title);
    setText('');
    setOpen(false);
  };

  if (readonly || disabled) {
    return <div className="picker-readonly">{value ? source.href ? <Link to={source.href(value)}>{title}</Link> : title : '—'}</div>;
  }

  const showValue = value && !clearOnPick && !open;
  return (
    <div className="picker" ref={box}>
      <div className={`picker-control${invalid ? ' invalid' : ''}`}>
        <input
          id={id}
          className="picker-input"
          role="combobox"
          aria-expanded={open}
          aria-controls={listId}
          aria-autocomplete="list"
          aria-invalid={invalid}
          placeholder={showValue ? '' : source.placeholder}
          value={showValue ? title : text}
          onFocus={() => setOpen(true)}
          onChange={(e) => {
            setText(e.target.value);
            setOpen(true);
          }}
          onKeyDown={(e) => {
            if (e.key === 'ArrowDown') setActive((a) => Math.min(a + 1, results.length - 1));
            else if (e.key === 'ArrowUp') setActive((a) => Math.max(a - 1, 0));
            else if (e.key === 'Enter' && open && results[active]) {
              e.preventDefault();
              pick(results[active]!);
            } else if (e.key === 'Escape') setOpen(false);
          }}
        />
        {value && !clearOnPick && (
          <>
            {source.href && (
              <Link className="picker-open" to={source.href(value)} title={title} aria-label={title}>
                ↗
              </Link>
            )}
            <button type="button" className="icon-btn" aria-label={t('common.clear')} onClick={() => onChange(null)}>
              ×
            </button>
          </>
        )}
      </div>
      {open && (
        <ul className="picker-list" role="listbox" id={listId}>
          {results.length === 0 && <li className="muted picker-empty">{t('form.noMatches')}</li>}
          {results.map((r, i) => (
            <li
              key={r.id}
              role="option"
              aria-selected={i === active}
              className={i === active ? 'active' : ''}
              onMouseDown={(e) => {
                e.preventDefault();
                pick(r);
              }}
            >
              {r.title}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/**
 * A record of one of several types: the type chosen from a list, then the record with a
 * RecordPicker (filing a message on a record, previewing a template with one).
 */
export function TypedRecordPicker({ model, targets, caption, entity, record, onEntity, onRecord }: { model: Model; targets: readonly EntityModel[]; caption: string; entity: string; record: string | null; onEntity: (name: string) => void; onRecord: (id: string | null) => void }) {
  const { label } = useI18n();
  return (
    <>
      <label className="field">
        <span className="field-label">{caption}</span>
        <select className="input" value={entity} onChange={(e) => (onEntity(e.target.value), onRecord(null))}>
          {targets.map((e) => (
            <option key={e.name} value={e.name}>
              {label(e.label)}
            </option>
          ))}
        </select>
      </label>
      {entity && <RecordPicker key={entity} model={model} target={entity} value={record} onChange={onRecord} />}
    </>
  );
}
