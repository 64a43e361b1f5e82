// A sale's card with the fiscal connector on (the seed's CRM, a POSNET emulator on TCP): the
// printer's status is shown, "Print receipt" prints it through the queue, and the card then shows
// the receipt as printed with its number and the printer's unique number; no second button. Then
// the printers page in Polish (1440 and 390 px): status pushed live (paper out, daily report
// missing), the queue with states and the step log, cancelling a waiting receipt, the daily report
// with its stored totals.
import { connectors } from '../../connectors/index.ts';
import { configSchema } from '../../connectors/fiscal/printers.ts';
import { SEED_METADATA_DIR } from '../../seed/index.ts';
import { PosnetPrinterEmulator } from '../support/posnet-printer-emulator.ts';
import { TcpHost } from '../support/printer-hosts.ts';
import { browserSuite, createRecord } from './support.ts';

process.env.TESSERA_FISCAL_START_DELAY_MS = '0';
process.env.TESSERA_FISCAL_STATUS_MS = '300';
process.env.TESSERA_FISCAL_FEED_MS = '200';
const printer = new PosnetPrinterEmulator();
let host: TcpHost;
let saleId = '';

const b = browserSuite({ packageDir: SEED_METADATA_DIR, connectors }, async (b) => {
  host = await TcpHost.start(printer);
  printer.lastReceiptNumber = 411;
  await b.env.platform.connectors.settings.write(
    'fiscal',
    configSchema,
    { enabled: true, config: { printers: [{ id: 'till-1', name: 'Kasa 1', protocol: 'posnet', transport: 'tcp', host: '127.0.0.1', port: host.port }] } },
    { userId: null, via: 'system' },
  );
  saleId = await createRecord(b, 'sale', {
    number: 'PA/12/2026',
    sale_date: '2026-12-03',
    lines: [{ name: 'Kawa ziarnista', quantity: 1, price: 59.99, vat_rate: 23 }],
    payments: [{ form: 'cash', amount: 60 }],
  });
});

afterAll(async () => {
  await host?.stop();
});

test('print a sale’s receipt from its card: status shown, then printed with its number', async () => {
  const { page } = b;
  await page.goto(`${b.url}/r/sale/${saleId}`);
  await page.getByTestId('record-title').filter({ hasText: 'PA/12/2026' }).waitFor();
  await page.getByTestId('fiscal-printer').getByText('Kasa 1: ready').waitFor({ timeout: 15_000 });
  await b.screenshot('fiscal-sale-before');
  await page.getByRole('button', { name: 'Print receipt' }).click();
  // Read-only fields of the card: the state as a disabled select, the numbers as read-only inputs.
  const value = (field: string) => page.locator(`[data-field="${field}"]`).locator('select, input').first();
  await page.locator('[data-field="receipt_state"] select option[value="printed"]:checked').waitFor({ state: 'attached', timeout: 15_000 });
  await expect(value('receipt_state').locator('option:checked').textContent()).resolves.toBe('Printed');
  await expect(value('receipt_number').inputValue()).resolves.toBe('412');
  await expect(value('printer_unique_number').inputValue()).resolves.toBe('ABC12345678');
  await expect(page.getByRole('button', { name: 'Print receipt' }).count()).resolves.toBe(0);
  expect(printer.printed).toHaveLength(1);
  expect(printer.printed[0]!.lines[0]).toMatchObject({ name: 'Kawa ziarnista', amount: 5999 });
  await b.screenshot('fiscal-sale-printed');
});

