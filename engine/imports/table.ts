// An uploaded file → a header row and rows of text cells. CSV is decoded (engine/imports/decode.ts)
// and split (csv.ts); XLSX is read with read-excel-file (first sheet), its typed cells written back
// as the text a CSV would carry (dates ISO, numbers with a dot), so one path reads both.
import readXlsxFile from 'read-excel-file/node';
import { TesseraError } from '../errors.ts';
import { parseCsv, detectDelimiter } from './csv.ts';
import { decodeText, type TextEncoding } from './decode.ts';

export interface ReadOptions {
  readonly fileName?: string;
  /** Override of the detected encoding (CSV). */
  readonly encoding?: TextEncoding;
  /** Override of the detected delimiter (CSV). */
  readonly delimiter?: string;
}

export interface Table {
  readonly format: 'csv' | 'xlsx';
  readonly encoding: TextEncoding | null;
  readonly delimiter: string | null;
  readonly headers: string[];
  /** Data rows (the header row excluded); row n of the file is rows[n - 2]. */
  readonly rows: string[][];
}

const ZIP = [0x50, 0x4b, 0x03, 0x04];

export function isXlsx(bytes: Uint8Array, fileName?: string): boolean {
  return ZIP.every((b, i) => bytes[i] === b) || /\.xlsx$/i.test(fileName ?? '');
}

function xlsxCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) {
    const iso = value.toISOString();
    return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso;
  }
  return String(value);
}

function fileProblem(detail: string): TesseraError {
  return new TesseraError('VALIDATION_FAILED', `the file cannot be read: ${detail}`, { problems: [{ pointer: '/file', detail, code: 'IMPORT_FILE' }] });
}

export async function readTable(bytes: Uint8Array, options: ReadOptions = {}): Promise<Table> {
  if (bytes.length === 0) throw fileProblem('the file is empty');
  let format: Table['format'];
  let encoding: TextEncoding | null = null;
  let delimiter: string | null = null;
  let cells: string[][];
  if (isXlsx(bytes, options.fileName)) {
    format = 'xlsx';
    let sheets: Awaited<ReturnType<typeof readXlsxFile>>;
    try {
      sheets = await readXlsxFile(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    } catch (error) {
      throw fileProblem(`not a readable XLSX workbook (${error instanceof Error ? error.message : String(error)})`);
    }
    cells = (sheets[0]?.data ?? []).map((row) => row.map(xlsxCell));
  } else {
    format = 'csv';
    const decoded = decodeText(bytes, options.encoding);
    encoding = decoded.encoding;
    delimiter = options.delimiter ?? detectDelimiter(decoded.text);
    cells = parseCsv(decoded.text, delimiter);
  }
  const [head, ...rows] = cells.filter((row) => row.some((c) => c.trim() !== ''));
  if (!head) throw fileProblem('the file has no header row');
  const headers = head.map((h, i) => h.trim() || `column ${i + 1}`);
  return { format, encoding, delimiter, headers, rows };
}
