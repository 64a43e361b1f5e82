// The POSNET driver against the emulated printer over TCP and over a real pseudo-terminal (socat):
// a whole receipt, VAT slots, transmission faults, and the recovery cases, each of which must end
// with exactly one printed receipt: the link dropped after `trline`, after `trend` before its reply
// (replayed with `rpt`), power lost after `trend` (rpt memory gone: the counter decides) and before
// it (the transaction is gone: printed again), a lost reply, damaged frames both ways.
import { PosnetDriver } from '../../connectors/fiscal/posnet/driver.ts';
import { memoryJournal, printWithRecovery } from '../../connectors/fiscal/printing.ts';
import { planReceipt, type Receipt, type ReceiptPlan } from '../../connectors/fiscal/receipt.ts';
import { FiscalError } from '../../connectors/fiscal/errors.ts';
import { PosnetPrinterEmulator } from '../support/posnet-printer-emulator.ts';
import { PtyHost, socatPath, TcpHost } from '../support/printer-hosts.ts';

const hasSocat = socatPath() !== null;
if (!hasSocat) console.warn('⚠ socat is not installed: the POSNET pty tests are SKIPPED (apt-get install socat)');

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
});

async function tcpRig(): Promise<{ printer: PosnetPrinterEmulator; driver: PosnetDriver }> {
  const printer = new PosnetPrinterEmulator();
  const host = await TcpHost.start(printer);
  const driver = new PosnetDriver({ transport: { kind: 'tcp', host: '127.0.0.1', port: host.port }, timeoutMs: 500, printTimeoutMs: 1000 });
  stops.push(() => host.stop(), () => driver.close());
  await driver.open();
  return { printer, driver };
}

const sale: Receipt = {
  lines: [
    { name: 'Kawa ziarnista 1 kg', quantity: 2, unitPrice: 5999, vatRate: 23 },
    { name: 'Chleb żytni', quantity: 1, unitPrice: 799, vatRate: 5, discount: 100 },
    { name: 'Książka', quantity: 1, unitPrice: 3990, vatRate: 'exempt' },
  ],
  payments: [{ form: 'card', amount: 10000 }, { form: 'cash', amount: 10000 }],
  buyerNip: '5260001246',
};

async function planFor(driver: PosnetDriver, receipt: Receipt = sale): Promise<ReceiptPlan> {
  const plan = planReceipt(receipt, await driver.vatRates());
  if (plan instanceof FiscalError) throw plan;
  return plan;
}

test('a receipt over TCP: slots by rate, amounts, payments, change, NIP, receipt number and unique number', async () => {
  const { printer, driver } = await tcpRig();
  printer.receiptCounter = 41;
  printer.lastReceiptNumber = 41;
  const plan = await planFor(driver);
  const printed = await printWithRecovery(driver, plan, memoryJournal());
  expect(printed).toMatchObject({ receiptNumber: 42, uniqueNumber: 'ABC12345678', total: 16687, recovered: false });
  expect(printer.printed).toHaveLength(1);
  expect(printer.printed[0]).toMatchObject({
    lines: [
      { name: 'Kawa ziarnista 1 kg', vt: 0, amount: 11998 },
      { name: 'Chleb żytni', vt: 2, amount: 699 },
      { name: 'Książka', vt: 4, amount: 3990 },
    ],
    total: 16687,
    payments: [{ type: 2, amount: 10000 }, { type: 0, amount: 10000 }],
    change: 3313,
    nip: '5260001246',
  });
});

test('a rate the device lacks refuses the receipt before anything is sent; error 2106 is typed', async () => {
  const { printer, driver } = await tcpRig();
  printer.setRate(2, 'inactive');
  const refused = planReceipt(sale, await driver.vatRates());
  expect(refused).toBeInstanceOf(FiscalError);
  expect((refused as FiscalError).info.detail).toContain('no slot for 5%');
  printer.setRate(2, 5);
  // The same name sold at 5 %, then at 23 %: the printer refuses (product names and rates must stay stable).
  const bread = (vatRate: number): Receipt => ({ lines: [{ name: 'Chleb', quantity: 1, unitPrice: 500, vatRate }], payments: [{ form: 'cash', amount: 500 }] });
  await printWithRecovery(driver, await planFor(driver, bread(5)), memoryJournal());
  const error = await printWithRecovery(driver, await planFor(driver, bread(23)), memoryJournal()).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(FiscalError);
  expect((error as FiscalError).info).toMatchObject({ reason: 'productRateLocked', printerCode: 2106, retry: false });
  expect(printer.printed).toHaveLength(1);
  // The refused receipt is not left open on the printer.
  expect(printer.inTransaction).toBe(false);
  expect(printer.cancelled).toBe(1);
});

