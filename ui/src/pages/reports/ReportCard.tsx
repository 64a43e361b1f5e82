// A report loaded under filters (period, owner, campaign) and shown in a card with its CSV export
// (and on its own page XLSX and PDF from the server);
// the filter bar shared by the report page and dashboards.
import type { Model, Report } from '../../../../metadata/browser.ts';
import { aggregate, reportExportUrl } from '../../api/reports.ts';
import { useI18n } from '../../app/i18n.tsx';
import { Link } from '../../app/router.tsx';
import { RecordPicker } from '../../components/RecordPicker.tsx';
import { ErrorBox, Spinner, useLoad } from '../../components/ui.tsx';
import { PERIODS, REPORT_CURRENCIES, reportCsv, reportQuery, type Period, type ReportFilters } from './figures.ts';
import { ReportView, useHeadings, useTexts, type ReportType } from './ReportView.tsx';
import { saveFile } from '../../components/save-file.ts';

export interface CardProps {
  readonly model: Model;
  readonly report: Report;
  readonly filters: ReportFilters;
  readonly type?: ReportType;
  /** The title links to the report's own page (on dashboards). */
  readonly linked?: boolean;
  readonly wide?: boolean;
}

const download = (name: string, text: string) => saveFile(`${name}.csv`, new Blob([text], { type: 'text/csv;charset=utf-8' }));

export function ReportCard({ model, report, filters, type, linked, wide }: CardProps) {
  const { t, label, language } = useI18n();
  const entity = model.entities.get(report.entity);
  const key = JSON.stringify(filters);
  const loaded = useLoad((signal) => aggregate(report.entity, reportQuery(report, entity!, filters, new Date()), signal), [report.name, key]);
  const texts = useTexts();
  const title = label(report.label);
  return (
    <section className={`card report-card${wide ? ' wide' : ''}`} aria-label={title}>
      <div className="card-head">
        <h2>{linked ? <Link to={`/reports/${report.name}${filterQuery(filters)}`}>{title}</Link> : title}</h2>
        {loaded.data && entity && (
          <div className="report-exports">
            <CsvButton name={report.name} entity={entity} result={loaded.data} texts={texts} label={t('report.exportCsv')} />
            {/* XLSX and PDF are made by the server (with the same rights); on the report's own page only. */}
            {!linked && (
              <>
                <a className="btn btn-small" href={reportExportUrl(report.name, 'xlsx', language, { ...filters })} download>
                  {t('report.exportXlsx')}
                </a>
                <a className="btn btn-small" href={reportExportUrl(report.name, 'pdf', language, { ...filters })} download>
                  {t('report.exportPdf')}
                </a>
              </>
            )}
          </div>
        )}
      </div>
      {report.description && !linked && <p className="muted">{label(report.description)}</p>}
      {!entity && <div className="muted">{report.entity}</div>}
      {loaded.error ? <ErrorBox error={loaded.error} onRetry={loaded.reload} /> : null}
      {!loaded.data && !loaded.error ? <Spinner /> : null}
      {loaded.data && entity && <ReportView model={model} report={report} entity={entity} result={loaded.data} type={type ?? report.type} />}
    </section>
  );
}

function CsvButton({ name, entity, result, texts, label }: { name: string; entity: NonNullable<ReturnType<Model['entities']['get']>>; result: Parameters<typeof reportCsv>[0]; texts: ReturnType<typeof useTexts>; label: string }) {
  const headings = useHeadings(entity, result);
  return (
    <button type="button" className="btn btn-small" onClick={() => download(name, reportCsv(result, headings, texts))}>
      {label}
    </button>
  );
}

/** Filters in the address of a report page (?period=…&owner=…&campaign=…). */
export function filterQuery(filters: ReportFilters): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(filters)) if (v && v !== 'all') q.set(k, String(v));
  const text = q.toString();
  return text ? `?${text}` : '';
}

export function filtersOf(query: URLSearchParams): ReportFilters {
  const period = query.get('period');
  return {
    ...((PERIODS as readonly string[]).includes(period ?? '') ? { period: period as Period } : {}),
    ...(query.get('owner') ? { owner: query.get('owner')! } : {}),
    ...(query.get('campaign') ? { campaign: query.get('campaign')! } : {}),
    ...((REPORT_CURRENCIES as readonly string[]).includes(query.get('currency') ?? '') ? { currency: query.get('currency')! } : {}),
  };
}

/**
 * The filters above a report or dashboard: period, owner (the signed-in user or a record of the
 * owner field's type), campaign, and the currency money is converted to. `ownerTarget`: what the
 * owner filter picks ("user": me or all).
 */
export function FilterBar({ model, offered, filters, onChange, ownerTarget, campaignTarget }: { model: Model; offered: readonly ('period' | 'owner' | 'campaign' | 'currency')[]; filters: ReportFilters; onChange(f: ReportFilters): void; ownerTarget: string | null; campaignTarget: string | null }) {
  const { t } = useI18n();
  const set = (change: Partial<ReportFilters>) => {
    const next: Record<string, unknown> = { ...filters, ...change };
    for (const k of Object.keys(next)) if (next[k] === undefined || next[k] === '' || next[k] === 'all') delete next[k];
    onChange(next as ReportFilters);
  };
  return (
    <div className="report-filters" role="group" aria-label={t('report.filter.period')}>
      {offered.includes('period') && (
        <label>
          {t('report.filter.period')}{' '}
          <select value={filters.period ?? 'all'} onChange={(e) => set({ period: e.target.value as Period })}>
            {PERIODS.map((p) => (
              <option key={p} value={p}>
                {t(`report.period.${p}`)}
              </option>
            ))}
          </select>
        </label>
      )}
      {offered.includes('owner') && ownerTarget && (
        <label>
          {t('report.filter.owner')}{' '}
          {ownerTarget === 'user' ? (
            <select value={filters.owner ?? ''} onChange={(e) => set({ owner: e.target.value })}>
              <option value="">{t('common.all')}</option>
              <option value="$me">{t('report.filter.me')}</option>
            </select>
          ) : (
            <RecordPicker model={model} target={ownerTarget} value={filters.owner ?? null} onChange={(v) => set({ owner: v ?? undefined })} />
          )}
        </label>
      )}
      {offered.includes('campaign') && campaignTarget && (
        <label>
          {t('report.filter.campaign')} <RecordPicker model={model} target={campaignTarget} value={filters.campaign ?? null} onChange={(v) => set({ campaign: v ?? undefined })} />
        </label>
      )}
      {offered.includes('currency') && (
        <label>
          {t('report.filter.currency')}{' '}
          <select value={filters.currency ?? ''} onChange={(e) => set({ currency: e.target.value })}>
            <option value="">{t('report.currency.own')}</option>
            {REPORT_CURRENCIES.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </label>
      )}
    </div>
  );
}

/** What the owner and campaign filters pick for a report: the target of its parameter fields. */
export function parameterTargets(model: Model, report: Report): { owner: string | null; campaign: string | null } {
  const entity = model.entities.get(report.entity);
  const targetOf = (name: string | undefined) => {
    if (!name || !entity) return null;
    if (name === 'owner') return 'user';
    const field = entity.fieldsByName.get(name);
    return field?.type === 'reference' ? field.target : null;
  };
  return { owner: targetOf(report.parameters?.owner), campaign: targetOf(report.parameters?.campaign) };
}
