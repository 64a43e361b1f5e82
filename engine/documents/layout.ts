// A record and its document template → a pdfmake document definition: the company and recipient
// header, the title, the record's fields, the lines table, totals, VAT per rate, the total in words,
// free text and a footer with page numbers. Pure (no database, no pdfmake): the same input gives the
// same definition, so the layout is tested without rendering. Fields the record was read without
// (the user may not read them) are left out, never printed empty.
import { documentText, renderTemplate, TemplateProblem, type DocumentLanguage, type DocumentTemplate, type EntityModel, type Field } from '../../metadata/index.ts';
import { TesseraError } from '../errors.ts';
import { amountInWords } from './amount-words.ts';
import { amountOf, displayRecord, displayValue, formatNumber, isNumeric, labelIn, type Record_, type Titles } from './document-values.ts';

/** pdfmake content nodes (a subset of its document definition, as plain data). */
export type PdfNode = string | { readonly [key: string]: unknown };

export interface DocDefinition {
  readonly info: { readonly title: string; readonly creator: string };
  readonly pageSize: 'A4' | 'LETTER';
  readonly pageMargins: readonly [number, number, number, number];
  readonly defaultStyle: { readonly font: string; readonly fontSize: number };
  readonly styles: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly content: readonly PdfNode[];
  readonly footer: (currentPage: number, pageCount: number) => PdfNode;
}

export interface LayoutInput {
  readonly template: DocumentTemplate;
  readonly language: DocumentLanguage;
  readonly entity: EntityModel;
  /** The lines' entity type, when the template prints lines. */
  readonly lineType?: EntityModel;
  /** The record as the user reads it (hidden fields absent). */
  readonly record: Record_;
  readonly company?: { readonly entity: EntityModel; readonly record: Record_ } | null;
  readonly recipient?: { readonly entity: EntityModel; readonly record: Record_ } | null;
  /** The company's entity type, for `{{_company.…}}` when no company record could be read. */
  readonly companyEntity?: EntityModel;
  readonly titles: Titles;
  /** The package's default currency (amount in words of a plain number). */
  readonly defaultCurrency: string;
  /** The day printed (YYYY-MM-DD), for `{{_today}}`. */
  readonly today: string;
  /**
   * A text given at print time (a serial letter's body), merged with the record's values like the
   * template's own texts and available to them as `{{_body}}`.
   */
  readonly body?: string;
  /** Its subject, `{{_subject}}` (merged the same way). */
  readonly subject?: string;
}

export const FONT = 'Roboto';

const WORDS: Readonly<Record<string, Readonly<Record<DocumentLanguage, string>>>> = {
  number: { pl: 'Lp.', en: 'No.', ro: 'Nr.', de: 'Nr.' },
  issuer: { pl: 'Wystawca', en: 'Issued by', ro: 'Emitent', de: 'Aussteller' },
  recipient: { pl: 'Odbiorca', en: 'Recipient', ro: 'Destinatar', de: 'Empfänger' },
  rate: { pl: 'Stawka VAT', en: 'VAT rate', ro: 'Cota TVA', de: 'MwSt.-Satz' },
  net: { pl: 'Netto', en: 'Net', ro: 'Net', de: 'Netto' },
  vat: { pl: 'VAT', en: 'VAT', ro: 'TVA', de: 'MwSt.' },
  gross: { pl: 'Brutto', en: 'Gross', ro: 'Brut', de: 'Brutto' },
  total: { pl: 'Razem', en: 'Total', ro: 'Total', de: 'Summe' },
  inWords: { pl: 'Słownie', en: 'In words', ro: 'În litere', de: 'In Worten' },
  page: { pl: 'Strona {n} z {m}', en: 'Page {n} of {m}', ro: 'Pagina {n} din {m}', de: 'Seite {n} von {m}' },
};

const word = (key: keyof typeof WORDS, language: DocumentLanguage) => WORDS[key]![language];

/** The fields of `names` the record was read with (a field the user may not read is absent). */
function printable(entity: EntityModel, record: Record_, names: readonly string[] | undefined): Field[] {
  return (names ?? []).map((name) => entity.fieldsByName.get(name)).filter((f): f is Field => f !== undefined && Object.hasOwn(record, f.name));
}

function merge(template: DocumentTemplate, part: 'title' | 'text' | 'footer', language: DocumentLanguage, data: Record<string, unknown>): string {
  const source = documentText(template[part], language);
  if (!source) return '';
  try {
    return renderTemplate(source, data, { html: false });
  } catch (e) {
    if (!(e instanceof TemplateProblem)) throw e;
    throw new TesseraError('VALIDATION_FAILED', `document template ${template.name}: ${e.message}`, {
      problems: [{ pointer: `/${part}/${template[part]?.[language] !== undefined ? language : 'en'}`, detail: e.message, code: e.code, params: { placeholder: e.placeholder } }],
    });
  }
}

