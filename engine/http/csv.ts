// CSV of records for exports: the columns of each field as its type gives them (money as amount and
// currency, many-to-many as ids joined by ";"), RFC 4180 quoting, a UTF-8 BOM so spreadsheets read
// Polish and Romanian letters, and text that starts like a formula neutralised (OWASP "CSV injection").
import { fieldTypeOf, type EntityModel } from '../../metadata/index.ts';
import { SYSTEM_OUTPUT, type ApiRecord } from '../records/index.ts';

export interface CsvColumn {
  readonly header: string;
  value(record: ApiRecord): unknown;
}

const SYSTEM: readonly string[] = SYSTEM_OUTPUT;

/** Columns of the fields present in the exported records (hidden fields are already gone from them). */
export function csvColumns(entity: EntityModel, sample: ApiRecord | undefined, fields?: readonly string[]): CsvColumn[] {
  const present = (name: string) => (sample ? Object.hasOwn(sample, name) : !fields || fields.includes(name));
  const columns: CsvColumn[] = SYSTEM.filter(present).map((name) => ({ header: name, value: (r: ApiRecord) => r[name] }));
  for (const field of entity.fields) {
    if (!present(field.name)) continue;
    const name = field.name;
    for (const part of fieldTypeOf(field).csv(field)) columns.push({ header: part.header, value: (r) => part.cell(r[name]) });
  }
  return columns;
}

export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) || /^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(cells: readonly unknown[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}
