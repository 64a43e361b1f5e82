// A sale's card with the fiscal connector on (the seed's CRM, a POSNET emulator on TCP): the
// printer's status is shown, "Print receipt" prints it through the queue, and the card then shows
// the receipt as printed with its number and the printer's unique number; no second button.
import { connectors } from '../../connectors/index.ts';
import { configSchema } from '../../connectors/fiscal/printers.ts';
import { SEED_METADATA_DIR } from '../../seed/index.ts';
import { PosnetPrinterEmulator } from '../support/posnet-printer-emulator.ts';
import { TcpHost } from '../support/printer-hosts.ts';
import { browserSuite, createRecord } from './support.ts';

process.env.TESSERA_FISCAL_START_DELAY_MS = '0';
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
