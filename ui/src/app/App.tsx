// The shell: navigation generated from the metadata (modules → entity types, pipelines), the
// language switch, and the pages, each loaded on demand so a page downloads only what it uses.
import { lazy, Suspense, useEffect, useRef, useState, type ComponentType, type LazyExoticComponent } from 'react';
import { type Model, ACTIVITY_ENTITY } from '../../../metadata/browser.ts';
import { GlobalSearch, QuickCreate } from '../components/GlobalSearch.tsx';
import { NotificationBell } from '../components/NotificationBell.tsx';
import { ErrorBox, Spinner } from '../components/ui.tsx';
import { useI18n } from './i18n.tsx';
import { LANGUAGES, type Language } from './messages.ts';
import { useMetaState } from './meta.tsx';
import { useSession } from './session.tsx';
import { Link, match, useLocation } from './router.tsx';

type Page = LazyExoticComponent<ComponentType<{ params: Record<string, string> }>>;

const ListPage: Page = lazy(() => import('../pages/ListPage.tsx'));
const RecordPage: Page = lazy(() => import('../pages/RecordPage.tsx'));
const BoardPage: Page = lazy(() => import('../pages/BoardPage.tsx'));
const TrashPage: Page = lazy(() => import('../pages/TrashPage.tsx'));
const ImportPage: Page = lazy(() => import('../pages/ImportPage.tsx'));
const TasksPage: Page = lazy(() => import('../pages/TasksPage.tsx'));
const CalendarPage: Page = lazy(() => import('../pages/CalendarPage.tsx'));
const ResourceCalendarPage: Page = lazy(() => import('../pages/ResourceCalendarPage.tsx'));
const DashboardPage: Page = lazy(() => import('../pages/DashboardPage.tsx'));
const DashboardsPage: Page = lazy(() => import('../pages/DashboardsPage.tsx'));
const ReportsPage: Page = lazy(() => import('../pages/ReportsPage.tsx'));
const DesignerPage: Page = lazy(() => import('../pages/DesignerPage.tsx'));
const VersionsPage: Page = lazy(() => import('../pages/designer/VersionsPage.tsx'));
const ModelerPage: Page = lazy(() => import('../pages/ModelerPage.tsx'));
const AdminUsersPage: Page = lazy(() => import('../pages/AdminUsersPage.tsx'));
const AdminTeamsPage: Page = lazy(() => import('../pages/AdminTeamsPage.tsx'));
const AdminConnectorsPage: Page = lazy(() => import('../pages/AdminConnectorsPage.tsx'));
const AccountPage: Page = lazy(() => import('../pages/AccountPage.tsx'));
const MailboxPage: Page = lazy(() => import('../pages/MailboxPage.tsx'));
const MailMergePage: Page = lazy(() => import('../pages/MailMergePage.tsx'));
const MailTemplatesPage: Page = lazy(() => import('../pages/MailTemplatesPage.tsx'));
const PrintersPage: Page = lazy(() => import('../pages/PrintersPage.tsx'));

const ROUTES: readonly [string, Page][] = [
  ['/', DashboardPage],
  ['/r/:type', ListPage],
  ['/r/:type/new', RecordPage],
  ['/r/:type/trash', TrashPage],
  ['/r/:type/import', ImportPage],
  ['/r/:type/:id', RecordPage],
  ['/board/:pipeline', BoardPage],
  ['/tasks', TasksPage],
  ['/reports', ReportsPage],
  ['/reports/:name', ReportsPage],
  ['/dashboards', DashboardsPage],
  ['/dashboards/:name', DashboardsPage],
  ['/calendar', CalendarPage],
  ['/resource-calendar', ResourceCalendarPage],
  ['/designer', DesignerPage],
  ['/designer/versions', VersionsPage],
  ['/modeler', ModelerPage],
  ['/admin/users', AdminUsersPage],
  ['/admin/teams', AdminTeamsPage],
  ['/admin/connectors', AdminConnectorsPage],
  ['/admin/printers', PrintersPage],
  ['/account', AccountPage],
  ['/mail', MailboxPage],
  ['/mail/merge', MailMergePage],
  ['/mail/templates', MailTemplatesPage],
];

/** Pages that need no metadata (a fresh installation can still be administered). */
const WITHOUT_METADATA = new Set(['/designer', '/admin/users', '/admin/teams', '/admin/connectors', '/account']);

function route(path: string): { page: Page; params: Record<string, string> } | null {
  for (const [pattern, page] of ROUTES) {
    const params = match(pattern, path);
    if (params) return { page, params };
  }
  return null;
}

