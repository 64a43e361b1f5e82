// Reading import files: encodings from real windows-1250 / ISO-8859-2 / UTF-8 bytes, delimiters,
// quoting, XLSX, and the Polish and Romanian value formats.
import writeXlsxFile from 'write-excel-file/node';
import { buildModel, groupItems, type EntityModel } from '../../../metadata/index.ts';
import { detectEncoding, decodeText } from '../../../engine/imports/decode.ts';
import { detectDelimiter, parseCsv } from '../../../engine/imports/csv.ts';
import { cellValue, parseBoolean, parseDate, parseDateTime, parseNumber } from '../../../engine/imports/cells.ts';
import { autoMap, resolveMapping } from '../../../engine/imports/mapping.ts';
import { readTable } from '../../../engine/imports/table.ts';
import { rowInput } from '../../../engine/imports/rows.ts';
import { crmMiniPackage } from '../../support/packages.ts';

// "Łódź, Świętość; Żółć ąę" written byte by byte in each single-byte set.
const WINDOWS_1250 = Buffer.from([0xa3, 0xf3, 0x64, 0x9f, 0x3b, 0x8c, 0x77, 0x69, 0xea, 0x74, 0x6f, 0x9c, 0xe6, 0x0a, 0xaf, 0xf3, 0xb3, 0xe6, 0x3b, 0xb9, 0xea, 0x0a]);
const ISO_8859_2 = Buffer.from([0xa3, 0xf3, 0x64, 0xbc, 0x3b, 0xa6, 0x77, 0x69, 0xea, 0x74, 0x6f, 0xb6, 0xe6, 0x0a, 0xaf, 0xf3, 0xb3, 0xe6, 0x3b, 0xb1, 0xea, 0x0a]);
// Without the 0x80–0x9F bytes that give windows-1250 away: "ąś" as ISO-8859-2 reads "±¶" in windows-1250.
const ISO_ONLY_HIGH = Buffer.from([0x6e, 0x61, 0x7a, 0x77, 0x61, 0x3b, 0x6d, 0x69, 0x61, 0x73, 0x74, 0x6f, 0x0a, 0x50, 0xb1, 0x6b, 0x3b, 0xb6, 0x77, 0x69, 0x74, 0x0a]);

describe('encodings', () => {
  test('windows-1250 bytes are detected and decoded', () => {
    expect(detectEncoding(WINDOWS_1250)).toBe('windows-1250');
    expect(decodeText(WINDOWS_1250).text).toBe('Łódź;Świętość\nŻółć;ąę\n');
  });
  test('ISO-8859-2 bytes are detected and decoded, also without the bytes windows-1250 alone uses', () => {
    expect(detectEncoding(ISO_8859_2)).toBe('iso-8859-2');
    expect(decodeText(ISO_8859_2).text).toBe('Łódź;Świętość\nŻółć;ąę\n');
    expect(decodeText(ISO_ONLY_HIGH).text).toBe('nazwa;miasto\nPąk;świt\n');
  });
  test('UTF-8 with and without a BOM; Romanian letters', () => {
    const text = 'nume;oraș\nȘtefan;Brașov\n';
    expect(decodeText(Buffer.from(text, 'utf8'))).toEqual({ text, encoding: 'utf-8' });
    expect(decodeText(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]))).toEqual({ text, encoding: 'utf-8' });
  });
  test('an encoding given overrides the detection', () => {
    expect(decodeText(ISO_8859_2, 'windows-1250').text).not.toBe('Łódź;Świętość\nŻółć;ąę\n');
  });
});

describe('CSV', () => {
  test('delimiters are detected: semicolon, comma, tab, pipe', () => {
    expect(detectDelimiter('a;b;c\n1;2,5;3\n')).toBe(';');
    expect(detectDelimiter('a,b,c\n1,"2;5",3\n')).toBe(',');
    expect(detectDelimiter('a\tb\n1\t2\n')).toBe('\t');
    expect(detectDelimiter('a|b\n1|2\n')).toBe('|');
  });
  test('quoted fields keep delimiters, quotes and line breaks; CRLF and empty lines', () => {
    expect(parseCsv('name;note\r\n"Kowalski; Syn";"Mówi ""tak""\r\ni nie"\r\n\r\nNowak;\r\n', ';')).toEqual([
      ['name', 'note'],
      ['Kowalski; Syn', 'Mówi "tak"\r\ni nie'],
      ['Nowak', ''],
    ]);
  });
});

describe('values', () => {
  test('numbers in Polish, Romanian and English forms', () => {
    expect(parseNumber('1 234,56')).toBe(1234.56);
    expect(parseNumber('1\u00a0234,56')).toBe(1234.56);
    expect(parseNumber('1.234,56')).toBe(1234.56);
    expect(parseNumber('1,234.56')).toBe(1234.56);
    expect(parseNumber('1.234.567')).toBe(1234567);
    expect(parseNumber('-12,5')).toBe(-12.5);
    expect(parseNumber('1234.5')).toBe(1234.5);
    expect(parseNumber('12 zł')).toBeNull();
    expect(parseNumber('abc')).toBeNull();
  });
  test('dates', () => {
    expect(parseDate('31.12.2026')).toBe('2026-12-31');
    expect(parseDate('2026-12-31')).toBe('2026-12-31');
    expect(parseDate('1/2/2026')).toBe('2026-02-01');
    expect(parseDate('31.02.2026')).toBeNull();
    expect(parseDate('2026-13-01')).toBeNull();
  });
  test('dates with times in the installation time zone (winter and summer offsets)', () => {
    expect(parseDateTime('31.12.2026 14:30', 'Europe/Warsaw')).toBe('2026-12-31T13:30:00.000Z');
    expect(parseDateTime('01.07.2026 14:30', 'Europe/Bucharest')).toBe('2026-07-01T11:30:00.000Z');
    expect(parseDateTime('2026-07-01T14:30:00+02:00', 'UTC')).toBe('2026-07-01T12:30:00.000Z');
  });
  test('booleans in Polish, Romanian and English', () => {
    for (const yes of ['tak', 'TAK', 'da', 'yes', 'Y', '1', 'prawda']) expect(parseBoolean(yes)).toBe(true);
    for (const no of ['nie', 'Nu', 'no', '0', 'fałsz']) expect(parseBoolean(no)).toBe(false);
    expect(parseBoolean('może')).toBeNull();
  });
});

