// The Thermal driver over a real pseudo-terminal (socat) against the emulated Thermal printer:
// Mazovia on the wire, VAT letters from `#s`, the XOR checksum (a damaged frame is resent), DLE/ENQ
// status, and recovery: power lost mid-receipt (transaction gone: printed again) and the link
// dropped after `$y` ran (PAR clear and TRF set: printed, not reprinted). Needs socat.
import { ThermalDriver } from '../../connectors/fiscal/thermal/driver.ts';
import { memoryJournal, printWithRecovery } from '../../connectors/fiscal/printing.ts';
import { planReceipt, type Receipt, type ReceiptPlan } from '../../connectors/fiscal/receipt.ts';
import { FiscalError } from '../../connectors/fiscal/errors.ts';
import { ThermalPrinterEmulator } from '../support/thermal-printer-emulator.ts';
import { PtyHost, socatPath } from '../support/printer-hosts.ts';

const hasSocat = socatPath() !== null;
if (!hasSocat) console.warn('⚠ socat is not installed: the Thermal printer pty suite is SKIPPED (apt-get install socat)');
const suite = hasSocat ? describe : describe.skip;

const sale: Receipt = {
  lines: [
    { name: 'Żółta herbata', quantity: 3, unitPrice: 450, vatRate: 8 },
    { name: 'Łyżka', quantity: 1, unitPrice: 1999, vatRate: 23, discount: 199 },
  ],
  payments: [{ form: 'card', amount: 2000 }, { form: 'cash', amount: 2000 }],
};

suite('Thermal over a pty', () => {
  let printer: ThermalPrinterEmulator;
  let host: PtyHost;
  let driver: ThermalDriver;

  beforeEach(async () => {
    printer = new ThermalPrinterEmulator();
    host = await PtyHost.start(printer);
    driver = new ThermalDriver({ transport: { kind: 'serial', path: host.hostPath, baudRate: 9600 }, timeoutMs: 800 });
    await driver.open();
  });

  afterEach(async () => {
    await driver.close();
    await host.stop();
  });

  async function plan(receipt: Receipt = sale): Promise<ReceiptPlan> {
    const p = planReceipt(receipt, await driver.vatRates());
    if (p instanceof FiscalError) throw p;
    return p;
  }

  test('a receipt: letters from the device, Mazovia names, payments and change', async () => {
    printer.rates = ['8.00', '23.00', '5.00', '0.00', '100.00', '101.00', '101.00'];
    const p = await plan();
    await printWithRecovery(driver, p, memoryJournal());
    expect(printer.printed).toEqual([
      {
        lines: [
          { name: 'Żółta herbata', letter: 'A', amount: 1350 },
          { name: 'Łyżka', letter: 'B', amount: 1800 },
        ],
        total: 3150,
        cash: 2000,
        others: [{ type: 1, amount: 2000 }],
        change: 850,
      },
    ]);
    expect(await driver.status()).toMatchObject({ inTransaction: false, paperOut: false, online: true });
  });

  test('a damaged frame is answered with error 2 and resent; paper out refuses to start', async () => {
    printer.faults.corruptIncoming = 1;
    await printWithRecovery(driver, await plan(), memoryJournal());
    expect(printer.printed).toHaveLength(1);
    printer.paperOut = true;
    await expect(printWithRecovery(driver, await plan(), memoryJournal())).rejects.toMatchObject({ info: { reason: 'paperOut' } });
    expect(printer.printed).toHaveLength(1);
  });

  test('power lost after the second line: the receipt is printed again whole, once', async () => {
    printer.faults.powerLoss = { command: '$l', nth: 2, downMs: 150 };
    const printed = await printWithRecovery(driver, await plan(), memoryJournal(), { reconnectDelayMs: 100, attempts: 8 });
    expect(printed.recovered).toBe(true);
    expect(printer.printed).toHaveLength(1);
    expect(printer.printed[0]!.lines).toHaveLength(2);
  });

  test('the link dropped after $y ran: TRF says it printed, nothing is printed twice', async () => {
    printer.faults.dropLink = { command: '$y', nth: 1, downMs: 150 };
    const steps: string[] = [];
    await printWithRecovery(driver, await plan(), memoryJournal(), { reconnectDelayMs: 100, attempts: 8, log: (s) => steps.push(s) });
    expect(printer.printed).toHaveLength(1);
    expect(printer.commands.filter((c) => c === '$y')).toHaveLength(1);
    expect(steps).toContain('the close took effect');
  });

  test('daily report, cash in and out; non-fiscal printouts are refused as unsupported', async () => {
    await driver.dailyReport('2026-12-03');
    expect(printer.dailyReports).toEqual(['26-12-3']);
    await driver.cash('in', 5000);
    await driver.cash('out', 1250);
    expect(printer.cashMoves).toEqual([5000, -1250]);
    await expect(driver.nonFiscal()).rejects.toMatchObject({ info: { reason: 'unsupported' } });
  });
});
