// A report exported as a file: XLSX (write-excel-file, the sibling of the read-excel-file the import
// reads with) with real number cells in their currency's format, or PDF through the printouts' pdfmake
// engine with the report's title, filters and date. The figures are the aggregate API's, run with the
// caller's rights (a field they may not see refuses the export as it refuses the aggregate); the
// words are the web app's (metadata/report-words.ts), so the file reads like the page.
import writeXlsxFile, { type Cell } from 'write-excel-file/node';
import type { Knex } from 'knex';
import {
  isoLocalDate,
  isUuid,
  labelText,
  measureText,
  PERIODS,
  REPORT_CURRENCIES,
  REPORT_LOCALES,
  reportHeadings,
  reportQuery,
  reportTable,
  reportWord,
  type AggregateResult,
  type Period,
  type Report,
  type ReportFilters,
  type Texts,
} from '../../metadata/index.ts';
import { FONT, renderPdf } from '../documents/index.ts';
import { TesseraError, type Problem } from '../errors.ts';
import { dayStartUtc } from '../records/aggregate.ts';
import type { LiveMetadata, RecordContext, RecordService } from '../records/index.ts';

export const EXPORT_FORMATS = ['xlsx', 'pdf'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
const LANGUAGES = ['pl', 'en', 'ro'] as const;
type Language = (typeof LANGUAGES)[number];

export interface ExportRequest {
  readonly format: ExportFormat;
  readonly language: Language;
  readonly filters: ReportFilters;
}

export interface ReportFile {
  readonly bytes: Buffer;
  readonly fileName: string;
  readonly contentType: string;
  readonly language: Language;
}

const CONTENT_TYPES: Record<ExportFormat, string> = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pdf: 'application/pdf',
};

/** The export's query string: format, lang (else `fallback`), period, owner, campaign, currency; nothing else. */
export function parseExportRequest(query: Readonly<Record<string, unknown>>, fallback: string | undefined): ExportRequest {
  const problems: Problem[] = [];
  const text = (name: string): string | undefined => {
    const v = query[name];
    if (v === undefined) return undefined;
    if (typeof v !== 'string' || v === '') problems.push({ pointer: `/query/${name}`, detail: 'must be given once, as text' });
    else return v;
    return undefined;
  };
  for (const key of Object.keys(query)) if (!['format', 'lang', 'period', 'owner', 'campaign', 'currency'].includes(key)) problems.push({ pointer: `/query/${key}`, detail: 'unknown parameter' });
  const format = text('format');
  if (!format || !(EXPORT_FORMATS as readonly string[]).includes(format)) problems.push({ pointer: '/query/format', detail: `must be one of ${EXPORT_FORMATS.join(', ')}`, code: 'ENUM', params: { allowed: [...EXPORT_FORMATS] } });
  const lang = text('lang');
  if (lang !== undefined && !(LANGUAGES as readonly string[]).includes(lang)) problems.push({ pointer: '/query/lang', detail: `must be one of ${LANGUAGES.join(', ')}`, code: 'ENUM', params: { allowed: [...LANGUAGES] } });
  const period = text('period');
  if (period !== undefined && !(PERIODS as readonly string[]).includes(period)) problems.push({ pointer: '/query/period', detail: `must be one of ${PERIODS.join(', ')}`, code: 'ENUM', params: { allowed: [...PERIODS] } });
  const owner = text('owner');
  const campaign = text('campaign');
  const currency = text('currency');
  if (currency !== undefined && !(REPORT_CURRENCIES as readonly string[]).includes(currency)) problems.push({ pointer: '/query/currency', detail: `must be one of ${REPORT_CURRENCIES.join(', ')}`, code: 'ENUM', params: { allowed: [...REPORT_CURRENCIES] } });
  if (problems.length) throw new TesseraError('BAD_QUERY', `invalid report export: ${problems.map((p) => `${p.pointer} ${p.detail}`).join('; ')}`, { problems });
  const language = (lang ?? (LANGUAGES as readonly string[]).find((l) => l === fallback) ?? 'en') as Language;
  return { format: format as ExportFormat, language, filters: { ...(period && period !== 'all' ? { period: period as Period } : {}), ...(owner ? { owner } : {}), ...(campaign ? { campaign } : {}), ...(currency ? { currency } : {}) } };
}

export interface Exporting {
  readonly knex: Knex;
  readonly runtime: LiveMetadata;
  readonly records: RecordService;
}

