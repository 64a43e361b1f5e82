// The import wizard in Polish at 1440 and 390 px: a windows-1250 CSV is uploaded, its columns are
// matched by the Polish labels, the dry run reports the bad NIP at its row and field in Polish, the
// correct rows are imported with the progress bar, and the import is undone.
import iconv from 'iconv-lite';
import { browserSuite } from './support.ts';
import { pageLayout } from './layout.ts';

const b = browserSuite({}, async (env) => {
  await env.context.addInitScript(() => localStorage.setItem('tessera.language', 'pl'));
});

const FILE = iconv.encode('Nazwa;NIP;Miasto;Pracownicy;Uwagi wewnętrzne\r\nŻółta Łódka sp. z o.o.;526-025-02-74;Łódź;1 250;x\r\nZły Numer;1234567890;Sopot;3;y\r\n', 'windows-1250');

test.each([
  ['1440', { width: 1440, height: 900 }],
  ['390', { width: 390, height: 844 }],
] as const)('at %s px: upload → mapping → dry run report → import with progress → undo, in Polish, nothing wider than the screen', async (name, size) => {
  const { page } = b;
  await page.setViewportSize(size);
  await page.goto(`${b.url}/r/contractor`);
  await page.getByRole('link', { name: 'Importuj' }).click();
  await page.getByRole('heading', { name: 'Import: Kontrahenci' }).waitFor();
  await page.locator('input[type=file]').setInputFiles({ name: 'optima.csv', mimeType: 'text/csv', buffer: FILE });
  await expect(page.getByTestId('import-detected').textContent()).resolves.toBe('CSV, kodowanie windows-1250, separator ;, wierszy: 2');
  // Matched by the Polish labels; the unknown column is left out.
  await expect(page.getByLabel('Miasto', { exact: true }).inputValue()).resolves.toBe('city');
  await expect(page.getByLabel('Pracownicy', { exact: true }).inputValue()).resolves.toBe('employees');
  await expect(page.getByLabel('Uwagi wewnętrzne', { exact: true }).inputValue()).resolves.toBe('');
  await page.getByRole('button', { name: 'Sprawdź plik' }).click();
  await page.getByTestId('dry-summary').waitFor();
  await expect(page.getByTestId('dry-summary').textContent()).resolves.toBe('Wierszy: 2; do utworzenia: 1, do aktualizacji: 0, pominiętych: 0, z błędami: 1.');
  const problems = await page.getByTestId('import-problems').locator('li').allTextContents();
  expect(problems).toHaveLength(1);
  expect(problems[0]).toMatch(/^Wiersz 3 NIP: \S/);
  expect((await pageLayout(page)).overflowing).toEqual([]);
  await b.screenshot(`import-${name}-dry-run`);

  await page.getByRole('button', { name: 'Importuj poprawne wiersze (1)' }).click();
  await page.getByTestId('import-summary').waitFor();
  await expect(page.getByTestId('import-summary').textContent()).resolves.toBe('Wierszy: 2; utworzono: 1, zaktualizowano: 0, pominięto: 0, z błędami: 1.');
  await expect(page.getByRole('progressbar', { name: 'Postęp importu' }).getAttribute('value')).resolves.toBe('2');
  const created = (await b.api.get('/records/contractor')).body.data;
  expect(created).toEqual([expect.objectContaining({ name: 'Żółta Łódka sp. z o.o.', tax_id: '5260250274', city: 'Łódź', employees: 1250 })]);
  expect((await pageLayout(page)).overflowing).toEqual([]);
  await b.screenshot(`import-${name}-done`);

  await page.getByRole('button', { name: 'Wycofaj import' }).click();
  await page.getByText('Import został wycofany.').waitFor();
  expect((await b.api.get('/records/contractor')).body.data).toEqual([]);
}, 120_000);

test('contractors with their persons: the mapping offers the person’s fields and the dry run names a person’s problem, in Polish', async () => {
  const { page } = b;
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(`${b.url}/r/contractor/import`);
  await page.getByRole('heading', { name: 'Import: Kontrahenci' }).waitFor();
  const file = Buffer.from('Nazwa;NIP;person.first_name;Nazwisko osoby\r\nAlfa Serwis;526-025-02-74;Anna;\r\n', 'utf8');
  await page.locator('input[type=file]').setInputFiles({ name: 'osoby.csv', mimeType: 'text/csv', buffer: file });
  // A column named as the mapping writes a related field is matched; another is chosen by its label.
  await expect(page.getByLabel('person.first_name', { exact: true }).inputValue()).resolves.toBe('person.first_name');
  const select = page.getByLabel('Nazwisko osoby', { exact: true });
  await select.selectOption({ label: 'Osoba (nowy, tego wiersza): Nazwisko' });
  await expect(select.inputValue()).resolves.toBe('person.last_name');
  await page.getByRole('button', { name: 'Sprawdź plik' }).click();
  await page.getByTestId('dry-summary').waitFor();
  // The person has no last name: the row is refused, the problem named under the person.
  const problems = await page.getByTestId('import-problems').locator('li').allTextContents();
  expect(problems).toEqual([expect.stringMatching(/^Wiersz 2 Osoba \(nowy, tego wiersza\): Nazwisko: \S/)]);
}, 120_000);