interface NavGroup {
  readonly key: string;
  readonly title: string;
  /** `external`: a page the server serves outside the app (the Node-RED editor), opened as a plain link. */
  readonly items: readonly { to: string; label: string; external?: boolean }[];
}

/** Entity types grouped by their `module`, labelled and ordered as the manifest declares. */
function navigation(model: Model, label: ReturnType<typeof useI18n>['label'], t: ReturnType<typeof useI18n>['t'], can: (right: string) => boolean, mayRead: (entity: string) => boolean): NavGroup[] {
  const groups = new Map<string, { to: string; label: string }[]>();
  for (const entity of model.entities.values()) {
    // Line types (offer lines) are edited inside their record's form, not listed on their own.
    if (entity.name === ACTIVITY_ENTITY || entity.lineOf || !mayRead(entity.name)) continue;
    const key = entity.module ?? '';
    const list = groups.get(key) ?? [];
    list.push({ to: `/r/${entity.name}`, label: label(entity.pluralLabel) });
    groups.set(key, list);
  }
  // Module labels and order come from the manifest; an undeclared module shows its name capitalised.
  const modules = model.pkg.manifest.modules ?? {};
  const order = (key: string) => (key === '' ? Number.MAX_SAFE_INTEGER : (modules[key]?.order ?? Number.MAX_SAFE_INTEGER - 1));
  const result: NavGroup[] = [...groups]
    .sort(([a], [b]) => order(a) - order(b) || a.localeCompare(b))
    .map(([key, items]) => ({ key: `m.${key}`, title: modules[key] ? label(modules[key].label) : key ? key.charAt(0).toUpperCase() + key.slice(1).replace(/_/g, ' ') : t('nav.other'), items }));
  const pipelines = model.machines.filter((m) => m.kind === 'pipeline' && mayRead(m.entity)).map((m) => ({ to: `/board/${m.name}`, label: label(m.label) }));
  if (pipelines.length) result.unshift({ key: 'boards', title: t('nav.boards'), items: pipelines });
  result.unshift({
    key: 'work',
    title: '',
    items: [
      { to: '/', label: t('nav.dashboard') },
      ...(model.pkg.dashboards.length ? [{ to: '/dashboards', label: t('nav.dashboards') }] : []),
      ...(model.pkg.reports.some((r) => mayRead(r.entity)) ? [{ to: '/reports', label: t('nav.reports') }] : []),
      { to: '/tasks', label: t('nav.tasks') },
      { to: '/calendar', label: t('nav.calendar') },
      ...(model.entities.has('resource') && mayRead('resource') ? [{ to: '/resource-calendar', label: t('nav.resourceCalendar') }] : []),
      { to: `/r/${ACTIVITY_ENTITY}`, label: t('nav.activities') },
      // The e-mail connector's mailbox, where it is installed (its mail accounts are in the model).
      ...(model.entities.has('email_account') ? [{ to: '/mail', label: t('nav.mail') }] : []),
    ],
  });
  const analyst = [...(can('administerMetadata') ? [{ to: '/designer', label: t('nav.designer') }] : []), ...(can('administerWorkflows') ? [{ to: '/modeler', label: t('nav.modeler') }] : [])];
  if (analyst.length) result.push({ key: 'analyst', title: t('nav.analyst'), items: analyst });
  const admin = [
    ...(can('administerUsers') ? [{ to: '/admin/users', label: t('nav.users') }, { to: '/admin/teams', label: t('nav.teams') }] : []),
    ...(can('administerConnectors') ? [{ to: '/admin/connectors', label: t('nav.connectors') }] : []),
    // The Node-RED editor (docs/automation.md): read-only with viewAutomation.
    ...(can('administerAutomation') || can('viewAutomation') ? [{ to: '/automation/', label: t('nav.automation'), external: true }] : []),
    // The fiscal connector's printers, where its sale entity is installed.
    ...(can('administerConnectors') && model.entities.has('sale') ? [{ to: '/admin/printers', label: t('nav.printers') }] : []),
  ];
  if (admin.length) result.push({ key: 'admin', title: t('nav.admin'), items: admin });
  return result;
}

function LanguageSwitch() {
  const { language, setLanguage } = useI18n();
  return (
    <div className="lang-switch" role="group" aria-label="Language">
      {LANGUAGES.map((l: Language) => (
        <button key={l} type="button" className={l === language ? 'active' : ''} aria-pressed={l === language} onClick={() => setLanguage(l)}>
          {l.toUpperCase()}
        </button>
      ))}
    </div>
  );
}

/** Below this width the menu is a drawer behind a button (the same width as the stylesheet's). */
const DRAWER_QUERY = '(max-width: 900px)';