/** A text given at print time, merged with the record's values (a bad placeholder: a problem at `pointer`). */
function mergeGiven(text: string, data: Record<string, unknown>, pointer: string): string {
  try {
    return renderTemplate(text, data, { html: false });
  } catch (e) {
    if (!(e instanceof TemplateProblem)) throw e;
    throw new TesseraError('VALIDATION_FAILED', `the letter's ${pointer.slice(1)}: ${e.message}`, { problems: [{ pointer, detail: e.message, code: e.code, params: { placeholder: e.placeholder } }] });
  }
}

/** A party block: the first field bold, the rest as "label: value". */
function party(heading: string, source: { entity: EntityModel; record: Record_ }, names: readonly string[], language: DocumentLanguage, titles: Titles): PdfNode {
  const lines: PdfNode[] = [{ text: heading, style: 'caption' }];
  printable(source.entity, source.record, names).forEach((field, i) => {
    const value = displayValue(source.entity, field, source.record[field.name], language, titles);
    if (!value) return;
    lines.push(i === 0 ? { text: value, bold: true } : `${labelIn(field.label, language)}: ${value}`);
  });
  return { stack: lines };
}

const cents = (value: unknown) => {
  const money = amountOf(value);
  return money ? Math.round(money.amount * 100) : 0;
};

function linesTable(input: LayoutInput, lineType: EntityModel): PdfNode | null {
  const spec = input.template.lines!;
  const lines = Array.isArray(input.record[spec.field]) ? (input.record[spec.field] as Record_[]) : null;
  if (!lines) return null;
  const columns = spec.columns.map((name) => lineType.fieldsByName.get(name)).filter((f): f is Field => f !== undefined && (lines.length === 0 || lines.some((l) => Object.hasOwn(l, f.name))));
  const numbered = spec.numbered !== false;
  const header: PdfNode[] = [...(numbered ? [{ text: word('number', input.language), style: 'th' }] : []), ...columns.map((f) => ({ text: labelIn(f.label, input.language), style: 'th', alignment: isNumeric(f) ? 'right' : 'left' }))];
  const body: PdfNode[][] = [header];
  lines.forEach((line, i) => {
    body.push([
      ...(numbered ? [{ text: String(i + 1), alignment: 'right' }] : []),
      ...columns.map((f) => ({ text: displayValue(lineType, f, line[f.name], input.language, input.titles), alignment: isNumeric(f) ? 'right' : 'left' })),
    ]);
  });
  // The first text column (the description) takes the room left; the others fit their content.
  const wide = columns.findIndex((f) => f.type === 'string' || f.type === 'text');
  const widths = [...(numbered ? ['auto'] : []), ...columns.map((_f, i) => (i === wide ? '*' : 'auto'))];
  return { table: { headerRows: 1, widths, body }, layout: 'lightHorizontalLines', fontSize: 8, margin: [0, 8, 0, 8] };
}

function vatSummary(input: LayoutInput, lineType: EntityModel): PdfNode | null {
  const spec = input.template.vatSummary!;
  const lines = Array.isArray(input.record[input.template.lines!.field]) ? (input.record[input.template.lines!.field] as Record_[]) : [];
  const rateField = lineType.fieldsByName.get(spec.rate);
  if (!rateField || lines.length === 0 || !lines.every((l) => Object.hasOwn(l, spec.net) && Object.hasOwn(l, spec.vat) && Object.hasOwn(l, spec.gross))) return null;
  const rates = new Map<string, { label: string; net: number; vat: number; gross: number }>();
  for (const line of lines) {
    const key = String(line[spec.rate] ?? '');
    const row = rates.get(key) ?? { label: displayValue(lineType, rateField, line[spec.rate], input.language, input.titles), net: 0, vat: 0, gross: 0 };
    row.net += cents(line[spec.net]);
    row.vat += cents(line[spec.vat]);
    row.gross += cents(line[spec.gross]);
    rates.set(key, row);
  }
  const money = (c: number) => ({ text: formatNumber(c / 100, input.language, 2), alignment: 'right' });
  const sum = [...rates.values()].reduce((a, r) => ({ net: a.net + r.net, vat: a.vat + r.vat, gross: a.gross + r.gross }), { net: 0, vat: 0, gross: 0 });
  const l = input.language;
  const body: PdfNode[][] = [
    [{ text: word('rate', l), style: 'th' }, { text: word('net', l), style: 'th', alignment: 'right' }, { text: word('vat', l), style: 'th', alignment: 'right' }, { text: word('gross', l), style: 'th', alignment: 'right' }],
    ...[...rates.values()].map((r) => [r.label, money(r.net), money(r.vat), money(r.gross)]),
    [{ text: word('total', l), bold: true }, money(sum.net), money(sum.vat), money(sum.gross)],
  ];
  return { columns: [{ width: '*', text: '' }, { width: 'auto', table: { headerRows: 1, body }, layout: 'lightHorizontalLines', fontSize: 8 }], margin: [0, 4, 0, 4] };
}