test('the printers page (pl): live status, the queue with its steps, cancelling a waiting receipt, the daily report with its totals; at 1440 and 390 px', async () => {
  const { page } = b;
  page.on('dialog', (dialog) => void dialog.accept());
  await page.goto(`${b.url}/`);
  await page.evaluate(() => localStorage.setItem('tessera.language', 'pl'));
  await page.reload();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Drukarki fiskalne' }).click();
  await page.getByRole('heading', { name: 'Drukarki fiskalne', level: 1 }).waitFor();
  const card = page.locator('[data-printer="till-1"]');
  const status = card.getByTestId('printer-status');
  await status.getByText('gotowa').waitFor({ timeout: 15_000 });
  // The receipt printed from the sale's card, with its number; its steps unfold.
  const printed = card.locator('.fiscal-queue > li[data-state="printed"]').first();
  await printed.getByText('nr 412').waitFor();
  await printed.getByText(/^Kroki/).click();
  await printed.getByText('receipt closed').waitFor();
  await b.screenshot('fiscal-printers-1440');

  // Paper runs out: the page learns it without being reloaded.
  printer.setPaper(false);
  await status.getByText('brak papieru').waitFor({ timeout: 15_000 });
  const saleId2 = await createRecord(b, 'sale', { number: 'PA/13/2026', sale_date: '2026-12-03', lines: [{ name: 'Herbata', quantity: 1, price: 12.5, vat_rate: 23 }], payments: [{ form: 'card', amount: 12.5 }] });
  const queued = (await b.api.post(`/connectors/fiscal/sales/${saleId2}/receipt`, {})).body as { id: string };
  const row = card.locator(`[data-receipt="${queued.id}"]`);
  await row.getByText('W drukarce brak papieru', { exact: false }).waitFor({ timeout: 15_000 });
  await row.getByRole('link', { name: 'PA/13/2026' }).waitFor();
  await row.getByRole('button', { name: 'Anuluj' }).click();
  await card.locator(`[data-receipt="${queued.id}"][data-state="cancelled"]`).getByText('anulowany').waitFor();
  await row.getByRole('button', { name: 'Ponów' }).waitFor();
  printer.setPaper(true);
  await status.getByText('gotowa').waitFor({ timeout: 15_000 });
  expect(printer.printed).toHaveLength(1);

  // A new day with yesterday's sales still in the totals: the daily report is missing.
  printer.today = '2026-12-04';
  await status.getByText('brak raportu dobowego').waitFor({ timeout: 15_000 });
  await page.setViewportSize({ width: 390, height: 844 });
  // The menu becomes a closed drawer (it slides away): wait for it before the picture.
  await page.locator('.sidebar').waitFor({ state: 'hidden' });
  await b.screenshot('fiscal-printers-390');
  expect(Number(await page.evaluate('document.documentElement.scrollWidth'))).toBeLessThanOrEqual(390);
  await card.getByRole('button', { name: 'Raport dobowy' }).click();
  await card.locator('.fiscal-reports').getByTestId('report-totals').getByText('brutto 59,99 zł, VAT 11,22 zł, paragonów: 1').waitFor({ timeout: 15_000 });
  await status.getByText('gotowa').waitFor({ timeout: 15_000 });
  expect(printer.dailyReports).toHaveLength(1);
  await b.screenshot('fiscal-printers-report-390');
  expect(b.takePageErrors()).toEqual([]);
  await page.setViewportSize({ width: 1440, height: 900 });
});

test('a VAT invoice from a sale’s card (a buyer with a NIP; the page is still in Polish): printed with the sale’s number', async () => {
  const { page } = b;
  const contractor = await createRecord(b, 'contractor', { name: 'Piekarnia Łącka', contractor_type: 'company', country: 'pl' });
  const id = await createRecord(b, 'sale', {
    number: 'FV/14/2026',
    sale_date: '2026-12-04',
    contractor,
    buyer_nip: '5260001246',
    lines: [{ name: 'Kawa ziarnista', quantity: 1, price: 59.99, vat_rate: 23 }],
    payments: [{ form: 'transfer', amount: 59.99 }],
  });
  await page.goto(`${b.url}/r/sale/${id}`);
  await page.getByRole('button', { name: 'Drukuj fakturę VAT' }).click();
  await page.locator('[data-field="receipt_state"] select option[value="printed"]:checked').waitFor({ state: 'attached', timeout: 15_000 });
  await expect(page.locator('[data-field="receipt_number"] input').first().inputValue()).resolves.toBe('FV/14/2026');
  expect(printer.invoices.map((i) => [i.number, i.buyer.nip])).toEqual([['FV/14/2026', '5260001246']]);
  await b.screenshot('fiscal-sale-invoice');
});
