// A dashboard's filter bar and its report widgets: the same on /dashboards and on the home page (/),
// which shows the user's default dashboard (their role's, from metadata). The filters the dashboard
// offers apply to every widget that declares a parameter for them.
import type { DashboardWidget, Model, Report } from '../../../../metadata/browser.ts';
import type { DashboardView } from '../../api/reports.ts';
import { FilterBar, parameterTargets, ReportCard } from './ReportCard.tsx';
import type { ReportFilters } from './figures.ts';

export function DashboardBody({ model, dashboard, filters, onFilters }: { model: Model; dashboard: DashboardView; filters: ReportFilters; onFilters(f: ReportFilters): void }) {
  const reports = new Map(model.pkg.reports.map((r) => [r.name, r]));
  const widgets = dashboard.widgets.map((w) => ({ widget: w, report: reports.get(w.report) })).filter((w): w is { widget: DashboardWidget; report: Report } => w.report !== undefined);
  const targets = widgets.map((w) => parameterTargets(model, w.report));
  return (
    <>
      {dashboard.filters.length > 0 && (
        <FilterBar model={model} offered={dashboard.filters} filters={filters} onChange={onFilters} ownerTarget={targets.find((x) => x.owner)?.owner ?? null} campaignTarget={targets.find((x) => x.campaign)?.campaign ?? null} />
      )}
      <div className="dashboard report-grid" data-dashboard={dashboard.name}>
        {widgets.map(({ widget, report }, i) => (
          <ReportCard key={`${dashboard.name}.${i}`} model={model} report={report} filters={applicable(report, model, filters, targets[0]?.owner ?? null)} {...(widget.type ? { type: widget.type } : {})} linked wide={widget.wide === true} />
        ))}
      </div>
    </>
  );
}

/** A dashboard's owner filter applies to the widgets whose owner parameter picks the same kind of record. */
function applicable(report: Report, model: Model, filters: ReportFilters, ownerTarget: string | null): ReportFilters {
  const targets = parameterTargets(model, report);
  const { owner, ...rest } = filters;
  return owner && targets.owner === ownerTarget ? filters : rest;
}