describe('cells and mapping of an entity', () => {
  let contractor: EntityModel;
  beforeAll(async () => {
    const pkg = await crmMiniPackage();
    const model = buildModel(groupItems(pkg.files as Parameters<typeof groupItems>[0]));
    contractor = model.entities.get('contractor')!;
  });

  test('enums by value or by a label in any language; money with or without a currency', () => {
    const ctx = { entity: contractor, timeZone: 'Europe/Warsaw', defaultCurrency: 'PLN' };
    const kind = contractor.fieldsByName.get('kind')!;
    expect(cellValue(kind, 'person', ctx)).toEqual({ value: 'person' });
    expect(cellValue(kind, 'natural PERSON', ctx)).toEqual({ value: 'person' });
    expect(cellValue(kind, 'alien', ctx)).toEqual({ problem: expect.objectContaining({ pointer: '/kind', code: 'IMPORT_CHOICE' }) });
    const turnover = contractor.fieldsByName.get('turnover')!;
    expect(cellValue(turnover, '1 234,56', ctx)).toEqual({ value: { amount: 1234.56, currency: 'PLN' } });
    expect(cellValue(turnover, '99,5 EUR', ctx)).toEqual({ value: { amount: 99.5, currency: 'EUR' } });
    expect(cellValue(turnover, '10 lei', ctx)).toEqual({ value: { amount: 10, currency: 'RON' } });
    expect(cellValue(contractor.fieldsByName.get('employees')!, 'dużo', ctx)).toEqual({ problem: expect.objectContaining({ pointer: '/employees', code: 'IMPORT_NUMBER' }) });
  });

  test('headers match fields by name or a label in any language, diacritics and case ignored; overrides apply', () => {
    expect(autoMap(contractor, ['Nazwa', 'NIP', 'city', 'E-MAIL', 'Client since', 'turnover_currency', 'Uwagi'])).toEqual({
      Nazwa: 'name',
      NIP: 'tax_id',
      city: 'city',
      'E-MAIL': 'email',
      'Client since': 'since',
      turnover_currency: 'turnover_currency',
      Uwagi: null,
    });
    expect(resolveMapping(contractor, ['Nazwa', 'Miejscowość'], { Miejscowość: 'city' })).toEqual({ Nazwa: 'name', Miejscowość: 'city' });
    expect(() => resolveMapping(contractor, ['Nazwa', 'X'], { X: 'name' })).toThrow(expect.objectContaining({ problems: [expect.objectContaining({ pointer: '/mapping/X', code: 'IMPORT_COLUMN_TWICE' })] }));
    expect(() => resolveMapping(contractor, ['Nazwa'], { Nazwa: 'nope' })).toThrow(expect.objectContaining({ problems: [expect.objectContaining({ pointer: '/mapping/Nazwa', code: 'UNKNOWN_FIELD' })] }));
  });

  test('a row becomes a record input; empty cells are left out; problems point at the field', () => {
    const ctx = { entity: contractor, timeZone: 'Europe/Warsaw', defaultCurrency: 'PLN' };
    const headers = ['Nazwa', 'Od kiedy', 'Obrót', 'Waluta', 'Pracownicy'];
    const mapping = { Nazwa: 'name', 'Od kiedy': 'since', Obrót: 'turnover', Waluta: 'turnover_currency', Pracownicy: 'employees' };
    expect(rowInput(headers, ['Alfa', '31.12.2026', '1.234,56', 'eur', ''], mapping, ctx)).toEqual({ input: { name: 'Alfa', since: '2026-12-31', turnover: { amount: 1234.56, currency: 'EUR' } }, problems: [] });
    expect(rowInput(headers, ['Beta', '32.12.2026', '', '', 'x'], mapping, ctx).problems.map((p) => [p.pointer, p.code])).toEqual([
      ['/since', 'IMPORT_DATE'],
      ['/employees', 'IMPORT_NUMBER'],
    ]);
  });
});

describe('XLSX', () => {
  test('the first sheet is read into text cells: numbers with a dot, dates ISO', async () => {
    const bytes = await writeXlsxFile(
      [
        [{ value: 'Nazwa' }, { value: 'Pracownicy' }, { value: 'Od kiedy' }],
        [{ value: 'Żabka sp. z o.o.' }, { value: 12.5 }, { value: new Date(Date.UTC(2026, 11, 31)), format: 'dd.mm.yyyy' }],
      ],
      {},
    ).toBuffer();
    const table = await readTable(bytes, { fileName: 'kontrahenci.xlsx' });
    expect(table).toMatchObject({ format: 'xlsx', headers: ['Nazwa', 'Pracownicy', 'Od kiedy'], rows: [['Żabka sp. z o.o.', '12.5', '2026-12-31']] });
  });
  test('a broken workbook is a problem at /file, not a crash', async () => {
    await expect(readTable(Buffer.from('PK\u0003\u0004garbage'), { fileName: 'x.xlsx' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED', problems: [expect.objectContaining({ pointer: '/file', code: 'IMPORT_FILE' })] });
  });
});
