// The shell: navigation generated from the metadata (modules → entity types, pipelines), the
// language switch, and the pages, each loaded on demand so a page downloads only what it uses.
import { lazy, Suspense, type ComponentType, type LazyExoticComponent } from 'react';
import type { Model } from '../../../metadata/model.ts';
import { ACTIVITY_ENTITY } from '../../../metadata/activity.ts';
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
const TasksPage: Page = lazy(() => import('../pages/TasksPage.tsx'));
const CalendarPage: Page = lazy(() => import('../pages/CalendarPage.tsx'));
const DashboardPage: Page = lazy(() => import('../pages/DashboardPage.tsx'));
const DesignerPage: Page = lazy(() => import('../pages/DesignerPage.tsx'));
const ModelerPage: Page = lazy(() => import('../pages/ModelerPage.tsx'));
const AdminUsersPage: Page = lazy(() => import('../pages/AdminUsersPage.tsx'));
const AdminTeamsPage: Page = lazy(() => import('../pages/AdminTeamsPage.tsx'));
const AdminConnectorsPage: Page = lazy(() => import('../pages/AdminConnectorsPage.tsx'));
const AccountPage: Page = lazy(() => import('../pages/AccountPage.tsx'));

const ROUTES: readonly [string, Page][] = [
  ['/', DashboardPage],
  ['/r/:type', ListPage],
  ['/r/:type/new', RecordPage],
  ['/r/:type/:id', RecordPage],
  ['/board/:pipeline', BoardPage],
  ['/tasks', TasksPage],
  ['/calendar', CalendarPage],
  ['/designer', DesignerPage],
  ['/modeler', ModelerPage],
  ['/admin/users', AdminUsersPage],
  ['/admin/teams', AdminTeamsPage],
  ['/admin/connectors', AdminConnectorsPage],
  ['/account', AccountPage],
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
  readonly items: readonly { to: string; label: string }[];
}

/** Entity types grouped by their `module`, labelled and ordered as the manifest declares. */
function navigation(model: Model, label: ReturnType<typeof useI18n>['label'], t: ReturnType<typeof useI18n>['t'], can: (right: string) => boolean, mayRead: (entity: string) => boolean): NavGroup[] {
  const groups = new Map<string, { to: string; label: string }[]>();
  for (const entity of model.entities.values()) {
    if (entity.name === ACTIVITY_ENTITY || !mayRead(entity.name)) continue;
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
      { to: '/tasks', label: t('nav.tasks') },
      { to: '/calendar', label: t('nav.calendar') },
      { to: `/r/${ACTIVITY_ENTITY}`, label: t('nav.activities') },
    ],
  });
  const analyst = [...(can('administerMetadata') ? [{ to: '/designer', label: t('nav.designer') }] : []), ...(can('administerWorkflows') ? [{ to: '/modeler', label: t('nav.modeler') }] : [])];
  if (analyst.length) result.push({ key: 'analyst', title: t('nav.analyst'), items: analyst });
  const admin = [
    ...(can('administerUsers') ? [{ to: '/admin/users', label: t('nav.users') }, { to: '/admin/teams', label: t('nav.teams') }] : []),
    ...(can('administerConnectors') ? [{ to: '/admin/connectors', label: t('nav.connectors') }] : []),
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

export function App() {
  const { t, label } = useI18n();
  const { meta, error, loading, reload } = useMetaState();
  const { me, signOut, can, may } = useSession();
  const location = useLocation();
  const found = route(location.path);
  const nav = meta ? navigation(meta.model, label, t, can, (entity) => may(entity, 'read')) : [];
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
    <div className="shell">
      <aside className="sidebar">
        <Link to="/" className="brand">
          <span className="brand-mark" aria-hidden>
            ◆
          </span>
          {t('app.title')}
        </Link>
        <nav aria-label="Main">
          {nav.map((group) => (
            <div className="nav-group" key={group.key}>
              {group.title && <div className="nav-title">{group.title}</div>}
              {group.items.map((item) => (
                <Link key={item.to} to={item.to} className={`nav-item${isActive(item.to) ? ' active' : ''}`} aria-current={isActive(item.to) ? 'page' : undefined}>
                  {item.label}
                </Link>
              ))}
            </div>
          ))}
        </nav>
      </aside>
      <div className="main">
        <header className="topbar">
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
