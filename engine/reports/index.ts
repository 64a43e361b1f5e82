export { Dashboards, DASHBOARD_FILTERS, MAX_WIDGETS, OWN_DASHBOARD, type DashboardFilter, type DashboardView } from './dashboards.ts';
