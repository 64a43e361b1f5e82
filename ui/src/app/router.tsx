// A small client-side router over the History API: the app has a handful of flat routes, so a
// pattern table and a navigate() are all it needs (no router dependency in the initial bundle).
import { useEffect, useRef, useState, type AnchorHTMLAttributes, type MouseEvent } from 'react';

export interface Location {
  readonly path: string;
  readonly query: URLSearchParams;
}

const current = (): Location => ({ path: window.location.pathname, query: new URLSearchParams(window.location.search) });
const listeners = new Set<() => void>();

/** A page with unsaved edits: returns the question to ask before leaving, or null when nothing would be lost. */
type LeaveGuard = () => string | null;
const guards = new Set<LeaveGuard>();

/** Asks (window.confirm) before leaving a page with unsaved edits; true when leaving is fine. */
export function confirmLeave(): boolean {
  for (const guard of guards) {
    const question = guard();
    if (question && !window.confirm(question)) return false;
  }
  return true;
}

let shownUrl = typeof window === 'undefined' ? '' : window.location.href;
if (typeof window !== 'undefined') {
  // Back/forward: the URL has already changed; staying puts it back before the pages see the change.
  window.addEventListener('popstate', (event) => {
    if (confirmLeave()) {
      shownUrl = window.location.href;
      return;
    }
    event.stopImmediatePropagation();
    window.history.pushState(null, '', shownUrl);
  });
}

/**
 * Goes to another page of the app. Unsaved edits are confirmed first (`force`: the page itself
 * moves on, e.g. to the record it just created, or only its query string changes).
 */
export function navigate(to: string, options: { replace?: boolean; force?: boolean } = {}): boolean {
  if (!options.force && !confirmLeave()) return false;
  if (options.replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  shownUrl = window.location.href;
  listeners.forEach((l) => l());
  return true;
}

/**
 * While `question` is set (the page has unsaved edits), leaving the page asks it first: in-app
 * navigation through navigate() and links, back/forward, and closing or reloading the tab.
 */
export function useLeaveGuard(question: string | null): void {
  const current = useRef(question);
  current.current = question;
  useEffect(() => {
    const guard: LeaveGuard = () => current.current;
    guards.add(guard);
    return () => {
      guards.delete(guard);
    };
  }, []);
  useEffect(() => {
    if (!question) return;
    const onBeforeUnload = (event: BeforeUnloadEvent) => {
      event.preventDefault();
      event.returnValue = '';
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => window.removeEventListener('beforeunload', onBeforeUnload);
  }, [question]);
}

/** Updates the query string of the current page without a new history entry. */
export function setQuery(changes: Record<string, string | null>): void {
  const query = new URLSearchParams(window.location.search);
  for (const [key, value] of Object.entries(changes)) {
    if (value === null || value === '') query.delete(key);
    else query.set(key, value);
  }
  const text = query.toString();
  navigate(`${window.location.pathname}${text ? `?${text}` : ''}`, { replace: true, force: true });
}

export function useLocation(): Location {
  const [location, setLocation] = useState(current);
  useEffect(() => {
    const update = () => setLocation(current());
    listeners.add(update);
    window.addEventListener('popstate', update);
    return () => {
      listeners.delete(update);
      window.removeEventListener('popstate', update);
    };
  }, []);
  return location;
}

/** Matches "/r/:type/:id" against a path; null when it does not match. */
export function match(pattern: string, path: string): Record<string, string> | null {
  const p = pattern.split('/').filter(Boolean);
  const s = path.split('/').filter(Boolean);
  if (p.length !== s.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < p.length; i++) {
    if (p[i]!.startsWith(':')) params[p[i]!.slice(1)] = decodeURIComponent(s[i]!);
    else if (p[i] !== s[i]) return null;
  }
  return params;
}

export function Link({ to, onClick, ...rest }: AnchorHTMLAttributes<HTMLAnchorElement> & { to: string }) {
  const handle = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(to);
  };
  return <a href={to} onClick={handle} {...rest} />;
}
