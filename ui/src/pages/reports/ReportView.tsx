// A report as a table, pivot, chart or funnel, from the aggregate API's answer; every cell links to
// the list of the records behind it (drill-down). Used by the report page and dashboard widgets.
import { reportHeadings, type EntityModel, type Model, type ReportHeadings, type Report } from '../../../../metadata/browser.ts';
import { listAll } from '../../api/records.ts';
import type { AggregateResult, AggregateRow } from '../../api/reports.ts';
import { useI18n } from '../../app/i18n.tsx';
import { Link } from '../../app/router.tsx';
import { useLoad } from '../../components/ui.tsx';
import { Funnel } from '../dashboard/charts.tsx';
import type { StageFigures } from '../dashboard/figures.ts';
import { BarChart, LineChart, PieChart } from './charts.tsx';
import { chartSeries, drillPath, keyText, measureText, pivot, rowCurrency, type Texts } from './figures.ts';

export type ReportType = Report['type'];

/** The words and formats figures.ts needs, in the user's language. */
export function useTexts(): Texts {
  const { t, label, locale } = useI18n();
  return { label, locale, empty: t('report.empty'), hidden: t('report.hidden'), yes: t('common.yes'), no: t('common.no'), days: t('report.days'), weekOf: t('report.weekOf') };
}

/** Column headings: the groups' field labels, the currency and the measures' names. */
export function useHeadings(entity: EntityModel, result: AggregateResult): ReportHeadings {
  const { t, label } = useI18n();
  return reportHeadings(entity, result, t, label);
}

interface ViewProps {
  readonly model: Model;
  readonly report: Report;
  readonly entity: EntityModel;
  readonly result: AggregateResult;
  readonly type: ReportType;
}

export function ReportView({ model, report, entity, result, type }: ViewProps) {
  const { t, label } = useI18n();
  const texts = useTexts();
  if (result.rows.length === 0) return <div className="muted">{t('report.noData')}</div>;
  const drill = (row: AggregateRow) => drillPath(entity.name, row.filter);
  const format = (row: AggregateRow, i = 0) => measureText(row.values[i] ?? null, result.measures[i]!, row, texts.locale);
  const caption = label(report.label);
  let body;
  if (type === 'funnel' && entity.machines.has(result.groups[0]?.field ?? '')) body = <FunnelView entity={entity} result={result} />;
  else if (type === 'pivot' && result.groups.length >= 2) body = <PivotView model={model} report={report} entity={entity} result={result} />;
  else if (type === 'bar' || type === 'line' || type === 'pie') {
    const series = chartSeries(result, texts);
    const Chart = type === 'bar' ? BarChart : type === 'line' ? LineChart : PieChart;
    body = <Chart series={series} label={caption} drill={(slice) => drill(slice.row)} format={(slice) => format(slice.row)} />;
  } else body = <TableView entity={entity} result={result} />;
  return (
    <div className="report-view" data-report={report.name} data-type={type}>
      {body}
      {result.truncated && <div className="muted">{t('report.truncated', { n: result.rows.length })}</div>}
    </div>
  );
}