/** The report `name` as a file, its figures computed with the caller's rights. */
export async function exportReport(exporting: Exporting, ctx: RecordContext, name: string, request: ExportRequest, now = new Date()): Promise<ReportFile> {
  const model = exporting.runtime.snapshot.model;
  const report = model.pkg.reports.find((r) => r.name === name);
  if (!report) throw new TesseraError('NOT_FOUND', `no report "${name}"`);
  const entity = model.entities.get(report.entity);
  if (!entity) throw new TesseraError('NOT_FOUND', `no entity type "${report.entity}" for report "${name}"`);
  const timeZone = model.pkg.manifest.timeZone ?? 'UTC';
  // "Today" is the business's calendar day, whatever the server's clock zone.
  const [y, m, d] = isoLocalDate(now, timeZone).split('-').map(Number) as [number, number, number];
  const query = reportQuery(report, entity, request.filters, new Date(y, m - 1, d), (day) => dayStartUtc(day, timeZone));
  const result = await exporting.records.aggregate(ctx, report.entity, query, '/query');
  const { language } = request;
  const texts = textsIn(language);
  const headings = reportHeadings(entity, result, (key, params) => reportWord(language, key, params), texts.label);
  const table = reportTable(result, headings, texts);
  const title = texts.label(report.label);
  const fileName = `${report.name}.${request.format}`;
  if (request.format === 'xlsx') {
    const money = result.measures.some((m) => m.money);
    const rows: Cell[][] = [
      table.head.map((h) => ({ value: h, fontWeight: 'bold' as const })),
      ...table.rows.map((r) => [
        ...r.texts.map((t) => ({ value: t, type: String })),
        ...(money ? [{ value: r.currency ?? '', type: String }] : []),
        ...r.values.map((v, i): Cell => (typeof v === 'number' ? { value: v, type: Number, format: numberFormat(result, i, r.currency) } : { value: v ?? '', type: String })),
      ]),
    ];
    const bytes = await writeXlsxFile(rows, { sheet: sheetName(title), stickyRowsCount: 1, columns: table.head.map((h) => ({ width: Math.min(40, Math.max(10, h.length + 2)) })) }).toBuffer();
    return { bytes, fileName, contentType: CONTENT_TYPES.xlsx, language };
  }
  const filterLine = await describeFilters(exporting, ctx, report, request, language);
  const body = [
    table.head.map((h, i) => ({ text: h, bold: true, alignment: i >= table.head.length - result.measures.length ? 'right' : 'left' })),
    ...table.rows.map((r) => [
      ...r.texts,
      ...(r.currency === null ? [] : [r.currency]),
      ...r.values.map((v, i) => ({ text: measureText(v, result.measures[i]!, r.row, texts.locale), alignment: 'right' })),
    ]),
  ];
  const definition = {
    info: { title },
    pageSize: 'A4',
    pageOrientation: table.head.length > 5 ? 'landscape' : 'portrait',
    defaultStyle: { font: FONT, fontSize: 9 },
    content: [
      { text: title, fontSize: 16, bold: true, margin: [0, 0, 0, 4] },
      ...(filterLine ? [{ text: `${reportWord(language, 'report.filters')}: ${filterLine}` }] : []),
      { text: reportWord(language, 'report.generated', { date: now.toLocaleString(texts.locale, { timeZone, dateStyle: 'medium', timeStyle: 'short' }) }), color: '#555555', margin: [0, 0, 0, 8] },
      table.rows.length ? { table: { headerRows: 1, widths: table.head.map((_, i) => (i === 0 ? '*' : 'auto')), body }, layout: 'lightHorizontalLines' } : { text: reportWord(language, 'report.noData') },
      ...(result.truncated ? [{ text: reportWord(language, 'report.truncated', { n: result.rows.length }), margin: [0, 6, 0, 0] }] : []),
    ],
  };
  return { bytes: await renderPdf(definition), fileName, contentType: CONTENT_TYPES.pdf, language };
}

function textsIn(language: Language): Texts {
  return {
    label: (l) => labelText(l, language),
    locale: REPORT_LOCALES[language],
    empty: reportWord(language, 'report.empty'),
    hidden: reportWord(language, 'report.hidden'),
    yes: reportWord(language, 'report.yes'),
    no: reportWord(language, 'report.no'),
    days: reportWord(language, 'report.days'),
    weekOf: reportWord(language, 'report.weekOf'),
  };
}

/**
 * The number format of a measure's cell: money with two decimals and its currency code, a count
 * whole, other figures with up to two decimals (Excel shows the separators of the reader's locale).
 */
function numberFormat(result: AggregateResult, i: number, currency: string | null): string {
  const measure = result.measures[i]!;
  if (measure.money && currency) return `#,##0.00 "${currency.replace(/"/g, '')}"`;
  if (measure.fn === 'count') return '#,##0';
  return '#,##0.##';
}

/** A sheet's name: at most 31 characters, none of : \ / ? * [ ]. */
const sheetName = (title: string) => title.replace(/[:\\/?*[\]]/g, ' ').slice(0, 31).trim() || 'Report';

/** The filters in words: the period's name, the owner's and the campaign's titles. */
async function describeFilters(exporting: Exporting, ctx: RecordContext, report: Report, request: ExportRequest, language: Language): Promise<string> {
  const { filters } = request;
  const params = report.parameters ?? {};
  const parts: string[] = [];
  if (filters.period && params.period) parts.push(`${reportWord(language, 'report.filter.period')}: ${reportWord(language, `report.period.${filters.period}`)}`);
  if (filters.owner && params.owner) parts.push(`${reportWord(language, 'report.filter.owner')}: ${await titleOf(exporting, ctx, report, params.owner, filters.owner, language)}`);
  if (filters.campaign && params.campaign) parts.push(`${reportWord(language, 'report.filter.campaign')}: ${await titleOf(exporting, ctx, report, params.campaign, filters.campaign, language)}`);
  if (filters.currency) parts.push(`${reportWord(language, 'report.filter.currency')}: ${filters.currency}`);
  return parts.join(' · ');
}

/** The title of the record or user a filter picks, as the caller may see it (else its id). */
async function titleOf(exporting: Exporting, ctx: RecordContext, report: Report, fieldName: string, id: string, language: Language): Promise<string> {
  if (id === '$me') return reportWord(language, 'report.filter.me');
  if (!isUuid(id)) return id;
  const entity = exporting.runtime.snapshot.model.entities.get(report.entity)!;
  const field = entity.fieldsByName.get(fieldName);
  try {
    if (fieldName === 'owner') {
      const user = (await exporting.knex('tessera.users').where({ id }).first('display_name')) as { display_name: string } | undefined;
      return user?.display_name ?? id;
    }
    if (field?.type === 'reference') {
      const target = exporting.runtime.entity(field.target).entity;
      const record = await exporting.records.get(ctx, field.target, id);
      const title = record[target.displayField];
      return title === null || title === undefined ? id : String(title);
    }
  } catch (error) {
    // A record the caller may not read, or an id that is not one: the id stands.
    if (!(error instanceof TesseraError)) throw error;
  }
  return id;
}
