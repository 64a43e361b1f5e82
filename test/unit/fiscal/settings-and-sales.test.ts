// The connector's pure parts: printers from the settings (transport, defaults, refusals) and a
// sale record turned into a receipt, with a JSON pointer for each bad value.
import { printersOf, printersToServe } from '../../../connectors/fiscal/printers.ts';
import { receiptFromSale } from '../../../connectors/fiscal/sales.ts';

test('printers from the settings: serial and TCP, per-protocol defaults, unusable ones named', () => {
  const { printers, problems } = printersOf({
    printers: [
      { id: 'till-1', protocol: 'posnet', transport: 'tcp', host: '10.0.0.5', port: 6666, vatSlots: { A: 23 } },
      { id: 'till-2', protocol: 'thermal', transport: 'serial', path: '/dev/ttyUSB0' },
      { id: 'till-3', protocol: 'posnet', transport: 'serial', path: '/dev/ttyS0', encoding: 'cp852', timeoutSeconds: 2 },
      { id: 'bad-1', protocol: 'posnet', transport: 'tcp', host: '10.0.0.6' },
      { id: 'bad-2', protocol: 'thermal', transport: 'tcp', host: '10.0.0.7', port: 1 },
      { id: 'bad-3', protocol: 'posnet', transport: 'serial' },
    ],
  });
  expect(printers.map((p) => [p.id, p.transport, p.encoding, p.timeoutMs])).toEqual([
    ['till-1', { kind: 'tcp', host: '10.0.0.5', port: 6666 }, 'windows-1250', 3000],
    ['till-2', { kind: 'serial', path: '/dev/ttyUSB0', baudRate: 9600 }, 'mazovia', 3000],
    ['till-3', { kind: 'serial', path: '/dev/ttyS0', baudRate: 115200 }, 'cp852', 2000],
  ]);
  expect(printers[0]!.vatSlots).toEqual({ A: 23 });
  expect(problems).toEqual([
    'printer bad-1: TCP needs host and port',
    'printer bad-2: the Thermal protocol runs over a serial port only',
    'printer bad-3: a serial printer needs its port path',
  ]);
});

test('a sale becomes a receipt in grosze, "zw" is exempt, the NIP and number go along', () => {
  const result = receiptFromSale({
    number: 'PA/7/2026',
    buyer_nip: ' 5260001246 ',
    lines: [
      { name: 'Kawa', quantity: 2, price: 59.99, vat_rate: 23 },
      { name: 'Książka', quantity: '1', price: '39,90', vat_rate: 'zw', discount: 5 },
    ],
    payments: [{ form: 'card', amount: 100 }, { form: 'cash', amount: 54.88 }],
  });
  expect(result).toEqual({
    receipt: {
      lines: [
        { name: 'Kawa', quantity: 2, unitPrice: 5999, vatRate: 23 },
        { name: 'Książka', quantity: 1, unitPrice: 3990, vatRate: 'exempt', discount: 500 },
      ],
      payments: [{ form: 'card', amount: 10000 }, { form: 'cash', amount: 5488 }],
      buyerNip: '5260001246',
      reference: 'PA/7/2026',
    },
  });
});

test('every bad value of a sale is named by its pointer', () => {
  expect(receiptFromSale({ lines: [{ name: ' ', quantity: 0, price: -1, vat_rate: 120, discount: -2 }], payments: [{ form: 'bitcoin', amount: 1 }, { form: 'cash', amount: 0 }] })).toEqual({
    problems: [
      { pointer: '/lines/0/name', detail: 'is required' },
      { pointer: '/lines/0/quantity', detail: 'must be a positive number' },
      { pointer: '/lines/0/price', detail: 'must be a positive amount' },
      { pointer: '/lines/0/vat_rate', detail: 'must be a rate in percent or "zw"' },
      { pointer: '/lines/0/discount', detail: 'must be a non-negative amount' },
      { pointer: '/payments/0/form', detail: 'must be one of cash, card, cheque, voucher, credit, transfer, other' },
      { pointer: '/payments/1/amount', detail: 'must be a positive amount' },
    ],
  });
  expect(receiptFromSale({})).toEqual({ problems: [{ pointer: '/lines', detail: 'a sale needs at least one line' }, { pointer: '/payments', detail: 'a sale needs a payment' }] });
});

test('a printer attached to a till PC is served by its agent only, on the agent’s device', () => {
  const { printers, problems } = printersOf({
    printers: [
      { id: 'server-side', protocol: 'posnet', transport: 'tcp', host: '10.0.0.5', port: 6666 },
      { id: 'till-7', protocol: 'thermal', transport: 'serial', agent: true },
    ],
  });
  expect(problems).toEqual([]);
  expect(printersToServe(printers, null).map((p) => p.id)).toEqual(['server-side']);
  expect(printersToServe(printers, { printer: 'till-7', device: '/dev/ttyUSB0' })).toEqual([expect.objectContaining({ id: 'till-7', transport: { kind: 'serial', path: '/dev/ttyUSB0', baudRate: 9600 } })]);
  expect(printersToServe(printers, { printer: 'server-side', device: '127.0.0.1:9100' })[0]!.transport).toEqual({ kind: 'tcp', host: '127.0.0.1', port: 9100 });
  expect(printersToServe(printers, { printer: 'nope', device: '/dev/ttyS0' })).toEqual([]);
});