/** One line per row: the groups, the currency, the measures, each measure a link to its records. */
function TableView({ entity, result }: { entity: EntityModel; result: AggregateResult }) {
  const texts = useTexts();
  const headings = useHeadings(entity, result);
  const money = result.measures.some((m) => m.money);
  return (
    <div className="report-table-wrap">
      <table className="report-table" data-testid="report-table">
        <thead>
          <tr>
            {headings.groups.map((h) => (
              <th key={h}>{h}</th>
            ))}
            <MeasureHeadings measures={headings.measures} currency={money} />
          </tr>
        </thead>
        <tbody>
          {result.rows.map((row, r) => (
            <tr key={r}>
              {row.keys.map((k, i) => (
                <td key={i}>{keyText(k, result.groups[i]!, texts)}</td>
              ))}
              <MeasureCells entity={entity} result={result} row={row} currency={money} />
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Hours a user has per day, from the report's capacity entity (employees with their user account). */
/** The headings over MeasureCells: the currency (when money is measured) and each measure. */
function MeasureHeadings({ measures, currency }: { measures: readonly string[]; currency: boolean }) {
  const { t } = useI18n();
  return (
    <>
      {currency && <th>{t('report.currency')}</th>}
      {measures.map((h) => (
        <th key={h} className="num">
          {h}
        </th>
      ))}
    </>
  );
}

/** A result row's currency cell (when money is measured) and its figures, each a link to the records behind it. */
function MeasureCells({ entity, result, row, currency }: { entity: EntityModel; result: AggregateResult; row: AggregateRow; currency: boolean }) {
  const { t } = useI18n();
  const texts = useTexts();
  return (
    <>
      {currency && <td>{rowCurrency(result, row)}</td>}
      {row.values.map((value, i) => (
        <td key={i} className="num">
          <Link to={drillPath(entity.name, row.filter)} title={t('report.drill')}>
            {measureText(value ?? null, result.measures[i]!, row, texts.locale)}
          </Link>
        </td>
      ))}
    </>
  );
}

function useCapacity(model: Model, report: Report): ReadonlyMap<string, number> | null {
  const capacity = report.capacity;
  const loaded = useLoad(async (signal) => {
    if (!capacity || !model.entities.has(capacity.entity)) return null;
    const { data } = await listAll(capacity.entity, { filter: { [capacity.userField]: { isNull: false } }, fields: [capacity.userField, capacity.hoursField] }, { max: 2000, signal });
    return new Map(data.filter((r) => typeof r[capacity.hoursField] === 'number').map((r) => [String(r[capacity.userField]), Number(r[capacity.hoursField])]));
  }, [report.name]);
  return loaded.data ?? null;
}

/** Rows × columns of the first measure; the other measures in each cell's title. With capacity: hours against the available. */
function PivotView({ model, report, entity, result }: { model: Model; report: Report; entity: EntityModel; result: AggregateResult }) {
  const { t } = useI18n();
  const texts = useTexts();
  const headings = useHeadings(entity, result);
  const table = pivot(result, texts);
  const capacity = useCapacity(model, report);
  // The hours measure a capacity compares: the first sum besides count.
  const hoursAt = report.capacity ? result.measures.findIndex((m) => m.fn === 'sum') : -1;
  return (
    <div className="report-table-wrap">
      <table className="report-table pivot" data-testid="report-pivot">
        <caption className="muted">{headings.measures.join(' · ')}</caption>
        <thead>
          <tr>
            <th>{headings.groups[0]}</th>
            {table.columns.map((c) => (
              <th key={c.key} className="num">
                {c.text}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {table.rows.map((r) => {
            const userId = JSON.parse(r.key)[0] as unknown;
            const available = capacity && typeof userId === 'string' ? capacity.get(userId) : undefined;
            return (
              <tr key={r.key}>
                <th scope="row">
                  {r.text}
                  {available !== undefined && <div className="muted">{t('report.available', { n: available })}</div>}
                </th>
                {table.columns.map((c) => {
                  const row = table.cell(r.key, c.key);
                  if (!row) return <td key={c.key} />;
                  const hours = hoursAt >= 0 ? row.values[hoursAt] : null;
                  const over = available !== undefined && typeof hours === 'number' && hours > available;
                  const all = row.values.map((_, i) => `${headings.measures[i]}: ${measureText(row.values[i] ?? null, result.measures[i]!, row, texts.locale)}`).join('\n');
                  return (
                    <td key={c.key} className={`num${over ? ' overloaded' : ''}`}>
                      <Link to={drillPath(entity.name, row.filter)} title={`${all}${over ? `\n${t('report.overloaded')}` : ''}`}>
                        {measureText(row.values[0] ?? null, result.measures[0]!, row, texts.locale)}
                        {hoursAt > 0 && typeof hours === 'number' ? ` · ${measureText(hours, result.measures[hoursAt]!, row, texts.locale)} h` : ''}
                      </Link>
                    </td>
                  );
                })}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** The pipeline's funnel (deals that reached each stage), then every stage with its figures and lost deals apart. */
function FunnelView({ entity, result }: { entity: EntityModel; result: AggregateResult }) {
  const { label } = useI18n();
  const texts = useTexts();
  const machine = entity.machines.get(result.groups[0]!.field)!;
  const sumAt = result.measures.findIndex((m) => m.fn === 'sum' && m.money);
  const stages: StageFigures[] = machine.states.map((s) => {
    const rows = result.rows.filter((r) => r.keys[0]?.value === s.name);
    const amounts = new Map<string, number>();
    if (sumAt >= 0) for (const r of rows) amounts.set(rowCurrency(result, r), (amounts.get(rowCurrency(result, r)) ?? 0) + Number(r.values[sumAt] ?? 0));
    const count = rows.reduce((n, r) => n + (result.measures[0]?.fn === 'count' ? Number(r.values[0] ?? 0) : 0), 0);
    return { name: s.name, label: label(s.label), color: s.color, count, amounts, category: s.category };
  });
  const headings = useHeadings(entity, result);
  return (
    <>
      <Funnel stages={stages} label={label(machine.label)} />
      <div className="report-table-wrap">
        <table className="report-table" data-testid="funnel-report-table">
          <thead>
            <tr>
              <th>{headings.groups[0]}</th>
              <MeasureHeadings measures={headings.measures} currency={result.measures.some((m) => m.money)} />
            </tr>
          </thead>
          <tbody>
            {result.rows.map((row, r) => {
              const state = machine.states.find((s) => s.name === row.keys[0]?.value);
              return (
                <tr key={r} data-stage={String(row.keys[0]?.value)} className={state?.category === 'lost' ? 'lost' : undefined}>
                  <td>
                    {keyText(row.keys[0]!, result.groups[0]!, texts)}
                  </td>
                  <MeasureCells entity={entity} result={result} row={row} currency={result.measures.some((m) => m.money)} />
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </>
  );
}