function words(input: LayoutInput): string | null {
  const spec = input.template.amountInWords;
  if (!spec || input.language === 'de' || !Object.hasOwn(input.record, spec.field)) return null;
  const amount = amountOf(input.record[spec.field]);
  if (!amount) return null;
  const fromField = spec.currencyField !== undefined ? input.record[spec.currencyField] : undefined;
  const currency = amount.currency ?? (typeof fromField === 'string' && fromField ? fromField.toUpperCase() : input.defaultCurrency);
  const text = amountInWords(amount.amount, currency, input.language);
  return text === null ? null : `${word('inWords', input.language)}: ${text}`;
}

export function buildDocument(input: LayoutInput): DocDefinition {
  const { template, language: l, entity, record, titles } = input;
  const lineType = template.lines ? input.lineType : undefined;
  const data: Record<string, unknown> = {
    ...displayRecord(entity, record, l, titles, lineType),
    // Every company field is there (empty without a company), so a template never fails on it.
    _company: input.company ? displayRecord(input.company.entity, input.company.record, l, titles) : input.companyEntity ? displayRecord(input.companyEntity, {}, l, titles) : {},
    _today: displayValue(entity, { id: '_today', name: '_today', type: 'date', label: { en: 'Today' } }, input.today, l, titles),
  };
  data._subject = input.subject ? mergeGiven(input.subject, data, '/subject') : '';
  data._body = input.body ? mergeGiven(input.body, data, '/body') : '';
  const title = merge(template, 'title', l, data);
  const content: PdfNode[] = [];
  const parties: PdfNode[] = [];
  if (input.company && template.company) parties.push({ width: '*', ...(party(word('issuer', l), input.company, template.company.fields, l, titles) as object) });
  if (input.recipient && template.recipient) parties.push({ width: '*', ...(party(word('recipient', l), input.recipient, template.recipient.fields, l, titles) as object) });
  if (parties.length) content.push({ columns: parties, columnGap: 20, margin: [0, 0, 0, 16] });
  if (title.trim()) content.push({ text: title, style: 'title' });
  const fields = printable(entity, record, template.fields).map((f) => [{ text: labelIn(f.label, l), style: 'caption' }, displayValue(entity, f, record[f.name], l, titles)]);
  if (fields.length) content.push({ table: { widths: ['auto', '*'], body: fields }, layout: 'noBorders', margin: [0, 4, 0, 4] });
  if (lineType) {
    const table = linesTable(input, lineType);
    if (table) content.push(table);
  }
  const totals = printable(entity, record, template.totals).map((f) => [{ text: labelIn(f.label, l), bold: true }, { text: displayValue(entity, f, record[f.name], l, titles), alignment: 'right', bold: true }]);
  if (totals.length) content.push({ columns: [{ width: '*', text: '' }, { width: 'auto', table: { body: totals }, layout: 'noBorders' }] });
  if (lineType && template.vatSummary) {
    const summary = vatSummary(input, lineType);
    if (summary) content.push(summary);
  }
  const inWords = words(input);
  if (inWords) content.push({ text: inWords, margin: [0, 6, 0, 6] });
  const text = merge(template, 'text', l, data);
  if (text.trim()) content.push({ text, margin: [0, 10, 0, 0] });
  const footerText = merge(template, 'footer', l, data);
  return {
    info: { title, creator: 'Tessera' },
    pageSize: template.pageSize ?? 'A4',
    pageMargins: [40, 40, 40, 50],
    defaultStyle: { font: FONT, fontSize: 9 },
    styles: { title: { fontSize: 16, bold: true, margin: [0, 0, 0, 6] }, caption: { color: '#555555', fontSize: 8 }, th: { bold: true, fontSize: 8 } },
    content,
    footer: (currentPage, pageCount) => ({
      columns: [{ text: footerText, fontSize: 7, color: '#555555' }, { text: word('page', l).replace('{n}', String(currentPage)).replace('{m}', String(pageCount)), alignment: 'right', fontSize: 7, color: '#555555' }],
      margin: [40, 10, 40, 0],
    }),
  };
}