test('damaged frames both ways, a lost reply and replies split into bytes still print one receipt', async () => {
  const { printer, driver } = await tcpRig();
  const plan = await planFor(driver);
  printer.faults.corruptIncoming = 1; // the printer answers ERR ?5: the frame is resent
  printer.faults.corruptReplyOf = 'trline'; // our side sees a bad CRC: the reply is fetched with rpt
  printer.faults.corruptReplies = 1; // a query's reply damaged: the query is asked again
  printer.faults.splitReplies = true;
  await printWithRecovery(driver, plan, memoryJournal());
  expect(printer.commands).toContain('rpt');
  printer.faults.silentReplyOf = 'trline'; // a line runs, its reply never comes: timeout, reconnect, reconcile
  await printWithRecovery(driver, plan, memoryJournal(), { reconnectDelayMs: 20 });
  expect(printer.printed).toHaveLength(2);
  expect(printer.cancelled).toBe(1);
});

test('link dropped after trline: the open receipt is cancelled and printed whole, once', async () => {
  const { printer, driver } = await tcpRig();
  const plan = await planFor(driver);
  printer.faults.dropLink = { command: 'trline', nth: 2, when: 'after', downMs: 100 };
  const steps: string[] = [];
  const printed = await printWithRecovery(driver, plan, memoryJournal(), { reconnectDelayMs: 50, log: (s) => steps.push(s) });
  expect(printed.recovered).toBe(true);
  expect(printer.printed).toHaveLength(1);
  expect(printer.printed[0]!.lines).toHaveLength(3);
  expect(printer.cancelled).toBe(1);
  expect(steps).toContain('the interrupted receipt was still open: cancelled');
});

test('link dropped after trend ran but before its reply: rpt replays it, nothing is printed twice', async () => {
  const { printer, driver } = await tcpRig();
  const plan = await planFor(driver);
  printer.faults.dropLink = { command: 'trend', nth: 1, when: 'after', downMs: 100 };
  const printed = await printWithRecovery(driver, plan, memoryJournal(), { reconnectDelayMs: 50 });
  expect(printed).toMatchObject({ recovered: true, receiptNumber: 1 });
  expect(printer.printed).toHaveLength(1);
  expect(printer.cancelled).toBe(0);
  expect(printer.commands.filter((c) => c === 'trend')).toHaveLength(1);
  expect(printer.commands).toContain('rpt');
});

test('power lost after trend: the rpt memory is gone (13) and the receipt counter says it printed', async () => {
  const { printer, driver } = await tcpRig();
  const plan = await planFor(driver);
  printer.faults.powerLoss = { command: 'trend', nth: 1, downMs: 150 };
  const steps: string[] = [];
  const printed = await printWithRecovery(driver, plan, memoryJournal(), { reconnectDelayMs: 50, log: (s) => steps.push(s) });
  expect(printed.receiptNumber).toBe(1);
  expect(printer.printed).toHaveLength(1);
  expect(steps).toContain('the printer reports a power loss');
  expect(steps).toContain('the close took effect');
});

test('power lost mid-receipt (status 7): the transaction is gone, the receipt is printed again, once', async () => {
  const { printer, driver } = await tcpRig();
  const plan = await planFor(driver);
  printer.faults.powerLoss = { command: 'trpayment', nth: 1, downMs: 150 };
  await printWithRecovery(driver, plan, memoryJournal(), { reconnectDelayMs: 50 });
  expect(printer.printed).toHaveLength(1);
  expect(printer.printed[0]!.total).toBe(16687);
});

test('a journal left by a process that died after sending trend: the next process marks it printed without reprinting', async () => {
  const { printer, driver } = await tcpRig();
  const plan = await planFor(driver);
  // The first process: sent everything, then died before the reply (the printer kept going).
  printer.faults.dropLink = { command: 'trend', nth: 1, when: 'after', downMs: 0 };
  const journal = memoryJournal();
  await expect(printWithRecovery(driver, plan, journal, { attempts: 1 })).rejects.toMatchObject({ info: { reason: 'linkClosed' } });
  expect(journal.current()).toMatchObject({ closeSent: true });
  const second = new PosnetDriver({ transport: { kind: 'tcp', host: '127.0.0.1', port: (driver as unknown as { options: { transport: { port: number } } }).options.transport.port }, timeoutMs: 500 });
  stops.push(() => second.close());
  const printed = await printWithRecovery(second, plan, journal, { reconnectDelayMs: 50 });
  expect(printed.recovered).toBe(true);
  expect(printer.printed).toHaveLength(1);
});

test('cash in/out, a daily report (a second zero report is refused), a non-fiscal printout, paper and cover status', async () => {
  const { printer, driver } = await tcpRig();
  await driver.cash('in', 10000);
  await driver.cash('out', 2500);
  expect(printer.cashMoves).toEqual([10000, -2500]);
  await driver.nonFiscal(['Zamówienie 17', 'Odbiór: jutro']);
  expect(printer.nonFiscal).toEqual([['Zamówienie 17', 'Odbiór: jutro']]);
  await driver.dailyReport('2026-12-03');
  await expect(driver.dailyReport('2026-12-03')).rejects.toMatchObject({ info: { reason: 'zeroDailyReport', printerCode: 382 } });
  printer.setPaper(false);
  expect(await driver.status()).toMatchObject({ paperOut: true, inTransaction: false });
  await expect(printWithRecovery(driver, await planFor(driver), memoryJournal())).rejects.toMatchObject({ info: { reason: 'paperOut', retry: true } });
  printer.setPaper(true);
  printer.setCover(true);
  expect(await driver.status()).toMatchObject({ coverOpen: true, paperOut: false });
});

