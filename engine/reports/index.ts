export { Dashboards, DASHBOARD_FILTERS, MAX_WIDGETS, OWN_DASHBOARD, type DashboardFilter, type DashboardView } from './dashboards.ts';
export { EXPORT_FORMATS, exportReport, parseExportRequest, type ExportFormat, type ExportRequest, type Exporting, type ReportFile } from './export.ts';
