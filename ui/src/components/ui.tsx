// Small building blocks shared by the pages: chips, notices, modal dialogs, loading and error states.
import { createContext, useCallback, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import { ApiError } from '../api/client.ts';
import { useI18n } from '../app/i18n.tsx';
import { useProblemWords } from '../app/problems.ts';

/** A coloured label (enum values, stages, priorities). */
export function Chip({ color, children, title }: { color?: string | undefined; children: ReactNode; title?: string }) {
  return (
    <span className="chip" title={title} style={color ? { ['--chip' as string]: color } : undefined}>
      {children}
    </span>
  );
}

export function Spinner({ label }: { label?: string }) {
  const { t } = useI18n();
  return (
    <div className="spinner" role="status">
      <span className="spinner-dot" aria-hidden /> {label ?? t('common.loading')}
    </div>
  );
}

export function ErrorBox({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t, language } = useI18n();
  const words = useProblemWords();
  const problem = error instanceof ApiError ? error.problem : null;
  return (
    <div className="error-box" role="alert">
      <strong>{language === 'en' && problem?.title ? problem.title : t('common.error')}</strong>
      <div>{words.message(error)}</div>
      {onRetry && (
        <button type="button" className="btn" onClick={onRetry}>
          {t('common.retry')}
        </button>
      )}
    </div>
  );
}

export interface Notice {
  readonly id: number;
  readonly kind: 'info' | 'success' | 'error';
  readonly title: string;
  readonly detail?: string;
}

interface Notices {
  notify(kind: Notice['kind'], title: string, detail?: string): void;
}

const NoticeContext = createContext<Notices>({ notify: () => undefined });

/** Toasts in the corner; errors stay until closed, the rest fade after a few seconds. */
export function NoticeProvider({ children }: { children: ReactNode }) {
  const [notices, setNotices] = useState<Notice[]>([]);
  const next = useRef(1);
  const close = (id: number) => setNotices((list) => list.filter((n) => n.id !== id));
  const notify = useCallback((kind: Notice['kind'], title: string, detail?: string) => {
    const id = next.current++;
    setNotices((list) => [...list.slice(-4), { id, kind, title, ...(detail ? { detail } : {}) }]);
    if (kind !== 'error') setTimeout(() => close(id), 4000);
  }, []);
  return (
    <NoticeContext.Provider value={{ notify }}>
      {children}
      <div className="notices" aria-live="polite">
        {notices.map((n) => (
          <div key={n.id} className={`notice notice-${n.kind}`} role={n.kind === 'error' ? 'alert' : 'status'}>
            <div>
              <strong>{n.title}</strong>
              {n.detail && <div className="notice-detail">{n.detail}</div>}
            </div>
            <button type="button" className="icon-btn" aria-label="close" onClick={() => close(n.id)}>
              ×
            </button>
          </div>
        ))}
      </div>
    </NoticeContext.Provider>
  );
}

export const useNotify = () => useContext(NoticeContext).notify;

export function Modal({ title, onClose, children, footer, wide }: { title: string; onClose(): void; children: ReactNode; footer?: ReactNode; wide?: boolean }) {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onClose();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);
  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div className={`modal${wide ? ' modal-wide' : ''}`} role="dialog" aria-modal="true" aria-label={title}>
        <header className="modal-head">
          <h2>{title}</h2>
          <button type="button" className="icon-btn" aria-label="close" onClick={onClose}>
            ×
          </button>
        </header>
        <div className="modal-body">{children}</div>
        {footer && <footer className="modal-foot">{footer}</footer>}
      </div>
    </div>
  );
}

/** Loads data for a component; reruns when the key changes. */
export function useLoad<T>(load: (signal: AbortSignal) => Promise<T>, key: readonly unknown[]): { data: T | undefined; error: unknown; loading: boolean; reload(): void } {
  const [state, setState] = useState<{ data: T | undefined; error: unknown; loading: boolean }>({ data: undefined, error: null, loading: true });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const controller = new AbortController();
    setState((s) => ({ ...s, loading: true }));
    load(controller.signal).then(
      (data) => !controller.signal.aborted && setState({ data, error: null, loading: false }),
      (error: unknown) => !controller.signal.aborted && setState({ data: undefined, error, loading: false }),
    );
    return () => controller.abort();
  }, [...key, tick]);
  return { ...state, reload: () => setTick((n) => n + 1) };
}