/**
 * The menu as an off-canvas drawer on narrow screens: open/closed, closed again on navigation, on
 * Esc (focus back on the button) and when the screen grows wide; focus moves into it when it opens.
 */
function useDrawer(path: string) {
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const drawer = useRef<HTMLElement>(null);
  // Esc hands focus back to the button, once the page behind is no longer inert.
  const refocus = useRef(false);
  useEffect(() => setOpen(false), [path]);
  useEffect(() => {
    const wide = window.matchMedia(DRAWER_QUERY);
    const onChange = () => !wide.matches && setOpen(false);
    wide.addEventListener('change', onChange);
    return () => wide.removeEventListener('change', onChange);
  }, []);
  useEffect(() => {
    if (!open) {
      if (refocus.current) button.current?.focus();
      refocus.current = false;
      return;
    }
    (drawer.current?.querySelector<HTMLElement>('nav [aria-current="page"]') ?? drawer.current?.querySelector<HTMLElement>('nav a'))?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      refocus.current = true;
      setOpen(false);
    };
    document.addEventListener('keydown', onKey);
    // The page behind stays put while the menu is open.
    const root = document.documentElement;
    const overflow = root.style.overflow;
    root.style.overflow = 'hidden';
    return () => {
      document.removeEventListener('keydown', onKey);
      root.style.overflow = overflow;
    };
  }, [open]);
  return { open, setOpen, button, drawer };
}

export function App() {
  const { t, label } = useI18n();
  const { meta, error, loading, reload } = useMetaState();
  const { me, signOut, can, may } = useSession();
  const location = useLocation();
  const found = route(location.path);
  const nav = meta ? navigation(meta.model, label, t, can, (entity) => may(entity, 'read')) : [];
  const menu = useDrawer(location.path);
  const isActive = (to: string) => (to === '/' ? location.path === '/' : location.path === to || location.path.startsWith(`${to}/`));
  let content;
  if (loading) content = <Spinner />;
  else if (!meta && error?.status === 404 && !WITHOUT_METADATA.has(location.path)) content = <div className="empty-state">{t('meta.missing')}</div>;
  else if (!meta && error && !WITHOUT_METADATA.has(location.path)) content = <ErrorBox error={error} onRetry={() => void reload()} />;
  else if (!found) content = <div className="empty-state">{t('common.notFound')}</div>;
  else {
    const Page = found.page;
    content = (
      <Suspense fallback={<Spinner />}>
        <Page key={location.path} params={found.params} />
      </Suspense>
    );
  }
  return (
    <div className={`shell${menu.open ? ' menu-open' : ''}`}>
      <aside className="sidebar" id="main-menu" ref={menu.drawer}>
        <div className="sidebar-head">
          <Link to="/" className="brand">
            <span className="brand-mark" aria-hidden>
              ◆
            </span>
            {t('app.title')}
          </Link>
          <button type="button" className="icon-btn menu-close" aria-label={t('nav.closeMenu')} onClick={() => menu.setOpen(false)}>
            ✕
          </button>
        </div>
        <nav aria-label="Main">
          {nav.map((group) => (
            <div className="nav-group" key={group.key}>
              {group.title && <div className="nav-title">{group.title}</div>}
              {group.items.map((item) =>
                item.external ? (
                  <a key={item.to} href={item.to} className="nav-item">
                    {item.label}
                  </a>
                ) : (
                  <Link key={item.to} to={item.to} className={`nav-item${isActive(item.to) ? ' active' : ''}`} aria-current={isActive(item.to) ? 'page' : undefined}>
                    {item.label}
                  </Link>
                ),
              )}
            </div>
          ))}
        </nav>
      </aside>
      <div className="menu-backdrop" aria-hidden onClick={() => menu.setOpen(false)} />
      <div className="main" inert={menu.open || undefined}>
        <header className="topbar">
          <button type="button" ref={menu.button} className="icon-btn menu-button" aria-label={t('nav.menu')} aria-expanded={menu.open} aria-controls="main-menu" onClick={() => menu.setOpen(true)}>
            <span aria-hidden>☰</span>
          </button>
          <GlobalSearch />
          <QuickCreate />
          <div className="topbar-spacer" />
          <LanguageSwitch />
          <NotificationBell />
          <div className="user-menu">
            <Link to="/account" data-testid="user-name" title={t('nav.account')}>
              {me?.user.displayName}
            </Link>
            <button type="button" className="btn btn-small" onClick={() => void signOut()}>
              {t('login.signOut')}
            </button>
          </div>
        </header>
        <main className="content">{content}</main>
      </div>
    </div>
  );
}