(hasSocat ? test : test.skip)('over a pseudo-terminal: a receipt in Windows-1250, then a power loss with the port gone and back', async () => {
  const printer = new PosnetPrinterEmulator();
  const host = await PtyHost.start(printer);
  const driver = new PosnetDriver({ transport: { kind: 'serial', path: host.hostPath, baudRate: 115200 }, timeoutMs: 800 });
  stops.push(() => host.stop(), () => driver.close());
  await driver.open();
  const plan = await planFor(driver);
  await printWithRecovery(driver, plan, memoryJournal());
  expect(printer.printed[0]!.lines.map((l) => l.name)).toEqual(['Kawa ziarnista 1 kg', 'Chleb żytni', 'Książka']);
  printer.faults.powerLoss = { command: 'trline', nth: 5, downMs: 200 };
  const printed = await printWithRecovery(driver, plan, memoryJournal(), { reconnectDelayMs: 100, attempts: 8 });
  expect(printed.recovered).toBe(true);
  expect(printer.printed).toHaveLength(2);
});

const invoice: Receipt = {
  lines: [
    { name: 'Kawa ziarnista 1 kg', quantity: 2, unitPrice: 5999, vatRate: 23 },
    { name: 'Chleb żytni', quantity: 1, unitPrice: 799, vatRate: 5 },
  ],
  payments: [{ form: 'transfer', amount: 12797 }],
  invoice: { number: 'FV/7/2026', buyerName: 'Piekarnia Łącka Sp. z o.o.', buyerNip: '5260001246', buyerAddress: 'ul. Polna 1\n00-001 Warszawa' },
};

test('a VAT invoice: trfvinit, buyer and number, lines, trend without payment forms; counted as an invoice, not a receipt', async () => {
  const { printer, driver } = await tcpRig();
  const printed = await printWithRecovery(driver, await planFor(driver, invoice), memoryJournal());
  expect(printed).toMatchObject({ receiptNumber: 1, uniqueNumber: 'ABC12345678', total: 12797 });
  expect(printer.printed).toHaveLength(0);
  expect(printer.invoices).toEqual([
    {
      count: 1,
      number: 'FV/7/2026',
      buyer: { name: 'Piekarnia Łącka Sp. z o.o.', nip: '5260001246', address: 'ul. Polna 1\n00-001 Warszawa' },
      lines: [
        { name: 'Kawa ziarnista 1 kg', vt: 0, amount: 11998 },
        { name: 'Chleb żytni', vt: 2, amount: 799 },
      ],
      total: 12797,
    },
  ]);
  expect(printer.commands).not.toContain('trpayment');
  expect(printer.commands.slice(printer.commands.indexOf('trfvinit'), printer.commands.indexOf('trfvinit') + 3)).toEqual(['trfvinit', 'trfvbuyer', 'trfvnumber']);
  // The invoice limits are checked before anything is sent.
  const tooLong = planReceipt({ ...invoice, lines: Array.from({ length: 121 }, () => invoice.lines[0]!) }, await driver.vatRates());
  expect((tooLong as FiscalError).info.detail).toContain('120 lines per invoice');
  expect((planReceipt({ ...invoice, invoice: { ...invoice.invoice!, buyerNip: ' ' } }, await driver.vatRates()) as FiscalError).info.detail).toContain('NIP');
});

test('an invoice with power lost after its trend (rpt memory gone): the invoice counter decides, printed once', async () => {
  const { printer, driver } = await tcpRig();
  printer.faults.powerLoss = { command: 'trend', nth: 1, downMs: 100 };
  const journal = memoryJournal();
  const printed = await printWithRecovery(driver, await planFor(driver, invoice), journal, { reconnectDelayMs: 50 });
  expect(printed).toMatchObject({ recovered: true, receiptNumber: 1 });
  expect(printer.invoices).toHaveLength(1);
  expect(printer.printed).toHaveLength(0);
});

test('an invoice with the link dropped after a line: cancelled and printed whole, once', async () => {
  const { printer, driver } = await tcpRig();
  printer.faults.dropLink = { command: 'trline', nth: 1, when: 'after', downMs: 100 };
  await printWithRecovery(driver, await planFor(driver, invoice), memoryJournal(), { reconnectDelayMs: 50 });
  expect(printer.invoices).toHaveLength(1);
  expect(printer.invoices[0]!.lines).toHaveLength(2);
  expect(printer.cancelled).toBe(1);
});
